"""The deadline wording of `deadlines.wording` for templates: every page and letter that tells a
person a deadline says 「2026年5月9日（含当日）前」 through `{{ day|deadline }}`."""

from __future__ import annotations

from datetime import date

from django import template

from deadlines import wording

register = template.Library()


@register.filter
def deadline(day: date | None) -> str:
    return wording.deadline(day) if day is not None else ""


@register.filter
def chinese_date(day: date | None) -> str:
    return wording.chinese_date(day) if day is not None else ""


@register.filter
def time_left(days_left: int) -> str:
    return wording.time_left(days_left)
