"""Backups (issue 10 item 14): `backup` dumps a seeded database and the materials with a manifest of
SHA-256 sums; `restore` checks the manifest, then restores into a fresh, empty database; every table's
row count, every material and the monthly report's figures are the same as before: 0 differences."""

import json
import os
import sys
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from applications import services
from applications.models import Material
from audit.models import AuditEntry
from core.backup import BackupError, verify
from tests.applications.factories import pdf, service_data
from tests.quality.factories import closed_case, reviewed
from tests.reporting.factories import approved, local, receive, refuse

ROOT = Path(__file__).resolve().parents[2]
SLUGS = ["city", "yuncheng", "yunan", "luoding", "xinxing", "yunnan"]
# The monthly report's figures, printed by a fresh process against whichever database it is pointed at.
REPORT_FIGURES = """
import json, django
django.setup()
from datetime import date
from accounts.models import Office
from reporting.selectors import build_monthly_report
report = build_monthly_report(offices=Office.objects.all(), year=2026, month=5, today=date(2026, 6, 10))
print(json.dumps([
    [row.name, row.target, row.by_month, row.form_values, row.received, row.cross_out, row.routed_in, str(row.median_days),
     row.overdue, {key: str(value) for key, value in row.modules.items()}, row.submission_state]
    for row in [*report.rows, report.total]
], ensure_ascii=False))
"""


@pytest.fixture
def seeded(reference_data, personas):
    """Committed rows (pg_dump reads from its own connection): approvals, a refusal, pending
    applications with uploaded materials, a closed case with its peer review, and their audit rows."""
    for index in range(12):
        approved(
            received_on=date(2026, 4 + index % 2, 2 + index),
            decided_on=date(2026, 4 + index % 2, 4 + index),
            responsible=SLUGS[index % 6],
            at=SLUGS[(index + 1) % 6] if index % 3 else None,
            personas=personas,
        )
    refuse(
        receive(local(date(2026, 5, 11)), responsible="luoding", at="yunan", personas=personas),
        date(2026, 5, 15),
        personas,
    )
    with time_machine.travel(local(date(2026, 5, 20)), tick=False):
        for name in ("身份证.pdf", "工资条.pdf", "劳动合同.pdf"):
            services.submit_application(data=service_data(), uploads={"identity": [pdf(name)]}, receiving_office=None)
    with time_machine.travel(local(date(2026, 5, 25)), tick=False):
        reviewed(personas, closed_case(personas, office="luoding"), total=92)
    assert Material.objects.count() == 3 and AuditEntry.objects.exists()


def row_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [name for (name,) in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def files_under(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def database_url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def run_in(database: str, media_root: Path, *args: str):
    import subprocess

    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": database_url(database), "MEDIA_ROOT": str(media_root)}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def fresh_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restored_backup_has_the_same_rows_materials_and_report(seeded, fresh_database, tmp_path):
    backup_dir = tmp_path / "backup"
    call_command("backup", output=str(backup_dir))
    manifest = json.loads((backup_dir / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {"database.dump", *(f"media/{name}" for name in files_under(settings.MEDIA_ROOT))}
    assert len(manifest["files"]) >= 1 + 3  # the three applicants' materials and the closure's

    restored_media = tmp_path / "restored-media"
    result = run_in(fresh_database, restored_media, "manage.py", "restore", "--input", str(backup_dir))
    assert result.returncode == 0, result.stderr
    assert "校验通过" in result.stdout

    with connection.cursor() as cursor:
        before = row_counts(cursor)
    import psycopg2

    db = connection.settings_dict
    restored = psycopg2.connect(
        dbname=fresh_database, user=db["USER"], password=db["PASSWORD"] or None, host=db["HOST"], port=db["PORT"]
    )
    try:
        with restored.cursor() as cursor:
            after = row_counts(cursor)
            # The append-only trigger came back with the table.
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'pgtrigger_append_only_%'")
            assert cursor.fetchone()[0] == 1
    finally:
        restored.close()
    assert before["applications_application"] >= 16 and before["audit_auditentry"] > 0
    differences = {table: (before.get(table), after.get(table)) for table in before.keys() | after.keys()}
    assert {table: pair for table, pair in differences.items() if pair[0] != pair[1]} == {}
    assert files_under(restored_media) == files_under(Path(settings.MEDIA_ROOT))

    figures_before = run_in(db["NAME"], restored_media, "-c", REPORT_FIGURES)
    figures_after = run_in(fresh_database, restored_media, "-c", REPORT_FIGURES)
    assert figures_before.returncode == 0, figures_before.stderr
    assert json.loads(figures_before.stdout)[-1][4] > 0  # the total line counts the May receipts
    assert figures_after.stdout == figures_before.stdout


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_refuses_a_database_that_is_not_empty(seeded, tmp_path):
    call_command("backup", output=str(tmp_path / "backup"))
    with pytest.raises(CommandError, match="不是空的"):
        call_command("restore", input=str(tmp_path / "backup"))


@pytest.mark.postgres
def test_backup_refuses_a_folder_that_is_not_empty(db, tmp_path):
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(CommandError, match="不是空的"):
        call_command("backup", output=str(tmp_path))


def write_backup(folder: Path) -> None:
    """A backup folder with a valid manifest (the file layout of core.backup, without pg_dump)."""
    import hashlib

    (folder / "media" / "2026" / "05").mkdir(parents=True)
    (folder / "database.dump").write_bytes(b"PGDMP fake")
    (folder / "media" / "2026" / "05" / "a.pdf").write_bytes(b"%PDF-1.4 a")
    files = {
        path.relative_to(folder).as_posix(): {
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "bytes": path.stat().st_size,
        }
        for path in folder.rglob("*")
        if path.is_file()
    }
    manifest = {
        "format": 1,
        "files": files,
        "created_at": "2026-05-31T02:00:00+08:00",
        "database": {},
        "migrations": {},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda folder: (folder / "database.dump").write_bytes(b"PGDMP evil"), "校验值不符 database.dump"),
        (lambda folder: (folder / "media" / "2026" / "05" / "a.pdf").unlink(), "缺少 media/2026/05/a.pdf"),
        (lambda folder: (folder / "media" / "b.pdf").write_bytes(b"%PDF"), "清单外的文件 media/b.pdf"),
        (lambda folder: (folder / "manifest.json").unlink(), "没有 manifest.json"),
        (lambda folder: (folder / "manifest.json").write_text("{", encoding="utf-8"), "无法读取"),
    ],
    ids=["altered", "missing", "unlisted", "no-manifest", "broken-manifest"],
)
def test_the_manifest_is_checked_before_anything_is_restored(tmp_path, tamper, message):
    write_backup(tmp_path)
    verify(tmp_path)  # untouched: passes
    tamper(tmp_path)
    with pytest.raises(BackupError, match=message):
        verify(tmp_path)
