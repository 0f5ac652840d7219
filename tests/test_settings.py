"""The settings file fails loudly on bad configuration, and production settings pass check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k7$Qm2!vR9xZpL4wN8cT1yB6hJ3fD0sG5aE-uI_oK@rVqXzMnCbWe",
    "ALLOWED_HOSTS": "legalaid.yunfu.gov.cn",
    "STATIC_MANIFEST": "0",
}


def run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "yunfu_legalaid.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_with_debug_off_is_refused():
    result = run_django("", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_malformed_database_url_is_refused():
    result = run_django("", DEBUG="1", DATABASE_URL="postgres//oops")
    assert result.returncode != 0
    assert "DATABASE_URL is malformed" in result.stderr


def test_unreadable_boolean_is_refused():
    result = run_django("", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_database_url_selects_postgresql():
    result = run_django(
        "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/yunfu",
    )
    assert result.stdout.strip() == "django.db.backends.postgresql", result.stderr


def test_postgresql_connections_plan_for_memory_not_a_spinning_disk():
    """Every PostgreSQL connection (and the reports' replica) costs a random read at 1.1; options
    named in the URL replace the default."""
    show = "from django.conf import settings; print([settings.DATABASES[k]['OPTIONS'] for k in sorted(settings.DATABASES)])"
    primary = "postgres://postgres@127.0.0.1:5432/yunfu"
    result = run_django(show, DEBUG="1", DATABASE_URL=primary, DATABASE_REPLICA_URL=primary + "_replica")
    assert result.stdout.strip() == str([{"options": "-c random_page_cost=1.1"}] * 2), result.stderr
    own = primary + "?options=-c%20max_parallel_workers_per_gather%3D0"
    result = run_django(show, DEBUG="1", DATABASE_URL=own)
    assert result.stdout.strip() == str([{"options": "-c max_parallel_workers_per_gather=0"}]), result.stderr


def test_production_settings_pass_check_deploy():
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
