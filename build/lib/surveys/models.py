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
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="survey_rating_1_to_5"),
            models.CheckConstraint(condition=Q(kind__in=SurveyKind.values), name="survey_kind_valid"),
            models.CheckConstraint(condition=Q(source__in=SurveySource.values), name="survey_source_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.rating}/5 · {self.client}"
