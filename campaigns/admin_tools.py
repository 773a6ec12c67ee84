"""The campaign admins' actions and the lead-import page; they call the same services as the staff pages."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from campaigns import selectors, services
from campaigns.forms import LeadImportForm
from campaigns.models import Campaign
from core.admin import apply_to_each

MAX_REPORTED_ROWS = 1000  # a page of rejected rows a person can still read

_DONE = {
    services.CampaignAction.START: lambda count: ngettext(
        "%(count)d campaign started.", "%(count)d campaigns started.", count
    ),
    services.CampaignAction.PAUSE: lambda count: ngettext(
        "%(count)d campaign paused.", "%(count)d campaigns paused.", count
    ),
    services.CampaignAction.RESUME: lambda count: ngettext(
        "%(count)d campaign resumed.", "%(count)d campaigns resumed.", count
    ),
    services.CampaignAction.FINISH: lambda count: ngettext(
        "%(count)d campaign finished.", "%(count)d campaigns finished.", count
    ),
}


def _transition(action: services.CampaignAction, description):
    @admin.action(description=description, permissions=["change"])
    def run(model_admin, request, queryset) -> None:
        done = 0
        for campaign in queryset.order_by("pk"):
            try:
                services.change_campaign_status(campaign=campaign, action=action, actor=request.user)
            except services.CampaignError as error:
                model_admin.message_user(request, str(error), messages.ERROR)
            else:
                done += 1
        if done:
            model_admin.message_user(request, _DONE[action](done) % {"count": done}, messages.SUCCESS)

    run.__name__ = f"{action.value}_campaigns"
    return run


start_campaigns = _transition(services.CampaignAction.START, gettext_lazy("Start the selected campaigns"))
pause_campaigns = _transition(services.CampaignAction.PAUSE, gettext_lazy("Pause the selected campaigns"))
resume_campaigns = _transition(services.CampaignAction.RESUME, gettext_lazy("Resume the selected campaigns"))
finish_campaigns = _transition(services.CampaignAction.FINISH, gettext_lazy("Finish the selected campaigns"))


@admin.action(description=gettext_lazy("Export the leads of the selected campaigns (CSV)"), permissions=["view"])
def export_leads_csv(model_admin, request, queryset) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="campaign-leads.csv"'
    response.write("\ufeff")  # the byte-order mark makes Excel read the file as UTF-8
    selectors.write_campaign_leads_csv(campaign_ids=list(queryset.values_list("pk", flat=True)), stream=response)
    return response


CAMPAIGN_ACTIONS = (start_campaigns, pause_campaigns, resume_campaigns, finish_campaigns, export_leads_csv)


@admin.action(description=gettext_lazy("Release the selected leads back to the call queue"), permissions=["change"])
def release_leads(model_admin, request, queryset) -> None:
    apply_to_each(
        model_admin,
        request,
        queryset.select_related("lead", "campaign").order_by("pk"),
        lambda campaign_lead: services.release_lead(campaign_lead=campaign_lead, actor=request.user),
        refusals=(services.CampaignError,),
        done=lambda count: (
            ngettext("%(count)d lead is back in the call queue.", "%(count)d leads are back in the call queue.", count)
            % {"count": count}
        ),
    )


def may_import_leads(user) -> bool:
    return user.has_perms(("campaigns.add_lead", "campaigns.add_campaignlead"))


# The rejected rows of the person's last import, kept in their session for the "rejected rows" download.
REJECTED_ROWS_SESSION_KEY = "lead_import_rejected_rows"


def _csv_download(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff" + text)  # the byte-order mark makes Excel read the file as UTF-8
    return response


def import_template_view(model_admin, request) -> HttpResponse:
    """The file to fill in for an import: its columns, titled in the reader's language, and an example row."""
    if not may_import_leads(request.user):
        raise PermissionDenied
    russian = request.LANGUAGE_CODE == "ru"
    return _csv_download(services.import_template_csv(russian=russian), "leads-template.csv")


