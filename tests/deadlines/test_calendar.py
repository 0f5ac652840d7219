"""Statutory day counting (民法典 第二百零一条、第二百零三条) on real 2026 dates.

The 2026 schedule as the `chinese_calendar` package 1.11.0 has it, which matches the State Council's
notice: 中秋节 9月25日(五)至27日(日) 放假; 国庆节 10月1日(四)至7日(三) 放假, 9月20日(日)、10月10日(六)
上班; 端午节 6月19日(五)至21日(日) 放假. 2027 is not in the package.
"""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from deadlines.calendar import (
    MAX_ROLL_DAYS,
    CalendarDataError,
    WorkingCalendar,
    add_days,
    count_days,
    days_left,
    fallback_is_working_day,
    is_working_day,
    missing_holiday_years,
    package_covers_year,
)
from deadlines.models import HolidayOverride

pytestmark = pytest.mark.django_db


def holiday(day: date, note: str = "") -> HolidayOverride:
    return HolidayOverride.objects.create(day=day, is_working_day=False, note=note)


def working(day: date, note: str = "") -> HolidayOverride:
    return HolidayOverride.objects.create(day=day, is_working_day=True, note=note)


class TestIsWorkingDay:
    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (date(2026, 9, 25), False),  # 中秋节, a Friday
            (date(2026, 10, 1), False),  # 国庆节
            (date(2026, 10, 7), False),  # last day of the National Day holiday, a Wednesday
            (date(2026, 10, 8), True),  # Thursday after it
            (date(2026, 9, 20), True),  # 调休: a Sunday worked for National Day
            (date(2026, 10, 10), True),  # 调休: a Saturday worked for National Day
            (date(2026, 10, 11), False),  # an ordinary Sunday
            (date(2026, 11, 30), True),  # an ordinary Monday
        ],
    )
    def test_2026_from_the_package(self, day, expected):
        assert is_working_day(day) is expected

    def test_override_wins_over_the_package(self):
        holiday(date(2026, 11, 30), "测试：临时放假")
        working(date(2026, 10, 5), "测试：改为上班")
        assert is_working_day(date(2026, 11, 30)) is False
        assert is_working_day(date(2026, 10, 5)) is True

    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (date(2027, 1, 1), False),  # 元旦, a Friday
            (date(2027, 1, 4), True),  # Monday
            (date(2027, 5, 1), False),  # 劳动节, a Saturday anyway
            (date(2027, 5, 3), True),  # Monday: the fallback knows no 补休 — that needs an override row
            (date(2027, 10, 1), False),  # 国庆节, a Friday
            (date(2027, 10, 4), True),  # Monday: likewise
            (date(2027, 2, 8), True),  # Monday in 春节 week: lunar, so unknown without override rows
        ],
    )
    def test_2027_falls_back_to_weekends_and_fixed_holidays(self, day, expected):
        assert not package_covers_year(2027)
        assert is_working_day(day) is expected
        assert fallback_is_working_day(day) is expected

    def test_2027_override_rows_fill_in_the_lunar_holidays(self):
        holiday(date(2027, 2, 8), "2027年春节")
        assert is_working_day(date(2027, 2, 8)) is False


