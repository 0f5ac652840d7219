"""Issue 13 §1 in a real browser: a citizen applies → the outbox holds the 受理 message → the worker
sends it through the (fake) gateway → city staff see it sent on the 短信记录 page."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from notifications.models import MessageKind, OutboxMessage, OutboxState
from tests.applications.factories import make_id_number
from tests.browser.test_intake_journeys import fill_application
from tests.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_citizen_is_texted_the_receipt_by_the_worker(page, make_user, sent_sms, run_worker):
    page.goto("/apply/")
    fill_application(
        page,
        id_number=make_id_number(area="445302", sequence="357"),
        authority="云浮市云城区人民法院",
        location="云城区",
    )
    page.get_by_role("button", name="提交申请").click()
    number = page.get_by_test_id("application-number").inner_text()

    message = OutboxMessage.objects.get(kind=MessageKind.RECEIVED)
    assert message.state == OutboxState.PENDING and message.recipient == "13800005678"
    assert number in message.text and "由云城区法律援助处办理" in message.text and "（含当日）前" in message.text

    run_worker()
    assert [(sms["mobile"], sms["text"]) for sms in sent_sms] == [("13800005678", message.text)]

    make_user("city", Role.CITY_STAFF, office="city")
    sign_in(page, "city")
    page.get_by_role("link", name="短信记录").click()
    row = page.get_by_test_id("sms-row").filter(has_text=number)
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("sms-state")).to_have_text("已发送")
    expect(row).to_contain_text("138****5678")
