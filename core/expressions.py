"""Database expressions the ORM lacks."""

from __future__ import annotations

from typing import Any

from django.db.models import Func, IntegerField


class DaysBetween(Func):
    """Whole days from the date `earlier` to the date `later` (negative when `later` comes first), as
    an integer. Django's own `later - earlier` is a DurationField: on PostgreSQL an interval computed
    as `'1 day' * (…)::double precision` per row, which costs more to compute and to sort by than the
    integer PostgreSQL gives for the difference of two dates (the report's medians sort a month's
    decisions by it)."""

    arity = 2
    output_field = IntegerField()
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # SQLite keeps dates as ISO text: julianday() turns each into a day number.
        return self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND(julianday(%(expressions)s)) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )
