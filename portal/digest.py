"""The daily digest (issue 13 §1): each reviewer and handler is told, once a morning, of their items
due today or overdue, on their 我的消息 page and by e-mail when a mail server is configured.

It reads both intake and case clocks (the dashboard's `deadline_items`), so it lives here, above both.
Run daily by `python manage.py send_daily_digest`; a second run the same day adds nothing.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Role
from deadlines.items import DUE_TODAY, OVERDUE, DeadlineItem
from deadlines.wording import chinese_date
from notifications.models import StaffMessage
from notifications.services import post_staff_message
from portal.worklist import worklist

DIGEST_ROLES = (Role.REVIEWER, Role.HANDLER, Role.BUREAU_REVIEWER)
DIGEST_STATES = (OVERDUE, DUE_TODAY)


def due_items(user, *, today: date) -> list[DeadlineItem]:
    """`user`'s items due today or overdue (overdue first): their dashboard's worklist, narrowed."""
    return [item for item in worklist(user, today=today).items if item.state in DIGEST_STATES]


def _line(item: DeadlineItem) -> str:
    late = f"，已逾期{-item.days_left}天" if item.days_left < 0 else "，今日到期"
    return f"{item.kind} {item.number}（{item.office.short_name}）：期限{chinese_date(item.due_on)}{late}"


def compose(items: list[DeadlineItem], *, today: date) -> tuple[str, str, list[dict]]:
    """The title, the plain-text body (for e-mail) and the rows the 我的消息 page links."""
    overdue = sum(item.state == OVERDUE for item in items)
    title = f"{chinese_date(today)}待办提醒：已逾期{overdue}项，今日到期{len(items) - overdue}项"
    body = "\n".join([title, "", *(_line(item) for item in items)])
    rows = [
        {
            "state": item.state,
            "kind": item.kind,
            "number": item.number,
            "url": item.url,
            "office": item.office.short_name,
            "due_on": item.due_on.isoformat(),
            "days_left": item.days_left,
        }
        for item in items
    ]
    return title, body, rows


def send_daily_digests(*, today: date | None = None) -> list[StaffMessage]:
    """File today's digest for every active reviewer and handler with something due or overdue."""
    today = today or timezone.localdate()
    people = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[role.label for role in DIGEST_ROLES])
        .distinct()
        .order_by("pk")
    )
    filed = []
    for user in people:
        items = due_items(user, today=today)
        if not items:
            continue
        title, body, rows = compose(items, today=today)
        message = post_staff_message(
            recipient=user, day=today, title=title, body=body, items=rows, email=settings.DIGEST_BY_EMAIL
        )
        if message is not None:
            filed.append(message)
    return filed
