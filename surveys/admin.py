"""Back office for the clients' survey answers and reviews: what a client said is kept as they said it.

A survey added here is one taken down for a client (a phone call), through record_survey_on_behalf.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceFormAdmin
from surveys import services
from surveys.models import Survey, SurveySource


@admin.register(Survey)
class SurveyAdmin(ServiceFormAdmin):
    list_display = ("created_at", "client", "kind", "rating", "source", "short_text")
    list_filter = ("kind", "rating", "source", "created_at")
    list_select_related = ("client",)
    search_fields = ("text", "suggestions", "client__surname", "client__name", "client__email")
    autocomplete_fields = ("client",)
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("client", ("kind", "source"), ("rating", "created_at"))}),
        (_("What the client said"), {"fields": ("text", "suggestions")}),
    )
    refusals = (services.SurveyError,)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("created_at",)
        return ("client", "kind", "source", "rating", "created_at", "text", "suggestions")

    def get_changeform_initial_data(self, request) -> dict:
        return {"source": SurveySource.PHONE, **super().get_changeform_initial_data(request)}

    def save_through_service(self, request, obj: Survey, form, change: bool) -> None:
        recorded = services.record_survey_on_behalf(
            client_id=form.cleaned_data["client"].pk,
            kind=form.cleaned_data["kind"],
            rating=form.cleaned_data["rating"],
            text=form.cleaned_data["text"],
            suggestions=form.cleaned_data["suggestions"],
            source=form.cleaned_data["source"],
        )
        obj.pk, obj.created_at = recorded.pk, recorded.created_at

    @admin.display(description=_("text"))
    def short_text(self, survey: Survey) -> str:
        text = survey.text or survey.suggestions
        return text if len(text) <= 80 else text[:79] + "…"
