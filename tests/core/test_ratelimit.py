"""Rate limits counted in one statement (issue 10, item 6): a burst of parallel attempts lets exactly
the limit through, and each client (address or user) has its own count."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connections
from django.test import Client
from django.utils import timezone

from core import ratelimit
from core.models import RateCounter

HOUR = timedelta(hours=1)


def test_attempts_are_counted_per_scope_and_client_up_to_the_limit(db):
    counts = [ratelimit.attempt("track", "198.51.100.1", limit=3, period=HOUR) for _ in range(4)]
    assert [a.count for a in counts] == [1, 2, 3, 4]
    assert [a.allowed for a in counts] == [True, True, True, False]
    assert ratelimit.attempt("track", "198.51.100.2", limit=3, period=HOUR).count == 1
    assert ratelimit.attempt("apply", "198.51.100.1", limit=3, period=HOUR).count == 1


def test_a_given_back_attempt_does_not_count(db):
    first = ratelimit.attempt("track", "198.51.100.1", limit=1, period=HOUR)
    first.give_back()
    assert ratelimit.attempt("track", "198.51.100.1", limit=1, period=HOUR).allowed


def test_a_new_window_starts_afresh_and_old_counters_are_forgotten(db):
    start = timezone.now().replace(minute=5)
    with time_machine.travel(start, tick=False):
        for _ in range(3):
            ratelimit.attempt("track", "198.51.100.1", limit=2, period=HOUR)
        assert not ratelimit.attempt("track", "198.51.100.1", limit=2, period=HOUR).allowed
    with time_machine.travel(start + HOUR, tick=False):
        assert ratelimit.attempt("track", "198.51.100.1", limit=2, period=HOUR).allowed
    with time_machine.travel(start + timedelta(days=2), tick=False):
        ratelimit.attempt("track", "198.51.100.9", limit=2, period=HOUR)
        # The addresses counted two days ago are personal data no longer needed.
        assert list(RateCounter.objects.values_list("client", flat=True)) == ["198.51.100.9"]


LOOKUPS = 40


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_forty_parallel_wrong_lookups_check_exactly_the_limit(reference_data, settings):
    """Before the fix (count the failures, then look up, then record the failure) 40 parallel wrong
    lookups from one address made 28 checks against a limit of 10."""
    barrier = threading.Barrier(LOOKUPS)
    answers: list[str] = []
    errors: list[BaseException] = []

    def guess(n: int) -> None:
        try:
            client = Client()
            barrier.wait(timeout=30)
            response = client.post("/track/", {"number": f"YF-2026-{n:06d}", "id_last6": "000000"})
            answers.append(response.content.decode())
        except BaseException as error:  # reported below; a thread must not die silently
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(LOOKUPS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert len(answers) == LOOKUPS
    checked = sum("未查询到匹配的申请" in answer for answer in answers)
    refused = sum("查询失败次数过多" in answer for answer in answers)
    assert (checked, refused) == (settings.LEGALAID_TRACK_FAILURES_PER_HOUR, LOOKUPS - checked)
