"""Every staff URL × every role × every office, with the answer each must get (STYLE practice 11).

Add a row to STAFF_URLS in the same commit as a new staff URL. Expected answers:
200 allowed · 302 anonymous, sent to sign in · 403 signed in but the role may not · 404 the object
belongs to an office the user may not see.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from accounts.models import Role

OFFICES = ["city", "yuncheng", "yunan", "luoding", "xinxing", "yunnan"]
OFFICE_ROLES = [Role.CLERK, Role.REVIEWER, Role.HANDLER, Role.PEER_REVIEWER]
PERSONAS = ["anonymous", "admin", "city", *[f"{role.value}@{office}" for role in OFFICE_ROLES for office in OFFICES]]


@dataclass(frozen=True)
class Persona:
    key: str

    @property
    def role(self) -> Role | None:
        return Role(self.key.split("@")[0]) if "@" in self.key else None

    @property
    def office(self) -> str | None:
        return self.key.split("@")[1] if "@" in self.key else ("city" if self.key == "city" else None)


def roles(*allowed: Role) -> Callable[[Persona], int]:
    """Allowed for these roles (and the administrator), 403 for other signed-in staff."""

    def expect(persona: Persona) -> int:
        if persona.key == "anonymous":
            return 302
        if persona.key == "admin":
            return 200
        role = Role.CITY_STAFF if persona.key == "city" else persona.role
        return 200 if role in allowed else 403

    return expect


def admin_only(persona: Persona) -> int:
    return 200 if persona.key == "admin" else 302


@dataclass(frozen=True)
class StaffUrl:
    path: str
    expect: Callable[[Persona], int]


STAFF_URLS = [
    StaffUrl("/staff/", roles(*Role)),
    StaffUrl("/reports/", roles(Role.CLERK, Role.REVIEWER, Role.CITY_STAFF)),
    StaffUrl("/admin/", admin_only),
]


def sign_in_as(client, personas, persona: Persona) -> None:
    if persona.key == "anonymous":
        return
    if persona.key in ("admin", "city"):
        client.force_login(personas[persona.key])
    else:
        client.force_login(personas[(persona.role, persona.office)])


@pytest.mark.parametrize("persona_key", PERSONAS)
@pytest.mark.parametrize("staff_url", STAFF_URLS, ids=lambda u: u.path)
def test_staff_url_answers_as_expected(client, personas, staff_url: StaffUrl, persona_key: str):
    persona = Persona(persona_key)
    sign_in_as(client, personas, persona)
    response = client.get(staff_url.path)
    expected = staff_url.expect(persona)
    assert response.status_code == expected, f"{persona_key} GET {staff_url.path}"
    if expected == 302:
        assert "login" in response["Location"]
