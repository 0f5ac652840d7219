import re
from datetime import date

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Role
from applications import services
from deadlines import calendar
from tests.applications.factories import make_id_number, submit

RECEIVED = timezone.make_aware(timezone.datetime(2026, 6, 1, 9))


@pytest.fixture
def received_june_first(personas):
    with time_machine.travel(RECEIVED):
        return [submit(id_number=make_id_number(sequence=f"{n + 300:03d}")) for n in range(2)]


def dashboard(client, user, today: date):
    client.force_login(user)
    with time_machine.travel(timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time()))):
        return client.get("/staff/")


def test_review_deadlines_appear_in_the_right_section(client, personas, received_june_first):
    due = calendar.add_days(date(2026, 6, 1), 7)
    reviewer = personas[(Role.REVIEWER, "luoding")]
    soon = dashboard(client, reviewer, date(2026, 6, 6)).content.decode()
    assert "即将到期（2）" in soon and received_june_first[0].number in soon
    assert "今日到期（2）" in dashboard(client, reviewer, due).content.decode()
    late = dashboard(client, reviewer, date(2026, 6, 10)).content.decode()
    assert "已逾期（2）" in late and "审查决定" in late
    # Each row says its date and how long is left, in the words of the page.
    assert f"<td>{due.year}年{due.month}月{due.day}日</td>" in soon
    assert f"<td>{(due - date(2026, 6, 6)).days} 天</td>" in soon
    assert "<td>今天</td>" in dashboard(client, reviewer, due).content.decode()
    assert f"<td>逾期 {(date(2026, 6, 10) - due).days} 天</td>" in late
    # Another county's reviewer sees nothing of it.
    other = dashboard(client, personas[(Role.REVIEWER, "yunnan")], date(2026, 6, 10)).content.decode()
    assert received_june_first[0].number not in other


def test_supplement_reply_and_objection_clocks_are_listed(client, personas, received_june_first):
    first, second = received_june_first
    clerk, reviewer = personas[(Role.CLERK, "luoding")], personas[(Role.REVIEWER, "luoding")]
    services.request_supplement(first, items=["身份证"], note="", by=clerk, today=date(2026, 6, 2))
    services.refuse(second, reason="不符合条件", by=reviewer, today=date(2026, 6, 3))
    services.register_objection(second, reasons="有异议", received_on=date(2026, 6, 4), by=reviewer)
    page = dashboard(client, reviewer, date(2026, 6, 17)).content.decode()
    assert "补正期限" in page
    # 法律援助法 第四十九条: the objection's 5-day clock is the 司法局's to keep, not the office's.
    assert "异议审查" not in page
    assert (
        "异议审查" in dashboard(client, personas[(Role.BUREAU_REVIEWER, "luoding")], date(2026, 6, 17)).content.decode()
    )


def test_city_staff_see_one_row_per_office_in_order(client, personas, received_june_first):
    response = dashboard(client, personas["city"], date(2026, 6, 10))
    per_office = response.context["per_office"]
    assert [office.slug for office, _ in per_office] == ["city", "yuncheng", "yunan", "luoding", "xinxing", "yunnan"]
    counts = dict((office.slug, counts) for office, counts in per_office)
    assert counts["luoding"]["已逾期"] == 2
    assert sum(c["已逾期"] for slug, c in counts.items() if slug != "luoding") == 0


@pytest.mark.parametrize("count", [1, 6])
def test_dashboard_query_count_is_fixed(client, personas, django_assert_num_queries, count):
    with time_machine.travel(RECEIVED):
        for n in range(count):
            submit(id_number=make_id_number(sequence=f"{n + 400:03d}"))
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 10, 9))):
        # session, user, groups; the offices (once for both sources); intake: the counts per office
        # and section with the first rows of each section (one statement), the urgent ones and their
        # material kinds, the checklist (先行提供's missing paperwork); cases: user and group
        # permissions (sealed cases), the counts with the first rows; the holiday-year check; the
        # user's office; the session's sliding expiry (savepoint, update, release).
        with django_assert_num_queries(16):
            response = client.get("/staff/")
    assert response.content.decode().count("审查决定") == count


def test_each_role_sees_only_the_clocks_it_acts_on(client, personas, received_june_first):
    """Issue 13 §3: the reviewer decides (审查决定); the clerk of the office handles 补正 and objections,
    not the decision; a handler sees only their own cases' clocks."""
    first, _second = received_june_first
    services.request_supplement(
        first, items=["身份证"], note="", by=personas[(Role.CLERK, "luoding")], today=date(2026, 6, 2)
    )
    clerk_page = dashboard(client, personas[(Role.CLERK, "luoding")], date(2026, 6, 17)).content.decode()
    assert "补正期限" in clerk_page and "审查决定" not in clerk_page
    reviewer_page = dashboard(client, personas[(Role.REVIEWER, "luoding")], date(2026, 6, 17)).content.decode()
    assert "补正期限" in reviewer_page and "审查决定" in reviewer_page
    handler_page = dashboard(client, personas[(Role.HANDLER, "luoding")], date(2026, 6, 17)).content.decode()
    assert first.number not in handler_page


def test_the_missing_holidays_banner_is_for_those_who_act_on_it(client, personas, settings):
    """A year chinese-calendar does not know yet: reviewers and city staff are asked for it, clerks not."""
    # The personas' passwords were set today, whatever day that is (`--today`): months before the
    # day below, the password rule would send them to change it first. Not what this test is about.
    settings.PASSWORD_MAX_AGE_DAYS = 0

    def banner_years(user) -> list[int]:
        with time_machine.travel(timezone.make_aware(timezone.datetime(2027, 1, 4, 9))):
            client.force_login(user)  # signed in that day: the idle timeout counts from now
            return client.get("/staff/").context["missing_holiday_years"]

    assert banner_years(personas[(Role.REVIEWER, "luoding")]) == [2027]
    assert banner_years(personas["city"]) == [2027]
    assert banner_years(personas[(Role.CLERK, "luoding")]) == []


