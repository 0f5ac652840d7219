"""法律援助法 第四十九条: an objection to 不予 / 终止 is decided by the 司法局 that set up the office — its
司法局审核人 records 维持 / 责令改正 with the bureau's 决定书 — never by the deciding office's staff; after
维持 the route goes on to 行政复议 / 行政诉讼, not to a second objection."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from applications import services
from applications.models import ObjectionOutcome, Status
from audit.models import AuditAction, AuditEntry
from core.transitions import TransitionError
from tests.applications.factories import pdf, submit


@pytest.fixture
def objection(personas):
    reviewer = personas[(Role.REVIEWER, "luoding")]
    application = submit()
    services.refuse(application, reason="经济状况不符合条件。", by=reviewer)
    return services.register_objection(
        application,
        reasons="本人确属经济困难。",
        received_on=timezone.localdate(),
        by=personas[(Role.CLERK, "luoding")],
    )


def _decide(objection, by, outcome=ObjectionOutcome.CORRECTED, **extra):
    return services.decide_objection(
        objection, outcome=outcome, note="", decided_on=timezone.localdate(), by=by, **{"document": pdf(), **extra}
    )


@pytest.mark.parametrize(
    "who", [(Role.REVIEWER, "luoding"), (Role.CLERK, "luoding"), (Role.BUREAU_REVIEWER, "yunan"), "city"]
)
def test_lal_49_the_deciding_office_never_decides_the_objection(personas, objection, who):
    with pytest.raises(PermissionDenied):
        _decide(objection, personas[who])
    objection.refresh_from_db()
    assert objection.outcome == ObjectionOutcome.PENDING


def test_lal_49_the_bureau_reviewer_decides_with_the_bureau_decision_uploaded(personas, objection):
    bureau = personas[(Role.BUREAU_REVIEWER, "luoding")]
    with pytest.raises(ValidationError, match="决定书"):
        services.decide_objection(
            objection, outcome=ObjectionOutcome.CORRECTED, note="", decided_on=timezone.localdate(), by=bureau
        )
    _decide(objection, bureau, document=pdf("罗定市司法局异议审查决定书.pdf"))
    objection.refresh_from_db()
    assert objection.outcome == ObjectionOutcome.CORRECTED
    assert objection.decided_by == bureau
    assert objection.original_name == "罗定市司法局异议审查决定书.pdf" and objection.file
    assert objection.application.status == Status.PENDING_REVIEW
    assert AuditEntry.objects.filter(actor=bureau, to_state="责令改正").exists()


def test_lal_49_the_city_bureau_decides_objections_to_the_city_office(personas):
    application = submit(authority_name="云浮市中级人民法院", authority_location="445300")
    assert application.responsible_office.slug == "city"
    services.refuse(application, reason="不符合条件", by=personas[(Role.REVIEWER, "city")])
    objection = services.register_objection(
        application, reasons="有异议", received_on=timezone.localdate(), by=personas[(Role.CLERK, "city")]
    )
    with pytest.raises(PermissionDenied):
        _decide(objection, personas[(Role.BUREAU_REVIEWER, "luoding")])
    _decide(objection, personas[(Role.BUREAU_REVIEWER, "city")], outcome=ObjectionOutcome.UPHELD)


def test_lal_49_after_upheld_no_second_objection_and_the_next_remedy_is_named(client, personas, objection):
    _decide(objection, personas[(Role.BUREAU_REVIEWER, "luoding")], outcome=ObjectionOutcome.UPHELD)
    application = objection.application
    with pytest.raises(TransitionError, match="行政复议或者提起行政诉讼"):
        services.register_objection(
            application, reasons="再次异议", received_on=timezone.localdate(), by=personas[(Role.CLERK, "luoding")]
        )
    client.post("/track/", {"number": application.number, "id_last6": application.id_number[-6:]})
    page = client.get("/track/status/").content.decode()
    assert "维持原决定" in page and "可以依法申请行政复议或者提起行政诉讼" in page
    letter = client.get("/track/letters/refusal/").content.decode()
    assert "行政复议或者提起行政诉讼" in letter


def test_lal_49_the_bureau_reads_only_what_an_objection_is_about(client, personas, objection):
    bureau = personas[(Role.BUREAU_REVIEWER, "luoding")]
    client.force_login(bureau)
    page = client.get(f"/staff/applications/{objection.application_id}/")
    assert page.status_code == 200 and "记录审查结果" in page.content.decode()
    assert client.get(f"/staff/applications/{submit().pk}/").status_code == 404  # no objection
    assert client.get("/staff/applications/").status_code == 403  # not the office's queue
    client.force_login(personas[(Role.BUREAU_REVIEWER, "yunan")])
    assert client.get(f"/staff/applications/{objection.application_id}/").status_code == 404


def test_lal_49_the_decision_is_posted_with_its_document_and_served_audited(client, personas, objection):
    bureau = personas[(Role.BUREAU_REVIEWER, "luoding")]
    today = timezone.localdate().isoformat()
    decision = {"outcome": "corrected", "decided_on": today, "note": "责令重新审查"}
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    assert client.post(f"/staff/objections/{objection.pk}/decide/", decision).status_code == 403
    client.force_login(bureau)
    refused = client.post(f"/staff/objections/{objection.pk}/decide/", decision)
    assert refused.status_code == 400 and "请选择要上传的文件" in refused.content.decode()
    response = client.post(f"/staff/objections/{objection.pk}/decide/", {**decision, "document": pdf()})
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.application.status == Status.PENDING_REVIEW
    document = client.get(f"/staff/objections/{objection.pk}/document/")
    assert document.status_code == 200 and document["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(action=AuditAction.VIEW_FILE, actor=bureau).exists()
    client.force_login(personas[(Role.BUREAU_REVIEWER, "yunan")])
    assert client.get(f"/staff/objections/{objection.pk}/document/").status_code == 404


def test_lal_49_the_bureau_dashboard_lists_open_objections_and_their_five_day_clock(client, personas, objection):
    client.force_login(personas[(Role.BUREAU_REVIEWER, "luoding")])
    page = client.get("/staff/").content.decode()
    assert 'data-testid="open-objections"' in page
    assert objection.application.number in page
    assert f"{objection.due_on:%Y年%-m月%-d日}" in page
    client.force_login(personas[(Role.BUREAU_REVIEWER, "yunan")])
    assert objection.application.number not in client.get("/staff/").content.decode()


def test_lal_49_an_overdue_objection_is_on_the_bureau_digest(personas, objection):
    from portal.digest import due_items

    later = objection.due_on + timedelta(days=1)
    items = due_items(personas[(Role.BUREAU_REVIEWER, "luoding")], today=later)
    assert [(item.kind, item.number) for item in items] == [("异议审查", objection.application.number)]
    assert not [i for i in due_items(personas[(Role.REVIEWER, "luoding")], today=later) if i.kind == "异议审查"]
