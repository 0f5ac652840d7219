"""/track/ tells the applicant the outcome (issue 13 §3): a refusal's or a termination's reason and
the objection route on the page itself, and a status badge whose colour says the outcome, readable
at WCAG AA contrast."""

import re
from pathlib import Path

import pytest

from accounts.models import Office, Role
from applications import services
from applications.models import Status
from cases.models import CaseState
from tests.applications.factories import submit
from tests.cases.factories import make_case

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "portal.css").read_text(encoding="utf-8")


def _look_up(client, application):
    response = client.post("/track/", {"number": application.number, "id_last6": application.id_number[-6:]})
    assert response.status_code == 302
    return client.get("/track/status/").content.decode()


def test_a_refused_applicant_reads_the_reason_and_where_to_object_on_the_page(client, personas):
    application = services.refuse(
        submit(), reason="家庭人均收入高于当地标准。", by=personas[(Role.REVIEWER, "luoding")]
    )
    page = _look_up(client, application)
    office = Office.objects.get(slug="luoding")
    panel = page.split('data-testid="refusal-reason"')[1]
    assert "家庭人均收入高于当地标准。" in panel
    assert f"向设立本机构的{office.justice_bureau}提出" in panel
    assert "五日内" in panel
    assert office.justice_bureau_address in panel
    assert 'class="badge status-badge status-refused' in page


def test_a_terminated_client_reads_the_ground_and_where_to_object_on_the_page(client, personas):
    case = make_case(personas, state=CaseState.TERMINATED)
    page = _look_up(client, case.application)
    panel = page.split('data-testid="termination-reason"')[1]
    assert "第四十八条第一款第6项" in panel and "自行委托律师或者其他代理人" in panel
    assert "受援人自行委托律师。" in panel
    assert f"向设立本机构的{case.office.justice_bureau}提出" in panel
    assert "status-case-terminated" in page


def test_a_pending_application_shows_no_outcome_panel(client, db):
    page = _look_up(client, submit())
    assert "refusal-reason" not in page and "termination-reason" not in page
    assert 'class="badge status-badge status-pending_review' in page


def _rules() -> dict[str, tuple[str, str]]:
    found = {}
    for name, body in re.findall(r"\.status-([a-z_-]+)\s*\{([^}]*)\}", CSS):
        background = re.search(r"background-color:\s*(#[0-9a-fA-F]{3,6})", body)
        colour = re.search(r"(?<!-)color:\s*(#[0-9a-fA-F]{3,6})", body)
        if background and colour:
            found[name] = (colour.group(1), background.group(1))
    return found


def _luminance(hex_colour: str) -> float:
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(one: str, other: str) -> float:
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


GROUPS = {
    "application": [status.value for status in Status],
    "case": [f"case-{state.value}" for state in CaseState],
}


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_every_status_has_its_own_colour_with_aa_contrast(group):
    rules = _rules()
    names = GROUPS[group]
    missing = [name for name in names if name not in rules]
    assert not missing, f"no badge colour for {missing}"
    for name in names:
        colour, background = rules[name]
        assert _contrast(colour, background) >= 4.5, f"{name}: {colour} on {background}"
    backgrounds = [rules[name][1].lower() for name in names]
    assert len(set(backgrounds)) == len(backgrounds), "two outcomes share a colour"


def test_staff_lists_and_the_case_page_use_the_same_colours(client, personas):
    case = make_case(personas, state=CaseState.TERMINATED)
    refused = services.refuse(submit(), reason="不符合条件", by=personas[(Role.REVIEWER, "luoding")])
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    queue = client.get("/staff/applications/", {"status": "all"}).content.decode()
    assert 'class="badge status-badge status-refused">不予法律援助' in queue
    assert refused.number in queue
    assert 'status-case-terminated">已终止' in client.get("/staff/cases/", {"state": "terminated"}).content.decode()
    assert (
        'status-case-terminated" data-testid="case-state">已终止'
        in client.get(f"/staff/cases/{case.pk}/").content.decode()
    )
