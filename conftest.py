"""Shared test fixtures: personas for every role and office, a Playwright browser, a report header."""

import os
import shutil
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group

from tests.support import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_addoption(parser) -> None:
    parser.addoption(
        "--today",
        metavar="YYYY-MM-DD",
        help="run the suite with the clock moved to this day (10:00 Asia/Shanghai): a test that passes only "
        "on the day it was written fails here. CI runs the date-sensitive tests on several such days.",
    )


def pytest_report_header(config) -> list[str]:
    from django.conf import settings

    db = settings.DATABASES["default"]
    where = f" at {db.get('HOST') or 'local socket'}" if db.get("HOST") is not None else ""
    lines = [f"database: {db['ENGINE'].rsplit('.', 1)[-1]} ({db['NAME']}{where})"]
    if config.getoption("--today"):
        lines.append(f"today: moved to {config.getoption('--today')}")
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        lines.append(f"browser tests: Chromium at {CHROMIUM}")
    else:
        lines.append(f"browser tests: SKIPPED, no Chromium at {CHROMIUM} (apt-get install chromium)")
    return lines


def pytest_collection_modifyitems(config, items) -> None:
    from django.db import connection

    skip_browser = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: browser journeys skipped")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    has_chromium = Path(CHROMIUM).exists()
    for item in items:
        if "browser" in item.keywords and not has_chromium:
            item.add_marker(skip_browser)
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(skip_pg)


@pytest.fixture(scope="session", autouse=True)
def moved_today(request):
    """`--today`: the clock ticks on from that morning, for the whole session (tests that pin their own
    day with time-machine nest inside it)."""
    day = request.config.getoption("--today")
    if not day:
        yield None
        return
    start = datetime.combine(date.fromisoformat(day), time(10, 0), tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(start, tick=True):
        yield start.date()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # A real hasher costs ~0.3 s a user; personas make thirty of them per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    # Uploaded materials are written to storage: keep each test's files out of the tree.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sent_sms(settings):
    """Text messages go to the fake gateway; the list of what it sent."""
    from tests.notifications.fakes import FakeGateway

    FakeGateway.reset()
    settings.SMS_GATEWAY = "tests.notifications.fakes.FakeGateway"
    yield FakeGateway.sent
    FakeGateway.reset()


@pytest.fixture
def run_worker():
    """Run the database backend's worker once over the queue (`manage.py db_worker --batch`), as
    `make run` runs it for good. Its graceful Ctrl-C handler is taken back afterwards."""
    import signal

    from django.core.management import call_command

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def run() -> None:
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)

    yield run
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.fixture
def make_user(db):
    """Create a staff user with roles at an office (by slug); all share tests.support.PASSWORD."""
    from accounts.models import Office, User

    def make(username: str, *roles, office: str | None = None, **fields):
        user = User.objects.create_user(
            username=username,
            password=PASSWORD,
            office=Office.objects.get(slug=office) if office else None,
            **fields,
        )
        user.groups.set([Group.objects.get(name=role.label) for role in roles])
        return user

    return make


@pytest.fixture
def personas(db):
    """A clerk, reviewer, handler, peer reviewer and 司法局审核人 at every office, plus city staff and an admin.

    Built in bulk (four queries): the permission matrix asks for them in hundreds of tests."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Office, Role, User

    password = make_password(PASSWORD)
    groups = {group.name: group for group in Group.objects.all()}
    specs = [
        (f"{role.value}-{office.slug}", office, role, (role, office.slug))
        for office in Office.objects.all()
        for role in (Role.CLERK, Role.REVIEWER, Role.HANDLER, Role.PEER_REVIEWER, Role.BUREAU_REVIEWER)
    ]
    specs.append(("city", Office.objects.get(slug="city"), Role.CITY_STAFF, "city"))
    users = User.objects.bulk_create(
        [User(username=username, office=office, password=password) for username, office, _, _ in specs]
        + [User(username="admin", password=password, is_superuser=True, is_staff=True)]
    )
    User.groups.through.objects.bulk_create(
        [
            User.groups.through(user_id=user.pk, group_id=groups[spec[2].label].pk)
            for user, spec in zip(users[:-1], specs, strict=True)
        ]
    )
    people = {spec[3]: user for user, spec in zip(users[:-1], specs, strict=True)}
    people["admin"] = users[-1]
    return people


@pytest.fixture(scope="session")
def browser(migrated_rows):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            # Root in a sandboxless container, and no network beyond this machine: keep Chromium
            # from trying to phone home at every start.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def migrated_rows(django_db_setup, django_db_blocker) -> str:
    """What the data migrations seeded (offices, groups, reference lists), serialized once.

    Read before Playwright starts: its sync API runs an event loop in this thread, after which
    Django hands the test a fresh connection object without the serialized copy it made at setup.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        return connection._test_serialized_contents


@pytest.fixture
def reference_data(transactional_db, migrated_rows) -> None:
    """Reload the migrations' rows, which the previous transactional test's flush removed."""
    from django.db import connection

    # Also hand the copy to this connection so that the flush at teardown leaves the tables empty
    # (no post_migrate content types) for the next reload.
    connection._test_serialized_contents = migrated_rows
    connection.creation.deserialize_db_from_string(migrated_rows)


@pytest.fixture
def page(browser, live_server, reference_data):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
