"""The supervisors' page of chat figures (chat/figures.py): for chat supervisors, the back office and
administrators (permission ``chat.view_chat_figures``); not for customers, nor for plain chat agents, whose
colleagues' figures are a manager's matter."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from chat import figures
from core.dates import BoundedDateField
from core.forms import BootstrapForm

MAX_PERIOD_DAYS = 366


class PeriodForm(BootstrapForm):
    date_from = BoundedDateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = BoundedDateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The period ends before it starts."))
        if start and end and (end - start).days >= MAX_PERIOD_DAYS:
            raise forms.ValidationError(_("Choose a period of at most a year."))
        return cleaned


@login_required
@permission_required("chat.view_chat_figures", raise_exception=True)
def chat_figures(request):
    start, end = figures.default_period()
    form = PeriodForm(request.GET or {"date_from": start, "date_to": end})
    if form.is_valid():
        start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    return render(
        request,
        "chat/figures.html",
        {"form": form, "figures": figures.chat_figures(date_from=start, date_to=end)},
    )
