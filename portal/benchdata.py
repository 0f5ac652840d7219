"""Realistic history for `make bench` (issue 14): one demo year built by the product's own functions
(`seed_demo`), then copied in SQL — shifted back year by year, and several times over within a year
for a province — so that every row obeys the same rules the product wrote, at COPY-like speed.

Scales (applications are the count the issue names; cases, notices, 补正 requests, objections,
assignments, progress entries, subsidies, follow-ups and audit rows follow the demo year's shape):
* city-year: the demo year alone (about 2,000 applications);
* city-decade: ten years of the city (about 20,000);
* province: thirty years of about eighteen cities' volume (about 1,000,000).

No file bodies are copied: a copied material row names its demo file. A copy's unique numbers carry
`~N` (N = the copy), which no real number has. The database remembers the scale it was built at
(`bench_meta`), so a second run reuses it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from applications.models import Application
from reporting.services import rebuild_tallies


@dataclass(frozen=True)
class Scale:
    years: int  # years of history, this one included
    per_year: int  # copies of the demo year within each year


SCALES = {
    "city-year": Scale(years=1, per_year=1),
    "city-decade": Scale(years=10, per_year=1),
    "province": Scale(years=30, per_year=18),
}

# Copied in this order (parents first). Each table's foreign keys to another copied table are moved
# to the same copy; keys to reference data (offices, users, handlers, grounds) stay as they are.
TABLES = [
    "applications_application",
    "applications_application_special_groups",
    "applications_material",
    "applications_supplementrequest",
    "applications_objection",
    "cases_notice",
    "cases_case",
    "cases_assignment",
    "cases_progressentry",
    "cases_caseobjection",
    "quality_subsidy",
    "quality_followup",
]
# Unique text columns: a copy appends its mark. submission_token (unique, one form page) is dropped.
MARKED = {
    ("applications_application", "number"),
    ("cases_case", "number"),
    ("cases_notice", "notice_number"),
}
NULLED = {("applications_application", "submission_token")}
SHIFTED_YEAR = {("cases_case", "year")}
AUDIT_PER_APPLICATION = 3  # received, decided, one view of the full ID number


def built_scale() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (scale text NOT NULL, built_at timestamptz NOT NULL)")
        cursor.execute("SELECT scale FROM bench_meta ORDER BY built_at DESC LIMIT 1")
        row = cursor.fetchone()
    return row[0] if row else None


def _columns(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
            [table],
        )
        return list(cursor.fetchall())


def _foreign_keys(table: str) -> dict[str, str]:
    """column → referenced table, for the copied tables only."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.attname, c.confrelid::regclass::text
            FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            WHERE c.contype = 'f' AND c.conrelid = %s::regclass
            """,
            [table],
        )
        return {column: target for column, target in cursor.fetchall() if target in TABLES}


def _max_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608 (a constant table name)
        return int(cursor.fetchone()[0])


def _copy_sql(table: str, stride: dict[str, int], originals: dict[str, int]) -> str:
    foreign = _foreign_keys(table)
    names, values = [], []
    for column, data_type in _columns(table):
        names.append(f'"{column}"')
        ref = f't."{column}"'
        if column == "id":
            values.append(f"{ref} + cp.c * {stride[table]}")
        elif column in foreign:
            values.append(f"{ref} + cp.c * {stride[foreign[column]]}")
        elif (table, column) in NULLED:
            values.append("NULL")
        elif (table, column) in MARKED:
            values.append(f"{ref} || '~' || cp.c")
        elif (table, column) in SHIFTED_YEAR:
            values.append(f"{ref} - cp.y")
        elif data_type == "date":
            values.append(f"({ref} - cp.y * interval '1 year')::date")
        elif data_type.startswith("timestamp"):
            values.append(f"{ref} - cp.y * interval '1 year'")
        else:
            values.append(ref)
    return (
        f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(values)} "  # noqa: S608 (built from the schema)
        f"FROM {table} t CROSS JOIN (VALUES %s) AS cp(c, y) WHERE t.id <= {originals[table]}"
    )


def _audit_sql(first_id: int, last_id: int) -> str:
    """Audit rows for the applications with ids in [first_id, last_id]: their receipt, their decision
    (or the day after receipt for those undecided) and one view of the full ID number."""
    return f"""
        INSERT INTO audit_auditentry (at, actor_username, ip_address, action, object_type, object_id,
                                      object_repr, from_state, to_state, note, actor_id)
        SELECT a.received_at + g * interval '1 day', 'bench', '127.0.0.1',
               (ARRAY['create', 'state_change', 'view_id_number'])[g + 1],
               'applications.Application', a.id::text, a.number || ' ' || a.applicant_name,
               CASE WHEN g = 1 THEN '待审查' ELSE '' END, CASE WHEN g = 1 THEN a.status ELSE '' END, '', NULL
        FROM applications_application a CROSS JOIN generate_series(0, {AUDIT_PER_APPLICATION - 1}) g
        WHERE a.id BETWEEN {first_id} AND {last_id}
    """  # noqa: S608 (integers only)


def _settle_past_years(stride: dict[str, int], per_year: int) -> None:
    """A copy moved into a past year keeps nothing open: what was still running in the demo year
    ended long ago (an application unanswered → 视为撤回, a pending 异议 → 维持, a running case →
    closed and archived), as in a real history; only this year's copies carry open work."""

    def past(table: str) -> str:
        return f"id > {per_year * stride[table]}"

    with connection.cursor() as cursor:
        cursor.execute(
            # Out of the queue: no decision date (Application.save keeps one only while it waits).
            "UPDATE applications_application SET status = 'withdrawn', closed_on = clock_started_on + 22, "  # noqa: S608
            f"closed_note = '视为撤回', decision_due_on = NULL WHERE {past('applications_application')} "
            "AND status IN ('pending_review', 'awaiting_supplement')"
        )
        cursor.execute(
            "UPDATE applications_supplementrequest SET expired = true, resolved_on = reply_due_on "  # noqa: S608
            f"WHERE {past('applications_supplementrequest')} AND resolved_on IS NULL"
        )
        for table in ("applications_objection", "cases_caseobjection"):
            cursor.execute(
                f"UPDATE {table} SET outcome = 'upheld', decided_on = due_on WHERE {past(table)} AND outcome = 'pending'"  # noqa: S608
            )
        cursor.execute(
            "UPDATE cases_case c SET handler_id = (SELECT min(h.id) FROM cases_handler h WHERE h.office_id = c.office_id "  # noqa: S608
            "OR NOT EXISTS (SELECT 1 FROM cases_handler o WHERE o.office_id = c.office_id)), "
            f"assigned_on = assignment_clock_from + 2 WHERE {past('cases_case')} AND state = 'awaiting_assignment'"
        )
        cursor.execute(
            "UPDATE cases_case SET state = 'archived', "  # noqa: S608
            "agreement_signed_on = coalesce(agreement_signed_on, assigned_on + 3), "
            "matter_ended_on = coalesce(matter_ended_on, opened_on + 150), "
            "closure_method = coalesce(nullif(closure_method, ''), 'mediation'), closure_summary = '调解结案', "
            "closure_submitted_on = coalesce(closure_submitted_on, opened_on + 170), "
            "closed_on = opened_on + 180, archived_on = opened_on + 190, "
            # Every clock stopped: no due date stored (Case.save keeps one only while a clock runs).
            "assignment_due_on = NULL, agreement_due_on = NULL, closure_materials_due_on = NULL, "
            "closure_review_due_on = NULL "
            f"WHERE {past('cases_case')} AND state IN ('awaiting_assignment', 'in_progress', 'closure_review')"
        )


