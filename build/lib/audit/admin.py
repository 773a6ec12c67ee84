from django.contrib import admin

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Administrators (the only role with audit.view_auditevent) read the trail; nobody edits or deletes it."""

    list_display = ["created_at", "actor_username", "action", "target_type", "target_id", "summary"]
    list_filter = ["action", "target_type", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["actor_username", "summary", "target_id"]
    date_hierarchy = "created_at"
    readonly_fields = list_display

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("audit.view_auditevent")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
