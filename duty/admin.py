"""Reference data (workstation kinds, stations, forms of help) is edited here; the roster, records,
rates and subsidies change only through their audited services and pages, so they are read-only."""

from django.contrib import admin

from audit.admin import ReadOnlyAdmin
from duty.models import DutyDay, DutyRate, DutyShift, DutySubsidy, HelpKind, HelpRecord, Workstation, WorkstationKind


@admin.register(WorkstationKind)
class WorkstationKindAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order"]


@admin.register(Workstation)
class WorkstationAdmin(admin.ModelAdmin):
    list_display = ["name", "office", "kind", "is_active"]
    list_filter = ["office", "kind", "is_active"]


@admin.register(HelpKind)
class HelpKindAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order", "is_active"]


@admin.register(DutyDay)
class DutyDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "office", "status", "closed_by"]
    list_filter = ["office", "status"]


@admin.register(DutyShift)
class DutyShiftAdmin(ReadOnlyAdmin):
    list_display = ["day", "workstation", "lawyer", "half_day"]


@admin.register(HelpRecord)
class HelpRecordAdmin(ReadOnlyAdmin):
    list_display = ["helped_on", "office", "person_name", "stage"]
    list_filter = ["office", "stage"]


@admin.register(DutyRate)
class DutyRateAdmin(ReadOnlyAdmin):
    list_display = ["unit", "amount", "effective_from", "effective_to"]


@admin.register(DutySubsidy)
class DutySubsidyAdmin(ReadOnlyAdmin):
    list_display = ["duty_date", "office", "lawyer", "amount", "status"]
    list_filter = ["office", "status"]
