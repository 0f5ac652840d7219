"""The moves of an outbox message (one table, as for every state field: core.transitions).

Sending is the worker's job (no person sends a text); only an administrator may put a message that
failed for good back in the queue, after fixing what made it fail (a wrong number, a gateway setting).
"""

from __future__ import annotations

from typing import Any

from core.transitions import Move, Workflow
from notifications.models import OutboxMessage, OutboxState


def is_administrator(user: Any, message: OutboxMessage) -> bool:
    return user is not None and user.is_authenticated and user.is_superuser


OUTBOX_FLOW = Workflow(
    "outbox",
    model=OutboxMessage,
    field="state",
    states=OutboxState,
    initial=OutboxState.PENDING,
    subject="短信",
    moves={
        "send": Move("发送成功", sources=[OutboxState.PENDING], to=OutboxState.SENT),
        # A failed try that will be tried again later: the state stays, the attempt is on record.
        "defer": Move("发送失败，稍后重试", sources=[OutboxState.PENDING]),
        "give_up": Move("多次发送失败", sources=[OutboxState.PENDING], to=OutboxState.FAILED),
        "resend": Move("重新发送", sources=[OutboxState.FAILED], to=OutboxState.PENDING, who=is_administrator),
    },
)
