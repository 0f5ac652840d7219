"""SPEC §3.1: every deadline shown to a person reads 「X（含当日）前」 (deadlines.wording.deadline), on
/track/, on the receipt page, in the 补正 notice and on the office's pages."""

import pytest
from django.utils import timezone

from accounts.models import Role
from applications import services
from deadlines.wording import deadline
from tests.applications.factories import submit
from tests.cases.factories import make_case


@pytest.fixture
def waiting(client, personas):
    application = submit()
    supplement = services.request_supplement(
        application, items=["身份证"], note="", by=personas[(Role.CLERK, "luoding")]
    )
    client.post("/track/", {"number": application.number, "id_last6": application.id_number[-6:]})
    return application, supplement


def test_spec_3_1_deadlines_shown_to_people_read_inclusive_on_track_and_in_the_supplement_notice(client, waiting):
    _, supplement = waiting
    wording = deadline(supplement.reply_due_on)
    assert wording.endswith("（含当日）前")
    page = client.get("/track/status/").content.decode()
    assert f'<strong data-testid="supplement-due-on">{wording}</strong>' in page
    letter = client.get("/track/letters/supplement/").content.decode()
    assert f"请于{wording}，" in letter


def test_spec_3_1_the_review_deadline_on_track_reads_inclusive(client, personas):
    application = submit()
    client.post("/track/", {"number": application.number, "id_last6": application.id_number[-6:]})
    due = application.review_due_on(today=timezone.localdate())
    assert f'<span data-testid="due-on">{deadline(due)}</span>' in client.get("/track/status/").content.decode()


def test_spec_3_1_case_deadlines_on_the_case_page_read_inclusive(client, personas):
    case = make_case(personas)
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert "（含当日）前" in page
    assert "日前<" not in page
