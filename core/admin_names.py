"""Object names in the admin in the grammatical case and gender each sentence needs.

Django's admin puts a model's ``verbose_name`` (the nominative) into every sentence: "Добавить кампания",
"Выберите кампания для изменения", "Кампания «…» был успешно добавлен". Here every model admin of the site (ours
and the libraries') says it with the name in the accusative, and the success messages agree with the name's
gender. Both come from the translation catalogue, keyed by the model's untranslated name:

    msgctxt "accusative"           msgid "campaign"  msgstr "кампанию"
    msgctxt "grammatical gender"   msgid "campaign"  msgstr "feminine"

and the gendered messages by that gender (``msgctxt "feminine"``). A language without these entries (English)
reads Django's own sentences, unchanged.
"""

from __future__ import annotations

from contextlib import contextmanager
from urllib.parse import quote as urlquote

from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext

GENDERS = ("masculine", "feminine", "neuter", "plural")


def accusative(opts) -> str:
    """ "кампанию" (Выберите кампанию); the plain name where the catalogue has no accusative."""
    name = opts.verbose_name_raw
    translated = pgettext("accusative", name)
    return str(opts.verbose_name) if translated == name else translated


def gender(opts) -> str:
    """The grammatical gender of the name in the reader's language, or "" where it has none (English)."""
    found = pgettext("grammatical gender", opts.verbose_name_raw)
    return found if found in GENDERS else ""


def _gendered(opts, message: str) -> str:
    """The message agreeing with the name's gender; Django's own where there is none."""
    kind = gender(opts)
    return pgettext(kind, message) if kind else gettext(message)


def object_message(opts, *, done: str, obj: object, request, link: str | None = None) -> str:
    """What Django says after adding, changing or deleting ``obj`` (a link to it where ``link`` is given), with the
    name in agreement (and capitalised where it starts the sentence, as it does in Russian)."""
    if done == "deleted":
        template = _gendered(opts, "The %(name)s “%(obj)s” was deleted successfully.")
        name = capfirst(opts.verbose_name) if template.startswith("%(name)s") else opts.verbose_name
        return template % {"name": name, "obj": obj}
    template = _gendered(
        opts,
        {
            "added": "The {name} “{obj}” was added successfully.",
            "changed": "The {name} “{obj}” was changed successfully.",
        }[done],
    )
    name = capfirst(opts.verbose_name) if template.startswith("{name}") else opts.verbose_name
    shown = format_html('<a href="{}">{}</a>', link, obj) if link else obj
    text = format_html(template, name=name, obj=shown)
    if "_continue" in request.POST or "_saveasnew" in request.POST:
        text = format_html("{} {}", text, _gendered(opts, "You may edit it again below."))
    elif "_addanother" in request.POST:
        # "Ниже можно добавить ещё кампанию": the accusative agrees without a gender.
        text = format_html(
            "{} {}", text, format_html(gettext("You may add another {name} below."), name=accusative(opts))
        )
    return text


class ObjectNamesAdmin(admin.ModelAdmin):
    """The titles, the add button and the success messages of a model admin, with its name in the right case."""

    def changelist_view(self, request, extra_context=None):
        names = {"object": accusative(self.opts)}
        title = (
            gettext("Select %(object)s to change")
            if self.has_change_permission(request)
            else gettext("Select %(object)s to view")
        )
        context = {"title": title % names, "add_label": gettext("Add %(object)s") % names}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        names = {"object": accusative(self.opts)}
        if add:
            context["title"] = gettext("Add %(object)s") % names
        elif self.has_change_permission(request, obj):
            context["title"] = gettext("Change %(object)s") % names
        else:
            context["title"] = gettext("View %(object)s") % names
        return super().render_change_form(request, context, add, change, form_url, obj)

    @contextmanager
    def _success_said(self, request, message: str):
        request.object_message = message
        try:
            yield
        finally:
            del request.object_message

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        """While Django's response_add/_change/_delete runs, its one success message is ours."""
        said = getattr(request, "object_message", None)
        if said is not None and level == messages.SUCCESS:
            message = said
        return super().message_user(request, message, level, *args, **kwargs)

    def response_add(self, request, obj, post_url_continue=None):
        # As Django does: the name links to the new object's page for those who may change it.
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[quote(obj.pk)],
            current_app=self.admin_site.name,
        )
        link = urlquote(url) if self.has_change_permission(request, obj) else None
        with self._success_said(request, object_message(self.opts, done="added", obj=obj, request=request, link=link)):
            return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        done = "added" if "_saveasnew" in request.POST else "changed"
        said = object_message(self.opts, done=done, obj=obj, request=request, link=urlquote(request.path))
        with self._success_said(request, said):
            return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        with self._success_said(request, object_message(self.opts, done="deleted", obj=obj_display, request=request)):
            return super().response_delete(request, obj_display, obj_id)


class ObjectNamesSite(admin.AdminSite):
    """The default admin site: every model admin registered on it (a library's too) says names in the right case."""

    def register(self, model_or_iterable, admin_class=None, **options):
        # The project's admins have the mixin already (core.admin.BackOfficeAdmin) and stay the classes they are.
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, ObjectNamesAdmin):
            admin_class = type(
                admin_class.__name__, (ObjectNamesAdmin, admin_class), {"__module__": admin_class.__module__}
            )
        return super().register(model_or_iterable, admin_class, **options)


class ObjectNamesAdminConfig(AdminConfig):
    """django.contrib.admin with ObjectNamesSite as its default site (INSTALLED_APPS names this instead)."""

    default_site = "core.admin_names.ObjectNamesSite"
