"""Speed of what staff open every day, on a year of data. Run with `make bench`; never part of `make test`.

Each benchmark reports its time; the query counts that keep these flat are pinned in the tests.
"""

import pytest

from accounts.models import Office
from reporting.selectors import build_monthly_report
from reporting.xlsx import write_monthly_report

pytestmark = pytest.mark.django_db


def test_monthly_report_builder(benchmark, today):
    offices = list(Office.objects.all())
    benchmark(build_monthly_report, offices=offices, year=today.year, month=max(today.month - 1, 1), today=today)


def test_monthly_report_xlsx(benchmark, today):
    report = build_monthly_report(offices=Office.objects.all(), year=today.year, month=max(today.month - 1, 1))
    benchmark(write_monthly_report, report, generated_on=today)


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("reviewer-luoding", "/staff/applications/"),
        ("reviewer-luoding", "/staff/"),
        ("city", "/staff/"),
        ("reviewer-luoding", "/staff/cases/"),
        ("city", "/reports/"),
    ],
)
def test_staff_pages(benchmark, client, demo_user, username, path):
    client.force_login(demo_user(username))
    response = benchmark(client.get, path)
    assert response.status_code == 200
