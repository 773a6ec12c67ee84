"""The customer's consent to the bank's advertising (calls, SMS, e-mail): seen, given and withdrawn at any time.

Thin: ``campaigns.services.set_customer_consents`` records the choice with its evidence (the page, the
login, the address it came from) and audits it; the selector reads what is recorded now.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.services import client_address
from campaigns import selectors as campaign_selectors
from campaigns.models import ContactChannel
from campaigns.services import CampaignError, set_customer_consents
from portal.views import customer_required


@require_http_methods(["GET", "POST"])
@customer_required
def consent(request):
    client = request.user.client
    if request.method == "POST":
        wanted = request.POST.getlist("channel")
        if set(wanted) - set(ContactChannel.values):
            messages.error(request, _("Choose calls, SMS or e-mail."))
            return redirect("portal:consent")
        evidence = _("The bank's website, %(page)s, signed in as %(login)s from %(address)s at %(time)s") % {
            "page": request.path,
            "login": request.user.username,
            "address": client_address(request) or "?",
            "time": timezone.now().isoformat(timespec="seconds"),
        }
        try:
            changed = set_customer_consents(client=client, account=request.user, wanted=wanted, evidence=evidence)
        except CampaignError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Saved.") if changed else _("Nothing has changed."))
        return redirect("portal:consent")
    return render(request, "portal/consent.html", {"channels": campaign_selectors.customer_consents(client=client)})
