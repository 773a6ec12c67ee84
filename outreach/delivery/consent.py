"""Whether a recipient agreed to hear from the bank, and the signed link that lets them say no.

Before any message goes out: a number on the bank's do-not-call list gets nothing; a recipient who
unsubscribed gets nothing; a message of an advertising campaign goes only where the person consented
to advertising on that channel (Federal Law 38-FZ, art. 18; the registry is campaigns' ``Consent``).
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext

from campaigns.models import CampaignLead, Consent, ContactChannel, DoNotCall, LeadState
from outreach.models import DeliveryChannel, Message, OptOut

_SALT = "outreach.unsubscribe"


def _channel_and_address(message: Message) -> tuple[str, str]:
    """Where the outbox sends a message: e-mail when the recipient has an address, otherwise SMS."""
    recipient = message.client or message.lead
    if recipient is None:
        return "", ""
    if recipient.email:
        return DeliveryChannel.EMAIL, recipient.email.lower()
    return DeliveryChannel.SMS, recipient.phone


def refusal(message: Message, *, channel: str = "", address: str = "") -> str:
    """Why this message must not go to its recipient (by ``channel`` to ``address``: by default where the outbox
    sends it), or "" when it may."""
    if not channel:
        channel, address = _channel_and_address(message)
    lead_ids = [message.lead_id] if message.lead_id else []
    phones = {message.lead.phone} if message.lead_id else set()
    if message.client_id:
        leads = list(message.client.leads.values_list("pk", "phone"))
        lead_ids += [pk for pk, _phone in leads]
        phones |= {phone for _pk, phone in leads} | ({message.client.phone} - {""})
    if phones and DoNotCall.objects.filter(phone__in=phones).exists():
        return gettext("The recipient asked not to be contacted (do-not-call list).")
    if lead_ids and CampaignLead.objects.filter(lead_id__in=lead_ids, state=LeadState.DO_NOT_CALL).exists():
        return gettext("The recipient asked not to be contacted (do-not-call list).")
    opted_out = OptOut.objects.filter(client_id=message.client_id) if message.client_id else OptOut.objects.none()
    if lead_ids:
        opted_out = opted_out | OptOut.objects.filter(lead_id__in=lead_ids)
    if opted_out.exists():
        return gettext("The recipient unsubscribed from the bank's messages.")
    if message.campaign_id and message.campaign.advertising and address:
        wanted = ContactChannel.EMAIL if channel == DeliveryChannel.EMAIL else ContactChannel.SMS
        consented = Consent.objects.filter(
            channel=wanted, address=address, granted_at__isnull=False, withdrawn_at__isnull=True
        )
        if not consented.exists():
            return gettext("The recipient has not consented to advertising by %(channel)s.") % {
                "channel": ContactChannel(wanted).label
            }
    return ""


def unsubscribe_token(message: Message) -> str:
    """A token naming the recipient, signed with the secret key: only the bank can make one."""
    who = {"client": message.client_id} if message.client_id else {"lead": message.lead_id}
    return signing.dumps(who, salt=_SALT, compress=True)


def read_unsubscribe_token(token: str) -> dict[str, int]:
    """The recipient a token names; raises ``signing.BadSignature`` for a token the bank did not make."""
    who = signing.loads(token, salt=_SALT)
    if not isinstance(who, dict) or len(who) != 1 or not set(who) <= {"client", "lead"}:
        raise signing.BadSignature("not an unsubscribe token")
    return who


def unsubscribe_url(message: Message) -> str:
    return settings.SITE_URL + reverse("unsubscribe", kwargs={"token": unsubscribe_token(message)})
