"""What counts toward the 3000 (SPEC §7, issue 11 item 4): one selector over every form of legal aid; the
rule of a month is the one in force on its first day, so past months do not move unless city staff
recompute them with a reason."""

from datetime import date

import pytest
import time_machine

from accounts.models import Office, Role
from audit.models import AuditAction, AuditEntry
from reporting import services
from reporting.counting import RECOUNTS
from reporting.models import AidForm
from reporting.selectors import Period, build_monthly_report
from tests.reporting.factories import approved, local, notified

pytestmark = pytest.mark.django_db


def luoding(month: int, *, today: date = date(2026, 7, 10)):
    report = build_monthly_report(offices=Office.objects.all(), year=2026, month=month, today=today)
    return next(row for row in report.rows if row.office.slug == "luoding"), report


@pytest.fixture
def may_and_june(personas):
    approved(
        received_on=date(2026, 5, 4),
        decided_on=date(2026, 5, 8),
        responsible="luoding",
        at="luoding",
        personas=personas,
    )
    notified(received_on=date(2026, 5, 12), organ_office="luoding", at="yunan", serial=1, personas=personas)
    notified(received_on=date(2026, 6, 3), organ_office="luoding", at="luoding", serial=2, personas=personas)


def test_every_form_of_legal_aid_has_a_source():
    assert set(AidForm.objects.values_list("code", flat=True)) <= set(RECOUNTS)


def test_notices_count_in_the_month_they_were_received(may_and_june):
    row, report = luoding(5)
    assert [form.form.name for form in report.forms] == ["申请准予", "通知辩护", "法律帮助", "法律咨询", "代拟法律文书"]
    assert [form.counts_now for form in report.forms] == [True, True, True, False, False]
    assert row.form_values == [1, 1, 0, 0, 0] and row.matters_month == 2
    row, _ = luoding(6)
    assert row.form_values == [0, 1, 0, 0, 0] and row.matters_ytd == 3


def test_a_rule_changed_this_month_leaves_past_months_alone(may_and_june, personas):
    notice = AidForm.objects.get(code="notice")
    with time_machine.travel(local(date(2026, 6, 20)), tick=False):
        services.set_counting_rule(notice, counts=False, by=personas["city"])
    may, _ = luoding(5)
    june, report = luoding(6)
    assert may.matters_month == 2, "May's figure does not move"
    assert june.matters_month == 0 and june.form_values[:2] == [0, 1], "June's notice is reported beside"
    assert june.matters_ytd == 2
    assert not next(form for form in report.forms if form.form.code == "notice").counts_now


def test_recomputing_past_months_needs_a_reason_and_is_audited(may_and_june, personas):
    notice = AidForm.objects.get(code="notice")
    with time_machine.travel(local(date(2026, 6, 20)), tick=False):
        with pytest.raises(Exception, match="请写明理由"):
            services.set_counting_rule(notice, counts=False, starting=Period(2026, 1), by=personas["city"])
        services.set_counting_rule(
            notice, counts=False, starting=Period(2026, 1), reason="省厅口径调整", by=personas["city"]
        )
    assert luoding(5)[0].matters_month == 1
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_type="reporting.AidForm")
    assert "追溯调整：省厅口径调整" in entry.note and entry.actor == personas["city"]


def test_only_city_staff_change_the_rules(client, personas):
    notice = AidForm.objects.get(code="notice")
    data = {"form": notice.pk, "counts": "0", "starting": "2026-06", "reason": ""}
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    assert "通知辩护" in client.get("/reports/counting/").content.decode()
    assert client.post("/reports/counting/", data).status_code == 403
    client.force_login(personas["city"])
    with time_machine.travel(local(date(2026, 6, 20)), tick=False):
        assert client.post("/reports/counting/", data).status_code == 302
        response = client.post("/reports/counting/", {**data, "starting": "2026-02"})
    assert response.status_code == 400 and "请写明理由" in response.content.decode()
