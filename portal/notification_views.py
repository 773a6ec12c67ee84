"""The customer's e-mail notifications page: which service e-mails they want (``outreach.notifications``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import BootstrapFormMixin
from outreach.models import NotificationSettings
from outreach.notifications import change_notification_settings, notification_settings
from portal.views import customer_required


class NotificationSettingsForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = ["money_arrived", "personal_offers", "chat_answers"]


@require_http_methods(["GET", "POST"])
@customer_required
def notification_settings_page(request):
    data = request.POST if request.method == "POST" else None  # all boxes unticked is an empty POST
    form = NotificationSettingsForm(data, instance=notification_settings(request.user))
    if request.method == "POST" and form.is_valid():
        change_notification_settings(account=request.user, **form.cleaned_data)
        messages.success(request, _("Your e-mail settings are saved."))
        return redirect("portal:notifications")
    return render(request, "portal/notifications.html", {"form": form})
