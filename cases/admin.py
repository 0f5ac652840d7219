from django.contrib import admin

from audit.admin import ReadOnlyAdmin
from cases.models import Assignment, Case, CaseType, Handler, LawFirm, ProgressEntry, TerminationGround
from core.pagination import BoundedPaginator


@admin.register(CaseType)
class CaseTypeAdmin(admin.ModelAdmin):
    list_display = ["category", "char", "sort_order"]
    list_editable = ["char", "sort_order"]


@admin.register(TerminationGround)
class TerminationGroundAdmin(admin.ModelAdmin):
    list_display = ["item", "name", "is_active"]
    list_editable = ["is_active"]


@admin.register(LawFirm)
class LawFirmAdmin(admin.ModelAdmin):
    list_display = ["name", "office", "phone"]
    list_filter = ["office"]
    list_select_related = ["office"]
    search_fields = ["name"]


@admin.register(Handler)
class HandlerAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "license_number", "licensed_since", "law_firm", "office", "is_active"]
    list_filter = ["office", "kind", "is_active"]
    list_select_related = ["user", "law_firm", "office"]
    search_fields = ["user__username", "user__first_name", "license_number"]
    autocomplete_fields = ["law_firm"]
    raw_id_fields = ["user"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    can_delete = False
    readonly_fields = ["from_handler", "to_handler", "reason", "assigned_on", "at", "by"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ProgressInline(admin.TabularInline):
    model = ProgressEntry
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "happened_on", "note", "recorded_by", "recorded_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Read-only: every change of a case goes through `cases.services` (with its audit row)."""

    # Issue 14: the changelist counts at most 10,000 rows, and never the whole table a second time.
    paginator = BoundedPaginator
    show_full_result_count = False
    list_display = ["number", "office", "state", "opened_on", "handler", "is_sealed"]
    list_filter = ["office", "state", "case_type", "is_sealed"]
    list_select_related = ["office", "handler__user", "handler__law_firm"]
    search_fields = ["number", "application__number"]
    inlines = [AssignmentInline, ProgressInline]
