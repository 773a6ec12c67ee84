"""Staff pages of the call queue and of campaign results. Thin: parse, check, call a service or selector, render."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from campaigns import selectors, services
from campaigns.forms import MessageForm, OutcomeForm, ResultsPeriodForm
from campaigns.models import AgentState, Campaign, CampaignLead
from campaigns.results_export import write_results_xlsx
from campaigns.wallboard import wallboard as campaign_wallboard

CALL_QUEUE = "campaigns.use_call_queue"
RESULTS = "campaigns.view_campaign_results"
WRITE_MESSAGES = "outreach.add_message"


def permission_needed(*permissions: str):
    """Anonymous visitors go to the sign-in page; signed-in people without every permission get 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not request.user.has_perms(permissions):
                raise PermissionDenied(_("This page is for the bank's telemarketing staff."))
            return view(request, *args, **kwargs)

        return checked

    return decorator


@require_GET
@login_required
def index(request):
    """Agents pick an active campaign to call in; agents and the back office open campaign results."""
    may_call, may_see_results = request.user.has_perm(CALL_QUEUE), request.user.has_perm(RESULTS)
    if not (may_call or may_see_results):
        raise PermissionDenied(_("This page is for the bank's telemarketing staff."))
    return render(
        request,
        "campaigns/index.html",
        {
            "active_campaigns": list(selectors.campaigns_for_agents()) if may_call else None,
            "result_campaigns": list(selectors.campaigns_with_results()) if may_see_results else None,
        },
    )


def campaign_or_404(campaign_id: int) -> Campaign:
    try:
        return selectors.active_campaign(campaign_id=campaign_id)
    except Campaign.DoesNotExist:
        raise Http404(_("No such campaign.")) from None


AUTO_NEXT = "campaigns.auto_next"  # the agent's choice, kept in their session


def call_page(request, campaign: Campaign, *, outcome_form=None, message_form=None, status: int = 200):
    held = selectors.held_lead(agent=request.user, campaign_id=campaign.pk)
    outcomes = selectors.call_outcomes(campaign_id=campaign.pk)
    context = {
        "campaign": campaign,
        "products": list(campaign.products.all()),
        "held": held,
        "outcomes": outcomes,
        "script": selectors.call_script(campaign=campaign, lead=held.lead) if held else "",
        "local_time": selectors.lead_local_time(campaign_lead=held) if held else "",
        "history": selectors.lead_call_history(lead_id=held.lead_id) if held else [],
        "outcome_form": outcome_form
        or OutcomeForm(outcomes=outcomes, initial={"auto_next": request.session.get(AUTO_NEXT, False)}),
        "message_form": message_form or MessageForm(),
        "hold_minutes": settings.CALL_QUEUE_HOLD_MINUTES,
        "may_write_messages": request.user.has_perm(WRITE_MESSAGES),
        "agent_state": selectors.current_agent_state(agent=request.user),
        "pause_reasons": selectors.pause_reasons(),
        "call_consent": selectors.call_consent(phone=held.lead.phone) if held else None,
    }
    return render(request, "campaigns/call.html", context, status=status)


@require_GET
@permission_needed(CALL_QUEUE)
def call(request, campaign_id: int):
    """The agent's desk: the lead they hold (details, earlier calls, the campaign's products) or a button for one."""
    return call_page(request, campaign_or_404(campaign_id))


@require_POST
@permission_needed(CALL_QUEUE)
def take_next_lead(request, campaign_id: int):
    campaign = campaign_or_404(campaign_id)
    try:
        lead = services.next_lead(agent=request.user, campaign=campaign)
    except services.CampaignError as error:
        messages.error(request, str(error))
    else:
        if lead is None:
            messages.info(request, _("No lead is waiting in this campaign right now. Try again later."))
            services.set_agent_state(agent=request.user, state=AgentState.READY, campaign=campaign)
        else:
            services.set_agent_state(agent=request.user, state=AgentState.ON_CALL, campaign=campaign)
    return redirect("campaigns:call", campaign_id=campaign.pk)


def campaign_lead_or_404(campaign: Campaign, campaign_lead_id: int) -> CampaignLead:
    try:
        return CampaignLead.objects.select_related("lead").get(pk=campaign_lead_id, campaign=campaign)
    except CampaignLead.DoesNotExist:
        raise Http404(_("No such lead in this campaign.")) from None


