"""The outbox: a message is written with the change, sent once by the task, tried again with back-off
after a failure, and marked 发送失败 (visible) when it keeps failing."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import Office
from audit.models import AuditEntry
from notifications import delivery, services
from notifications.models import MessageKind, OutboxMessage, OutboxState
from notifications.tasks import send_sms
from tests.notifications.fakes import FakeGateway

ID_NUMBER = "11010519491231002X"


def put(text: str = "您的法律援助申请已收到。", recipient: str = "13800005678") -> OutboxMessage:
    about = Office.objects.get(slug="luoding")  # any saved object will do as what the message is about
    return services.enqueue(recipient=recipient, text=text, kind=MessageKind.RECEIVED, about=about)


def test_a_message_names_what_it_is_about_and_waits(db):
    message = put()
    assert message.state == OutboxState.PENDING and message.attempts == 0
    assert (message.subject_type, message.subject_id) == ("accounts.Office", str(Office.objects.get(slug="luoding").pk))


def test_the_send_task_is_queued_when_the_change_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = put()
    assert DBTaskResult.objects.count() == 0  # nothing queued for a change that might still roll back
    for callback in callbacks:
        callback()
    task = DBTaskResult.objects.get()
    assert task.task_path == "notifications.tasks.send_sms"
    assert task.args_kwargs == {"args": [message.pk], "kwargs": {}}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_enqueue_refuses_to_run_outside_the_transaction_of_the_change(reference_data):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        put()
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rolled_back_change_leaves_no_message_and_queues_nothing(reference_data):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        put()
        1 / 0  # noqa: B018 (the change fails after the message was written)
    assert not OutboxMessage.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_full_id_number_never_leaves_in_a_message(db):
    message = put(text=f"理由：申请人{ID_NUMBER}提供的材料不全。")
    assert ID_NUMBER not in message.text
    assert "110105********002X" in message.text


def test_no_number_no_message(db):
    assert put(recipient="") is None
    assert not OutboxMessage.objects.exists()


def test_the_task_sends_once_and_records_the_provider_reply(db, sent_sms):
    message = put()
    assert send_sms.call(message.pk) == delivery.SENT
    assert send_sms.call(message.pk) == delivery.SKIPPED  # a second task for the same row
    assert sent_sms == [{"mobile": "13800005678", "text": "您的法律援助申请已收到。", "reference": str(message.pk)}]
    message.refresh_from_db()
    assert message.state == OutboxState.SENT
    assert (message.attempts, message.provider_message_id, message.last_error) == (1, "fake-1", "")
    assert message.sent_at is not None
    audit = AuditEntry.objects.get(object_type="notifications.OutboxMessage", object_id=str(message.pk))
    assert (audit.from_state, audit.to_state) == ("待发送", "已发送")


def test_a_failed_try_is_retried_with_exponential_back_off(db, sent_sms, settings):
    settings.SMS_RETRY_SECONDS, settings.SMS_MAX_ATTEMPTS = 60, 5
    FakeGateway.failures = ["平台繁忙", "平台繁忙"]
    message = put()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert send_sms.call(message.pk) == delivery.DEFERRED
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (OutboxState.PENDING, 1, "平台繁忙")
    assert message.next_attempt_at == start + timedelta(seconds=60)
    # The retry is a task deferred to that moment (the database backend supports run_after).
    retry = DBTaskResult.objects.get(args_kwargs={"args": [message.pk], "kwargs": {}})
    assert retry.run_after == message.next_attempt_at

    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert send_sms.call(message.pk) == delivery.NOT_DUE  # an early task sends nothing
    with time_machine.travel(start + timedelta(seconds=60), tick=False):
        assert send_sms.call(message.pk) == delivery.DEFERRED
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at == start + timedelta(seconds=60 + 120)  # twice the first wait
    with time_machine.travel(start + timedelta(seconds=180), tick=False):
        assert send_sms.call(message.pk) == delivery.SENT
    assert len(sent_sms) == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxState.SENT, 3)


def test_after_the_last_try_the_message_is_marked_failed_with_its_reason(db, sent_sms, settings):
    settings.SMS_MAX_ATTEMPTS = 2
    FakeGateway.failures = ["号码不存在", "号码不存在"]
    message = put()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert send_sms.call(message.pk) == delivery.DEFERRED
        clock.shift(timedelta(hours=1))
        assert send_sms.call(message.pk) == delivery.FAILED
        clock.shift(timedelta(hours=1))
        assert send_sms.call(message.pk) == delivery.SKIPPED
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (OutboxState.FAILED, 2, "号码不存在")
    assert sent_sms == []


def test_a_broken_gateway_counts_as_a_failed_try(db, settings):
    settings.SMS_GATEWAY = "tests.notifications.fakes.BrokenGateway"
    message = put()
    assert send_sms.call(message.pk) == delivery.DEFERRED
    message.refresh_from_db()
    assert message.last_error == "KeyError: 'missing template'"


def test_only_an_administrator_puts_a_failed_message_back(db, sent_sms, settings, personas):
    settings.SMS_MAX_ATTEMPTS = 1
    FakeGateway.failures = ["网关配置错误"]
    message = put()
    assert send_sms.call(message.pk) == delivery.FAILED
    with pytest.raises(PermissionDenied):
        services.resend(message, by=personas["city"])
    services.resend(message, by=personas["admin"])
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxState.PENDING, 0)
    assert send_sms.call(message.pk) == delivery.SENT


def test_the_sweep_queues_what_is_due_and_nothing_else(db, sent_sms):
    due = put()
    later = put()
    OutboxMessage.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + timedelta(hours=1))
    sent = put()
    send_sms.call(sent.pk)
    assert services.enqueue_due() == 1
    assert list(DBTaskResult.objects.values_list("args_kwargs", flat=True)) == [{"args": [due.pk], "kwargs": {}}]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_on_one_message_send_it_once(reference_data, sent_sms):
    with transaction.atomic():
        message = put()
    FakeGateway.pause = 0.3  # the first worker holds the row lock while the gateway works
    start = threading.Barrier(2)
    outcomes = []

    def worker():
        start.wait()
        try:
            outcomes.append(send_sms.call(message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == sorted([delivery.SENT, delivery.SKIPPED])
    assert len(sent_sms) == 1
