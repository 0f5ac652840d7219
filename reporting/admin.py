from django.contrib import admin

from reporting.models import AnnualTarget, MonthlySubmission, OfficeTarget


class ReadOnlyAdminMixin:
    """Shown, never written: targets are set on the targets page (年度目标), which checks that the
    offices add up to the city and writes the audit row; sheets are submitted and returned on the
    reporting pages, where it is audited too. An admin edit would bypass both."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class OfficeTargetInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = OfficeTarget
    extra = 0


@admin.register(AnnualTarget)
class AnnualTargetAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["year", "city_target", "updated_at", "updated_by"]
    inlines = [OfficeTargetInline]


@admin.register(MonthlySubmission)
class MonthlySubmissionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "office",
        "year",
        "month",
        "status",
        "first_submitted_at",
        "submitted_at",
        "submitted_by",
        "returned_at",
    ]
    list_filter = ["year", "month", "status", "office"]
