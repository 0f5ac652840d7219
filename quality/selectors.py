"""Reads of the quality app, aggregated in SQL (STYLE practice 8): a fixed number of queries whatever
the number of rows. Rates are Decimal percentages rounded half up to 0.01 (66.67 means 66.67%).

The four `*_figures` functions are what the monthly report reads: each takes a set of office ids and
a date range [start, end] (both inclusive) and returns {office_id: figures} for every office asked
for (zeros where nothing happened), in ONE query each. The peer reviews', follow-ups' and subsidies'
come from the monthly aggregate (`tallies`), so they take whole months, and none when the caller has
read the aggregate already (`tallied`).
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth

from cases.models import Case
from quality.models import (
    GRADE_FIGURES,
    SATISFACTION_FIGURES,
    FollowUp,
    Grade,
    PublicityActivity,
    SampledCase,
    SampleStatus,
    Satisfaction,
    Subsidy,
    SubsidyStatus,
)
from tallies.models import Figure, MonthlyTally
from tallies.selectors import by_office_and_month
from tallies.services import Tally

HUNDREDTH = Decimal("0.01")
ZERO = Decimal("0.00")


def rate(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage, or None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(HUNDREDTH, ROUND_HALF_UP)


# The monthly aggregate as `tallies.selectors.by_office_and_month` reads it: (figure, office id, month) → value.
Tallied = Mapping[tuple[str, int, date], int]


def _month_sums(
    office_ids: list[int], start: date, end: date, figures: Iterable[Figure], tallied: Tallied | None
) -> Counter[tuple[str, int]]:
    """Each of `figures` per office, summed over the whole months [start, end] of the aggregate."""
    if start.day != 1 or end.day != calendar.monthrange(end.year, end.month)[1]:
        raise ValueError(f"whole months only (the aggregate counts by month), got {start}..{end}")
    figures = set(figures)
    if tallied is None:
        tallied = by_office_and_month(office_ids=office_ids, first=start, last=end, figures=figures)
    ids = set(office_ids)
    sums: Counter[tuple[str, int]] = Counter()
    for (figure, office_id, month), value in tallied.items():
        if figure in figures and office_id in ids and start <= month <= end:
            sums[figure, office_id] += value
    return sums


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


def peer_review_figures(
    *, office_ids: Iterable[int], start: date, end: date, tallied: Tallied | None = None
) -> dict[int, PeerReviewFigures]:
    """Cases whose grade settled (`settled_on`) in the whole months [start, end] (a month, a year),
    per office of the case, from the monthly aggregate (`quality.services.peer_review.settled_tally`):
    one query, none when the caller has read those months already (`tallied`)."""
    ids = list(office_ids)
    sums = _month_sums(ids, start, end, GRADE_FIGURES.values(), tallied)
    figures = {}
    for office_id in ids:
        excellent, good, passed, failed = (sums[GRADE_FIGURES[grade], office_id] for grade in Grade)
        figures[office_id] = PeerReviewFigures(excellent + good + passed + failed, excellent, good, passed, failed)
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


def follow_up_figures(
    *, office_ids: Iterable[int], start: date, end: date, tallied: Tallied | None = None
) -> dict[int, FollowUpFigures]:
    """Follow-ups made (`contacted_on`) in the whole months [start, end] (a month, a year), per office
    of the case, from the monthly aggregate (`quality.services.follow_up.follow_up_tally`): one
    query, none when the caller has read those months already (`tallied`)."""
    ids = list(office_ids)
    sums = _month_sums(ids, start, end, SATISFACTION_FIGURES.values(), tallied)
    figures = {}
    for office_id in ids:
        satisfied, basically, dissatisfied = (sums[SATISFACTION_FIGURES[answer], office_id] for answer in Satisfaction)
        figures[office_id] = FollowUpFigures(satisfied + basically + dissatisfied, satisfied, basically, dissatisfied)
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


def _yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(HUNDREDTH)


def subsidy_figures(
    *, office_ids: Iterable[int], year: int, month: int, tallied: Tallied | None = None
) -> dict[int, SubsidyFigures]:
    """Subsidies of cases closed in the month — computed — and subsidies paid in the month — paid —
    per office of the case, in yuan (Decimal). From the monthly aggregate (`tallies`): one query, none
    when the caller has read the month's rows already (`tallied`, `tallies.selectors.by_office_and_month`)."""
    ids = list(office_ids)
    first = date(year, month, 1)
    values = tallied if tallied is not None else by_office_and_month(office_ids=ids, first=first, last=first)
    return {
        office_id: SubsidyFigures(
            values.get((Figure.SUBSIDIES, office_id, first), 0),
            _yuan(values.get((Figure.SUBSIDY_COMPUTED, office_id, first), 0)),
            values.get((Figure.SUBSIDIES_PAID, office_id, first), 0),
            _yuan(values.get((Figure.SUBSIDY_PAID, office_id, first), 0)),
        )
        for office_id in ids
    }


