"""Rate limits: how often one client (an address, or a signed-in user) may try a guarded action.

An attempt is counted before the action runs, in ONE statement (`INSERT … ON CONFLICT DO UPDATE …
RETURNING`): forty parallel requests get forty different counts, so exactly `limit` of them go ahead.
Counting afterwards, or reading the count and then writing, lets a burst through (issue 10, item 6).
The counters live in the database, not a per-process cache, so every worker shares them.

Windows are fixed (e.g. each clock hour): simple to count in one row, at the price of letting up to
twice the limit through across the boundary of two windows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import F
from django.utils import timezone

from core.models import RateCounter

# Counters (which hold client addresses) are kept only as long as a window can matter.
KEEP_FOR = timedelta(days=1)


@dataclass(frozen=True)
class Attempt:
    scope: str
    client: str
    window_start: datetime
    count: int
    limit: int

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit

    def give_back(self) -> None:
        """Uncount this attempt (e.g. a status lookup that found the application: only failures count)."""
        RateCounter.objects.filter(
            scope=self.scope, client=self.client, window_start=self.window_start, hits__gt=0
        ).update(hits=F("hits") - 1)


def _window_start(now: datetime, period: timedelta) -> datetime:
    seconds = int(period.total_seconds())
    return datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=UTC)


def attempt(scope: str, client: str, *, limit: int, period: timedelta) -> Attempt:
    """Count one attempt of `client` at `scope` in the current window of `period`; `.allowed` says
    whether it is within `limit`. Call it before doing the guarded work, outside a transaction that
    might hold the counter row locked for long."""
    now = timezone.now()
    window_start = _window_start(now, period)
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({q('scope')}, {q('client')}, {q('window_start')}, {q('hits')}) "
            f"VALUES (%s, %s, %s, 1) "
            f"ON CONFLICT ({q('scope')}, {q('client')}, {q('window_start')}) "
            f"DO UPDATE SET {q('hits')} = {table}.{q('hits')} + 1 "
            f"RETURNING {q('hits')}",
            [scope, client[:64], connection.ops.adapt_datetimefield_value(window_start)],
        )
        (count,) = cursor.fetchone()
    if count == 1:  # a new window began: forget the old ones
        RateCounter.objects.filter(window_start__lt=now - KEEP_FOR).delete()
    return Attempt(scope=scope, client=client[:64], window_start=window_start, count=count, limit=limit)
