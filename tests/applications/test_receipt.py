"""申请材料接收凭证: the receipt an applicant takes home after submitting online or at a window."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import Office, Role
from applications.models import Application
from audit.models import AuditAction, AuditEntry
from tests.applications.factories import form_data, pdf, submit

# A Monday: the 7-day review clock runs out on Monday 2026-06-08 (day of receipt not counted).
MONDAY = datetime(2026, 6, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def test_online_applicant_prints_the_receipt_with_number_due_date_materials_and_qr(client, db, monday):
    response = client.post(
        "/apply/", {**form_data(), "identity_files": pdf("身份证.pdf"), "matter_files": pdf("欠条.pdf")}, follow=True
    )
    application = Application.objects.get()
    assert 'href="/apply/receipt/"' in response.content.decode()
    assert "申请材料接收凭证" in response.content.decode()

    page = client.get("/apply/receipt/")
    body = page.content.decode()
    assert page.status_code == 200
    assert application.number in body
    assert "2026年6月1日" in body  # received
    assert "罗定市法律援助处" in body
    office = Office.objects.get(slug="luoding")
    assert office.address in body and office.phone in body
    assert "身份证明：身份证.pdf" in body and "与事项有关的材料：欠条.pdf" in body
    assert "将于2026年6月8日（含当日）前作出是否给予法律援助的决定" in body
    qr = re.search(r'<div class="receipt-qr" data-testid="receipt-qr"><svg[^>]*>.*?</svg>', body, re.S)
    assert qr is not None, "the QR code to /track/ is drawn inline"
    assert "/track/" in body
    assert "<script>" not in body.split("receipt-qr")[1]  # no inline script: the CSP stays strict


def test_the_receipt_is_only_for_the_browser_that_submitted(client, db):
    submit()
    assert client.get("/apply/receipt/").status_code == 404


def test_walk_in_result_offers_the_receipt_as_its_main_action(client, personas, monday):
    clerk = personas[(Role.CLERK, "yuncheng")]
    client.force_login(clerk)
    response = client.post("/staff/applications/new/", {**form_data(), "identity_files": pdf()}, follow=True)
    application = Application.objects.get()
    body = response.content.decode()
    receipt_url = f"/staff/applications/{application.pk}/receipt/"
    assert f'<a class="btn btn-primary" href="{receipt_url}">申请材料接收凭证</a>' in body

    body = client.get(receipt_url).content.decode()
    yuncheng, luoding = Office.objects.get(slug="yuncheng"), Office.objects.get(slug="luoding")
    # Received at 云城's window, decided by 罗定 (市域通办): both named with where to find them.
    assert "已由云城区法律援助处收到" in body
    assert yuncheng.address in body and yuncheng.phone in body
    assert luoding.address in body and luoding.phone in body
    assert "身份证明：身份证.pdf" in body
    assert "2026年6月8日（含当日）前" in body


def test_staff_receipt_is_scoped_like_the_application(client, personas):
    application = submit(receiving_office=Office.objects.get(slug="yuncheng"), by=personas[(Role.CLERK, "yuncheng")])
    url = f"/staff/applications/{application.pk}/receipt/"
    for persona, answer in (
        ((Role.CLERK, "yuncheng"), 200),
        ((Role.REVIEWER, "luoding"), 200),
        ("city", 200),
        ((Role.CLERK, "yunnan"), 404),
        ((Role.HANDLER, "luoding"), 404),  # not their case
    ):
        client.force_login(personas[persona])
        assert client.get(url).status_code == answer, persona
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW_ID_NUMBER).exists()  # the receipt shows no ID
