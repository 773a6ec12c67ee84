"""Marketing campaigns, the products they promote, their leads and each lead's place in a campaign."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Client, Sex, Worker, sex_condition
from core.money import MONEY
from core.phones import PHONE_HELP, PhoneField, e164_condition, utc_offset_bounds


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ACTIVE = "active", _("active")
    PAUSED = "paused", _("paused")
    FINISHED = "finished", _("finished")


class ProductKind(models.TextChoices):
    DEPOSIT = "deposit", _("deposit")
    LOAN = "loan", _("loan")
    CARD = "card", _("card")
    MORTGAGE = "mortgage", _("mortgage")
    INSURANCE = "insurance", _("insurance")
    INVESTMENT = "investment", _("investment")


class LeadState(models.TextChoices):
    NEW = "new", _("new")
    IN_PROGRESS = "in_progress", _("in progress")
    CALLBACK = "callback", _("call back")
    INTERESTED = "interested", _("interested")
    NOT_INTERESTED = "not_interested", _("not interested")
    CONVERTED = "converted", _("converted")
    DO_NOT_CALL = "do_not_call", _("do not call")
    RECYCLE = "recycle", _("to call again")
    WRONG_NUMBER = "wrong_number", _("wrong number")
    UNREACHABLE = "unreachable", _("unreachable")


# The states a lead waits in for a call; every other state except "in progress" is final.
OPEN_STATES = (LeadState.NEW, LeadState.CALLBACK, LeadState.RECYCLE)
# A phone in any of these states in any campaign is called in none.
BLOCKING_STATES = (LeadState.DO_NOT_CALL, LeadState.WRONG_NUMBER)

# The highest interest rate a product may carry, in per cent a year (microloans aside, nothing comes close).
MAX_INTEREST_RATE = 100


class Campaign(models.Model):
    Status = CampaignStatus

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    script = models.TextField(
        _("call script"),
        blank=True,
        help_text=_(
            "What the agent says. The lead's details are filled in for {surname}, {name}, {patronymic}, "
            "{phone} and {source}."
        ),
    )
    responsible = models.ForeignKey(
        Worker, verbose_name=_("responsible worker"), on_delete=models.PROTECT, related_name="campaigns"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    base_amount = models.DecimalField(_("base amount"), **MONEY, default=0)
    budget = models.DecimalField(
        _("budget"), **MONEY, default=0, editable=False, help_text=_("Base amount plus the cost of its products.")
    )
    leads: models.ManyToManyField[Lead, CampaignLead] = models.ManyToManyField(
        "Lead", through="CampaignLead", related_name="campaigns", verbose_name=_("leads"), blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    advertising = models.BooleanField(
        _("advertising"),
        default=True,
        help_text=_(
            "The calls offer the bank's products: only people who consented to advertising calls are called "
            "(Federal Law 38-FZ, art. 18)."
        ),
    )
    # Calling hours, local to each lead (see campaigns/services/calling_hours.py).
    weekday_from = models.TimeField(_("weekdays: calls from"), default=datetime.time(9, 0))
    weekday_until = models.TimeField(_("weekdays: calls until"), default=datetime.time(21, 0))
    weekend_from = models.TimeField(_("weekends: calls from"), default=datetime.time(10, 0))
    weekend_until = models.TimeField(_("weekends: calls until"), default=datetime.time(18, 0))

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("use_call_queue", _("Can take leads from the call queue and record call outcomes")),
            ("view_campaign_results", _("Can view campaign results")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CampaignStatus.values), name="campaign_status_valid"),
            models.CheckConstraint(condition=Q(base_amount__gte=0), name="campaign_base_amount_not_negative"),
            models.CheckConstraint(condition=Q(budget__gte=F("base_amount")), name="campaign_budget_covers_base"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(started_at__isnull=False), name="campaign_started_has_start_time"
            ),
            models.CheckConstraint(
                condition=~Q(status="finished") | Q(ended_at__isnull=False), name="campaign_finished_has_end_time"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")), name="campaign_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(weekday_from__lt=F("weekday_until")) & Q(weekend_from__lt=F("weekend_until")),
                name="campaign_calling_hours_ordered",
                violation_error_message=_("Calls must start before they end."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        products_total = 0 if self._state.adding else (self.products.aggregate(total=Sum("cost"))["total"] or 0)
        self.budget = self.base_amount + products_total
        super().save(*args, **kwargs)


class Product(models.Model):
    Kind = ProductKind

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="products"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    cost = models.DecimalField(_("cost"), **MONEY, help_text=_("What promoting it costs the campaign."))
    interest_rate = models.DecimalField(
        _("interest rate (per cent a year)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "For deposits, loans, cards and mortgages: from 0 to 100 per cent a year; empty where none applies."
        ),
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gte=0), name="product_cost_not_negative"),
            models.CheckConstraint(condition=Q(kind__in=ProductKind.values), name="product_kind_valid"),
            models.CheckConstraint(
                condition=Q(interest_rate__isnull=True) | Q(interest_rate__gte=0, interest_rate__lte=MAX_INTEREST_RATE),
                name="product_interest_rate_range",
                violation_error_message=_("An interest rate is from 0 to 100 per cent a year."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    loaded_campaign_id: int | None  # the campaign it was loaded with, so a move recalculates both budgets

    @classmethod
    def from_db(cls, db, field_names, values):
        product = super().from_db(db, field_names, values)
        product.loaded_campaign_id = product.__dict__.get("campaign_id")
        return product


class Lead(models.Model):
    """A possible customer, reached by phone; the phone number (E.164) identifies them."""

    surname = models.CharField(_("surname"), max_length=100)
    name = models.CharField(_("name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    phone = PhoneField(_("phone"), unique=True, help_text=PHONE_HELP)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    note = models.TextField(_("note"), blank=True, help_text=_("What the callers should know about the person."))
    time_zone = models.CharField(
        _("time zone"),
        max_length=40,
        blank=True,
        help_text=_("Where the person lives, e.g. Asia/Vladivostok; empty: taken from the phone number."),
    )
    client = models.ForeignKey(
        Client, verbose_name=_("became client"), on_delete=models.SET_NULL, null=True, blank=True, related_name="leads"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["surname", "name"]
        constraints = [
            models.CheckConstraint(condition=e164_condition("phone"), name="lead_phone_e164"),
            models.CheckConstraint(condition=sex_condition(blank=True), name="lead_sex_valid"),
        ]

    def __str__(self) -> str:
        return " ".join(part for part in (self.surname, self.name, self.patronymic) if part)

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # A new number or zone moves the lead's calling hours in every campaign.
        CampaignLead.objects.filter(lead=self).update(**self.utc_offsets())

    def utc_offsets(self) -> dict[str, int]:
        """The lead's possible UTC offsets (its zone, else its number's), as CampaignLead fields."""
        low, high = utc_offset_bounds(self.phone, time_zone=self.time_zone, at=timezone.now())
        return {"utc_offset_min": low, "utc_offset_max": high}


class CampaignLead(models.Model):
    """A lead's part in one campaign: where the calls stand, and which agent holds the lead now."""

    State = LeadState

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="campaign_leads"
    )
    lead = models.ForeignKey(Lead, verbose_name=_("lead"), on_delete=models.CASCADE, related_name="campaign_leads")
    state = models.CharField(_("state"), max_length=15, choices=State.choices, default=State.NEW)
    callback_at = models.DateTimeField(_("call back at"), null=True, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("held by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="held_leads",
    )
    held_since = models.DateTimeField(_("held since"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("calls made"), default=0)
    # The lead's possible UTC offsets in minutes (one zone, or every zone a mobile number may be in), copied
    # from the lead so that the call queue filters calling hours on the row it reads along its index.
    utc_offset_min = models.SmallIntegerField(_("UTC offset from, minutes"), default=120)
    utc_offset_max = models.SmallIntegerField(_("UTC offset to, minutes"), default=720)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("campaign lead")
        verbose_name_plural = _("campaign leads")
        ordering = ["campaign", "lead"]
        # The call queue reads each state of a campaign in hand-out order along this index (services.next_lead);
        # the UTC offsets at its end let the calling-hours check pass over the leads outside their hours in
        # the index, without reading their rows. The do-not-call list (a lead's do_not_call rows in any
        # campaign) is read by state.
        indexes = [
            models.Index(
                fields=["campaign", "state", "callback_at", "id", "utc_offset_min", "utc_offset_max"],
                name="campaign_lead_queue",
            ),
            models.Index(fields=["state", "lead"], name="campaign_lead_state_lead"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "lead"], name="campaign_lead_unique"),
            models.CheckConstraint(condition=Q(state__in=LeadState.values), name="campaign_lead_state_valid"),
            models.CheckConstraint(
                condition=~Q(state="callback") | Q(callback_at__isnull=False),
                name="campaign_lead_callback_has_time",
                violation_error_message=_("Enter when to call back."),
            ),
            models.CheckConstraint(
                condition=Q(held_by__isnull=True, held_since__isnull=True)
                | Q(held_by__isnull=False, held_since__isnull=False),
                name="campaign_lead_hold_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="recycle") | Q(callback_at__isnull=False), name="campaign_lead_recycle_has_time"
            ),
            models.CheckConstraint(
                condition=Q(utc_offset_min__lte=F("utc_offset_max")), name="campaign_lead_utc_offsets_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead} — {self.campaign}"

    def save(self, *args, **kwargs) -> None:
        if self._state.adding:
            for field, value in self.lead.utc_offsets().items():
                setattr(self, field, value)
        super().save(*args, **kwargs)

    @classmethod
    def for_lead(cls, *, campaign: Campaign, lead: Lead, **fields) -> CampaignLead:
        """A lead's new place in a campaign, with the lead's calling-hours offsets (for bulk_create)."""
        return cls(campaign=campaign, lead=lead, **lead.utc_offsets(), **fields)