def progress_bar(done: int, total: int, label: str, started: float) -> None:
    width = 30
    filled = width * done // max(total, 1)
    elapsed = time.monotonic() - started
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label} {elapsed:5.0f}s ")
    sys.stderr.flush()
    if done == total:
        sys.stderr.write("\n")


def build(scale_name: str, *, report: Callable[[str], None] = print) -> bool:
    """Build `scale_name` into the current (migrated) database; False when it is there already."""
    scale = SCALES[scale_name]
    existing = built_scale()
    if existing == scale_name:
        report(f"bench data at scale {scale_name} is present: reused.")
        return False
    if existing is not None or Application.objects.exists():
        raise SystemExit(f"This database holds other data ({existing or 'not built by bench_data'}): use an empty one.")
    started = time.monotonic()
    report("1/3 the demo year, through the product's own functions (seed_demo) …")
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    originals = {table: _max_id(table) for table in TABLES}
    stride = {table: 10 ** len(str(originals[table] + 1)) for table in TABLES}
    copies = [
        (y * scale.per_year + k, y) for y in range(scale.years) for k in range(scale.per_year) if (y, k) != (0, 0)
    ]
    report(f"2/3 {len(copies)} copies of the demo year ({scale.years} years × {scale.per_year}) …")
    statements = {table: _copy_sql(table, stride, originals) for table in TABLES}
    by_year: dict[int, list[tuple[int, int]]] = {}
    for c, y in copies:
        by_year.setdefault(y, []).append((c, y))
    steps = len(by_year)
    done = 0
    progress_bar(done, steps, "", started)
    from psycopg2.extras import execute_values

    for _year, batch in sorted(by_year.items()):
        with transaction.atomic(), connection.cursor() as cursor:
            for table in TABLES:
                execute_values(cursor.cursor, statements[table], batch, page_size=len(batch))
            for c, _y in batch:
                base = c * stride["applications_application"]
                cursor.execute(_audit_sql(base + 1, base + originals["applications_application"]))
        done += 1
        progress_bar(done, steps, "years copied", started)
    _settle_past_years(stride, scale.per_year)
    # the original year's audit rows too
    with connection.cursor() as cursor:
        cursor.execute(_audit_sql(1, originals["applications_application"]))
    report("3/3 the monthly aggregate, sequences and planner statistics …")
    # The copies arrived by SQL, not through the services that add to the aggregate: count it afresh.
    this_year = timezone.localdate().year
    rebuild_tallies(years=range(this_year - scale.years, this_year + 1))
    with connection.cursor() as cursor:
        for table in [*TABLES, "audit_auditentry"]:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"  # noqa: S608
            )
        # VACUUM too: settling the past years left dead index entries a real history would not have.
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("INSERT INTO bench_meta (scale, built_at) VALUES (%s, now())", [scale_name])
    report(
        f"bench data at scale {scale_name}: {Application.objects.count():,} applications in {time.monotonic() - started:.0f}s."
    )
    return True