@require_POST
@permission_needed(CALL_QUEUE)
def record_outcome(request, campaign_id: int, campaign_lead_id: int):
    campaign = campaign_or_404(campaign_id)
    campaign_lead = campaign_lead_or_404(campaign, campaign_lead_id)
    form = OutcomeForm(request.POST, outcomes=selectors.call_outcomes(campaign_id=campaign.pk))
    if not form.is_valid():
        return call_page(request, campaign, outcome_form=form, status=400)
    request.session[AUTO_NEXT] = form.cleaned_data["auto_next"]
    try:
        services.record_outcome(
            agent=request.user,
            campaign_lead=campaign_lead,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            callback_at=form.cleaned_data["callback_at"],
            client_details=form.client_details(),
        )
    except services.CallbackTimeRefused as error:
        form.add_error("callback_at", str(error))
        if error.suggested is not None:
            # The form shows the nearest allowed time in place of the refused one.
            form.data = form.data.copy()
            form.data["callback_at"] = timezone.localtime(error.suggested).strftime("%Y-%m-%dT%H:%M")
        return call_page(request, campaign, outcome_form=form, status=400)
    except services.CampaignError as error:
        form.add_error(None, str(error))
        return call_page(request, campaign, outcome_form=form, status=400)
    messages.success(
        request,
        _("Recorded: %(lead)s — %(outcome)s.")
        % {"lead": campaign_lead.lead, "outcome": campaign_lead.get_state_display()},
    )
    services.set_agent_state(agent=request.user, state=AgentState.READY, campaign=campaign)
    if form.cleaned_data["auto_next"]:
        return take_next_lead(request, campaign_id=campaign.pk)
    return redirect("campaigns:call", campaign_id=campaign.pk)


@require_POST
@permission_needed(CALL_QUEUE)
def withdraw_consent(request, campaign_id: int, campaign_lead_id: int):
    """The person on the phone says they no longer want the bank's advertising: calls, SMS and e-mail."""
    campaign = campaign_or_404(campaign_id)
    campaign_lead = campaign_lead_or_404(campaign, campaign_lead_id)
    try:
        services.withdraw_during_call(agent=request.user, campaign_lead=campaign_lead)
    except services.CampaignError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Recorded: %(lead)s withdrew consent to advertising (calls, SMS and e-mail). Finish the call.")
            % {"lead": campaign_lead.lead},
        )
    return redirect("campaigns:call", campaign_id=campaign.pk)


@require_POST
@permission_needed(CALL_QUEUE)
def change_agent_state(request, campaign_id: int):
    """The agent pauses (with a reason), is ready again, or has hung up and is wrapping up the call."""
    campaign = campaign_or_404(campaign_id)
    state = request.POST.get("state", "")
    reason_id = request.POST.get("reason", "")
    reason = selectors.pause_reason(reason_id=int(reason_id)) if reason_id.isdigit() else None
    if state not in (AgentState.READY, AgentState.WRAP_UP, AgentState.PAUSED):
        messages.error(request, _("Choose ready, wrap-up or a pause."))
    else:
        try:
            services.set_agent_state(agent=request.user, state=state, campaign=campaign, reason=reason)
        except services.CampaignError as error:
            messages.error(request, str(error))
    return redirect("campaigns:call", campaign_id=campaign.pk)


@require_GET
@permission_needed(RESULTS)
def wallboard(request):
    """The supervisor's live view: the page shows the figures now; its websocket sends them again."""
    return render(request, "campaigns/wallboard.html", {"board": campaign_wallboard()})


def _results(request, campaign_id: int):
    """The results for the period asked for, with the period's form (unbound when nothing was asked)."""
    form = ResultsPeriodForm(request.GET if request.GET else None)
    period = form.cleaned_data if form.is_bound and form.is_valid() else {}
    try:
        campaign_results = selectors.campaign_results(
            campaign_id=campaign_id, date_from=period.get("date_from"), date_to=period.get("date_to")
        )
    except Campaign.DoesNotExist:
        raise Http404(_("No such campaign.")) from None
    return form, campaign_results


@require_GET
@permission_needed(RESULTS)
def results(request, campaign_id: int):
    form, campaign_results = _results(request, campaign_id)
    status = 400 if form.errors else 200
    return render(request, "campaigns/results.html", {"results": campaign_results, "form": form}, status=status)


@require_GET
@permission_needed(RESULTS)
def results_xlsx(request, campaign_id: int):
    """The results page as an Excel workbook, for the same period."""
    form, campaign_results = _results(request, campaign_id)
    if form.errors:
        return render(request, "campaigns/results.html", {"results": campaign_results, "form": form}, status=400)
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign_id}-results.xlsx"'
    write_results_xlsx(results=campaign_results, stream=response)
    return response
