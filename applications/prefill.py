"""Opening the clerk's walk-in form (登记窗口申请) prefilled from another record — a consultation's
转为申请 — without this app knowing that record's app.

The higher app calls `offer()` and redirects to the walk-in form; the form takes the values once
(`take()`) and carries the record's `origin` in a signed hidden field, so that the application it
registers names where it came from (`applications.signals.application_submitted`), even with two
conversions open in two tabs. A tampered or stale token is ignored: nothing is linked.
"""

from __future__ import annotations

from django.core import signing
from django.http import HttpRequest

SESSION_KEY = "walk_in_prefill"
SALT = "applications.walk_in.origin"
FIELDS = ("applicant_name", "phone", "category", "summary")  # what another record may prefill
MAX_AGE = 24 * 3600  # a conversion left open overnight starts again


def offer(request: HttpRequest, *, initial: dict[str, str], origin: str) -> None:
    request.session[SESSION_KEY] = {
        "initial": {name: value for name, value in initial.items() if name in FIELDS and value},
        "origin": origin,
    }


def take(request: HttpRequest) -> tuple[dict[str, str], str]:
    """The offered initial values and the signed origin token, once ({} and "" when none)."""
    offered = request.session.pop(SESSION_KEY, None) or {}
    origin = offered.get("origin", "")
    return offered.get("initial", {}), signing.dumps(origin, salt=SALT) if origin else ""


def origin_of(token: str) -> str:
    if not token:
        return ""
    try:
        return str(signing.loads(token, salt=SALT, max_age=MAX_AGE))
    except signing.BadSignature:
        return ""
