"""The back office's admin site: its title, and the base every model admin of the project shares."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import lookup_spawns_duplicates
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.phones import phone_search_term

admin.site.site_header = _("Telemarketing Bank back office")
admin.site.site_title = _("Telemarketing Bank back office")
admin.site.index_title = _("Administration")


class BackOfficeAdmin(admin.ModelAdmin):
    """Right-aligns the money columns (see back_office.css) and keeps long lists paged."""

    list_per_page = 50
    show_full_result_count = False  # one COUNT(*) fewer on every filtered page of a big table

    class Media:
        css = {"all": ("core/back_office.css",)}

    def get_search_results(self, request, queryset, search_term):
        """A number written any way (as the lists show it, +7 903 144-76-02, or 8 903…) finds its owner."""
        number = phone_search_term(search_term)
        phone_fields = [name for name in self.get_search_fields(request) if name.split("__")[-1] == "phone"]
        if number is None or not phone_fields:
            return super().get_search_results(request, queryset, search_term)
        condition = Q()
        for name in phone_fields:
            condition |= Q(**{name: number})
        return queryset.filter(condition), any(lookup_spawns_duplicates(self.opts, name) for name in phone_fields)


class HistoryAdmin(BackOfficeAdmin):
    """Records of what happened (the ledger, call logs, chat lines): looked at here, never added, edited or deleted.

    Only the services that did the thing write them: money through accounts.services, calls and chats
    through their own services.
    """

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
