"""The back office's admin site: its title, and the base every model admin of the project shares."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib import admin, messages
from django.contrib.admin.utils import lookup_spawns_duplicates
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.admin_names import ObjectNamesAdmin
from core.phones import phone_search_term

admin.site.site_header = _("Telemarketing Bank back office")
admin.site.site_title = _("Telemarketing Bank back office")
admin.site.index_title = _("Administration")


class BackOfficeAdmin(ObjectNamesAdmin):
    """Right-aligns the money columns (see back_office.css), keeps long lists paged and says object names in the
    right case (core.admin_names)."""

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


class ServiceFormAdmin(BackOfficeAdmin):
    """A model admin whose add or change form is saved by a service, never by the form.

    Subclasses define ``save_through_service(request, obj, form, change)``, which calls the ONE service
    that makes the write (and sets ``obj.pk`` when it adds a row, for the admin's history and redirect).

    A refusal of the service (an exception listed in ``refusals``) leaves the database as it was: it leaves
    the admin's transaction, which rolls back, so neither the write nor its history entry is kept. The
    form is then shown again with what the person typed and the refusal as its error, instead of a 500.
    A change form saved with nothing changed calls no service.
    """

    refusals: tuple[type[Exception], ...] = ()

    def save_through_service(self, request, obj, form, change: bool) -> None:
        raise NotImplementedError(f"{type(self).__name__} must save its form through a service")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except self.refusals as refusal:
            request.service_refusal = refusal
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "service_refusal", None)
        return form if refusal is None else _refused_form(form, refusal)

    def save_model(self, request, obj, form, change: bool) -> None:
        if change and not form.has_changed():
            return
        self.save_through_service(request, obj, form, change)


def _refused_form(form_class, refusal: Exception):
    """The form class again, failing validation with the service's refusal, also beside the fields it names."""

    class RefusedForm(form_class):
        def clean(self):
            super().clean()
            for field, message in getattr(refusal, "errors", {}).items():
                if field in self.fields:
                    self.add_error(field, message)
            raise ValidationError(str(refusal))

    return RefusedForm


def apply_to_each(
    model_admin: admin.ModelAdmin,
    request,
    objects: Iterable,
    write: Callable,
    *,
    refusals: tuple[type[Exception], ...],
    done: Callable[[int], str],
) -> None:
    """An admin action's body: one service write per selected row, each refusal reported beside its row.

    A refused row does not stop the others; the rows done are reported once, by ``done(count)``.
    """
    count = 0
    for obj in objects:
        try:
            write(obj)
        except refusals as refusal:
            model_admin.message_user(request, f"{obj}: {refusal}", messages.ERROR)
        else:
            count += 1
    if count:
        model_admin.message_user(request, done(count), messages.SUCCESS)
