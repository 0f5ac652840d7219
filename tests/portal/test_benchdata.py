"""Issue 14: the benchmark's history is the demo year copied in SQL — a copy moved into a past year
keeps every link to its own copy, its dates a year earlier, its numbers marked, and nothing open."""

from datetime import timedelta

import pytest
from django.db import connection
from psycopg2.extras import execute_values

from accounts.models import Role
from applications.models import Application, Status
from cases import services as case_services
from cases.models import CLOCKS, Case, CaseState
from portal import benchdata
from tests.applications.factories import make_id_number, submit
from tests.cases.factories import make_handler

TABLES = ["applications_application", "cases_case"]


@pytest.mark.postgres
def test_a_copy_in_a_past_year_links_to_its_own_rows_and_is_settled(personas, monkeypatch):
    make_handler(personas[(Role.HANDLER, "luoding")])  # the demo year always has the offices' handlers
    approved = submit(id_number=make_id_number(sequence="701"))
    case_services.approve(approved, by=personas[(Role.REVIEWER, "luoding")])
    waiting = submit(id_number=make_id_number(sequence="702"))
    untouched = {table: 10**12 for table in benchdata.TABLES}  # tables this test does not copy
    monkeypatch.setattr(benchdata, "TABLES", TABLES)
    originals = {table: benchdata._max_id(table) for table in TABLES}
    stride = {table: 10 ** len(str(originals[table] + 1)) for table in TABLES}
    with connection.cursor() as cursor:
        for table in TABLES:
            execute_values(cursor.cursor, benchdata._copy_sql(table, stride, originals), [(1, 1)])
    benchdata._settle_past_years({**untouched, **stride}, per_year=1)

    copy = Application.objects.get(number=f"{approved.number}~1")
    assert copy.received_at.year == approved.received_at.year - 1
    assert copy.submission_token is None
    case, copied_case = Case.objects.get(application=approved), Case.objects.get(application=copy)
    assert copied_case.number == f"{case.number}~1" and copied_case.year == case.year - 1
    assert copied_case.opened_on.year == case.opened_on.year - 1
    # Nothing stays open in a past year: the running case is closed and archived, the unanswered
    # application withdrawn; this year's originals are untouched.
    assert copied_case.state == CaseState.ARCHIVED and copied_case.closed_on is not None
    # ... and, every clock stopped, no due date stored, as `Case.save` keeps it (a constraint says so).
    assert all(getattr(copied_case, clock.due_on) is None for clock in CLOCKS)
    waiting_copy = Application.objects.get(number=f"{waiting.number}~1")
    assert waiting_copy.status == Status.WITHDRAWN
    assert waiting_copy.closed_on == waiting_copy.clock_started_on + timedelta(days=22)
    assert Application.objects.get(pk=waiting.pk).status == Status.PENDING_REVIEW