def test_a_long_section_lists_its_most_urgent_rows_and_counts_them_all(client, personas, monkeypatch):
    from portal import views

    monkeypatch.setattr(views, "SECTION_ROWS", 2)  # issue 14: a province's city staff oversee thousands
    with time_machine.travel(RECEIVED):
        for n in range(3):
            submit(id_number=make_id_number(sequence=f"{n + 500:03d}"))
    page = dashboard(client, personas[(Role.REVIEWER, "luoding")], date(2026, 6, 10)).content.decode()
    assert "已逾期（3）" in page
    assert page.count("审查决定") == 2
    assert "仅列出最紧急的 2 项（共 3 项）" in page


def test_a_long_section_of_case_clocks_lists_the_most_urgent_and_counts_them_all(client, personas, monkeypatch):
    """Case clocks are read a section at a time, the first rows by due date and every one counted
    per office (issue 14): city staff see the two most urgent of three overdue 指派 and all three in
    the county's row."""
    from portal import views
    from tests.cases.factories import make_case

    monkeypatch.setattr(views, "SECTION_ROWS", 2)
    with time_machine.travel(RECEIVED):
        first = make_case(personas, name="张一")
    with time_machine.travel(RECEIVED + timezone.timedelta(days=1)):
        later = [make_case(personas, name=name) for name in ("张二", "张三")]
    response = dashboard(client, personas["city"], date(2026, 6, 20))
    page = response.content.decode()
    assert "已逾期（3）" in page and "仅列出最紧急的 2 项（共 3 项）" in page
    shown = [case.number for case in (first, *later) if case.number in page]
    assert first.number in shown and len(shown) == 2
    counts = {office.slug: counts for office, counts in response.context["per_office"]}
    assert counts["luoding"] == {"已逾期": 3, "今日到期": 0, "即将到期": 0}


# --- a section's own page (「查看全部」) ---------------------------------------------------------------
def section_page(client, user, today: date, path: str):
    client.force_login(user)
    with time_machine.travel(timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time()))):
        return client.get(path)


def listed(response) -> list[str]:
    """The numbers a section's table lists, in its order."""
    page = response.content.decode()
    if 'data-testid="deadlines-' not in page:
        return []
    table = page.split('data-testid="deadlines-', 1)[1].split("</table>")[0]
    return re.findall(r'<a href="[^"]+">([^<]+)</a>', table)


def test_a_section_s_own_page_lists_every_row_a_page_at_a_time(client, personas, monkeypatch):
    """The dashboard lists the most urgent of a long section and links to all of it: the section's
    page, most urgent first, a page at a time, scoped as the dashboard is."""
    from portal import views

    monkeypatch.setattr(views, "SECTION_ROWS", 2)
    monkeypatch.setattr(views, "DUE_PAGE_ROWS", 2)
    with time_machine.travel(RECEIVED):
        oldest = submit(id_number=make_id_number(sequence="601"))
    with time_machine.travel(RECEIVED + timezone.timedelta(days=1)):
        newer = [submit(id_number=make_id_number(sequence=f"{n:03d}")) for n in (602, 603)]
    reviewer = personas[(Role.REVIEWER, "luoding")]
    home = dashboard(client, reviewer, date(2026, 6, 20)).content.decode()
    assert 'href="/staff/due/overdue/"' in home and "查看全部已逾期的 3 项" in home

    def page(path: str, user=reviewer):
        return section_page(client, user, date(2026, 6, 20), path)

    first = page("/staff/due/overdue/")
    assert "已逾期（3）" in first.content.decode() and "第1页 / 共2页（3项）" in first.content.decode()
    # Most urgent first (the oldest is due first; the same day by number), two a page.
    second = sorted(application.number for application in newer)
    assert listed(first) + listed(page("/staff/due/overdue/?page=2")) == [oldest.number, *second]
    assert listed(page("/staff/due/overdue/?page=9")) == [second[1]]  # past the last: the last
    assert listed(page("/staff/due/overdue/?page=x")) == [oldest.number, second[0]]
    # Another county's reviewer: the same page, none of it.
    other = page("/staff/due/overdue/", user=personas[(Role.REVIEWER, "yunan")])
    assert "已逾期（0）" in other.content.decode() and "没有已逾期的事项" in other.content.decode()
    assert listed(other) == []


def test_a_section_that_is_not_one_is_not_found(client, personas):
    client.force_login(personas["city"])
    assert client.get("/staff/due/someday/").status_code == 404


@pytest.mark.parametrize("count", [1, 6])
def test_a_section_s_page_query_count_is_fixed(client, personas, django_assert_num_queries, count):
    with time_machine.travel(RECEIVED):
        for n in range(count):
            submit(id_number=make_id_number(sequence=f"{n + 700:03d}"))
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 10, 9))):
        # The dashboard's worklist (session, user, groups, offices, intake's counts with its first rows,
        # urgent ones and their material kinds, checklist; cases' permissions, counts with first rows),
        # the user's office, the session's sliding expiry — without the holiday check and the objections.
        with django_assert_num_queries(15):
            response = client.get("/staff/due/overdue/")
    assert response.content.decode().count("审查决定") == count
