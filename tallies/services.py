"""Adding events to the monthly aggregate (`tallies.models.MonthlyTally`).

Call `add` / `add_many` inside the transaction that writes the event: the count and the event are
committed, or rolled back, together. One `INSERT … ON CONFLICT DO UPDATE` per (office, month,
figure) — PostgreSQL and SQLite alike — so two clerks counting at the same instant each add their
own, and a month's first event creates its row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction

from tallies.models import Figure, MonthlyTally


@dataclass(frozen=True)
class Tally:
    """`value` events of `figure` at office `office_id` on `on` (counted in its month)."""

    figure: Figure
    office_id: int
    on: date
    value: int = 1


def add(tally: Tally) -> None:
    add_many([tally])


def add_many(tallies: Iterable[Tally]) -> None:
    """Add every tally to its month's row; tallies of the same row are summed first."""
    totals: Counter[tuple[int, date, str]] = Counter()
    for tally in tallies:
        totals[tally.office_id, tally.on.replace(day=1), str(tally.figure)] += tally.value
    rows = [(office_id, month, figure, value) for (office_id, month, figure), value in sorted(totals.items()) if value]
    if not rows:
        return
    table = connection.ops.quote_name(MonthlyTally._meta.db_table)
    # Inside the event's transaction no savepoint is needed; alone, the rows commit together.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        # Rows in a fixed order, so two transactions adding to the same rows cannot deadlock.
        cursor.executemany(
            f"INSERT INTO {table} (office_id, month, figure, value) VALUES (%s, %s, %s, %s) "
            f"ON CONFLICT (month, office_id, figure) DO UPDATE SET value = {table}.value + excluded.value",
            rows,
        )


def replace_all(tallies: Iterable[Tally], *, months: tuple[date, date]) -> None:
    """Make the rows of months [first, last] exactly `tallies` (a rebuild from the events)."""
    first, last = months
    with transaction.atomic():
        MonthlyTally.objects.filter(month__gte=first.replace(day=1), month__lte=last).delete()
        add_many(tallies)
