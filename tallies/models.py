"""The monthly aggregate (issue 14): one row per office, month and figure — the matters that count
toward the 民生实事 target (SPEC §7) and the handlers' subsidies (SPEC §5) — added to in the same
transaction as the event it counts. The monthly sheet and the subsidies page read a year from a few
dozen of these rows instead of counting a province's events of the year at every request, so they
cost the same in year 30 as in year 1.

What each event counts for is decided by the app that owns the event (`applications`, `cases`,
`duty`, `consultations`, `quality`: a `*_tally` function beside its service, called by the service
and by its demo data alike); the same figures counted afresh from the events
(`reporting.counting.recounted_tallies`) rebuild the table (`manage.py rebuild_tallies`) and check it
in the tests.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from accounts.models import Office


class Figure(models.TextChoices):
    """What is counted. The forms of legal aid go by their code (`reporting.models.AidForm.code`);
    money is counted in fen (分), so that a sum stays exact."""

    APPROVED_APPLICATION = "approved_application", "申请准予"
    NOTICE = "notice", "通知辩护（代理）"
    DUTY_HELP = "duty_help", "值班律师法律帮助"
    CONSULTATION = "consultation", "法律咨询"
    DOCUMENT = "document", "代拟法律文书"
    # A handler's subsidy, in the month its case was closed: how many, how much, how much of it paid.
    SUBSIDIES = "subsidies", "核定补贴（件，按结案月份）"
    SUBSIDY_COMPUTED = "subsidy_computed", "核定补贴（分，按结案月份）"
    SUBSIDY_PAID_BY_CLOSURE = "subsidy_paid_by_closure", "已发放补贴（分，按结案月份）"
    # ... and in the month it was paid.
    SUBSIDIES_PAID = "subsidies_paid", "发放补贴（件，按发放月份）"
    SUBSIDY_PAID = "subsidy_paid", "发放补贴（分，按发放月份）"


class MonthlyTally(models.Model):
    office = models.ForeignKey(Office, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份", help_text="该月1日。")
    figure = models.CharField("计数项", max_length=30, choices=Figure.choices)
    # Signed: a recomputed subsidy adds the difference, which may be negative (the row itself never is).
    value = models.BigIntegerField("数量", default=0)

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
