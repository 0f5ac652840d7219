"""Reading the monthly aggregate (`tallies.models.MonthlyTally`, `DecisionTime`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from tallies.models import DecisionTime, Figure, MonthlyTally
from tallies.services import Totals


def by_office_and_month(
    *, office_ids: list[int], first: date, last: date, figures: Iterable[Figure] | None = None
) -> dict[tuple[str, int, date], int]:
    """{(figure, office id, month's first day): value} for months [first, last], of every figure or
    of `figures`. One query."""
    rows = MonthlyTally.objects.filter(office_id__in=office_ids, month__gte=first.replace(day=1), month__lte=last)
    if figures is not None:
        rows = rows.filter(figure__in=figures)
    return {
        (figure, office_id, month): value
        for figure, office_id, month, value in rows.values_list("figure", "office_id", "month", "value")
    }


def decision_times(*, office_ids: list[int], month: date) -> dict[int, dict[int, int]]:
    """{office id: {days: decisions}} of the month whose first day is `month`. One query."""
    by_office: dict[int, dict[int, int]] = {}
    for office_id, days, decisions in DecisionTime.objects.filter(
        office_id__in=office_ids, month=month, decisions__gt=0
    ).values_list("office_id", "days", "decisions"):
        by_office.setdefault(office_id, {})[days] = decisions
    return by_office


def stored(*, first: date, last: date) -> Totals:
    """The rows of months [first, last] as stored, those at 0 left out (as a recount has none)."""
    figures = MonthlyTally.objects.filter(month__range=(first.replace(day=1), last)).exclude(value=0)
    decisions = DecisionTime.objects.filter(month__range=(first.replace(day=1), last)).exclude(decisions=0)
    return Totals(
        Counter({(o, m, f): v for o, m, f, v in figures.values_list("office_id", "month", "figure", "value")}),
        Counter({(o, m, d): n for o, m, d, n in decisions.values_list("office_id", "month", "days", "decisions")}),
    )
