"""Back office for the clients' survey answers and reviews."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import BackOfficeAdmin
from surveys.models import Survey


@admin.register(Survey)
class SurveyAdmin(BackOfficeAdmin):
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

    @admin.display(description=_("text"))
    def short_text(self, survey: Survey) -> str:
        text = survey.text or survey.suggestions
        return text if len(text) <= 80 else text[:79] + "…"
