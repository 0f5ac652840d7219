"""The monthly aggregate of the matters that count toward the 民生实事 target (SPEC §7, issue 14):
one row per office, month and form of legal aid, added to in the same transaction as the event it
counts. The monthly sheet reads a year to date from a few dozen of these rows instead of counting a
province's events of the year at every request, so it costs the same in year 30 as in year 1.

What each event counts for is decided by the app that owns the event (`applications`, `cases`,
`duty`, `consultations`: a `*_tally` function beside its model, called by its service and its demo
data alike); the same figures counted afresh from the events (`reporting.counting.RECOUNTS`) rebuild
the table (`manage.py rebuild_tallies`) and check it in the tests.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from accounts.models import Office


class Figure(models.TextChoices):
    """The events counted, by the code of their form of legal aid (`reporting.models.AidForm.code`)."""

    APPROVED_APPLICATION = "approved_application", "申请准予"
    NOTICE = "notice", "通知辩护（代理）"
    DUTY_HELP = "duty_help", "值班律师法律帮助"
    CONSULTATION = "consultation", "法律咨询"
    DOCUMENT = "document", "代拟法律文书"


class MonthlyTally(models.Model):
    office = models.ForeignKey(Office, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份", help_text="该月1日。")
    figure = models.CharField("计数项", max_length=30, choices=Figure.choices)
    value = models.PositiveIntegerField("数量", default=0)

    class Meta:
        ordering = ["month", "office__sort_order", "figure"]
        verbose_name = "月度计数"
        verbose_name_plural = "月度计数"
        constraints = [
            # The upsert in `tallies.services.add_many` conflicts on exactly these columns.
            models.UniqueConstraint(fields=["month", "office", "figure"], name="monthly_tally_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="monthly_tally_month_starts_on_a_first"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.month:%Y-%m} {self.figure} {self.value}"
