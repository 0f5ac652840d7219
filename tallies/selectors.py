"""Reading the monthly aggregate (`tallies.models.MonthlyTally`)."""

from __future__ import annotations

from datetime import date

from tallies.models import MonthlyTally


def by_office_and_month(*, office_ids: list[int], first: date, last: date) -> dict[tuple[str, int, date], int]:
    """{(figure, office id, month's first day): value} for months [first, last]. One query."""
    return {
        (figure, office_id, month): value
        for figure, office_id, month, value in MonthlyTally.objects.filter(
            office_id__in=office_ids, month__gte=first.replace(day=1), month__lte=last
        ).values_list("figure", "office_id", "month", "value")
    }
