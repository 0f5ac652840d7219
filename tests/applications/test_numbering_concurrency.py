"""Application numbers under concurrency: the counter row lock must serialise allocation."""

import threading

import pytest
from django.db import connection, connections

from applications.models import Application
from tests.applications.factories import make_id_number, submit

SUBMISSIONS = 50


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_concurrent_submissions_get_fifty_consecutive_numbers(reference_data):
    barrier = threading.Barrier(SUBMISSIONS)
    errors: list[BaseException] = []

    def apply(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            submit(id_number=make_id_number(sequence=f"{n + 100:03d}"))
        except BaseException as error:  # reported below; a thread must not die silently
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=apply, args=(n,)) for n in range(SUBMISSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    serials = sorted(int(number[-6:]) for number in Application.objects.values_list("number", flat=True))
    assert serials == list(range(1, SUBMISSIONS + 1))
    assert connection.vendor == "postgresql"
