"""The override table in the admin: where staff fill in a year the package lacks (SPEC §3.1)."""

from datetime import date

import pytest
from django.contrib import admin

from deadlines.admin import HolidayOverrideAdmin
from deadlines.models import HolidayOverride

URL = "/admin/deadlines/holidayoverride/"


@pytest.fixture
def superuser_client(client, make_user):
    client.force_login(make_user("admin", is_superuser=True, is_staff=True))
    return client


def test_list_shows_weekday_and_what_the_package_says(superuser_client):
    HolidayOverride.objects.create(day=date(2026, 10, 10), is_working_day=True, note="测试：国庆调休")
    HolidayOverride.objects.create(day=date(2027, 2, 8), is_working_day=False, note="2027年春节")
    response = superuser_client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "星期六" in page and "星期一" in page
    assert "未收录该年" in page  # the package knows nothing of 2027
    assert "2027年春节" in page


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 10, 10), "工作日"),  # already a 调休 Saturday in the package: the row changes nothing
        (date(2026, 10, 11), "休息日"),
        (date(2027, 2, 8), "未收录该年"),
    ],
)
def test_package_column(day, expected):
    model_admin = HolidayOverrideAdmin(HolidayOverride, admin.site)
    assert model_admin.package_status(HolidayOverride(day=day)) == expected


def test_staff_add_a_holiday(superuser_client):
    response = superuser_client.post(URL + "add/", {"day": "2027-02-09", "note": "2027年春节"})
    assert response.status_code == 302
    row = HolidayOverride.objects.get(day=date(2027, 2, 9))
    assert row.is_working_day is False
    assert str(row) == "2027-02-09 放假（2027年春节）"


def test_a_day_can_be_entered_once(superuser_client):
    HolidayOverride.objects.create(day=date(2027, 2, 9), note="2027年春节")
    response = superuser_client.post(URL + "add/", {"day": "2027-02-09", "is_working_day": "on"})
    assert response.status_code == 200
    assert HolidayOverride.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(client, db):
    assert client.get(URL).status_code == 302
