"""The duty pages: the day form (rows added without script, all-or-nothing, errors by row), scopes
(a duty lawyer sees only their own, another county 404) and pinned query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from duty import services
from duty.models import DutyDay, DutyDayStatus, DutySubsidy, HelpKind, HelpRecord
from tests.duty.factories import duty_lawyer, on_duty, record, station

pytestmark = pytest.mark.django_db


BASE = 7  # see test_list_pages_run_a_fixed_number_of_queries


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(context)


def day_post(shift, rows: list[dict], *, total: int | None = None, **extra) -> dict:
    kind = HelpKind.objects.get(name="法律咨询").pk
    data = {
        "helped_on": shift.day.date.isoformat(),
        "workstation": shift.workstation.pk,
        "people-TOTAL_FORMS": str(total or max(len(rows), 5)),
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "60",
        **extra,
    }
    for index, row in enumerate(rows):
        data[f"people-{index}-person_name"] = row.get("name", "")
        data[f"people-{index}-id_number"] = row.get("id_number", "")
        data[f"people-{index}-stage"] = row.get("stage", "investigation")
        data[f"people-{index}-kinds"] = row.get("kinds", [kind])
        data[f"people-{index}-note"] = row.get("note", "")
    return data


# --- the day form ---------------------------------------------------------------------------------
def test_the_day_form_saves_five_people_at_once(client, personas):
    shift = on_duty(personas, on=timezone.localdate())
    client.force_login(shift.lawyer.user)
    page = client.get("/staff/duty/record/").content.decode()
    assert "记录法律帮助" in page and "添加一行" in page and page.count('data-testid="person-row"') == 5
    names = ["陈大文", "李小明", "黄志强", "梁家辉", "张伟"]
    response = client.post("/staff/duty/record/", day_post(shift, [{"name": n} for n in names]))
    assert response.status_code == 302 and response["Location"] == "/staff/duty/"
    assert sorted(HelpRecord.objects.values_list("person_name", flat=True)) == sorted(names)
    assert "已记录法律帮助5人" in client.get("/staff/duty/").content.decode()


def test_add_row_posts_back_one_more_row_and_saves_nothing(client, personas):
    shift = on_duty(personas, on=timezone.localdate())
    client.force_login(shift.lawyer.user)
    response = client.post("/staff/duty/record/", day_post(shift, [{"name": "陈大文"}], add_row="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('data-testid="person-row"') == 6 and 'value="陈大文"' in page
    assert not HelpRecord.objects.exists()


def test_one_bad_row_keeps_the_list_and_shows_the_error_by_row(client, personas):
    shift = on_duty(personas, on=timezone.localdate())
    client.force_login(shift.lawyer.user)
    rows = [{"name": "陈大文"}, {"name": "李小明", "id_number": "110105194912310021"}, {"name": "黄志强", "kinds": []}]
    response = client.post("/staff/duty/record/", day_post(shift, rows))
    page = response.content.decode()
    assert response.status_code == 400
    assert "第2行：身份证号校验位不正确，请核对后重新输入。" in page
    assert "第3行：请至少选择一项帮助内容。" in page
    assert 'value="陈大文"' in page
    assert not HelpRecord.objects.exists()


def test_the_service_refusal_lands_on_the_field(client, personas):
    shift = on_duty(personas, on=timezone.localdate(), kind="看守所")
    client.force_login(shift.lawyer.user)
    data = day_post(shift, [{"name": "陈大文"}])
    data["workstation"] = station(kind="人民检察院").pk
    response = client.post("/staff/duty/record/", data)
    assert response.status_code == 400
    assert "未在罗定市人民检察院值班排班，不能记录法律帮助" in response.content.decode()
    data = day_post(shift, [])
    response = client.post("/staff/duty/record/", data)
    assert "请至少填写一名受帮助人。" in response.content.decode()
    assert not HelpRecord.objects.exists()


def test_only_a_handler_on_the_handlers_roster_may_open_the_day_form(client, personas):
    client.force_login(personas[(Role.CLERK, "luoding")])
    assert client.get("/staff/duty/record/").status_code == 403
    client.force_login(personas[(Role.HANDLER, "yunan")])  # a handler account without a handler profile
    assert client.get("/staff/duty/record/").status_code == 403


# --- roster, closing, paying ----------------------------------------------------------------------
def test_reviewer_rosters_closes_and_pays_through_the_pages(client, personas):
    reviewer = personas[(Role.REVIEWER, "luoding")]
    lawyer = duty_lawyer(personas)
    client.force_login(reviewer)
    today = timezone.localdate()
    response = client.post(
        "/staff/duty/roster/new/",
        {"on": today.isoformat(), "workstation": station().pk, "lawyer": lawyer.pk, "half_day": "morning"},
    )
    day = DutyDay.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/duty/days/{day.pk}/"
    shift = day.shifts.get()
    record(personas, shift, "陈大文", "李小明")
    page = client.get(f"/staff/duty/days/{day.pk}/").content.decode()
    assert "关闭值班日并核算补贴" in page
    assert client.get(f"/staff/duty/days/{day.pk}/close/").status_code == 405
    response = client.post(f"/staff/duty/days/{day.pk}/close/")
    assert response.status_code == 302
    day.refresh_from_db()
    assert day.status == DutyDayStatus.CLOSED
    subsidy = DutySubsidy.objects.get()
    assert subsidy.amount == 200 and subsidy.persons == 2
    response = client.post(f"/staff/duty/subsidies/{subsidy.pk}/pay/", {"paid_on": today.isoformat()})
    assert response.status_code == 302
    subsidy.refresh_from_db()
    assert subsidy.get_status_display() == "已发放"


def test_roster_form_refuses_an_office_employee_by_the_field(client, personas):
    from cases.models import HandlerKind

    staff = duty_lawyer(personas, kind=HandlerKind.STAFF)
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    response = client.post(
        "/staff/duty/roster/new/",
        {
            "on": timezone.localdate().isoformat(),
            "workstation": station().pk,
            "lawyer": staff.pk,
            "half_day": "full_day",
        },
    )
    assert response.status_code == 200
    assert "法律援助机构工作人员不能排班" in response.content.decode()
    assert not DutyDay.objects.filter(shifts__isnull=False).exists()


def test_city_staff_read_but_do_not_close(client, personas):
    shift = on_duty(personas, on=timezone.localdate())
    client.force_login(personas["city"])
    page = client.get(f"/staff/duty/days/{shift.day_id}/").content.decode()
    assert "关闭值班日并核算补贴" not in page
    assert client.post(f"/staff/duty/days/{shift.day_id}/close/").status_code == 403


# --- scopes ---------------------------------------------------------------------------------------
def test_a_duty_lawyer_sees_only_their_own_records_and_other_counties_get_404(client, personas):
    today = timezone.localdate()
    mine = on_duty(personas, on=today)
    record(personas, mine, "陈大文")
    theirs = on_duty(personas, on=today, office="yunnan")
    record(personas, theirs, "郁南人")
    client.force_login(mine.lawyer.user)
    page = client.get("/staff/duty/").content.decode()
    assert "陈大文" in page and "郁南人" not in page
    assert client.get(f"/staff/duty/days/{theirs.day_id}/").status_code == 404
    client.force_login(personas[(Role.CLERK, "luoding")])
    page = client.get("/staff/duty/").content.decode()
    assert "陈大文" in page and "郁南人" not in page
    assert client.get(f"/staff/duty/days/{theirs.day_id}/").status_code == 404
    client.force_login(personas["city"])
    page = client.get("/staff/duty/").content.decode()
    assert "陈大文" in page and "郁南人" in page


def test_the_records_list_filters(client, personas):
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    old = on_duty(personas, on=yesterday, kind="人民法院")
    new = on_duty(personas, on=today, kind="看守所")
    record(personas, old, "昨日人")
    record(personas, new, "今日人")
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    page = client.get(f"/staff/duty/?start={today.isoformat()}").content.decode()
    assert "今日人" in page and "昨日人" not in page
    page = client.get(f"/staff/duty/?workstation={old.workstation_id}").content.decode()
    assert "昨日人" in page and "今日人" not in page


# --- pinned query counts --------------------------------------------------------------------------
def _a_year_of(personas, days: int):
    today = timezone.localdate()
    shifts = []
    for offset in range(days):
        shift = on_duty(personas, on=today - timedelta(days=offset))
        record(personas, shift, *(f"受助人{offset}-{n}" for n in range(3)))
        services.close_day(shift.day, by=personas[(Role.REVIEWER, "luoding")])
        shifts.append(shift)
    return shifts


@pytest.mark.parametrize("days", [1, 3])
def test_list_pages_run_a_fixed_number_of_queries(client, personas, days):
    shifts = _a_year_of(personas, days)
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    # Every page: the session, the user, their groups (roles), their office (the header), and the
    # session's save (savepoint, update, release: the idle timeout is renewed on each request) — then
    # records: the workstations of the filter, count, one page of records, their help kinds;
    assert queries(client, "/staff/duty/") == BASE + 4
    # roster: count, one page of days, their shifts;
    assert queries(client, "/staff/duty/roster/") == BASE + 3
    # subsidies: count, one page of subsidies;
    assert queries(client, "/staff/duty/subsidies/") == BASE + 2
    # rates: the rates;
    assert queries(client, "/staff/duty/rates/") == BASE + 1
    # a day: the day, the shifts with their counts, the subsidies.
    assert queries(client, f"/staff/duty/days/{shifts[0].day_id}/") == BASE + 3
    # The duty lawyer's day form: the handler profile, help kinds, workstations, the lawyer's shifts.
    client.force_login(shifts[0].lawyer.user)
    assert queries(client, "/staff/duty/record/") == BASE + 4


def test_a_missing_workstation_or_date_is_named_in_chinese(client, personas):
    shift = on_duty(personas, on=timezone.localdate())
    client.force_login(shift.lawyer.user)
    data = day_post(shift, [{"name": "陈大文"}])
    data["workstation"], data["helped_on"] = "", ""
    page = client.post("/staff/duty/record/", data).content.decode()
    assert "请选择值班工作站。" in page and "请填写日期。" in page
    assert not HelpRecord.objects.exists()
