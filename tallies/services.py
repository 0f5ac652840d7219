"""Adding events to the monthly aggregate (`tallies.models.MonthlyTally`, `DecisionTime`).

Call `add` / `add_many` inside the transaction that writes the event: the count and the event are
committed, or rolled back, together. One `INSERT … ON CONFLICT DO UPDATE` per row (office, month,
figure; office, month, days) — PostgreSQL and SQLite alike — so two clerks counting at the same
instant each add their own, and a month's first event creates its row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction

from tallies.models import DecisionTime, Figure, MonthlyTally


@dataclass(frozen=True)
class Tally:
    """`value` events of `figure` at office `office_id` on `on` (counted in its month)."""

    figure: Figure
    office_id: int
    on: date
    value: int = 1


@dataclass(frozen=True)
class Decision:
    """`value` decisions (准予 or 不予) at office `office_id` on `on` that took `days` days from receipt
    (counted in its month; -1 takes one back when an objection reopens the application)."""

    office_id: int
    on: date
    days: int
    value: int = 1


def add(tally: Tally | Decision) -> None:
    add_many([tally])


# (office id, month's first day, figure or days) → amount: a row of either table, as `add_many`
# writes it and `tallies.selectors.stored` reads it back.
Rows = Counter[tuple[int, date, str | int]]


@dataclass(frozen=True)
class Totals:
    figures: Rows  # `MonthlyTally`
    decisions: Rows  # `DecisionTime`


def totals(tallies: Iterable[Tally | Decision]) -> Totals:
    """The rows `tallies` add up to, those of the same row summed."""
    summed = Totals(Counter(), Counter())
    for tally in tallies:
        if isinstance(tally, Decision):
            summed.decisions[tally.office_id, tally.on.replace(day=1), tally.days] += tally.value
        else:
            summed.figures[tally.office_id, tally.on.replace(day=1), str(tally.figure)] += tally.value
    return summed


def add_many(tallies: Iterable[Tally | Decision]) -> None:
    """Add every tally to its month's row; tallies of the same row are summed first."""
    summed = totals(tallies)
    # Inside the event's transaction no savepoint is needed; alone, the rows commit together.
    with transaction.atomic(savepoint=False):
        _upsert(MonthlyTally, "figure", "value", summed.figures)
        _upsert(DecisionTime, "days", "decisions", summed.decisions)


def _upsert(model: type[MonthlyTally | DecisionTime], key: str, value: str, amounts: Rows) -> None:
    """Add each of `amounts` ((office id, month, key) → amount) to its row of `model`."""
    rows = [(*row, amount) for row, amount in sorted(amounts.items()) if amount]
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        # Rows in a fixed order, so two transactions adding to the same rows cannot deadlock.
        cursor.executemany(
            f"INSERT INTO {table} (office_id, month, {key}, {value}) VALUES (%s, %s, %s, %s) "
            f"ON CONFLICT (month, office_id, {key}) DO UPDATE SET {value} = {table}.{value} + excluded.{value}",
            rows,
        )


def replace_all(tallies: Iterable[Tally | Decision], *, months: tuple[date, date]) -> None:
    """Make the rows of months [first, last] exactly `tallies` (a rebuild from the events)."""
    first, last = months
    with transaction.atomic():
        for model in (MonthlyTally, DecisionTime):
            model.objects.filter(month__gte=first.replace(day=1), month__lte=last).delete()
        add_many(tallies)
