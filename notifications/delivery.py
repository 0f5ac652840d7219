"""Sending one outbox message: what the background task does (`notifications.tasks.send_sms`).

Nothing is sent twice: the row is locked from the moment it is read until its new state is saved, so
a second worker holding the same message id waits, then finds it 已发送 and does nothing; a message is
sent only while 待发送 and due. A failed try is recorded (attempts, error) and tried again after an
exponentially growing wait; after SMS_MAX_ATTEMPTS tries it is 发送失败, which the 短信记录 page shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.gateways import GatewayError, get_gateway
from notifications.models import OutboxMessage, OutboxState
from notifications.workflows import OUTBOX_FLOW

SENT, DEFERRED, FAILED, SKIPPED, NOT_DUE = "sent", "deferred", "failed", "skipped", "not due"
ERROR_LENGTH = 500


@dataclass(frozen=True)
class Outcome:
    status: str
    retry_at: datetime | None = None


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: SMS_RETRY_SECONDS, then twice that, four times …"""
    return timedelta(seconds=settings.SMS_RETRY_SECONDS * 2 ** (attempts - 1))


@transaction.atomic
def deliver(message_id: int) -> Outcome:
    """Send the message if it is 待发送 and due, holding its row lock while the gateway is called."""
    message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None or message.state != OutboxState.PENDING:
        return Outcome(SKIPPED)
    now = timezone.now()
    if message.next_attempt_at > now:
        # An early or duplicate task: the one scheduled for next_attempt_at will send it.
        return Outcome(NOT_DUE)
    try:
        provider_id = get_gateway().send(mobile=message.recipient, text=message.text, reference=str(message.pk))
    except GatewayError as error:
        return _failed(message, str(error), now=now)
    except Exception as error:  # a broken gateway set-up counts as a failed try, so that it shows and backs off
        return _failed(message, f"{type(error).__name__}: {error}", now=now)
    with OUTBOX_FLOW.begin(message, "send", by=None) as move:
        sent = move.obj
        sent.attempts += 1
        sent.sent_at = now
        sent.provider_message_id = provider_id[:100]
        sent.last_error = ""
        move.done(fields=["attempts", "sent_at", "provider_message_id", "last_error"], note=f"短信回执：{provider_id}")
    return Outcome(SENT)


def _failed(message: OutboxMessage, error: str, *, now: datetime) -> Outcome:
    attempts = message.attempts + 1
    error = error[:ERROR_LENGTH]
    if attempts >= settings.SMS_MAX_ATTEMPTS:
        with OUTBOX_FLOW.begin(message, "give_up", by=None) as move:
            move.obj.attempts, move.obj.last_error = attempts, error
            move.done(fields=["attempts", "last_error"], note=f"第{attempts}次发送失败，不再重试：{error}")
        return Outcome(FAILED)
    retry_at = now + retry_delay(attempts)
    with OUTBOX_FLOW.begin(message, "defer", by=None) as move:
        move.obj.attempts, move.obj.last_error, move.obj.next_attempt_at = attempts, error, retry_at
        move.done(
            fields=["attempts", "last_error", "next_attempt_at"],
            note=f"第{attempts}次发送失败，{timezone.localtime(retry_at):%H:%M:%S}重试：{error}",
        )
    return Outcome(DEFERRED, retry_at)
