"""Whether a recipient agreed to hear from the bank, and the signed link that lets them say no.

Before any message goes out: a number on the bank's do-not-call list gets nothing; a recipient who
unsubscribed gets nothing; a message of an advertising campaign goes only where the person consented
to advertising on that channel (Federal Law 38-FZ, art. 18; the registry is campaigns' ``Consent``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext

from campaigns.models import CampaignLead, Consent, ContactChannel, DoNotCall, Lead, LeadState
from outreach.models import DeliveryChannel, Message, OptOut

_SALT = "outreach.unsubscribe"
_DROPPED = CampaignLead.objects.filter(state=LeadState.DO_NOT_CALL)
_CONSENTED = Consent.objects.filter(granted_at__isnull=False, withdrawn_at__isnull=True)


def _channel_and_address(message: Message) -> tuple[str, str]:
    """Where the outbox sends a message: e-mail when the recipient has an address, otherwise SMS."""
    recipient = message.client or message.lead
    if recipient is None:
        return "", ""
    if recipient.email:
        return DeliveryChannel.EMAIL, recipient.email.lower()
    return DeliveryChannel.SMS, recipient.phone


def refusal(message: Message) -> str:
    """Why this message must not go to its recipient (where the outbox sends it), or "" when it may."""
    return refusals([message]).get(message.pk, "")


def refusals(messages: Iterable[Message]) -> dict[int, str]:
    """Why each of these messages must not go, by message id (those that may go are left out). The outbox asks
    for a whole batch: one read per registry, not one per message."""
    messages = list(messages)
    client_ids = {message.client_id for message in messages if message.client_id}
    leads_of: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, phone, client_id in _having(Lead.objects.values_list("pk", "phone", "client"), "client", client_ids):
        leads_of[client_id].append((pk, phone))
    people = {message.pk: _person(message, leads_of) for message in messages}
    lead_ids = set().union(*(lead_ids for lead_ids, _phones in people.values()))
    phones = set().union(*(phones for _lead_ids, phones in people.values()))
    listed = set(_having(DoNotCall.objects.values_list("phone", flat=True), "phone", phones))
    dropped = set(_having(_DROPPED.values_list("lead_id", flat=True), "lead_id", lead_ids))
    opted_clients = set(_having(OptOut.objects.values_list("client_id", flat=True), "client_id", client_ids))
    opted_leads = set(_having(OptOut.objects.values_list("lead_id", flat=True), "lead_id", lead_ids))
    wanted = {message.pk: _advertised_to(message) for message in messages}
    consented = set(
        _having(_CONSENTED.values_list("channel", "address"), "address", {address for _, address in wanted.values()})
    )
    reasons = {}
    for message in messages:
        lead_ids_of, phones_of = people[message.pk]
        if phones_of & listed or lead_ids_of & dropped:
            reasons[message.pk] = gettext("The recipient asked not to be contacted (do-not-call list).")
        elif message.client_id in opted_clients or lead_ids_of & opted_leads:
            reasons[message.pk] = gettext("The recipient unsubscribed from the bank's messages.")
        elif wanted[message.pk][1] and wanted[message.pk] not in consented:
            reasons[message.pk] = gettext("The recipient has not consented to advertising by %(channel)s.") % {
                "channel": ContactChannel(wanted[message.pk][0]).label
            }
    return reasons


def _having(rows: QuerySet, field: str, values: set) -> QuerySet | list:
    """The rows whose ``field`` is one of ``values``; no query when there are none."""
    return rows.filter(**{f"{field}__in": values - {"", None}}) if values - {"", None} else []


def _person(message: Message, leads_of: dict[int, list[tuple[int, str]]]) -> tuple[set[int], set[str]]:
    """The recipient's lead ids and phone numbers: the lead written to, or the client and every lead that became
    them."""
    lead_ids, phones = ({message.lead.pk}, {message.lead.phone}) if message.lead else (set(), set())
    if message.client:
        leads = leads_of.get(message.client.pk, [])
        lead_ids |= {pk for pk, _phone in leads}
        phones |= {phone for _pk, phone in leads} | ({message.client.phone} - {""})
    return lead_ids, phones


def _advertised_to(message: Message) -> tuple[str, str]:
    """(consent channel, address) an advertising message needs consent for; ("", "") for any other message."""
    if message.campaign is None or not message.campaign.advertising:
        return "", ""
    channel, address = _channel_and_address(message)
    if not address:
        return "", ""
    return (ContactChannel.EMAIL if channel == DeliveryChannel.EMAIL else ContactChannel.SMS), address


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
