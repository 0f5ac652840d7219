from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from deadlines.calendar import package_is_working_day
from deadlines.models import HolidayOverride
from deadlines.signals import calendar_changed

WEEKDAYS = "一二三四五六日"


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin[HolidayOverride]):
    """Where staff correct the holiday package or enter a year it lacks (SPEC §3.1)."""

    list_display = ["day", "weekday", "is_working_day", "note", "package_status"]
    list_filter = ["is_working_day"]
    search_fields = ["note"]
    date_hierarchy = "day"

    @admin.display(description="星期", ordering="day")
    def weekday(self, obj: HolidayOverride) -> str:
        return f"星期{WEEKDAYS[obj.day.weekday()]}"

    @admin.display(description="软件包原判断")
    def package_status(self, obj: HolidayOverride) -> str:
        # Shows staff whether a row changes anything, or only fills in a year the package lacks.
        says = package_is_working_day(obj.day)
        if says is None:
            return "未收录该年"
        return "工作日" if says else "休息日"

    # Every stored due date (a 补正 reply date, an objection's 5 days…) was computed with the old
    # calendar: the apps that store them recompute their open items, in the same transaction.
    def _changed(self, request: HttpRequest, days: Iterable[date]) -> None:
        calendar_changed.send(sender=HolidayOverride, days=sorted(set(days)), by=request.user, request=request)

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: HolidayOverride, form: ModelForm[Any], change: bool) -> None:
        before = HolidayOverride.objects.filter(pk=obj.pk).values_list("day", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        self._changed(request, [obj.day] + ([before] if before else []))

    @transaction.atomic
    def delete_model(self, request: HttpRequest, obj: HolidayOverride) -> None:
        day = obj.day
        super().delete_model(request, obj)
        self._changed(request, [day])

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[HolidayOverride]) -> None:
        days = list(queryset.values_list("day", flat=True))
        super().delete_queryset(request, queryset)
        self._changed(request, days)
