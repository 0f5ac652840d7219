"""How a date and a deadline read to the people the portal serves (SPEC §3.1, §8).

A deadline told to a person always says whether its own day still counts: 「2026年5月9日（含当日）前」.
Every text that tells someone a deadline (the text messages, and the pages and letters that adopt it)
words it here, so that no message says 「5月9日前」 and leaves them guessing about the 9th.
"""

from __future__ import annotations

from datetime import date, datetime


def chinese_date(day: date) -> str:
    """2026年5月9日 (SPEC §8)."""
    if isinstance(day, datetime):
        raise TypeError("pass the local date (timezone.localdate()), not a datetime")
    return f"{day.year}年{day.month}月{day.day}日"


def time_left(days_left: int) -> str:
    """How long is left, as a worklist says it: 「逾期 3 天」, 「今天」, 「2 天」."""
    if days_left < 0:
        return f"逾期 {-days_left} 天"
    return "今天" if days_left == 0 else f"{days_left} 天"


def deadline(day: date) -> str:
    """「2026年5月9日（含当日）前」: the last day on which the thing may still be done."""
    return f"{chinese_date(day)}（含当日）前"
