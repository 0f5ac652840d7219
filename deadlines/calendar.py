"""Every statutory deadline of the portal is computed here, and nowhere else.

The law (民法典, applied to the time limits of 法律援助法 第四十三条、第四十九条 and the 程序规定):

* 第二百零一条: a period counted in days starts on the day after the event; the day of the event
  (the receipt, the decision, the assignment) is not counted.
* 第二百零三条: when the last day of a period is a statutory holiday (法定休假日, which includes the
  weekly rest days), the period ends on the day after the holiday ends.

Whether the 7/3/5/30-day limits are calendar days (the default) or working days is the setting
`LEGALAID_COUNT_WORKING_DAYS` (SPEC §3.1).

Which day is a working day: a `HolidayOverride` row wins; otherwise the `chinese_calendar` package,
which follows the State Council's yearly 放假安排 (holidays and 调休 working weekends); for a year the
package does not know, a fallback that knows only weekends and the fixed-date holidays (see
`fallback_is_working_day`). Staff are warned to fill such a year in (`missing_holiday_years`).

Pass dates, not datetimes: the caller decides the local day with `timezone.localdate()`.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import cache

import chinese_calendar
from django.conf import settings

from deadlines.models import HolidayOverride

# How far a last day may roll forward, or a working-day count may run past its nominal length, before
# we blame the data: real holidays last days, not a year, so only wrong override rows can get there.
MAX_ROLL_DAYS = 366

# 《全国年节及纪念日放假办法》(2024年修订) 第二条: the holidays with a fixed Gregorian date —
# 元旦 1月1日, 劳动节 5月1日、2日, 国庆节 10月1日、2日、3日. (春节、清明节、端午节、中秋节 follow the
# lunar calendar or the solar terms and cannot be fixed here.)
FIXED_DATE_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})


class CalendarDataError(Exception):
    """The override rows leave no working day within `MAX_ROLL_DAYS`: they must be wrong."""


def _check_date(value: date, name: str) -> None:
    # A datetime is a date too, but its day depends on the time zone: decide it before calling.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a date (use timezone.localdate()), not {type(value).__name__}")


def _check_days(days: int) -> None:
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")


def _mode(working_days: bool | None) -> bool:
    return settings.LEGALAID_COUNT_WORKING_DAYS if working_days is None else working_days


@cache
def package_covers_year(year: int) -> bool:
    """Whether the installed `chinese_calendar` knows the State Council's schedule for `year`."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def package_is_working_day(day: date) -> bool | None:
    """What the `chinese_calendar` package says about `day`, or None for a year it does not cover."""
    if not package_covers_year(day.year):
        return None
    return bool(chinese_calendar.is_workday(day))


def fallback_is_working_day(day: date) -> bool:
    """A rough answer for a year neither the package nor the override table covers.

    Saturday and Sunday are rest days, and so are the fixed-date holidays of 《全国年节及纪念日放假办法》
    (2024年修订): 1月1日, 5月1日, 5月2日, 10月1日, 10月2日, 10月3日. It knows nothing of 春节, 清明节,
    端午节 and 中秋节 (lunar dates) nor of the 调休 working weekends and extra rest days of the yearly
    schedule: those must be entered as `HolidayOverride` rows, which is what `missing_holiday_years`
    asks staff to do.
    """
    return day.weekday() < 5 and (day.month, day.day) not in FIXED_DATE_HOLIDAYS


