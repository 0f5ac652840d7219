from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only (SPEC §8)."""

    list_display = ["at", "actor_username", "ip_address", "action", "object_repr", "from_state", "to_state"]
    list_filter = ["action"]
    search_fields = ["actor_username", "object_repr", "object_id", "note"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
