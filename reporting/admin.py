from django.contrib import admin

from reporting.models import AnnualTarget, MonthlySubmission, OfficeTarget


class OfficeTargetInline(admin.TabularInline):
    model = OfficeTarget
    extra = 0


@admin.register(AnnualTarget)
class AnnualTargetAdmin(admin.ModelAdmin):
    list_display = ["year", "city_target", "updated_at", "updated_by"]
    inlines = [OfficeTargetInline]
    readonly_fields = ["updated_at", "updated_by"]


@admin.register(MonthlySubmission)
class MonthlySubmissionAdmin(admin.ModelAdmin):
    """Read-only: sheets are submitted and returned on the reporting pages, where it is audited."""

    list_display = ["office", "year", "month", "status", "submitted_at", "submitted_by", "returned_at"]
    list_filter = ["year", "month", "status", "office"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
