"""The audit trail in the admin, and the read-only admin every app uses for records that change only
through its audited services (an admin edit would bypass both the rules and the audit row)."""

from django.contrib import admin

from audit.models import AuditEntry


class ReadOnlyAdminMixin:
    """Shown, never written: add, change and delete are refused."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The trail is append-only (SPEC §8)."""

    list_display = ["at", "actor_username", "ip_address", "action", "object_repr", "from_state", "to_state"]
    list_filter = ["action"]
    search_fields = ["actor_username", "object_repr", "object_id", "note"]
    date_hierarchy = "at"