def rejected_rows_view(model_admin, request) -> HttpResponse:
    """The rows the person's last import rejected, as they were, with the reasons: to correct and import again."""
    if not may_import_leads(request.user):
        raise PermissionDenied
    text = request.session.get(REJECTED_ROWS_SESSION_KEY)
    if text is None:
        raise Http404(_("No import with rejected rows in this session."))
    return _csv_download(text, "leads-rejected.csv")


def import_leads_view(model_admin, request) -> TemplateResponse:
    """A CSV file of leads into one campaign; the page shows what was imported and every rejected row."""
    if not may_import_leads(request.user):
        raise PermissionDenied
    report = None
    if request.method == "POST":
        request.session.pop(REJECTED_ROWS_SESSION_KEY, None)
        form = LeadImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            try:
                report = services.import_leads_csv(
                    campaign=form.cleaned_data["campaign"], data=data, mode=form.cleaned_data["mode"]
                )
            except services.CampaignError as error:
                form.add_error("file", str(error))
            if report is not None and report.rejected:
                request.session[REJECTED_ROWS_SESSION_KEY] = services.rejected_rows_csv(data=data, report=report)
        if report is not None and report.imported:
            model_admin.message_user(
                request,
                _(
                    "Imported into “%(campaign)s”: %(created)s new leads, %(linked)s existing leads; "
                    "%(rejected)s rows rejected."
                )
                % {
                    "campaign": form.cleaned_data["campaign"],
                    "created": report.created,
                    "linked": report.linked,
                    "rejected": len(report.rejected),
                },
                messages.SUCCESS,
            )
        elif report is not None:
            model_admin.message_user(
                request,
                _("Nothing was imported: %(rejected)s rows were rejected. Correct them, or import the valid rows only.")
                % {"rejected": len(report.rejected)},
                messages.ERROR,
            )
    else:
        form = LeadImportForm(initial={"campaign": request.GET.get("campaign"), "mode": services.ImportMode.VALID_ROWS})
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Import leads from a CSV file"),
        "form": form,
        "report": report,
        "rejected_shown": report.rejected[:MAX_REPORTED_ROWS] if report else [],
        "rejected_hidden": max(len(report.rejected) - MAX_REPORTED_ROWS, 0) if report else 0,
    }
    return TemplateResponse(request, "admin/campaigns/campaign/import_leads.html", context)


def results_summary(campaign: Campaign) -> str:
    """Leads, calls and conversion of a saved campaign, with a link to the results page and its charts."""
    if campaign.pk is None:
        return "—"
    results = selectors.campaign_results(campaign_id=campaign.pk)
    figures = {
        "leads": results.leads,
        "calls": results.calls,
        "converted": results.converted,
        "rate": results.conversion_rate,
    }
    return format_html(
        '{} <a href="{}">{}</a>',
        _("%(leads)s leads, %(calls)s calls, %(converted)s converted (%(rate)s %%).") % figures,
        reverse("campaigns:results", args=[campaign.pk]),
        _("Results and charts"),
    )


def leads_overview(campaign: Campaign) -> str:
    """How many leads the campaign has in each state, each a link to those leads in their paged, filterable list
    (a campaign of thousands of leads would not fit its page as inlines)."""
    if campaign.pk is None:
        return "—"
    listing = reverse("admin:campaigns_campaignlead_changelist")
    counts = selectors.lead_counts_by_state(campaign_id=campaign.pk)
    in_campaign = f"{listing}?campaign__id__exact={campaign.pk}"
    states = format_html_join(
        "",
        '<span><a href="{}&amp;state__exact={}">{}</a>: {}</span>',
        ((in_campaign, state, label, count) for state, label, count in counts),
    )
    total = sum(count for _state, _label, count in counts)
    add = reverse("admin:campaigns_campaignlead_add") + f"?campaign={campaign.pk}"
    return format_html(
        '<div class="lead-states"><span><a href="{}" id="campaign-leads-link">{}</a></span>{}'
        '<span><a href="{}" class="addlink">{}</a></span></div>',
        in_campaign,
        ngettext("%(count)s lead in all", "%(count)s leads in all", total) % {"count": total},
        states,
        add,
        _("Add a lead"),
    )
