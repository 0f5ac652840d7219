"""Gap-free numbers from a locked counter row (STYLE practice 7): application numbers, case numbers.

Allocate inside the transaction that uses the number: the counter row stays locked until it commits,
so two offices submitting at the same instant wait for each other, and a rollback gives the number back.
"""

from django.db import connection

from core.models import NumberSequence


def reserve_numbers(*, kind: str, year: int, scope: str = "", count: int = 1) -> range:
    """The next `count` consecutive values of the (kind, scope, year) counter.

    ONE statement (`INSERT … ON CONFLICT DO UPDATE … RETURNING`, PostgreSQL and SQLite): it creates
    the year's counter or adds to it, and the row it writes stays locked until the transaction ends."""
    q = connection.ops.quote_name
    table, kind_, scope_, year_, last_ = (
        q(name) for name in (NumberSequence._meta.db_table, "kind", "scope", "year", "last_value")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({kind_}, {scope_}, {year_}, {last_}) VALUES (%s, %s, %s, %s) "
            f"ON CONFLICT ({kind_}, {scope_}, {year_}) DO UPDATE SET {last_} = {table}.{last_} + excluded.{last_} "
            f"RETURNING {last_}",
            [kind, scope, year, count],
        )
        (last,) = cursor.fetchone()
    return range(last - count + 1, last + 1)


def next_number(*, kind: str, year: int, scope: str = "") -> int:
    """The next value of the (kind, scope, year) counter."""
    return reserve_numbers(kind=kind, year=year, scope=scope)[0]
