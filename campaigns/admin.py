"""Back office for campaigns, their products, leads and calls.

A campaign's status, start and end times change only through the campaign transitions, and its
budget follows its products by itself (campaigns.signals), so all of them are read-only here. A lead's
state and holder in a campaign change only through the services of campaigns.services.lead_state.
"""

from __future__ import annotations

from functools import partial

from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import path
from django.utils.translation import gettext_lazy as _

from campaigns import admin_tools, services
from campaigns.models import (
    AgentStateSpan,
    CallAttempt,
    CallingHoliday,
    Campaign,
    CampaignLead,
    Disposition,
    Lead,
    PauseReason,
    Product,
)
from core.admin import BackOfficeAdmin, HistoryAdmin, ServiceFormAdmin
from core.money import format_money, format_percent
from core.phones import format_phone, phone_column


def _count_of(model, *, field: str):
    """A correlated COUNT(*) per row: several of them on one changelist do not multiply each other's rows."""
    counted = (
        model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(total=Count("pk"))
    ).values("total")
    return Coalesce(Subquery(counted), 0)


class ProductInline(admin.TabularInline):
    model = Product
    fields = ("name", "kind", "interest_rate", "cost", "description")
    extra = 0


class CallingHolidayInline(admin.TabularInline):
    """Days the campaign calls nobody."""

    model = CallingHoliday
    fields = ("day",)
    extra = 0


DISPOSITION_FIELDS = ("code", "name", "lead_state", "reached", "recycle_after", "max_attempts", "hotkey", "position")


class DispositionInline(admin.TabularInline):
    """Outcomes of this campaign only; one with a system outcome's code replaces it in this campaign."""

    model = Disposition
    fields = DISPOSITION_FIELDS
    extra = 0
    verbose_name = _("call outcome of this campaign")
    verbose_name_plural = _("call outcomes of this campaign")


class CampaignLeadInlineBase(admin.TabularInline):
    """A campaign's leads, or a lead's campaigns: new ones are added here, where each stands is only shown.

    A lead's state and holder change on its campaign-lead page or by its actions, through the services
    (campaigns.services.change_lead_state, release_lead), so rows already saved are read-only here.
    """

    model = CampaignLead
    readonly_fields = ("state", "callback_at", "held_by", "held_since", "note")
    extra = 0
    show_change_link = True

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Campaign)
class CampaignAdmin(BackOfficeAdmin):
    list_display = (
        "name",
        "status",
        "responsible",
        "started_at",
        "ended_at",
        "base_amount_money",
        "budget_money",
        "product_count",
        "lead_count",
    )
    list_filter = ("status", "started_at", "ended_at")
    list_select_related = ("responsible",)
    search_fields = ("name", "description", "responsible__surname")
    autocomplete_fields = ("responsible",)
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("name", "description", "responsible")}),
        (_("Status"), {"fields": ("status", "started_at", "ended_at", "created_at", "results")}),
        (_("Leads"), {"fields": ("leads_overview",)}),
        (_("Money"), {"fields": ("base_amount", "budget_money")}),
        (
            _("Calls"),
            {
                "fields": (
                    "advertising",
                    "script",
                    ("weekday_from", "weekday_until"),
                    ("weekend_from", "weekend_until"),
                ),
                "description": _("Calling hours are local to each lead; nobody is called on the holidays below."),
            },
        ),
    )
    readonly_fields = ("status", "started_at", "ended_at", "created_at", "budget_money", "results", "leads_overview")
    # The leads are not inlines (thousands of rows): the page counts them by state and links to their paged list.
    inlines = (ProductInline, DispositionInline, CallingHolidayInline)
    actions = admin_tools.CAMPAIGN_ACTIONS

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(partial(function, self))

        return [
            path("import-leads/", view(admin_tools.import_leads_view), name="campaigns_campaign_import_leads"),
            path(
                "import-leads/template.csv",
                view(admin_tools.import_template_view),
                name="campaigns_campaign_import_template",
            ),
            path(
                "import-leads/rejected.csv",
                view(admin_tools.rejected_rows_view),
                name="campaigns_campaign_import_rejected",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("results"))
    def results(self, campaign: Campaign) -> str:
        return admin_tools.results_summary(campaign)

    @admin.display(description=_("leads"))
    def leads_overview(self, campaign: Campaign) -> str:
        return admin_tools.leads_overview(campaign)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                product_count=_count_of(Product, field="campaign"),
                lead_count=_count_of(CampaignLead, field="campaign"),
            )
        )

    @admin.display(description=_("base amount"), ordering="base_amount")
    def base_amount_money(self, campaign: Campaign) -> str:
        return format_money(campaign.base_amount)

    @admin.display(description=_("budget"), ordering="budget")
    def budget_money(self, campaign: Campaign) -> str:
        return format_money(campaign.budget)

    @admin.display(description=_("products"), ordering="product_count")
    def product_count(self, campaign: Campaign) -> int:
        return campaign.product_count

    @admin.display(description=_("leads"), ordering="lead_count")
    def lead_count(self, campaign: Campaign) -> int:
        return campaign.lead_count