class TestAddDaysCalendarMode:
    def test_receipt_before_national_day_rolls_past_it(self):
        # Received Mon 2026-09-28; day 1 is 09-29, day 7 is Mon 10-05, inside 10-01..10-07: due Thu 10-08.
        assert add_days(date(2026, 9, 28), 7, working_days=False) == date(2026, 10, 8)

    def test_last_day_on_the_tiaoxiu_saturday_stays(self):
        # Decided Wed 2026-10-07 (still a holiday: the event day is not counted anyway); +3 = Sat 10-10, worked.
        assert add_days(date(2026, 10, 7), 3, working_days=False) == date(2026, 10, 10)

    def test_last_day_on_an_ordinary_saturday_rolls_to_the_tiaoxiu_sunday(self):
        # Assigned Mon 2026-09-14; 5 days → Sat 09-19 (rest); Sun 09-20 is worked for National Day.
        assert add_days(date(2026, 9, 14), 5, working_days=False) == date(2026, 9, 20)

    def test_last_day_on_an_ordinary_sunday_rolls_to_monday(self):
        # Thu 2026-11-26 + 3 = Sun 11-29 → Mon 11-30.
        assert add_days(date(2026, 11, 26), 3, working_days=False) == date(2026, 11, 30)

    def test_three_days_over_mid_autumn(self):
        # Tue 2026-09-22 + 3 = Fri 09-25 (中秋节); 09-26, 09-27 are holidays too → Mon 09-28.
        assert add_days(date(2026, 9, 22), 3, working_days=False) == date(2026, 9, 28)

    def test_seven_days_in_an_ordinary_week(self):
        # Mon 2026-11-02 + 7 = Mon 11-09: no roll. The weekend in between counts (calendar days).
        assert add_days(date(2026, 11, 2), 7, working_days=False) == date(2026, 11, 9)

    def test_thirty_days_ending_on_national_day(self):
        # Tue 2026-09-01 + 30 = Thu 10-01 → first working day after the holiday, Thu 10-08.
        assert add_days(date(2026, 9, 1), 30, working_days=False) == date(2026, 10, 8)

    def test_thirty_days_ending_on_dragon_boat(self):
        # Wed 2026-05-20 + 30 = Fri 06-19 (端午节, to Sun 06-21) → Mon 06-22.
        assert add_days(date(2026, 5, 20), 30, working_days=False) == date(2026, 6, 22)

    def test_zero_days_returns_the_start_unchanged(self, django_assert_num_queries):
        with django_assert_num_queries(0):
            # Sun 2026-11-29 is not a working day, but nothing is counted, so nothing rolls.
            assert add_days(date(2026, 11, 29), 0, working_days=False) == date(2026, 11, 29)

    def test_negative_days_raise(self):
        with pytest.raises(ValueError):
            add_days(date(2026, 11, 2), -1)
        with pytest.raises(ValueError):
            add_days(date(2026, 11, 2), -7, working_days=True)

    def test_a_datetime_is_refused(self):
        # Its day depends on the time zone: the caller must take timezone.localdate() first.
        with pytest.raises(TypeError):
            add_days(timezone.now(), 7)
        with pytest.raises(TypeError):
            count_days(date(2026, 11, 2), datetime(2026, 11, 9, tzinfo=timezone.get_current_timezone()))

    def test_override_holiday_on_a_monday_rolls_the_deadline(self):
        # Fri 2026-11-27 + 3 = Mon 11-30; made a holiday → Tue 12-01.
        assert add_days(date(2026, 11, 27), 3, working_days=False) == date(2026, 11, 30)
        holiday(date(2026, 11, 30), "测试：临时放假")
        assert add_days(date(2026, 11, 27), 3, working_days=False) == date(2026, 12, 1)

    def test_override_working_saturday_stops_the_roll(self):
        # Thu 2026-11-26 + 2 = Sat 11-28 → Mon 11-30; made a working day → stays Sat 11-28.
        assert add_days(date(2026, 11, 26), 2, working_days=False) == date(2026, 11, 30)
        working(date(2026, 11, 28), "测试：调休上班")
        assert add_days(date(2026, 11, 26), 2, working_days=False) == date(2026, 11, 28)

    def test_into_2027_with_the_fallback(self):
        # Tue 2026-12-29 + 3 = Fri 2027-01-01 (元旦) → Sat, Sun → Mon 2027-01-04.
        assert add_days(date(2026, 12, 29), 3, working_days=False) == date(2027, 1, 4)

    def test_2027_spring_festival_needs_override_rows(self):
        # Mon 2027-02-01 + 7 = Mon 02-08: a working day to the fallback, which cannot know 春节.
        assert add_days(date(2027, 2, 1), 7, working_days=False) == date(2027, 2, 8)
        for day in range(6, 12):  # staff enter 02-06..02-11 (a made-up schedule for the test)
            holiday(date(2027, 2, day), "2027年春节")
        assert add_days(date(2027, 2, 1), 7, working_days=False) == date(2027, 2, 12)

    def test_at_most_one_query_however_far_it_rolls(self, django_assert_max_num_queries):
        # 10-05 → 10-08 scans four days, 09-01 + 30 scans 38: still the one override query.
        with django_assert_max_num_queries(1):
            add_days(date(2026, 9, 28), 7, working_days=False)
        with django_assert_max_num_queries(1):
            add_days(date(2026, 9, 1), 30, working_days=True)

    def test_bad_override_data_cannot_loop_forever(self):
        first = date(2026, 12, 1)
        HolidayOverride.objects.bulk_create(
            HolidayOverride(day=first + timedelta(days=offset), note="错误数据") for offset in range(MAX_ROLL_DAYS + 2)
        )
        with pytest.raises(CalendarDataError):
            add_days(date(2026, 11, 30), 1, working_days=False)
        with pytest.raises(CalendarDataError):
            add_days(date(2026, 11, 30), 1, working_days=True)


