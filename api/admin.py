from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api.models import ApiToken
from api.services import revoke_token


@admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
def revoke_tokens(model_admin, request, queryset) -> None:
    tokens = list(queryset.filter(revoked_at__isnull=True))
    for token in tokens:
        revoke_token(token=token)
    model_admin.message_user(
        request,
        ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", len(tokens)) % {"count": len(tokens)},
        messages.SUCCESS,
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators see who holds desktop-program tokens and revoke them; secrets are never shown."""

    list_display = ("account", "created_at", "expires_at", "last_used_at", "revoked_at", "user_agent")
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "expires_at"]
    search_fields = ["account__username", "user_agent"]
    list_select_related = ["account"]
    actions = [revoke_tokens]
    fields = list_display
    readonly_fields = list_display

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
