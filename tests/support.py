"""Plain helpers shared by test modules (fixtures live in conftest.py)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

PASSWORD = "test-pass-2026"


def late_in_the_year():
    """The clock on an ordinary November day. The demo seeds the calendar year to date, so what it
    claims about a year's work — every case state, every clock both running and stopped, a hundred
    monthly figures — holds from the second half of a year on, not on 2 January: the tests of those
    claims run it on such a day (a test on the real date would turn red every new year)."""
    return time_machine.travel(datetime(2026, 11, 11, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
