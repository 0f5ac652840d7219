from django.db import models


class HolidayOverride(models.Model):
    """One day whose status differs from, or is missing in, the `chinese_calendar` package.

    Staff enter rows to correct the package or to add a year it does not know yet: every holiday
    (春节, 清明, 端午, 中秋 above all, whose dates are lunar) and every 调休 working Saturday or Sunday
    announced by the State Council. A row always wins over the package (see `deadlines.calendar`).
    """

    day = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField(
        "是否工作日",
        default=False,
        help_text="勾选：调休上班的周六、周日；不勾选：放假的日子。",
    )
    note = models.CharField("说明", max_length=60, blank=True, help_text="例如：2027年春节、2027年国庆节调休上班。")

    class Meta:
        ordering = ["day"]
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"

    def __str__(self) -> str:
        status = "上班" if self.is_working_day else "放假"
        return f"{self.day:%Y-%m-%d} {status}" + (f"（{self.note}）" if self.note else "")
