"""Consent to advertising and the do-not-call list: given, withdrawn, checked; every change audited.

Federal Law 38-FZ "On Advertising", art. 18: advertising by telephone, SMS or e-mail only with the person's
prior consent, which they may withdraw at any time (an agent during a call, the customer on the website,
an unsubscribe link). The do-not-call list is one for the whole bank: a number on it is called in no
campaign and gets no message.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Account, Client
from audit.models import AuditAction
from audit.services import record_event
from campaigns.models import (
    OPEN_STATES,
    PHONE_CHANNELS,
    CampaignLead,
    Consent,
    ConsentSource,
    ContactChannel,
    DoNotCall,
    DoNotCallSource,
    LeadState,
)
from campaigns.services.errors import CampaignError
from core.phones import InvalidPhone, format_phone, parse_phone

MAX_EVIDENCE_LENGTH = 500


class ConsentError(CampaignError):
    pass


def normalized_address(*, channel: str, address: str) -> str:
    """The address as a consent keeps it: a phone in E.164 for calls and SMS, a lower-case e-mail for e-mail."""
    if channel not in ContactChannel.values:
        raise ConsentError(gettext("Choose calls, SMS or e-mail."))
    address = (address or "").strip()
    if channel in PHONE_CHANNELS:
        try:
            return parse_phone(address)
        except InvalidPhone as error:
            raise ConsentError(str(error)) from None
    try:
        validate_email(address)
    except ValidationError:
        raise ConsentError(gettext("“%(email)s” is not an e-mail address.") % {"email": address}) from None
    return address.lower()


def _locked(channel: str, address: str) -> Consent | None:
    return Consent.objects.select_for_update().filter(channel=channel, address=address).first()


def grant_consent(
    *,
    channel: str,
    address: str,
    source: str,
    evidence: str,
    client: Client | None = None,
    actor: Account | None = None,
    now: datetime | None = None,
) -> Consent:
    """Record the person's consent to advertising on a channel; giving it again after a withdrawal renews it."""
    address = normalized_address(channel=channel, address=address)
    evidence = (evidence or "").strip()
    if source not in ConsentSource.values or source == ConsentSource.UNSUBSCRIBE_LINK:
        raise ConsentError(gettext("Say where the consent was given."))
    if not evidence:
        raise ConsentError(gettext("Say what proves the consent (a form number, a call recording, a web page)."))
    if len(evidence) > MAX_EVIDENCE_LENGTH:
        raise ConsentError(
            gettext("The evidence is longer than %(limit)s characters.") % {"limit": MAX_EVIDENCE_LENGTH}
        )
    now = now or timezone.now()
    with transaction.atomic():
        consent = _locked(channel, address)
        if consent is None:
            consent = Consent(channel=channel, address=address)
        elif consent.active:
            return consent  # given already: the first evidence stands
        consent.client = client or consent.client
        consent.granted_at, consent.source, consent.evidence = now, source, evidence
        consent.withdrawn_at, consent.withdrawal_source = None, ""
        consent.recorded_by = actor
        try:
            with transaction.atomic():
                consent.save()
        except IntegrityError:
            raise ConsentError(gettext("The consent was changed at the same moment; try again.")) from None
        record_event(
            actor=actor,
            action=AuditAction.CONSENT_GIVEN,
            target=consent,
            summary=f"{consent} ({source}): {evidence}"[:500],
        )
    return consent


def withdraw_consent(
    *,
    channel: str,
    address: str,
    source: str,
    client: Client | None = None,
    actor: Account | None = None,
    now: datetime | None = None,
) -> Consent:
    """The person withdraws consent on a channel (or refuses it before giving any); twice changes nothing."""
    address = normalized_address(channel=channel, address=address)
    if source not in ConsentSource.values:
        raise ConsentError(gettext("Say how the consent was withdrawn."))
    now = now or timezone.now()
    with transaction.atomic():
        consent = _locked(channel, address)
        if consent is not None and consent.withdrawn_at is not None:
            return consent
        if consent is None:
            consent = Consent(channel=channel, address=address, client=client)
        consent.withdrawn_at, consent.withdrawal_source = now, source
        consent.recorded_by = actor
        try:
            with transaction.atomic():
                consent.save()
        except IntegrityError:
            raise ConsentError(gettext("The consent was changed at the same moment; try again.")) from None
        record_event(actor=actor, action=AuditAction.CONSENT_WITHDRAWN, target=consent, summary=f"{consent} ({source})")
    return consent


