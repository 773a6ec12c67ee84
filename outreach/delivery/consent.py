"""Whether a recipient agreed to hear from the bank, and the signed link that lets them say no."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext

from campaigns.models import CampaignLead, LeadState
from outreach.models import Message, OptOut

_SALT = "outreach.unsubscribe"


def refusal(message: Message) -> str:
    """Why this message must not go to its recipient, or "" when it may."""
    lead_ids = [message.lead_id] if message.lead_id else []
    if message.client_id:
        lead_ids += list(message.client.leads.values_list("pk", flat=True))
    if lead_ids and CampaignLead.objects.filter(lead_id__in=lead_ids, state=LeadState.DO_NOT_CALL).exists():
        return gettext("The recipient asked not to be contacted (do-not-call list).")
    opted_out = OptOut.objects.filter(client_id=message.client_id) if message.client_id else OptOut.objects.none()
    if lead_ids:
        opted_out = opted_out | OptOut.objects.filter(lead_id__in=lead_ids)
    if opted_out.exists():
        return gettext("The recipient unsubscribed from the bank's messages.")
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
