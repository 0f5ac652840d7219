"""Every staff URL × every role × every office, with the answer each must get (STYLE practice 11).

Rows live beside each app's tests (`tests/<app>/permission_rows.py`); add a row in the same commit
as a new staff URL. The vocabulary is in tests/permissions.py.
"""

import importlib
import pkgutil

import pytest
from django.db import transaction

import tests
from accounts.models import Role
from tests.permissions import PERSONAS, Persona, StaffUrl, admin_only, roles

FOUNDATION_ROWS = [
    StaffUrl("staff-home", "/staff/", roles(*Role)),
    StaffUrl("admin", "/admin/", admin_only),
    StaffUrl("admin-holidays", "/admin/deadlines/holidayoverride/", admin_only),
]


def _collect_rows() -> list[StaffUrl]:
    rows = list(FOUNDATION_ROWS)
    for package in pkgutil.iter_modules(tests.__path__):
        if package.ispkg:
            try:
                module = importlib.import_module(f"tests.{package.name}.permission_rows")
            except ModuleNotFoundError:
                continue
            rows.extend(module.ROWS)
    return rows


STAFF_URLS = _collect_rows()


def sign_in_as(client, personas, persona: Persona) -> None:
    if persona.is_anonymous:
        return
    if persona.key in ("admin", "city"):
        client.force_login(personas[persona.key])
    else:
        client.force_login(personas[(persona.role, persona.office)])


@pytest.mark.parametrize("staff_url", STAFF_URLS, ids=lambda row: row.name)
def test_staff_url_answers_as_expected(client, personas, subtests, staff_url: StaffUrl):
    """One URL, every persona in turn: what the URL needs is made once, and each persona's request runs
    in a savepoint rolled back after it, so a persona's successful POST changes nothing the next one
    sees. Each persona is reported on its own (a subtest)."""
    path = staff_url.path(personas) if callable(staff_url.path) else staff_url.path
    for persona_key in PERSONAS:
        persona = Persona(persona_key)
        with subtests.test(persona=persona_key):
            client.logout()
            sign_in_as(client, personas, persona)
            with transaction.atomic():
                response = getattr(client, staff_url.method)(path, staff_url.payload())
                transaction.set_rollback(True)
            expected = staff_url.expect(persona)
            assert response.status_code == expected, f"{persona_key} {staff_url.method.upper()} {path}"
            if expected == 302:
                # Anonymous users (and non-admins at /admin/) are sent to sign in; a signed-in
                # user's successful POST redirects elsewhere.
                sent_to_login = persona.is_anonymous or path.startswith("/admin/")
                assert ("login" in response["Location"]) == sent_to_login
