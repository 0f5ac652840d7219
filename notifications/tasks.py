"""The background tasks (Django's tasks framework, `django.tasks`): run by the worker of the backend
that TASK_BACKEND selects (`manage.py db_worker` for the default database backend)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from notifications.delivery import deliver
from notifications.models import StaffMessage


@task()
def send_sms(message_id: int) -> str:
    """Send one outbox message; after a failed try, come back when the back-off has passed."""
    outcome = deliver(message_id)
    if outcome.retry_at is not None:
        schedule_sms(message_id, at=outcome.retry_at)
    return outcome.status


def schedule_sms(message_id: int, *, at: datetime | None = None) -> None:
    """Queue `send_sms` for the message, now or at `at`. A backend that cannot defer (immediate) leaves
    a retry to the sweep (`send_pending_sms`); an early run would find the message not yet due."""
    runner = send_sms
    if at is not None:
        if not runner.get_backend().supports_defer:
            return
        runner = runner.using(run_after=at)
    runner.enqueue(message_id)


@task()
def send_staff_email(message_id: int) -> str:
    """E-mail one staff message to its recipient, once: the row is locked and stamped when sent."""
    with transaction.atomic():
        message = StaffMessage.objects.select_for_update().select_related("recipient").filter(pk=message_id).first()
        if message is None or message.emailed_at is not None or not message.recipient.email:
            return "skipped"
        link = f"{settings.SITE_URL.rstrip('/')}/staff/messages/"
        try:
            send_mail(
                subject=f"云浮市法律援助 · {message.title}",
                message=f"{message.body}\n\n在工作台“我的消息”中查看：{link}\n",
                from_email=None,
                recipient_list=[message.recipient.email],
                using="default",
            )
        except OSError as error:  # smtplib's errors are OSErrors: shown on the message, the page still has it
            message.email_error = str(error)[:500]
            message.save(update_fields=["email_error"])
            return "failed"
        message.emailed_at = timezone.now()
        message.email_error = ""
        message.save(update_fields=["emailed_at", "email_error"])
    return "sent"
