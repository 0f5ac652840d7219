"""The audit trail in the admin, and the read-only admin every app uses for records that change only
through its audited services (an admin edit would bypass both the rules and the audit row)."""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest

from audit.models import AuditEntry

# Personal fields kept off the admin's pages; seen (and audited) only on the staff pages (SPEC §8).
PERSONAL_FIELDS = frozenset({"id_number", "phone", "agent_id_number"})


class ReadOnlyAdminMixin:
    """Shown, never written: add, change and delete are refused."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# The mixins are mixed into ModelAdmin subclasses; the type checker sees them as ModelAdmins.
if TYPE_CHECKING:
    _MixedIntoAdmin = admin.ModelAdmin[Any]
else:
    _MixedIntoAdmin = object


class HiddenFieldsAdminMixin(_MixedIntoAdmin):
    """A field the admin does not show cannot be searched through its URL either: a changelist asked
    to filter on one (`?id_number=…`, `?phone__startswith=…`, `?case__application__id_number=…`)
    answers 400, instead of confirming a guessed ID number unaudited (and with the number in the
    request log). Covers the fields named in `exclude` and the personal fields anywhere on the path."""

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        hidden = PERSONAL_FIELDS | set(getattr(self, "exclude", None) or ())
        if hidden.intersection(lookup.split(LOOKUP_SEP)):
            return False
        return super().lookup_allowed(lookup, value, request)


class ReadOnlyAdmin(HiddenFieldsAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The trail is append-only (SPEC §8)."""

    list_display = ["at", "actor_username", "ip_address", "action", "object_repr", "from_state", "to_state"]
    list_filter = ["action"]
    search_fields = ["actor_username", "object_repr", "object_id", "note"]
    date_hierarchy = "at"