def subsidy_by_month(*, office_ids: Iterable[int], year: int) -> list[dict[str, Any]]:
    """Per office and closure month of `year`: number of subsidies, amount computed, amount paid so
    far, amount pending. One query, of the monthly aggregate (`tallies`); rows ordered by office then
    month, only months with subsidies."""
    rows: dict[tuple[int, str, date], dict[str, int]] = {}
    for sort_order, name, month, figure, value in (
        MonthlyTally.objects.filter(
            office_id__in=list(office_ids),
            month__range=(date(year, 1, 1), date(year, 12, 1)),
            figure__in=[Figure.SUBSIDIES, Figure.SUBSIDY_COMPUTED, Figure.SUBSIDY_PAID_BY_CLOSURE],
        )
        .order_by("office__sort_order", "office__code", "month")
        .values_list("office__sort_order", "office__name", "month", "figure", "value")
    ):
        rows.setdefault((sort_order, name, month), {})[figure] = value
    return [
        {
            "office": name,
            "month": month.month,
            "count": row.get(Figure.SUBSIDIES, 0),
            "computed": _yuan(computed := row.get(Figure.SUBSIDY_COMPUTED, 0)),
            "paid": _yuan(paid := row.get(Figure.SUBSIDY_PAID_BY_CLOSURE, 0)),
            "pending": _yuan(computed - paid),
        }
        for (_, name, month), row in rows.items()
        if row.get(Figure.SUBSIDIES, 0)
    ]


def subsidies_closed_in(
    subsidies: QuerySet[Subsidy], *, year: int, month: int | None, office_id: int | None, status: str
) -> QuerySet[Subsidy]:
    """The subsidies list: `subsidies` (already scoped to the reader) of cases closed in `year`, or in
    one month of it, of one office, of one status; newest closure first (Subsidy.Meta.ordering).
    Joined: only the case, which the list sorts by; the handlers, their users and the stages are read
    by the page's ids (each joined table multiplies PostgreSQL's search for a join order)."""
    if month:
        first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    else:
        first, last = date(year, 1, 1), date(year, 12, 31)
    subsidies = (
        subsidies.filter(case__closed_on__range=(first, last))
        .select_related(None)
        .select_related("case")
        .prefetch_related("handler__user", "stage", "paid_by")
    )
    if office_id is not None:
        subsidies = subsidies.filter(case__office_id=office_id)
    if status:
        subsidies = subsidies.filter(status=status)
    return subsidies


def recounted_quality_tallies(*, office_ids: Iterable[int], year: int) -> list[Tally]:
    """The peer reviews' and follow-ups' part of the monthly aggregate of `year`, counted afresh — the
    definition `settled_tally` and `follow_up_tally` add up to. Two queries."""
    ids = list(office_ids)
    settled = (
        SampledCase.objects.filter(status=SampleStatus.SETTLED, case__office_id__in=ids, settled_on__year=year)
        .order_by()
        .annotate(month=ExtractMonth("settled_on"))
        .values_list("case__office_id", "month", "final_grade")
        .annotate(n=Count("pk"))
    )
    answered = (
        FollowUp.objects.filter(case__office_id__in=ids, contacted_on__year=year)
        .order_by()
        .annotate(month=ExtractMonth("contacted_on"))
        .values_list("case__office_id", "month", "satisfaction")
        .annotate(n=Count("pk"))
    )
    return [
        Tally(GRADE_FIGURES[Grade(grade)], office_id, date(year, month, 1), n) for office_id, month, grade, n in settled
    ] + [
        Tally(SATISFACTION_FIGURES[Satisfaction(answer)], office_id, date(year, month, 1), n)
        for office_id, month, answer, n in answered
    ]


def recounted_subsidy_tallies(*, office_ids: Iterable[int], year: int) -> list[Tally]:
    """The subsidies' part of the monthly aggregate of `year`, counted afresh from the subsidies — the
    definition `quality.services.subsidy.subsidy_tallies` adds up to. Two queries: by the month the
    case was closed, and by the month paid."""
    ids = list(office_ids)
    paid = Q(status=SubsidyStatus.PAID)
    by_closure = (
        Subsidy.objects.filter(case__office_id__in=ids, case__closed_on__year=year)
        .order_by()
        .annotate(month=ExtractMonth("case__closed_on"))
        .values_list("case__office_id", "month")
        .annotate(count=Count("pk"), computed=_money_sum(None), paid=_money_sum(paid))
    )
    by_payment = (
        Subsidy.objects.filter(paid, case__office_id__in=ids, paid_on__year=year)
        .order_by()
        .annotate(month=ExtractMonth("paid_on"))
        .values_list("case__office_id", "month")
        .annotate(count=Count("pk"), paid=_money_sum(None))
    )
    tallies: list[Tally] = []
    for office_id, month, count, computed, paid_amount in by_closure:
        on = date(year, month, 1)
        tallies += [
            Tally(Figure.SUBSIDIES, office_id, on, count),
            Tally(Figure.SUBSIDY_COMPUTED, office_id, on, int(computed * 100)),
            Tally(Figure.SUBSIDY_PAID_BY_CLOSURE, office_id, on, int(paid_amount * 100)),
        ]
    for office_id, month, count, paid_amount in by_payment:
        on = date(year, month, 1)
        tallies += [
            Tally(Figure.SUBSIDIES_PAID, office_id, on, count),
            Tally(Figure.SUBSIDY_PAID, office_id, on, int(paid_amount * 100)),
        ]
    return tallies
