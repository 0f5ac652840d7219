"""The worker path, end to end (issue 13 §1 "`.ci/run` tests the worker path"): a submission puts the
受理 message in the outbox and queues its task in the database backend; the backend's worker
(`manage.py db_worker`) runs it and the message goes out through the gateway."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from django_tasks_db.models import DBTaskResult

from notifications.models import MessageKind, OutboxMessage, OutboxState
from tests.applications.factories import submit

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_database_worker_sends_what_a_submission_queued(reference_data, sent_sms, run_worker):
    application = submit()
    message = OutboxMessage.objects.get()
    assert (message.kind, message.state, message.recipient) == (
        MessageKind.RECEIVED,
        OutboxState.PENDING,
        "13800005678",
    )
    task = DBTaskResult.objects.get()
    assert task.status == "READY"

    run_worker()

    assert [(sms["mobile"], sms["text"]) for sms in sent_sms] == [("13800005678", message.text)]
    assert application.number in sent_sms[0]["text"]
    message.refresh_from_db()
    assert message.state == OutboxState.SENT
    task.refresh_from_db()
    assert (task.status, task.return_value) == ("SUCCESSFUL", "sent")


def test_a_failed_send_waits_for_its_back_off_in_the_queue(reference_data, sent_sms, run_worker):
    from tests.notifications.fakes import FakeGateway

    FakeGateway.failures = ["平台繁忙"]
    submit()
    run_worker()
    message = OutboxMessage.objects.get()
    assert (message.state, message.attempts, message.last_error) == (OutboxState.PENDING, 1, "平台繁忙")
    # The retry is queued for later: the batch worker leaves it, and nothing was sent.
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == message.next_attempt_at
    assert sent_sms == []


def _database_url(settings) -> str:
    db = settings.DATABASES["default"]
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'])}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.postgres
def test_the_worker_process_sends_through_the_file_gateway(reference_data, settings, tmp_path):
    """The command `make run` starts, as its own process, against this test database."""
    application = submit()
    # The worker process reads the machine's clock, not this test's (moved by --today): make the
    # message due on any clock.
    OutboxMessage.objects.update(next_attempt_at=datetime(2000, 1, 1, tzinfo=UTC))
    sent_file = tmp_path / "sms.jsonl"
    env = {k: v for k, v in os.environ.items() if k not in {"SMS_GATEWAY", "TASK_BACKEND"}}
    env.update(DEBUG="1", DATABASE_URL=_database_url(settings), SMS_GATEWAY="file", SMS_FILE_PATH=str(sent_file))
    result = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [json.loads(line) for line in sent_file.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 1 and application.number in lines[0]["text"]
    assert OutboxMessage.objects.get().state == OutboxState.SENT
