"""What other apps call: `enqueue` a text message to an applicant, inside the transaction that makes
the change it reports. The app that owns the event composes the text (applications.sms, cases.sms).
"""

from __future__ import annotations

import re
from datetime import date
from functools import partial
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from notifications.models import MessageKind, OutboxMessage, OutboxState, StaffMessage
from notifications.tasks import schedule_sms, send_staff_email
from notifications.workflows import OUTBOX_FLOW

# An 18-character ID number standing alone (GB 11643): a text message never carries one in full.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")


def mask_id_numbers(text: str) -> str:
    """`445302********123X`, as lists show an ID number (SPEC §8)."""
    return ID_NUMBER.sub(r"\1********\2", text)


def enqueue(*, recipient: str, text: str, kind: MessageKind, about: models.Model) -> OutboxMessage | None:
    """Put a message to `recipient` (a mainland mobile) in the outbox, about `about`.

    Call it inside the transaction of the change: the message exists exactly when the change does, and
    its sending is queued only once that transaction commits. A free-text part (a refusal's reason) may
    hold an ID number someone typed: it is masked here, whoever composed the text. No number, no
    message (a person may have given none)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notifications.services.enqueue must be called inside the transaction of the change")
    if not recipient:
        return None
    message = OutboxMessage.objects.create(
        recipient=recipient,
        text=mask_id_numbers(text).strip(),
        kind=kind,
        subject_type=about._meta.label,
        subject_id=str(about.pk),
    )
    # robust: a queue that is down must not turn a committed decision into an error page; the row
    # waits in the outbox for the sweep (send_pending_sms).
    transaction.on_commit(partial(schedule_sms, message.pk), robust=True)
    return message


def messages_about(obj: models.Model) -> models.QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(subject_type=obj._meta.label, subject_id=str(obj.pk))


def enqueue_due() -> int:
    """Queue every 待发送 message that is due: the sweep that catches a message whose task was lost
    (a worker or queue restarted) or a retry on a backend that cannot defer. Harmless when the task is
    still queued too: a message is sent once whatever the number of tasks for it."""
    due = list(
        OutboxMessage.objects.filter(state=OutboxState.PENDING, next_attempt_at__lte=timezone.now()).values_list(
            "pk", flat=True
        )
    )
    for message_id in due:
        schedule_sms(message_id)
    return len(due)


def resend(message: OutboxMessage, *, by: User, request: HttpRequest | None = None) -> OutboxMessage:
    """An administrator puts a message that failed for good back in the queue (after fixing the cause)."""
    with OUTBOX_FLOW.begin(message, "resend", by=by, request=request) as move:
        message = move.obj
        message.attempts = 0
        message.next_attempt_at = timezone.now()
        move.done(fields=["attempts", "next_attempt_at"])
        transaction.on_commit(partial(schedule_sms, message.pk), robust=True)
    return message


def post_staff_message(
    *, recipient: User, day: date, title: str, body: str, items: list[dict[str, Any]], email: bool
) -> StaffMessage | None:
    """File one message on `recipient`'s 我的消息 page for `day`, once (None when already filed), and
    e-mail it when `email` and the person has an address."""
    with transaction.atomic():
        message, created = StaffMessage.objects.get_or_create(
            recipient=recipient, day=day, defaults={"title": title, "body": body, "items": items}
        )
        if not created:
            return None
        if email and recipient.email:
            transaction.on_commit(partial(send_staff_email.enqueue, message.pk), robust=True)
    return message
