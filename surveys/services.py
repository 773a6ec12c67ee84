"""Every write on surveys and reviews."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Client
from surveys.models import Survey, SurveyKind, SurveySource, rating_scale

REVIEW_KINDS = (SurveyKind.QUESTION, SurveyKind.COMPLAINT, SurveyKind.SUGGESTION, SurveyKind.THANKS)
REVIEW_TEXT_MAX_LENGTH = 4000


class SurveyError(Exception):
    """A survey or review was refused; the message says why, for the person who wrote it."""


def submit_review(
    *,
    client: Client,
    kind: str,
    text: str,
    suggestions: str = "",
    rating: int,
    source: str = SurveySource.WEBSITE,
) -> Survey:
    """A customer's review (question, complaint, suggestion or thanks) with a rating from 1 to 5."""
    text, suggestions = text.strip(), suggestions.strip()
    if kind not in REVIEW_KINDS:
        raise SurveyError(_("Choose what kind of review this is."))
    if not text:
        raise SurveyError(_("Write the text of your review."))
    if len(text) > REVIEW_TEXT_MAX_LENGTH or len(suggestions) > REVIEW_TEXT_MAX_LENGTH:
        raise SurveyError(_("A review can be at most %(limit)d characters long.") % {"limit": REVIEW_TEXT_MAX_LENGTH})
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise SurveyError(_("Rate us from 1 to 5."))
    if source not in SurveySource.values:
        raise SurveyError(_("Unknown source of the review."))
    with transaction.atomic():
        return Survey.objects.create(
            client=client, kind=kind, text=text, suggestions=suggestions, rating=rating, source=source
        )


class InvalidSurvey(SurveyError):
    """A product manager's survey was refused; ``errors`` says what is wrong with each field."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(" ".join(errors.values()))


# What a product manager may record on a client's behalf: a phone call, or a form filled in at the desk.
ON_BEHALF_SOURCES = (SurveySource.PHONE, SurveySource.DESKTOP)
ON_BEHALF_KINDS = (*REVIEW_KINDS, SurveyKind.NPS, SurveyKind.CSAT)


def record_survey_on_behalf(
    *,
    client_id: int | None = None,
    client_email: str = "",
    kind: str,
    rating: int,
    text: str = "",
    suggestions: str = "",
    source: str = SurveySource.PHONE,
    taken_on: dt.date | None = None,
) -> Survey:
    """A survey a product manager takes down for a client, who is found by id or by e-mail (as in a phone call).

    ``taken_on`` is the day the client answered (the bank's local day, not in the future): a survey written down
    later keeps its own day, at noon; without it, or for today, the survey is dated now."""
    errors: dict[str, str] = {}
    text, suggestions, client_email = text.strip(), suggestions.strip(), client_email.strip()
    client = None
    if client_id is None and not client_email:
        errors["client"] = _("Say which client answered: their number or e-mail.")
    else:
        clients = Client.objects.filter(pk=client_id) if client_id is not None else Client.objects.none()
        if client_email:
            clients = clients | Client.objects.filter(email__iexact=client_email)
        found = list(clients[:2])
        if not found:
            errors["client"] = _("There is no client with this number or e-mail.")
        elif len(found) > 1:
            errors["client"] = _("The number and the e-mail belong to two different clients.")
        else:
            client = found[0]
    if kind not in ON_BEHALF_KINDS:
        errors["kind"] = _("Choose the kind of request: question, complaint, suggestion, thanks, NPS or CSAT.")
    scale = rating_scale(kind)
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in scale:
        errors["rating"] = _("The rating is a whole number from %(lowest)d to %(highest)d.") % {
            "lowest": scale[0],
            "highest": scale[-1],
        }
    if len(text) > REVIEW_TEXT_MAX_LENGTH:
        errors["text"] = _("The text can be at most %(limit)d characters long.") % {"limit": REVIEW_TEXT_MAX_LENGTH}
    if len(suggestions) > REVIEW_TEXT_MAX_LENGTH:
        errors["suggestions"] = _("The suggestions can be at most %(limit)d characters long.") % {
            "limit": REVIEW_TEXT_MAX_LENGTH
        }
    if source not in ON_BEHALF_SOURCES:
        errors["source"] = _("A survey taken down for a client comes from a phone call or the desktop program.")
    today = timezone.localdate()
    if taken_on is not None and taken_on > today:
        errors["taken_on"] = _("The survey's date cannot be in the future.")
    if errors or client is None:
        raise InvalidSurvey(errors)
    created_at = timezone.now()
    if taken_on is not None and taken_on != today:
        created_at = dt.datetime.combine(taken_on, dt.time(12), tzinfo=timezone.get_current_timezone())
    with transaction.atomic():
        return Survey.objects.create(
            client=client,
            kind=kind,
            text=text,
            suggestions=suggestions,
            rating=rating,
            source=source,
            created_at=created_at,
        )