@admin.register(Product)
class ProductAdmin(BackOfficeAdmin):
    list_display = ("name", "kind", "interest_rate_percent", "campaign", "campaign_status", "cost_money")
    list_filter = ("kind", "campaign__status")
    list_select_related = ("campaign",)
    search_fields = ("name", "description", "campaign__name")
    autocomplete_fields = ("campaign",)

    @admin.display(description=_("campaign status"), ordering="campaign__status")
    def campaign_status(self, product: Product) -> str:
        return product.campaign.get_status_display()

    @admin.display(description=_("cost"), ordering="cost")
    def cost_money(self, product: Product) -> str:
        return format_money(product.cost)

    @admin.display(description=_("interest rate"), ordering="interest_rate")
    def interest_rate_percent(self, product: Product) -> str:
        return format_percent(product.interest_rate)


class LeadCampaignInline(CampaignLeadInlineBase):
    """The campaigns a lead takes part in, with the outcome in each."""

    fields = ("campaign", *CampaignLeadInlineBase.readonly_fields)
    autocomplete_fields = ("campaign",)
    verbose_name = _("campaign")
    verbose_name_plural = _("campaigns")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("campaign", "held_by")


@admin.register(Lead)
class LeadAdmin(BackOfficeAdmin):
    list_display = ("__str__", phone_column(), "email", "sex", "source", "client", "campaign_count", "created_at")
    list_filter = ("source", "sex", "created_at")
    list_select_related = ("client",)
    search_fields = ("surname", "name", "patronymic", "phone", "email")
    autocomplete_fields = ("client",)
    date_hierarchy = "created_at"
    fields = (
        ("surname", "name", "patronymic"),
        "sex",
        ("phone", "email"),
        "time_zone",
        "source",
        "note",
        "client",
        "created_at",
    )
    readonly_fields = ("created_at",)
    inlines = (LeadCampaignInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(campaign_count=_count_of(CampaignLead, field="lead"))

    @admin.display(description=_("campaigns"), ordering="campaign_count")
    def campaign_count(self, lead: Lead) -> int:
        return lead.campaign_count


class CallAttemptInline(admin.TabularInline):
    """The calls made to this lead in this campaign, newest first; the call log is only read here."""

    model = CallAttempt
    fields = ("called_at", "agent", "disposition", "outcome", "callback_at", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agent")


@admin.register(CampaignLead)
class CampaignLeadAdmin(ServiceFormAdmin):
    """A lead joins a campaign here as new; its state changes through change_lead_state, its holder is
    taken back by the "release" action (release_lead). The note is the last call's, written by the call."""

    list_display = ("lead", "lead_phone", "campaign", "state", "callback_at", "held_by", "updated_at")
    list_filter = ("state", "campaign__status", "campaign")
    list_select_related = ("lead", "campaign", "held_by")
    search_fields = ("lead__surname", "lead__name", "lead__phone", "campaign__name", "note")
    autocomplete_fields = ("campaign", "lead")
    date_hierarchy = "updated_at"
    fields = ("campaign", "lead", "state", "callback_at", "held_by", "held_since", "note", "updated_at")
    inlines = (CallAttemptInline,)
    actions = (admin_tools.release_leads,)
    refusals = (services.CampaignError,)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("state", "callback_at", "held_by", "held_since", "note", "updated_at")
        return ("campaign", "lead", "held_by", "held_since", "note", "updated_at")

    def save_through_service(self, request, obj: CampaignLead, form, change: bool) -> None:
        if not change:
            obj.save()  # joining a campaign as a new lead: no rule of the call queue is involved
            return
        services.change_lead_state(
            campaign_lead=obj,
            state=form.cleaned_data["state"],
            callback_at=form.cleaned_data["callback_at"],
            actor=request.user,
        )

    @admin.display(description=_("phone"), ordering="lead__phone")
    def lead_phone(self, campaign_lead: CampaignLead) -> str:
        return format_phone(campaign_lead.lead.phone)


@admin.register(CallAttempt)
class CallAttemptAdmin(HistoryAdmin):
    list_display = ("called_at", "lead", "campaign", "agent", "disposition", "outcome", "callback_at", "note")
    list_filter = ("outcome", "called_at", "campaign_lead__campaign__status")
    list_select_related = ("campaign_lead__lead", "campaign_lead__campaign", "agent", "disposition")
    search_fields = (
        "campaign_lead__lead__surname",
        "campaign_lead__lead__phone",
        "campaign_lead__campaign__name",
        "agent__username",
        "note",
    )
    date_hierarchy = "called_at"
    fields = ("called_at", "campaign_lead", "agent", "disposition", "outcome", "callback_at", "note")
    readonly_fields = fields

    @admin.display(description=_("lead"), ordering="campaign_lead__lead__surname")
    def lead(self, call: CallAttempt) -> str:
        return f"{call.campaign_lead.lead} ({format_phone(call.campaign_lead.lead.phone)})"

    @admin.display(description=_("campaign"), ordering="campaign_lead__campaign__name")
    def campaign(self, call: CallAttempt) -> str:
        return str(call.campaign_lead.campaign)


@admin.register(Disposition)
class DispositionAdmin(BackOfficeAdmin):
    """The outcomes agents record: the system ones (no campaign) and each campaign's own, with recycle rules."""

    list_display = ("name", "code", "campaign", "lead_state", "reached", "recycle_after", "max_attempts", "hotkey")
    list_filter = ("lead_state", "reached", ("campaign", admin.EmptyFieldListFilter))
    list_select_related = ("campaign",)
    search_fields = ("name", "code", "campaign__name")
    autocomplete_fields = ("campaign",)
    fields = ("campaign", *DISPOSITION_FIELDS)


@admin.register(CallingHoliday)
class CallingHolidayAdmin(BackOfficeAdmin):
    list_display = ("day", "campaign")
    list_filter = ("campaign",)
    list_select_related = ("campaign",)
    autocomplete_fields = ("campaign",)
    date_hierarchy = "day"


@admin.register(PauseReason)
class PauseReasonAdmin(BackOfficeAdmin):
    list_display = ("name", "position")
    search_fields = ("name",)


@admin.register(AgentStateSpan)
class AgentStateSpanAdmin(HistoryAdmin):
    """When each agent was ready, on a call, wrapping up or paused (and why): written by the agent's desk."""

    list_display = ("agent", "state", "reason", "campaign", "started_at", "ended_at")
    list_filter = ("state", "reason", "started_at")
    list_select_related = ("agent", "reason", "campaign")
    search_fields = ("agent__username",)
    date_hierarchy = "started_at"
    fields = ("agent", "state", "reason", "campaign", "started_at", "ended_at")
    readonly_fields = fields


from campaigns import consent_admin  # noqa: E402, F401  (registers the consent and do-not-call admins)
