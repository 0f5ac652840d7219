"""The office's letters (issue 13 §2): each names the office's address and phone (one letterhead
include); the approval letter gives the case number and, once assigned, who handles it and how to
reach them; the refusal and termination letters say where the 司法局 that hears an objection sits."""

import pytest

from accounts.models import Office, Role
from applications import services as intake
from cases import roster, services
from cases.models import CaseState, HandlerKind
from tests.cases.factories import make_application, make_case, make_handler, make_notified_case, reviewer_of


def _firm_phone(personas, handler, phone="0766-3801234"):
    roster.save_law_firm(
        firm=handler.law_firm,
        office=handler.office,
        name=handler.law_firm.name,
        phone=phone,
        by=reviewer_of(personas, handler.office.slug),
    )
    return phone


def test_approval_letter_names_the_case_and_then_the_lawyer_and_the_firms_phone(client, personas):
    case = make_case(personas)
    url = f"/staff/applications/{case.application.pk}/letters/approval/"
    client.force_login(reviewer_of(personas, "luoding"))
    letter = client.get(url).content.decode()
    assert f"案件编号：{case.number}" in letter
    assert "已指派" not in letter  # no handler yet: the letter promises one

    handler = make_handler(personas[(Role.HANDLER, "luoding")])
    phone = _firm_phone(personas, handler)
    services.assign(case, handler=handler, by=reviewer_of(personas, "luoding"))
    letter = client.get(url).content.decode()
    assert f"本机构已指派{handler.law_firm.name}{handler.user.display_name}律师承办，联系电话：{phone}" in letter


def test_approval_letter_gives_the_offices_phone_for_its_own_staff_as_handler(client, personas):
    case = make_case(personas)
    handler = make_handler(personas[(Role.HANDLER, "luoding")], kind=HandlerKind.STAFF)
    services.assign(case, handler=handler, by=reviewer_of(personas, "luoding"))
    client.force_login(reviewer_of(personas, "luoding"))
    letter = client.get(f"/staff/applications/{case.application.pk}/letters/approval/").content.decode()
    office = Office.objects.get(slug="luoding")
    assert f"{handler.user.display_name}承办，联系电话：{office.phone}" in letter


def test_the_applicant_reads_the_same_approval_letter_on_track(client, personas):
    case = make_case(personas, state=CaseState.IN_PROGRESS)
    application = case.application
    client.post("/track/", {"number": application.number, "id_last6": application.id_number[-6:]})
    letter = client.get("/track/letters/approval/").content.decode()
    assert case.number in letter and case.handler.user.display_name in letter


def _refused(personas):
    application = make_application()
    return intake.refuse(application, reason="不符合经济困难条件", by=reviewer_of(personas, "luoding"))


def _supplement(personas):
    application = make_application()
    intake.request_supplement(application, items=["身份证明"], note="", by=personas[(Role.CLERK, "luoding")])
    return application


LETTERS = {
    "approval": lambda personas: f"/staff/applications/{make_case(personas).application.pk}/letters/approval/",
    "refusal": lambda personas: f"/staff/applications/{_refused(personas).pk}/letters/refusal/",
    "supplement": lambda personas: f"/staff/applications/{_supplement(personas).pk}/supplement/notice/",
    "termination": lambda personas: (
        f"/staff/cases/{make_case(personas, state=CaseState.TERMINATED).pk}/termination-letter/"
    ),
    "organ": lambda personas: (
        f"/staff/cases/{make_notified_case(personas, state=CaseState.IN_PROGRESS).pk}/letters/organ/"
    ),
}


@pytest.mark.parametrize("kind", sorted(LETTERS))
def test_every_letter_names_the_offices_address_and_phone(client, personas, kind):
    url = LETTERS[kind](personas)
    client.force_login(reviewer_of(personas, "luoding"))
    response = client.get(url)
    assert response.status_code == 200
    office = Office.objects.get(slug="luoding")
    footer = response.content.decode().split('data-testid="office-footer"')[1]
    assert office.name in footer
    assert f"地址：{office.address}" in footer
    assert f"电话：{office.phone}" in footer


@pytest.mark.parametrize("kind", ["refusal", "termination"])
def test_letters_opening_the_objection_route_say_where_the_bureau_sits(client, personas, kind):
    client.force_login(reviewer_of(personas, "luoding"))
    letter = client.get(LETTERS[kind](personas)).content.decode()
    office = Office.objects.get(slug="luoding")
    assert office.justice_bureau_address
    assert f"{office.justice_bureau}地址：{office.justice_bureau_address}" in letter


def test_every_letter_template_carries_the_letterhead_footer():
    """A letter added later (anything extending base_letter.html) names the office too."""
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    letters = [
        path
        for path in templates.rglob("*.html")
        if 'extends "applications/letters/base_letter.html"' in path.read_text(encoding="utf-8")
    ]
    assert len(letters) >= 6
    missing = [str(p.relative_to(templates)) for p in letters if "_office_footer.html" not in p.read_text("utf-8")]
    assert not missing, missing
