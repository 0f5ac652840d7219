"""Reading the monthly aggregate (`tallies.models.MonthlyTally`, `DecisionTime`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tallies.models import DecisionTime, Figure, MonthlyTally


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
