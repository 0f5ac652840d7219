"""Reports read from a PostgreSQL replica when one is configured (issue 14, DATABASE_REPLICA_URL).

Only what is marked reads there: `with reading_replica():` (or the `reads_from_replica` decorator on
a GET view) around the report builder. Everything else — every write, every page a clerk acts on,
and anything inside a transaction — stays on the primary, so nobody acts on a row the replica has not
caught up with yet. A report may lag the primary by the replication delay (normally under a second).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def reading_replica() -> Iterator[None]:
    """Reads inside go to the replica (when configured and no transaction is open on the primary)."""
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


def reads_from_replica[**P, R](view: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with reading_replica():
            return view(*args, **kwargs)

    return wrapper


class ReportsReplicaRouter:
    """On when DATABASE_REPLICA_URL is set (settings.DATABASE_ROUTERS)."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if _reading_replica.get() and replica_configured() and not connections["default"].in_atomic_block:
            return REPLICA
        return None  # the primary

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two connections to it

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == "default"
