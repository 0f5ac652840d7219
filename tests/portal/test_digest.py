"""The daily digest (issue 13 §1): each reviewer and handler finds their items due today or overdue on
their 我的消息 page every morning, and by e-mail when a mail server is configured."""

from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role
from deadlines import calendar
from notifications.models import StaffMessage
from notifications.tasks import send_staff_email
from portal.digest import send_daily_digests
from tests.applications.factories import make_id_number, submit
from tests.cases.factories import make_case

JUNE_FIRST = timezone.make_aware(timezone.datetime(2026, 6, 1, 9))
LATE = date(2026, 6, 15)


@pytest.fixture
def luoding_work(personas):
    """Two applications awaiting review and a case whose 委托协议 is not yet signed, all from 1 June."""
    with time_machine.travel(JUNE_FIRST):
        applications = [submit(id_number=make_id_number(sequence=f"{n + 600:03d}")) for n in range(2)]
        case = make_case(personas, state="in_progress")
    return applications, case


def test_the_reviewer_is_told_of_everything_overdue_in_the_office(personas, luoding_work):
    applications, case = luoding_work
    send_daily_digests(today=LATE)
    message = StaffMessage.objects.get(recipient=personas[(Role.REVIEWER, "luoding")])
    assert message.title == "2026年6月15日待办提醒：已逾期3项，今日到期0项"
    assert [(row["kind"], row["number"]) for row in message.items] == [
        ("审查决定", applications[0].number),
        ("审查决定", applications[1].number),
        ("委托协议", case.number),
    ]
    due = calendar.add_days(date(2026, 6, 1), 7)
    assert (
        f"审查决定 {applications[0].number}（罗定）：期限{due.year}年{due.month}月{due.day}日，已逾期" in message.body
    )


def test_the_handler_is_told_of_their_own_clocks_only(personas, luoding_work):
    _, case = luoding_work
    send_daily_digests(today=LATE)
    message = StaffMessage.objects.get(recipient=personas[(Role.HANDLER, "luoding")])
    assert [(row["kind"], row["number"]) for row in message.items] == [("委托协议", case.number)]


def test_due_today_is_told_on_the_day(personas, luoding_work):
    due = calendar.add_days(date(2026, 6, 1), 7)
    send_daily_digests(today=due)
    message = StaffMessage.objects.get(recipient=personas[(Role.REVIEWER, "luoding")])
    assert [row["state"] for row in message.items if row["kind"] == "审查决定"] == ["今日到期", "今日到期"]


def test_nothing_due_no_message_and_a_second_run_adds_nothing(personas, luoding_work):
    first = send_daily_digests(today=LATE)
    assert {message.recipient.username for message in first} == {"reviewer-luoding", "handler-luoding"}
    assert send_daily_digests(today=LATE) == []
    assert StaffMessage.objects.count() == 2
    assert not StaffMessage.objects.filter(recipient__office__slug="yunnan").exists()


def test_the_digest_is_emailed_once_when_mail_is_configured(
    personas, luoding_work, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.DIGEST_BY_EMAIL = True
    reviewer = personas[(Role.REVIEWER, "luoding")]
    reviewer.email = "reviewer@luoding.example.org"
    reviewer.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_digests(today=LATE)
    message = StaffMessage.objects.get(recipient=reviewer)
    assert send_staff_email.call(message.pk) == "sent"
    assert send_staff_email.call(message.pk) == "skipped"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["reviewer@luoding.example.org"]
    assert mail.subject == f"云浮市法律援助 · {message.title}"
    assert luoding_work[1].number in mail.body and "/staff/messages/" in mail.body
    message.refresh_from_db()
    assert message.emailed_at is not None


def test_the_daily_command_reports_what_it_filed(personas, luoding_work, capsys):
    call_command("send_daily_digest", "--date", LATE.isoformat())
    out = capsys.readouterr().out
    assert "reviewer-luoding：2026年6月15日待办提醒" in out and "共生成 2 条待办提醒。" in out


def test_each_person_reads_only_their_own_messages(client, personas, luoding_work):
    send_daily_digests(today=LATE)
    client.force_login(personas[(Role.HANDLER, "luoding")])
    page = client.get("/staff/messages/").content.decode()
    assert page.count('data-testid="staff-message"') == 1
    assert luoding_work[1].number in page and luoding_work[0][0].number not in page
    client.force_login(personas[(Role.CLERK, "luoding")])
    assert "暂无消息" in client.get("/staff/messages/").content.decode()


@pytest.mark.parametrize("days", [1, 4])
def test_the_message_page_query_count_is_pinned(client, personas, luoding_work, django_assert_num_queries, days):
    for offset in range(days):
        send_daily_digests(today=date(2026, 6, 15 + offset))
    client.force_login(personas[(Role.REVIEWER, "luoding")])
    # session · user · roles · count · the page of messages · the user's office (navigation) · session
    # refresh (savepoint, update, release: the idle timeout)
    with django_assert_num_queries(9):
        response = client.get("/staff/messages/")
    assert response.content.decode().count('data-testid="staff-message"') == days