class TestAddDaysWorkingDayMode:
    def test_across_national_day(self):
        # After Mon 2026-09-28: 09-29 (1), 09-30 (2), [10-01..10-07 holiday], 10-08 (3), 10-09 (4),
        # Sat 10-10 调休 (5), [Sun 10-11], 10-12 (6), 10-13 (7).
        assert add_days(date(2026, 9, 28), 7, working_days=True) == date(2026, 10, 13)

    def test_three_days_from_a_holiday(self):
        # Decided Sat 2026-10-03 (holiday): 10-08 (1), 10-09 (2), Sat 10-10 调休 (3).
        assert add_days(date(2026, 10, 3), 3, working_days=True) == date(2026, 10, 10)

    def test_five_days_over_a_weekend(self):
        # After Fri 2026-11-27: Mon 11-30 (1) .. Fri 12-04 (5).
        assert add_days(date(2026, 11, 27), 5, working_days=True) == date(2026, 12, 4)

    def test_thirty_days(self):
        # After Tue 2026-09-01: 09-02..09-30 is 29 days, less the rest days 05, 06, 12, 13, 19, 26, 27
        # (Sun 09-20 is worked) and 中秋 Fri 09-25: 21 working days. Then 10-08 (22), 10-09 (23),
        # Sat 10-10 调休 (24), 10-12..10-16 (25..29), Mon 10-19 (30).
        assert add_days(date(2026, 9, 1), 30, working_days=True) == date(2026, 10, 19)

    def test_the_setting_chooses_the_mode(self, settings):
        settings.LEGALAID_COUNT_WORKING_DAYS = False
        assert add_days(date(2026, 9, 28), 7) == date(2026, 10, 8)
        settings.LEGALAID_COUNT_WORKING_DAYS = True
        assert add_days(date(2026, 9, 28), 7) == date(2026, 10, 13)
        assert count_days(date(2026, 9, 28), date(2026, 10, 8)) == 3


class TestCountDays:
    def test_calendar_days_cost_no_query(self, django_assert_num_queries):
        with django_assert_num_queries(0):
            # (09-28, 10-08]: 09-29 .. 10-08 is ten days, holidays included.
            assert count_days(date(2026, 9, 28), date(2026, 10, 8), working_days=False) == 10

    def test_working_days(self, django_assert_num_queries):
        with django_assert_num_queries(1):
            # (09-28, 10-08]: 09-29, 09-30, 10-08.
            assert count_days(date(2026, 9, 28), date(2026, 10, 8), working_days=True) == 3
        # (09-30, 10-12]: 10-08, 10-09, Sat 10-10 调休, 10-12.
        assert count_days(date(2026, 9, 30), date(2026, 10, 12), working_days=True) == 4
        # (09-14, 09-21]: 09-15..09-18, Sun 09-20 调休, 09-21; not Sat 09-19.
        assert count_days(date(2026, 9, 14), date(2026, 9, 21), working_days=True) == 6

    @pytest.mark.parametrize("working_days", [False, True])
    def test_nothing_when_end_is_not_after_start(self, working_days):
        assert count_days(date(2026, 10, 8), date(2026, 10, 8), working_days=working_days) == 0
        assert count_days(date(2026, 10, 8), date(2026, 9, 28), working_days=working_days) == 0

    def test_extending_a_review_deadline_by_the_supplement_wait(self):
        # Received Mon 2026-11-02: 7 days → Mon 11-09. 补正 notice Wed 11-04, materials complete Tue 11-10:
        # the clock stood still for (11-04, 11-10] = 6 days, so the period is 13 days: Sun 11-15 → Mon 11-16.
        received = date(2026, 11, 2)
        paused = count_days(date(2026, 11, 4), date(2026, 11, 10), working_days=False)
        assert paused == 6
        assert add_days(received, 7 + paused, working_days=False) == date(2026, 11, 16)


class TestDaysLeft:
    def test_positive_zero_and_overdue(self, django_assert_num_queries):
        due = date(2026, 10, 8)
        with django_assert_num_queries(0):
            assert days_left(due, today=date(2026, 10, 5)) == 3
            assert days_left(due, today=due) == 0
            assert days_left(due, today=date(2026, 10, 10)) == -2


class TestWorkingCalendar:
    def test_one_query_for_a_page_of_deadlines(self, django_assert_num_queries):
        starts = [date(2026, 9, 22), date(2026, 9, 28), date(2026, 11, 26), date(2026, 12, 29)]
        with django_assert_num_queries(1):
            calendar = WorkingCalendar.covering(starts, max_days=7)
            due = [calendar.add_days(start, 3, working_days=False) for start in starts]
        assert due == [date(2026, 9, 28), date(2026, 10, 8), date(2026, 11, 30), date(2027, 1, 4)]

    def test_refuses_a_day_outside_its_window(self):
        calendar = WorkingCalendar(date(2026, 10, 1), date(2026, 10, 31))
        with pytest.raises(ValueError):
            calendar.is_working_day(date(2026, 11, 1))
        with pytest.raises(ValueError):
            WorkingCalendar(date(2026, 10, 31), date(2026, 10, 1))


class TestMissingHolidayYears:
    def test_next_year_unknown_to_the_package(self):
        assert missing_holiday_years(date(2026, 11, 28)) == [2027]

    def test_one_override_row_counts_as_entered(self):
        holiday(date(2027, 1, 1), "2027年元旦")
        assert missing_holiday_years(date(2026, 11, 28)) == []

    def test_each_year_on_its_own_and_no_query_when_the_package_knows_both(self, django_assert_num_queries):
        assert missing_holiday_years(date(2028, 3, 1)) == [2028, 2029]
        working(date(2029, 2, 3), "测试：2029年调休上班")
        assert missing_holiday_years(date(2028, 3, 1)) == [2028]
        with django_assert_num_queries(0):
            assert missing_holiday_years(date(2025, 6, 1)) == []
