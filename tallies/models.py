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
    # The sheet's other figures of applications and cases (SPEC §7), each in its month:
    # received at the office (受理, by `received_at`), of which for another office (通办转出), and
    # received elsewhere for this one (通办转入); approvals by economic basis (SPEC §3.2); closures.
    RECEIVED = "received", "受理（按受理机构）"
    RECEIVED_FOR_OTHER = "received_for_other", "通办转出（为其他机构受理）"
    ROUTED_IN = "routed_in", "通办转入（其他机构代为受理）"
    APPROVED_HARDSHIP = "approved_hardship", "准予：经济困难"
    APPROVED_EXEMPT = "approved_exempt", "准予：免予核查"
    APPROVED_UNRESTRICTED = "approved_unrestricted", "准予：不受经济困难条件限制"
    CASES_CLOSED = "cases_closed", "结案"
    # Quality (SPEC §5), at the case's office: cases whose peer-review grade settled, by grade, in
    # the month it settled; follow-ups by how satisfied the person was, in the month of the call.
    PEER_EXCELLENT = "peer_excellent", "同行评估：优秀"
    PEER_GOOD = "peer_good", "同行评估：良好"
    PEER_PASS = "peer_pass", "同行评估：合格"
    PEER_FAIL = "peer_fail", "同行评估：不合格"
    FOLLOW_UP_SATISFIED = "follow_up_satisfied", "回访：满意"
    FOLLOW_UP_BASICALLY = "follow_up_basically", "回访：基本满意"
    FOLLOW_UP_DISSATISFIED = "follow_up_dissatisfied", "回访：不满意"
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


class DecisionTime(models.Model):
    """How many of an office's decisions (准予 and 不予) of a month took `days` days from receipt: the
    distribution the month's median review time (审查用时中位数) is read from — exactly, as the days
    are whole — without sorting the month's decisions at every request."""

    office = models.ForeignKey(Office, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份", help_text="决定作出之月的1日。")
    # Signed: the aggregate records the decisions as they are dated; it is not where dates are checked.
    days = models.IntegerField("用时（日）", help_text="自收到申请之日至作出决定之日。")
    decisions = models.BigIntegerField("决定数", default=0)

    class Meta:
        ordering = ["month", "office__sort_order", "days"]
        verbose_name = "审查用时分布"
        verbose_name_plural = "审查用时分布"
        constraints = [
            # The upsert in `tallies.services.add_many` conflicts on exactly these columns.
            models.UniqueConstraint(fields=["month", "office", "days"], name="decision_time_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="decision_time_month_starts_on_a_first"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.month:%Y-%m} {self.days}日 {self.decisions}"
