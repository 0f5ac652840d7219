"""Issue 13 §2–3 in a real browser: the receipt after applying (and the 受理 text the worker sends),
a refusal's reason and objection route on /track/, the handler's view of their client, and the peer
reviewer's reading of the sampled case's file."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from applications import services as intake
from cases import services as case_services
from notifications.models import MessageKind, OutboxMessage, OutboxState
from quality.services import peer_review
from tests.applications.factories import make_id_number, pdf, service_data
from tests.browser.test_intake_journeys import fill_application
from tests.cases.factories import make_handler
from tests.quality.factories import closed_case, sample_of
from tests.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_citizen_prints_the_receipt_and_is_texted_by_the_worker(page, sent_sms, run_worker):
    page.goto("/apply/")
    fill_application(
        page,
        id_number=make_id_number(area="445302", sequence="579"),
        authority="云浮市云城区人民法院",
        location="云城区",
    )
    page.get_by_role("button", name="提交申请").click()
    number = page.get_by_test_id("application-number").inner_text()

    page.get_by_role("link", name="申请材料接收凭证").click()
    expect(page.get_by_test_id("receipt-number")).to_have_text(number)
    expect(page.get_by_test_id("receipt-responsible-office")).to_contain_text("云城区法律援助处")
    expect(page.get_by_test_id("receipt-materials")).to_contain_text("身份证明")
    expect(page.get_by_test_id("receipt-due")).to_contain_text("（含当日）前")
    expect(page.get_by_test_id("receipt-qr").locator("svg")).to_be_visible()

    message = OutboxMessage.objects.get(kind=MessageKind.RECEIVED)
    assert message.state == OutboxState.PENDING and number in message.text
    run_worker()
    assert [(sms["mobile"], sms["text"]) for sms in sent_sms] == [("13800005678", message.text)]


def test_a_refused_applicant_reads_the_reason_and_the_route_on_track(page, make_user):
    reviewer = make_user("reviewer-luoding", Role.REVIEWER, office="luoding")
    id_number = make_id_number(sequence="581")
    application = intake.submit_application(data=service_data(id_number=id_number), uploads={}, receiving_office=None)
    intake.refuse(application, reason="家庭人均收入高于当地标准。", by=reviewer)

    page.goto("/track/")
    page.get_by_label("申请编号").fill(application.number)
    page.get_by_label("身份证号后六位").fill(id_number[-6:])
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("status")).to_have_text("不予法律援助")
    panel = page.get_by_test_id("refusal-reason")
    expect(panel).to_contain_text("家庭人均收入高于当地标准。")
    expect(panel).to_contain_text("向设立本机构的罗定市司法局提出")
    expect(panel.get_by_test_id("bureau-address")).to_contain_text("罗定市司法局地址")


def test_the_handler_sees_the_clients_phone_and_opens_the_application(page, make_user):
    reviewer = make_user("reviewer-luoding", Role.REVIEWER, office="luoding")
    lawyer = make_user("lawyer-1", Role.HANDLER, office="luoding", first_name="黄律师")
    application = intake.submit_application(
        data=service_data(phone="13912345678", id_number=make_id_number(sequence="583")),
        uploads={"identity": [pdf("身份证.pdf")]},
        receiving_office=None,
    )
    case = case_services.approve(application, by=reviewer)
    case_services.assign(case, handler=make_handler(lawyer), by=reviewer)

    sign_in(page, "lawyer-1")
    page.goto(f"/staff/cases/{case.pk}/")
    expect(page.get_by_test_id("client-phone")).to_have_text("13912345678")
    expect(page.get_by_test_id("application-materials")).to_contain_text("身份证.pdf")
    page.get_by_role("link", name=application.number).click()
    expect(page.get_by_test_id("full-id-number")).to_have_text(application.id_number)


def test_the_peer_reviewer_opens_the_case_file_from_the_score_sheet(page, make_user):
    reviewer = make_user("reviewer-luoding", Role.REVIEWER, office="luoding")
    lawyer = make_user("lawyer-3", Role.HANDLER, office="luoding")
    city = make_user("city", Role.CITY_STAFF, office="city")
    peer = make_user("peer-1", Role.PEER_REVIEWER, office="yuncheng")
    people = {(Role.REVIEWER, "luoding"): reviewer, (Role.HANDLER, "luoding"): lawyer, "city": city}
    case = closed_case(people, office="luoding")
    review = peer_review.assign_reviewer(sample_of(people, case), reviewer=peer, by=city)

    sign_in(page, "peer-1")
    page.goto(f"/staff/quality/reviews/{review.pk}/")
    page.get_by_role("link", name="查阅案卷").click()
    expect(page.get_by_test_id("case-file-number")).to_have_text(case.number)
    expect(page.get_by_test_id("case-file-progress")).to_contain_text("会见受援人。")
    expect(page.get_by_test_id("case-file-outcome")).to_contain_text("胜诉。")
    expect(page.get_by_test_id("case-file-materials")).to_contain_text("判决书.pdf")
    page.get_by_role("link", name="返回评分表").click()
    expect(page.get_by_role("button", name="提交评分")).to_be_visible()


def test_the_new_pages_have_no_serious_accessibility_violations(page, make_user):
    """axe-core (as tests/browser/test_accessibility.py) on the receipt, a refusal on /track/ with its
    coloured badge, and the peer reviewer's case file."""
    from tests.browser.test_accessibility import check_at_both_widths

    found = []
    page.goto("/apply/")
    fill_application(
        page,
        id_number=make_id_number(area="445302", sequence="585"),
        authority="云浮市云城区人民法院",
        location="云城区",
    )
    page.get_by_role("button", name="提交申请").click()
    found += check_at_both_widths(page, "/apply/receipt/")

    reviewer = make_user("reviewer-luoding", Role.REVIEWER, office="luoding")
    id_number = make_id_number(sequence="587")
    refused = intake.submit_application(data=service_data(id_number=id_number), uploads={}, receiving_office=None)
    intake.refuse(refused, reason="家庭人均收入高于当地标准。", by=reviewer)

    def look_up() -> None:
        page.goto("/track/")
        page.get_by_label("申请编号").fill(refused.number)
        page.get_by_label("身份证号后六位").fill(id_number[-6:])
        page.get_by_role("button", name="查询").click()
        page.wait_for_url("**/track/status/")

    found += check_at_both_widths(page, then=look_up)

    lawyer = make_user("lawyer-3", Role.HANDLER, office="luoding")
    city = make_user("city", Role.CITY_STAFF, office="city")
    peer = make_user("peer-1", Role.PEER_REVIEWER, office="yuncheng")
    people = {(Role.REVIEWER, "luoding"): reviewer, (Role.HANDLER, "luoding"): lawyer, "city": city}
    review = peer_review.assign_reviewer(
        sample_of(people, closed_case(people, office="luoding")), reviewer=peer, by=city
    )
    page.context.clear_cookies()
    sign_in(page, "peer-1")
    found += check_at_both_widths(page, f"/staff/quality/reviews/{review.pk}/case-file/")
    assert not found, "\n".join(found)