class WorkingCalendar:
    """Working days between `first` and `last` (inclusive), with the override rows read in ONE query.

    Build one per computation, or one for a whole page of deadlines (`covering`), so that a list of
    many rows costs the same single query as one row.
    """

    def __init__(self, first: date, last: date) -> None:
        _check_date(first, "first")
        _check_date(last, "last")
        if last < first:
            raise ValueError(f"empty calendar window: {first} .. {last}")
        self.first = first
        self.last = last
        self._overrides: dict[date, bool] = dict(
            HolidayOverride.objects.filter(day__range=(first, last)).values_list("day", "is_working_day")
        )
        self._package_days: dict[date, bool] = {}

    @classmethod
    def covering(cls, starts: Iterable[date], *, max_days: int) -> "WorkingCalendar":
        """A calendar that can answer `add_days(start, n)` for every given start and any n <= max_days.

        In either mode: n working days never span more than 2n + MAX_ROLL_DAYS calendar days, since even
        the longest Chinese holiday season leaves well over half of the days working days.
        """
        _check_days(max_days)
        starts = list(starts)
        if not starts:
            raise ValueError("covering() needs at least one start date")
        return cls(min(starts), max(starts) + timedelta(days=2 * max_days + MAX_ROLL_DAYS))

    def is_working_day(self, day: date) -> bool:
        """The override row if there is one, else the package, else `fallback_is_working_day`."""
        if not self.first <= day <= self.last:
            raise ValueError(f"{day} is outside this calendar's window {self.first} .. {self.last}")
        if day in self._overrides:
            return self._overrides[day]
        # Asked again and again for the same few hundred days by a dashboard of thousands of clocks
        # (issue 14): the package's answer is kept for this calendar's life (one request).
        if day not in self._package_days:
            package = package_is_working_day(day)
            self._package_days[day] = fallback_is_working_day(day) if package is None else package
        return self._package_days[day]

    def roll_forward(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it (第二百零三条)."""
        for _ in range(MAX_ROLL_DAYS + 1):
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise CalendarDataError(f"{day}之前连续{MAX_ROLL_DAYS}天没有工作日，请检查“节假日调整”数据。")

    def add_days(self, start: date, days: int, *, working_days: bool) -> date:
        """See the module-level `add_days`; here the mode must be given."""
        _check_date(start, "start")
        _check_days(days)
        if days == 0:
            return start
        if not working_days:
            return self.roll_forward(start + timedelta(days=days))
        day, counted = start, 0
        limit = start + timedelta(days=2 * days + MAX_ROLL_DAYS)
        while counted < days:
            day += timedelta(days=1)
            if day > limit:
                raise CalendarDataError(f"{start}之后找不到{days}个工作日，请检查“节假日调整”数据。")
            if self.is_working_day(day):
                counted += 1
        return day

    def count_days(self, start: date, end: date, *, working_days: bool) -> int:
        """See the module-level `count_days`; here the mode must be given."""
        _check_date(start, "start")
        _check_date(end, "end")
        if end <= start:
            return 0
        if not working_days:
            return (end - start).days
        return sum(self.is_working_day(start + timedelta(days=offset)) for offset in range(1, (end - start).days + 1))


def is_working_day(day: date) -> bool:
    """Whether `day` is a working day: override row, else the package, else weekends and fixed holidays.

    One query. To ask about many days, build a `WorkingCalendar` for their range instead.
    """
    _check_date(day, "day")
    return WorkingCalendar(day, day).is_working_day(day)


def add_days(start: date, days: int, *, working_days: bool | None = None) -> date:
    """The last day of a period of `days` days that begins with the event on `start`.

    `start` is not counted (民法典 第二百零一条). Calendar days: start + days, and if that day is not a
    working day, the first working day after it (第二百零三条). Working days: the `days`-th working day
    after start, which is a working day by construction. `days == 0` returns `start` unchanged.
    `working_days=None` follows `settings.LEGALAID_COUNT_WORKING_DAYS`. At most one query.

    Raises ValueError for negative `days`, CalendarDataError when the overrides leave no working day.
    """
    _check_date(start, "start")
    _check_days(days)
    if days == 0:
        return start
    return WorkingCalendar.covering([start], max_days=days).add_days(start, days, working_days=_mode(working_days))


def count_days(start: date, end: date, *, working_days: bool | None = None) -> int:
    """How many counted days lie in (start, end]: 0 when end <= start.

    Measures how long a clock stood still (the 补正 wait of 第四十三条) so that the deadline can be
    extended by as many days, in the same mode as the deadline itself: extend the period, not the
    rolled last day — `add_days(received, 7 + count_days(notice_sent, materials_complete))`.
    Calendar days cost no query; working days one.
    """
    _check_date(start, "start")
    _check_date(end, "end")
    if end <= start:
        return 0
    working = _mode(working_days)
    if not working:
        return (end - start).days
    return WorkingCalendar(start + timedelta(days=1), end).count_days(start, end, working_days=True)


def days_left(due: date, *, today: date) -> int:
    """Plain calendar days from `today` to `due`: 0 on the day it is due, negative once overdue."""
    _check_date(due, "due")
    _check_date(today, "today")
    return (due - today).days


def missing_holiday_years(today: date) -> list[int]:
    """This year and next year, where neither the package nor any override row gives the schedule.

    For the staff dashboard's warning 「请管理员录入YYYY年节假日安排」: in such a year deadlines are
    computed with `fallback_is_working_day` only. The State Council publishes next year's schedule in
    late autumn, so next year is included. At most one query.
    """
    _check_date(today, "today")
    uncovered = [year for year in (today.year, today.year + 1) if not package_covers_year(year)]
    if not uncovered:
        return []
    rows = HolidayOverride.objects.filter(day__range=(date(min(uncovered), 1, 1), date(max(uncovered), 12, 31)))
    entered = {first_of_year.year for first_of_year in rows.dates("day", "year")}
    return [year for year in uncovered if year not in entered]
