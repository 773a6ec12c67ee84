"""Staff pages that write personal messages (the call page of campaigns shows their form), and the unsubscribe page."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from campaigns.forms import MessageForm
from campaigns.views import (
    CALL_QUEUE,
    WRITE_MESSAGES,
    call_page,
    campaign_lead_or_404,
    campaign_or_404,
    permission_needed,
)
from outreach import delivery_services, services


@require_POST
@permission_needed(CALL_QUEUE, WRITE_MESSAGES)
def write_to_lead(request, campaign_id: int, campaign_lead_id: int):
    """A personal message to the lead the agent is calling (or to the client they became), for this campaign."""
    campaign = campaign_or_404(campaign_id)
    campaign_lead = campaign_lead_or_404(campaign, campaign_lead_id)
    form = MessageForm(request.POST)
    if not form.is_valid():
        return call_page(request, campaign, message_form=form, status=400)
    try:
        message = services.write_to_held_lead(
            agent=request.user,
            campaign_lead=campaign_lead,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
        )
    except services.OutreachError as error:
        form.add_error(None, str(error))
        return call_page(request, campaign, message_form=form, status=400)
    messages.success(
        request,
        _("The message “%(subject)s” is waiting to be sent.") % {"subject": message.subject},
    )
    return redirect("campaigns:call", campaign_id=campaign.pk)


@csrf_exempt  # the signed token is the permission; mail programs' one-click unsubscribe (RFC 8058) posts no CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """The link in every e-mail: no sign-in; GET asks (mail scanners open links), POST unsubscribes."""
    if request.method == "GET":
        return render(request, "outreach/unsubscribe.html", {"token": token})
    try:
        delivery_services.unsubscribe(token=token)
    except services.OutreachError as error:
        return render(request, "outreach/unsubscribe.html", {"error": str(error)}, status=400)
    return render(request, "outreach/unsubscribe.html", {"done": True})
