"""A converted lead becomes exactly one client: its own, one found by e-mail or phone, or a new one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Client, Sex
from campaigns.models import Lead
from campaigns.services.errors import CallQueueError


@dataclass(frozen=True)
class NewClientDetails:
    """What a lead lacks to become a client; needed only when no client has the lead's e-mail or phone."""

    email: str = ""
    sex: str = ""
    birth_date: date | None = None


MIN_CLIENT_AGE_YEARS = 14  # a Russian passport, and so a bank account, from 14


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def client_for(lead: Lead, details: NewClientDetails | None) -> Client:
    """The one client a converted lead becomes: the lead's own, one with its e-mail or phone, or a new one."""
    if lead.client is not None:
        return lead.client
    details = details or NewClientDetails()
    email = (details.email or lead.email).strip().lower()
    existing = None
    if email:
        existing = Client.objects.filter(email__iexact=email).first()
    if existing is None:
        existing = Client.objects.filter(phone=lead.phone).order_by("pk").first()
    if existing is not None:
        return existing
    problems = []
    if not email:
        problems.append(gettext("the e-mail"))
    if details.sex not in Sex.values:
        problems.append(gettext("the sex"))
    birth_date = details.birth_date
    if birth_date is None:
        problems.append(gettext("the date of birth"))
    if problems or birth_date is None:
        raise CallQueueError(
            gettext("To make %(lead)s a client, enter %(missing)s.") % {"lead": lead, "missing": ", ".join(problems)}
        )
    try:
        validate_email(email)
    except ValidationError:
        raise CallQueueError(gettext("“%(email)s” is not an e-mail address.") % {"email": email}) from None
    if birth_date > _years_ago(timezone.localdate(), MIN_CLIENT_AGE_YEARS):
        raise CallQueueError(
            gettext("A client must be at least %(years)s years old; check the date of birth.")
            % {"years": MIN_CLIENT_AGE_YEARS}
        )
    try:
        with transaction.atomic():
            return Client.objects.create(
                surname=lead.surname,
                name=lead.name,
                patronymic=lead.patronymic,
                phone=lead.phone,
                email=email,
                sex=details.sex,
                birth_date=birth_date,
            )
    except IntegrityError:
        raise CallQueueError(
            gettext("A client with the e-mail %(email)s was added at the same moment; record the outcome again.")
            % {"email": email}
        ) from None
