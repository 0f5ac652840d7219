"""Benchmarks run against the demo year (about 3000 approved matters), built once per session."""

import pytest
from django.core.management import call_command
from django.utils import timezone


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", seed=2026, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def demo_user(django_db_blocker):
    from accounts.models import User

    def get(username: str) -> User:
        with django_db_blocker.unblock():
            return User.objects.get(username=username)

    return get


@pytest.fixture
def today():
    return timezone.localdate()
