"""Forms of the staff pages and of the admin's lead import: they parse input; the services judge it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Sex
from campaigns.models import Campaign, CampaignStatus, Disposition
from campaigns.services import MAX_IMPORT_BYTES, MAX_NOTE_LENGTH, ImportMode, NewClientDetails
from core.dates import BoundedDateField
from core.forms import BootstrapForm


class OutcomeForm(BootstrapForm):
    """The outcome comes from the button pressed (one per disposition of the campaign)."""

    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=MAX_NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    callback_at = forms.DateTimeField(
        label=_("Call back at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Only for “call back”; the person's local calling hours apply."),
    )
    auto_next = forms.BooleanField(label=_("Next lead automatically after saving"), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False, help_text=_("Only for “converted”."))
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[("", "—"), *Sex.choices])
    birth_date = BoundedDateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, outcomes: list[Disposition], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(outcome.code, outcome.label) for outcome in outcomes]

    def client_details(self) -> NewClientDetails:
        data = self.cleaned_data
        return NewClientDetails(email=data["email"], sex=data["sex"], birth_date=data["birth_date"])


class MessageForm(BootstrapForm):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}))


class LeadImportForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.exclude(status=CampaignStatus.FINISHED).order_by("name"),
        help_text=_("A finished campaign takes no more leads."),
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "First line: column titles. Required columns: surname, name, phone; optional: patronymic, email, "
            "source, sex (M or F), note (English or Russian titles). Separated by commas or semicolons, UTF-8 or "
            "Windows-1251."
        ),
    )
    mode = forms.ChoiceField(
        label=_("Rejected rows"), choices=ImportMode.choices, initial=ImportMode.VALID_ROWS, widget=forms.RadioSelect
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(megabytes)s MB; split it."),
                params={"megabytes": MAX_IMPORT_BYTES // 2**20},
            )
        return upload


class ResultsPeriodForm(BootstrapForm):
    """The days whose calls the results count; either end may be left open."""

    date_from = BoundedDateField(label=_("Calls from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = BoundedDateField(label=_("until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The first day must not be after the last."))
        return cleaned
