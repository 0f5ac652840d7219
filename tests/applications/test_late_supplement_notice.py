"""法律援助法 第四十三条: a 补正 notice does not cure an overdue review. Once the 7-day review deadline has
passed no notice is given (the office is told why), and a pause that begins after the due date is
never counted — in the queue, on the dashboard and in the month-end report, by the one review-clock
rule (`applications.models.review_due_dates`)."""

from datetime import date
from types import SimpleNamespace

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Office, Role
from applications import services
from applications.models import SupplementRequest, review_due_dates
from core.transitions import TransitionError
from reporting.selectors import build_monthly_report
from tests.applications.factories import submit

RECEIVED = date(2026, 6, 1)  # a Monday: due Monday 8 June
DUE = date(2026, 6, 8)


@pytest.fixture
def application(personas):
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 1, 10))):
        return submit()


def test_lal_43_a_supplement_notice_after_the_review_deadline_is_refused(personas, application):
    clerk = personas[(Role.CLERK, "luoding")]
    with pytest.raises(TransitionError, match="审查期限已于2026年6月8日届满，不能再告知补正"):
        services.request_supplement(application, items=["工资欠条"], note="", by=clerk, today=date(2026, 6, 9))
    assert not application.supplement_requests.exists()
    # On the last day itself (含当日) the notice may still be given.
    services.request_supplement(application, items=["工资欠条"], note="", by=clerk, today=DUE)


def _late_notice(application, personas, *, requested_on: date, resolved_on: date | None) -> None:
    # As an older record may hold it (given before the service refused late notices).
    SupplementRequest.objects.create(
        application=application,
        items=["工资欠条"],
        requested_on=requested_on,
        reply_due_on=date(2026, 6, 30),
        resolved_on=resolved_on,
        requested_by=personas[(Role.CLERK, "luoding")],
    )


def test_lal_43_a_pause_beginning_after_the_due_date_is_not_counted(personas, application):
    _late_notice(application, personas, requested_on=date(2026, 6, 10), resolved_on=date(2026, 6, 15))
    assert application.review_due_on(today=date(2026, 6, 20)) == DUE


def test_lal_43_a_late_pause_does_not_stop_the_clock(personas, application):
    _late_notice(application, personas, requested_on=date(2026, 6, 10), resolved_on=None)
    application = type(application).objects.prefetch_related("supplement_requests").get(pk=application.pk)
    assert review_due_dates([application], today=date(2026, 6, 12))[application.pk] == DUE


def test_lal_43_a_timely_pause_still_counts(personas, application):
    _late_notice(application, personas, requested_on=date(2026, 6, 3), resolved_on=date(2026, 6, 5))
    assert application.review_due_on(today=date(2026, 6, 10)) == date(2026, 6, 10)


def test_lal_43_the_dashboard_and_the_month_end_report_count_it_overdue(client, personas, application):
    _late_notice(application, personas, requested_on=date(2026, 6, 10), resolved_on=None)
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 12, 9)), tick=False):
        client.force_login(personas[(Role.REVIEWER, "luoding")])
        page = client.get("/staff/").content.decode()
    assert "审查决定" in page and application.number in page
    report = build_monthly_report(offices=Office.objects.all(), year=2026, month=6, today=date(2026, 7, 5))
    rows = {row.office.slug: row for row in report.rows}
    assert rows["luoding"].overdue == 1


def test_a_row_of_the_clock_columns_keeps_the_same_deadline_as_its_application(personas, application):
    """The dashboard and the month report read thousands of applications as rows (`ReviewClock`):
    given the application's 补正 notices, a row has the application's deadline; without them it is
    refused, rather than taken for an application with none."""
    _late_notice(application, personas, requested_on=date(2026, 6, 3), resolved_on=date(2026, 6, 5))
    row = SimpleNamespace(pk=application.pk, clock_started_on=application.clock_started_on, closed_on=None)
    notices = {application.pk: list(application.supplement_requests.all())}
    today = date(2026, 6, 10)
    assert review_due_dates([row], today=today, supplements=notices)[row.pk] == application.review_due_on(today=today)
    assert application.review_due_on(today=today) == date(2026, 6, 10)  # paused two days
    with pytest.raises(TypeError, match="supplements"):
        review_due_dates([row], today=today)
