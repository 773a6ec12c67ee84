"""The calls made to leads: outcomes (dispositions), holidays without calls, the call log, agents' states."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from campaigns.models.campaigns import Campaign, CampaignLead, LeadState


class CallOutcome(models.TextChoices):
    """What an agent may record after a call: the states a call can leave a lead in."""

    CALLBACK = LeadState.CALLBACK.value, LeadState.CALLBACK.label
    INTERESTED = LeadState.INTERESTED.value, LeadState.INTERESTED.label
    NOT_INTERESTED = LeadState.NOT_INTERESTED.value, LeadState.NOT_INTERESTED.label
    CONVERTED = LeadState.CONVERTED.value, LeadState.CONVERTED.label
    DO_NOT_CALL = LeadState.DO_NOT_CALL.value, LeadState.DO_NOT_CALL.label
    RECYCLE = LeadState.RECYCLE.value, LeadState.RECYCLE.label
    WRONG_NUMBER = LeadState.WRONG_NUMBER.value, LeadState.WRONG_NUMBER.label
    UNREACHABLE = LeadState.UNREACHABLE.value, LeadState.UNREACHABLE.label


class Disposition(models.Model):
    """An outcome an agent may record for a call: a system one (no campaign) or one of a campaign.

    It says whether the call reached the person, which state it leaves the lead in (a final one, a
    call-back at a time the agent gives, or "to call again" after ``recycle_after``) and after how many
    calls to a lead in a campaign an unanswered lead is closed as unreachable.
    """

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dispositions",
        help_text=_("Empty for the outcomes every campaign has."),
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    lead_state = models.CharField(_("leaves the lead"), max_length=15, choices=CallOutcome.choices)
    reached = models.BooleanField(_("reached the person"), default=False)
    recycle_after = models.DurationField(
        _("call again after"), null=True, blank=True, help_text=_("Only for “to call again”, e.g. 02:00:00.")
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum calls"),
        null=True,
        blank=True,
        help_text=_("Only for “to call again”: after this many calls the lead is closed as unreachable."),
    )
    hotkey = models.CharField(_("hotkey"), max_length=1, blank=True)
    position = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("call outcome")
        verbose_name_plural = _("call outcomes")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "code"],
                condition=Q(campaign__isnull=False),
                name="disposition_code_unique_in_campaign",
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(campaign__isnull=True), name="disposition_system_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(lead_state__in=CallOutcome.values) & ~Q(lead_state="unreachable"),
                name="disposition_lead_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(lead_state="recycle", recycle_after__isnull=False, max_attempts__gte=1)
                | (~Q(lead_state="recycle") & Q(recycle_after__isnull=True, max_attempts__isnull=True)),
                name="disposition_recycle_rule",
                violation_error_message=_("“To call again” needs a delay and a maximum of calls; others have neither."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name to show: a system outcome's in the reader's language, a campaign's own as written."""
        return pgettext("call outcome", self.name) if self.campaign_id is None else self.name

    @property
    def is_final(self) -> bool:
        return self.lead_state not in (LeadState.CALLBACK, LeadState.RECYCLE)


class CallingHoliday(models.Model):
    """A day on which a campaign calls nobody (a public holiday), wherever the lead lives."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="holidays"
    )
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["campaign", "day"], name="calling_holiday_unique")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}"


class CallAttempt(models.Model):
    """One call an agent made to a campaign lead and what came of it: the call log behind the results."""

    Outcome = CallOutcome

    campaign_lead = models.ForeignKey(
        CampaignLead, verbose_name=_("campaign lead"), on_delete=models.CASCADE, related_name="call_attempts"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.PROTECT, related_name="call_attempts"
    )
    outcome = models.CharField(_("outcome"), max_length=15, choices=Outcome.choices)
    disposition = models.ForeignKey(
        Disposition,
        verbose_name=_("recorded as"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_attempts",
    )
    note = models.TextField(_("note"), blank=True)
    callback_at = models.DateTimeField(_("call back at"), null=True, blank=True)
    called_at = models.DateTimeField(_("called"), auto_now_add=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-called_at", "-id"]
        indexes = [models.Index(fields=["campaign_lead", "called_at"], name="call_attempt_lead_time")]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=CallOutcome.values), name="call_attempt_outcome_valid"),
            models.CheckConstraint(
                condition=~Q(outcome="callback") | Q(callback_at__isnull=False), name="call_attempt_callback_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_lead} — {self.get_outcome_display()}"


class AgentState(models.TextChoices):
    READY = "ready", pgettext_lazy("agent state", "ready")
    ON_CALL = "on_call", pgettext_lazy("agent state", "on a call")
    WRAP_UP = "wrap_up", pgettext_lazy("agent state", "wrap-up")
    PAUSED = "paused", pgettext_lazy("agent state", "paused")


class PauseReason(models.Model):
    """Why an agent pauses (lunch, training, a meeting): the list agents choose from, kept in the admin."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("pause reason")
        verbose_name_plural = _("pause reasons")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class AgentStateSpan(models.Model):
    """One stretch of an agent's working time in one state; the open one (no end) is where the agent is now."""

    State = AgentState

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.PROTECT, related_name="state_spans"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=AgentState.choices)
    reason = models.ForeignKey(
        PauseReason, verbose_name=_("pause reason"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("agent state")
        verbose_name_plural = _("agent states")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["agent", "started_at"], name="agent_state_agent_time")]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=AgentState.values), name="agent_state_valid"),
            models.CheckConstraint(
                condition=Q(state="paused", reason__isnull=False) | (~Q(state="paused") & Q(reason__isnull=True)),
                name="agent_state_pause_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="agent_state_ends_after_start",
            ),
            models.UniqueConstraint(fields=["agent"], condition=Q(ended_at__isnull=True), name="agent_state_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.agent} — {self.get_state_display()}"
