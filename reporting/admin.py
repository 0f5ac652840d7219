from django.contrib import admin

from audit.admin import ReadOnlyAdminMixin
from reporting.models import AnnualTarget, MonthlySubmission, OfficeTarget

# Targets are set on the targets page (年度目标), which checks that the offices add up to the city and
# writes the audit row; sheets are submitted and returned on the reporting pages, audited too.


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
