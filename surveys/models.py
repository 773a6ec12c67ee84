"""A client's survey answer or review, from the website, a phone call, the chat or the desktop program."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Client


class SurveyKind(models.TextChoices):
    QUESTION = "question", _("question")
    COMPLAINT = "complaint", _("complaint")
    SUGGESTION = "suggestion", _("suggestion")
    THANKS = "thanks", _("thanks")
    CHAT_RATING = "chat_rating", _("chat rating")
    NPS = "nps", _("NPS (0–10)")
    CSAT = "csat", _("CSAT (1–5)")


# The scale of each kind's rating: NPS asks "how likely are you to recommend us" from 0 to 10, every other kind
# rates from 1 to 5. The database enforces it (CHECK survey_rating_in_kind_range).
NPS_SCALE = range(0, 11)
FIVE_POINT_SCALE = range(1, 6)


def rating_scale(kind: str) -> range:
    return NPS_SCALE if kind == SurveyKind.NPS else FIVE_POINT_SCALE


class SurveySource(models.TextChoices):
    WEBSITE = "website", _("website")
    PHONE = "phone", _("phone call")
    CHAT = "chat", _("chat")
    DESKTOP = "desktop", _("product manager")


class Survey(models.Model):
    Kind = SurveyKind
    Source = SurveySource

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="surveys")
    kind = models.CharField(_("kind of request"), max_length=12, choices=SurveyKind.choices)
    text = models.TextField(_("text"), blank=True)
    suggestions = models.TextField(_("suggestions for improvement"), blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"))
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    source = models.CharField(_("source"), max_length=10, choices=SurveySource.choices, default=SurveySource.WEBSITE)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "created_at"], name="survey_kind_time")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=SurveyKind.NPS, rating__gte=NPS_SCALE[0], rating__lte=NPS_SCALE[-1])
                | (~Q(kind=SurveyKind.NPS) & Q(rating__gte=FIVE_POINT_SCALE[0], rating__lte=FIVE_POINT_SCALE[-1])),
                name="survey_rating_in_kind_range",
            ),
            models.CheckConstraint(condition=Q(kind__in=SurveyKind.values), name="survey_kind_valid"),
            models.CheckConstraint(condition=Q(source__in=SurveySource.values), name="survey_source_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.rating}/{rating_scale(self.kind)[-1]} · {self.client}"