def withdraw_during_call(*, agent: Account, campaign_lead: CampaignLead) -> list[Consent]:
    """The person on the phone withdraws consent: calls and SMS to their number, e-mail to their address.

    Only the agent who holds the lead may record it; the lead stays with the agent to finish the call.
    """
    if campaign_lead.held_by_id != agent.pk:
        raise ConsentError(gettext("You can record this only for the lead you are calling."))
    lead = campaign_lead.lead
    withdrawn = [
        withdraw_consent(
            channel=channel, address=lead.phone, source=ConsentSource.CALL, client=lead.client, actor=agent
        )
        for channel in PHONE_CHANNELS
    ]
    if lead.email:
        withdrawn.append(
            withdraw_consent(
                channel=ContactChannel.EMAIL,
                address=lead.email,
                source=ConsentSource.CALL,
                client=lead.client,
                actor=agent,
            )
        )
    return withdrawn


def set_customer_consents(*, client: Client, account: Account, wanted: Iterable[str], evidence: str) -> list[Consent]:
    """The customer's choice on the website: consent given for the channels in ``wanted``, withdrawn for the rest.

    Calls and SMS go to the client's phone, e-mail to their address; a channel without an address is skipped.
    """
    wanted = set(wanted)
    if wanted - set(ContactChannel.values):
        raise ConsentError(gettext("Choose calls, SMS or e-mail."))
    changed = []
    with transaction.atomic():
        for channel in ContactChannel.values:
            address = client.phone if channel in PHONE_CHANNELS else client.email
            if not address:
                continue
            current = Consent.objects.filter(channel=channel, address=_quiet_address(channel, address)).first()
            if channel in wanted and not (current and current.active):
                changed.append(
                    grant_consent(
                        channel=channel,
                        address=address,
                        source=ConsentSource.WEBSITE,
                        evidence=evidence,
                        client=client,
                        actor=account,
                    )
                )
            elif channel not in wanted and current is not None and current.active:
                changed.append(
                    withdraw_consent(
                        channel=channel, address=address, source=ConsentSource.WEBSITE, client=client, actor=account
                    )
                )
    return changed


def _quiet_address(channel: str, address: str) -> str:
    try:
        return normalized_address(channel=channel, address=address)
    except ConsentError:
        return address


def add_to_do_not_call(
    *, phone: str, source: str, reason: str = "", actor: Account | None = None, now: datetime | None = None
) -> DoNotCall:
    """Put a number on the do-not-call list: no campaign calls it again, no message goes to it.

    Every waiting lead with that number, in any campaign, is closed as "do not call" at once; adding a
    number twice changes nothing.
    """
    try:
        phone = parse_phone(phone)
    except InvalidPhone as error:
        raise ConsentError(str(error)) from None
    if source not in DoNotCallSource.values:
        raise ConsentError(gettext("Say how the person asked not to be called."))
    reason = (reason or "").strip()[:200]
    now = now or timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                entry, created = DoNotCall.objects.get_or_create(
                    phone=phone, defaults={"source": source, "reason": reason, "added_by": actor}
                )
        except IntegrityError:  # added by someone else at the same moment
            return DoNotCall.objects.get(phone=phone)
        if created:
            CampaignLead.objects.filter(lead__phone=phone, state__in=OPEN_STATES).update(
                state=LeadState.DO_NOT_CALL, callback_at=None, updated_at=now
            )
            record_event(
                actor=actor,
                action=AuditAction.DO_NOT_CALL,
                target=entry,
                summary=f"{format_phone(phone)} ({source})" + (f": {reason}" if reason else ""),
            )
    return entry
