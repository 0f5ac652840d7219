from django.contrib import admin

from deadlines.calendar import package_is_working_day
from deadlines.models import HolidayOverride

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
