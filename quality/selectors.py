"""Reads of the quality app, aggregated in SQL (STYLE practice 8): a fixed number of queries whatever
the number of rows. Rates are Decimal percentages rounded half up to 0.01 (66.67 means 66.67%).

The four `*_figures` functions are what the monthly report reads: each takes a set of office ids and
a date range [start, end] (both inclusive) and returns {office_id: figures} for every office asked
for (zeros where nothing happened), in ONE query each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth

from cases.models import Case
from quality.models import (
    SATISFIED_LEVELS,
    FollowUp,
    Grade,
    PublicityActivity,
    SampledCase,
    SampleStatus,
    Subsidy,
    SubsidyStatus,
)

HUNDREDTH = Decimal("0.01")
ZERO = Decimal("0.00")


def rate(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage, or None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(HUNDREDTH, ROUND_HALF_UP)


def grade_for_case(case: Case) -> Grade | None:
    """The case's settled peer-review grade, or None (not sampled, or still under review). One query.

    For the case detail page: `{% if grade %}同行评估等次：{{ grade.label }}{% endif %}`."""
    value = (
        SampledCase.objects.filter(case_id=case.pk, status=SampleStatus.SETTLED)
        .values_list("final_grade", flat=True)
        .first()
    )
    return Grade(value) if value else None


# --- peer review ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class PeerReviewFigures:
    reviewed: int = 0
    excellent: int = 0
    good: int = 0
    passed: int = 0
    failed: int = 0

    @property
    def excellent_or_good(self) -> int:
        return self.excellent + self.good

    @property
    def good_rate(self) -> Decimal | None:
        """优良率 = (优秀 + 良好) / reviewed."""
        return rate(self.excellent_or_good, self.reviewed)

    def __add__(self, other: PeerReviewFigures) -> PeerReviewFigures:
        return PeerReviewFigures(
            self.reviewed + other.reviewed,
            self.excellent + other.excellent,
            self.good + other.good,
            self.passed + other.passed,
            self.failed + other.failed,
        )


def peer_review_figures(*, office_ids: Iterable[int], start: date, end: date) -> dict[int, PeerReviewFigures]:
    """Cases whose grade settled (`settled_on`) in [start, end], per office of the case. One query."""
    ids = list(office_ids)
    rows = (
        SampledCase.objects.filter(status=SampleStatus.SETTLED, settled_on__range=(start, end), case__office_id__in=ids)
        .order_by()
        .values("case__office_id")
        .annotate(
            reviewed=Count("pk"),
            excellent=Count("pk", filter=Q(final_grade=Grade.EXCELLENT)),
            good=Count("pk", filter=Q(final_grade=Grade.GOOD)),
            passed=Count("pk", filter=Q(final_grade=Grade.PASS)),
            failed=Count("pk", filter=Q(final_grade=Grade.FAIL)),
        )
    )
    figures = {office_id: PeerReviewFigures() for office_id in ids}
    for row in rows:
        figures[row["case__office_id"]] = PeerReviewFigures(
            row["reviewed"], row["excellent"], row["good"], row["passed"], row["failed"]
        )
    return figures


# --- follow-up ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FollowUpFigures:
    total: int = 0
    satisfied: int = 0
    basically: int = 0
    dissatisfied: int = 0

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """满意率 = (满意 + 基本满意) / 回访数."""
        return rate(self.satisfied + self.basically, self.total)

    def __add__(self, other: FollowUpFigures) -> FollowUpFigures:
        return FollowUpFigures(
            self.total + other.total,
            self.satisfied + other.satisfied,
            self.basically + other.basically,
            self.dissatisfied + other.dissatisfied,
        )


def follow_up_figures(*, office_ids: Iterable[int], start: date, end: date) -> dict[int, FollowUpFigures]:
    """Follow-ups made (`contacted_on`) in [start, end], per office of the case. One query."""
    ids = list(office_ids)
    rows = (
        FollowUp.objects.filter(contacted_on__range=(start, end), case__office_id__in=ids)
        .order_by()
        .values("case__office_id")
        .annotate(
            total=Count("pk"),
            satisfied=Count("pk", filter=Q(satisfaction=SATISFIED_LEVELS[0])),
            basically=Count("pk", filter=Q(satisfaction=SATISFIED_LEVELS[1])),
            dissatisfied=Count("pk", filter=~Q(satisfaction__in=SATISFIED_LEVELS)),
        )
    )
    figures = {office_id: FollowUpFigures() for office_id in ids}
    for row in rows:
        figures[row["case__office_id"]] = FollowUpFigures(
            row["total"], row["satisfied"], row["basically"], row["dissatisfied"]
        )
    return figures


# --- publicity ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PublicityFigures:
    activities: int = 0
    people_reached: int = 0
    materials_handed_out: int = 0

    def __add__(self, other: PublicityFigures) -> PublicityFigures:
        return PublicityFigures(
            self.activities + other.activities,
            self.people_reached + other.people_reached,
            self.materials_handed_out + other.materials_handed_out,
        )


def publicity_figures(*, office_ids: Iterable[int], start: date, end: date) -> dict[int, PublicityFigures]:
    """Publicity activities held (`held_on`) in [start, end], per office. One query."""
    ids = list(office_ids)
    rows = (
        PublicityActivity.objects.filter(held_on__range=(start, end), office_id__in=ids)
        .order_by()
        .values("office_id")
        .annotate(
            activities=Count("pk"),
            people=Coalesce(Sum("people_reached"), 0),
            materials=Coalesce(Sum("materials_handed_out"), 0),
        )
    )
    figures = {office_id: PublicityFigures() for office_id in ids}
    for row in rows:
        figures[row["office_id"]] = PublicityFigures(row["activities"], row["people"], row["materials"])
    return figures


# --- subsidy --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SubsidyFigures:
    computed_count: int = 0
    computed: Decimal = ZERO
    paid_count: int = 0
    paid: Decimal = ZERO

    def __add__(self, other: SubsidyFigures) -> SubsidyFigures:
        return SubsidyFigures(
            self.computed_count + other.computed_count,
            self.computed + other.computed,
            self.paid_count + other.paid_count,
            self.paid + other.paid,
        )


def _money_sum(condition: Q | None) -> Coalesce:
    return Coalesce(
        Sum("amount", filter=condition), Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2)
    )


def subsidy_figures(*, office_ids: Iterable[int], start: date, end: date) -> dict[int, SubsidyFigures]:
    """Subsidies of cases closed (`closed_on`) in [start, end] — computed — and subsidies paid
    (`paid_on`) in [start, end] — paid — per office of the case, in yuan (Decimal). One query."""
    ids = list(office_ids)
    closed = Q(case__closed_on__range=(start, end))
    paid = Q(status=SubsidyStatus.PAID, paid_on__range=(start, end))
    rows = (
        # The two halves are found separately through their own indexes (`case_closed_idx`,
        # `subsidy_status_paid_idx`) and united: an OR across the join to the case would read every
        # subsidy ever computed (issue 14).
        Subsidy.objects.filter(
            pk__in=Subsidy.objects.filter(closed)
            .values("pk")
            .union(Subsidy.objects.filter(paid).values("pk"), all=True),
            case__office_id__in=ids,
        )
        .order_by()
        .values("case__office_id")
        .annotate(
            computed_count=Count("pk", filter=closed),
            computed=_money_sum(closed),
            paid_count=Count("pk", filter=paid),
            paid=_money_sum(paid),
        )
    )
    figures = {office_id: SubsidyFigures() for office_id in ids}
    for row in rows:
        figures[row["case__office_id"]] = SubsidyFigures(
            row["computed_count"],
            Decimal(row["computed"]).quantize(HUNDREDTH),
            row["paid_count"],
            Decimal(row["paid"]).quantize(HUNDREDTH),
        )
    return figures


def subsidy_by_month(*, office_ids: Iterable[int], year: int) -> list[dict[str, Any]]:
    """Per office and closure month of `year`: number of subsidies, amount computed, amount paid so
    far, amount pending. One query; rows ordered by office then month."""
    pending = Q(status=SubsidyStatus.PENDING)
    rows = (
        Subsidy.objects.filter(case__office_id__in=list(office_ids), case__closed_on__year=year)
        .order_by()
        .annotate(month=ExtractMonth("case__closed_on"))
        .values("case__office_id", "case__office__name", "case__office__sort_order", "month")
        .annotate(
            count=Count("pk"),
            computed=_money_sum(None),
            paid=_money_sum(~pending),
            pending=_money_sum(pending),
        )
        .order_by("case__office__sort_order", "month")
    )
    return [
        {
            "office": row["case__office__name"],
            "month": row["month"],
            "count": row["count"],
            "computed": Decimal(row["computed"]).quantize(HUNDREDTH),
            "paid": Decimal(row["paid"]).quantize(HUNDREDTH),
            "pending": Decimal(row["pending"]).quantize(HUNDREDTH),
        }
        for row in rows
    ]
