"""The vocabulary of the permission matrix (tests/test_permission_matrix.py).

Each app lists its staff URLs in `tests/<app>/permission_rows.py` as `ROWS: list[StaffUrl]`; the
matrix runs every row against every persona. Expected answers: 200 allowed · 302 anonymous, sent to
sign in · 403 signed in but the role may not · 404 the object belongs to an office the user may not
see (or, for a handler, a case not assigned to them).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from accounts.models import Role

OFFICES = ["city", "yuncheng", "yunan", "luoding", "xinxing", "yunnan"]
OFFICE_ROLES = [Role.CLERK, Role.REVIEWER, Role.HANDLER, Role.PEER_REVIEWER, Role.BUREAU_REVIEWER]
PERSONAS = ["anonymous", "admin", "city", *[f"{role.value}@{office}" for role in OFFICE_ROLES for office in OFFICES]]


@dataclass(frozen=True)
class Persona:
    key: str

    @property
    def is_anonymous(self) -> bool:
        return self.key == "anonymous"

    @property
    def role(self) -> Role | None:
        if self.key == "city":
            return Role.CITY_STAFF
        return Role(self.key.split("@")[0]) if "@" in self.key else None

    @property
    def office(self) -> str | None:
        if self.key == "city":
            return "city"
        return self.key.split("@")[1] if "@" in self.key else None


Expectation = Callable[[Persona], int]


@dataclass(frozen=True)
class StaffUrl:
    """`path` is a string, or a callable given the `personas` fixture that creates what the URL
    needs (through the domain services) and returns the path. `data` is what is posted; a callable
    is called when the test runs (for dates relative to today)."""

    name: str
    path: str | Callable[[dict], str]
    expect: Expectation
    method: str = "get"
    data: dict[str, Any] | Callable[[], dict[str, Any]] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        return self.data() if callable(self.data) else self.data


def roles(*allowed: Role) -> Expectation:
    """Allowed for these roles (and the administrator), 403 for other signed-in staff."""

    def expect(persona: Persona) -> int:
        if persona.is_anonymous:
            return 302
        if persona.key == "admin":
            return 200
        return 200 if persona.role in allowed else 403

    return expect


def admin_only(persona: Persona) -> int:
    return 200 if persona.key == "admin" else 302


def office_object(
    owner: str,
    *,
    acting: tuple[Role, ...],
    readers: tuple[str, ...] = (),
    city_reads: bool = True,
    bureau_reads: bool = False,
    objected: bool = False,
) -> Expectation:
    """An object belonging to office `owner`: `acting` roles of that office get 200; clerks and
    reviewers of another office get 404 unless their office is in `readers`; other roles 403;
    city staff read (200) when `city_reads`, else 403. When the page admits 司法局审核人
    (`bureau_reads`), they get 404 — or 200, for the owner's bureau, when the object is `objected`."""

    def expect(persona: Persona) -> int:
        if persona.is_anonymous:
            return 302
        if persona.key == "admin":
            return 200
        if persona.role == Role.CITY_STAFF:
            return 200 if city_reads else 403
        if persona.role == Role.BUREAU_REVIEWER and bureau_reads:
            return 200 if objected and persona.office == owner else 404
        if persona.role not in (Role.CLERK, Role.REVIEWER):
            return 403
        if persona.office != owner and persona.office not in readers:
            return 404
        return 200 if persona.role in acting else 403

    return expect
