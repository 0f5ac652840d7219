"""`make bench` (issue 14): serve the portal with gunicorn as in production, on a database of the chosen
scale, and measure each page from this separate load process.

    python -m bench.run --scale city-year|city-decade|province [--seconds 6] [--apply-seconds 30]

Steps: create and migrate `yf_bench_<scale>` (on the server of DATABASE_URL), build its history
(`bench_data`, reused when present), count each page's SQL queries once in-process (Django's test
client), start gunicorn (2 sync workers, DEBUG off) with a bare view beside the portal (the floor,
bench.urls), then drive each page with N concurrent clients for a few seconds and the valid /apply/
POST (two small files each) for 30 s, and check that the numbers it allocated have no gap. Prints one
table (p50/p95/p99, requests/s, ratio to the floor, queries) and writes JSON to bench/results/.

Production settings, with what a loopback benchmark must change said here: plain HTTP (no TLS
redirect, cookies not `Secure`), staff sign-in without the authenticator (sessions are made in-process
for the bench users), and the /apply/ and /track/ per-address limits raised (every client is
127.0.0.1).
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
HOST = "127.0.0.1"

SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": f"{HOST},localhost,testserver",
    "STATIC_MANIFEST": "0",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_HSTS_SECONDS": "0",
    "SECURE_HSTS_PRELOAD": "0",
    "STAFF_TWO_FACTOR": "0",
    "APPLY_POSTS_PER_HOUR": "100000000",
    "TRACK_FAILURES_PER_HOUR": "100000000",
    "TASK_BACKEND": "database",
    "LOG_LEVEL": "ERROR",
}


def database_url(scale: str) -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yf")
    parts = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit(parts._replace(path="/yf_bench_" + scale.replace("-", "")))


def prepare_database(url: str, scale: str) -> None:
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    env = {**os.environ, **SERVER_ENV, "DJANGO_SETTINGS_MODULE": "yunfu_legalaid.settings", "DATABASE_URL": url}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "bench_data", "--scale", scale], cwd=ROOT, env=env, check=True)


# --- in-process: sessions for the bench users, sample objects, query counts --------------------------
def setup_django(url: str) -> None:
    os.environ.update({**SERVER_ENV, "DATABASE_URL": url})
    import django

    django.setup()


def plan() -> tuple[list[dict], dict]:
    """The pages to measure (name, user, path) and the sessions and samples the load needs."""
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from applications.models import Application, Status
    from cases.models import Case

    today = timezone.localdate()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    cookies = {}
    for username in ("admin", "city", "reviewer-luoding"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        cookies[username] = client.cookies["sessionid"].value
    case = Case.objects.filter(application__isnull=False, office__code="445381").order_by("-opened_on", "-pk").first()
    tracked = list(
        Application.objects.filter(status=Status.APPROVED)
        .order_by("-received_at")
        .values_list("number", "id_number")[:50]
    )
    pages = [
        {"name": "floor (bare view)", "user": None, "path": "/bench/floor/"},
        {"name": "admin: applications", "user": "admin", "path": "/admin/applications/application/"},
        {"name": "admin: cases", "user": "admin", "path": "/admin/cases/case/"},
        {"name": "dashboard /staff/ (city)", "user": "city", "path": "/staff/"},
        {"name": "queue /staff/applications/", "user": "reviewer-luoding", "path": "/staff/applications/"},
        {"name": "case list /staff/cases/ (city)", "user": "city", "path": "/staff/cases/"},
        {"name": "case page", "user": "city", "path": f"/staff/cases/{case.pk}/"},
        {"name": "subsidies list (city)", "user": "city", "path": "/staff/quality/subsidies/"},
        {"name": "/reports/ (city)", "user": "city", "path": "/reports/"},
        {"name": "month page", "user": "city", "path": f"/reports/{year}/{month}/"},
        {"name": "monthly xlsx", "user": "city", "path": f"/reports/{year}/{month}/download/"},
        {"name": "/apply/ GET", "user": None, "path": "/apply/"},
        {"name": "/track/ lookup POST", "user": None, "path": "/track/", "kind": "track"},
        {"name": "/apply/ POST (2 files)", "user": None, "path": "/apply/", "kind": "apply"},
    ]
    return pages, {"cookies": cookies, "tracked": tracked}


def count_queries(pages: list[dict], context: dict) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for page in pages:
        if page.get("kind"):
            continue
        client = Client()
        if page["user"]:
            client.cookies["sessionid"] = context["cookies"][page["user"]]
        client.get(page["path"])  # warm: the first request of a process loads what it caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page["path"])
        page["queries"] = len(queries)
        page["status_in_process"] = response.status_code
        # Server time without the load's queueing: one client, in-process, the median of three.
        times = []
        for _ in range(3):
            started = time.perf_counter()
            client.get(page["path"])
            times.append((time.perf_counter() - started) * 1000)
        page["server_ms"] = round(statistics.median(times), 1)


# --- the load --------------------------------------------------------------------------------------
def _request(method: str, path: str, *, headers: dict, body: bytes | None = None) -> tuple[int, bytes, list]:
    connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
    try:
        connection.request(method, path, body=body, headers={"Host": HOST, **headers})
        response = connection.getresponse()
        return response.status, response.read(), response.getheaders()
    finally:
        connection.close()


def _csrf(path: str) -> tuple[str, str, str]:
    """GET a form page: (csrftoken cookie, the form's csrf token, its submission token)."""
    status, body, headers = _request("GET", path, headers={})
    cookie = next(v for k, v in headers if k.lower() == "set-cookie" and v.startswith("csrftoken="))
    text = body.decode()
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)
    submission = re.search(r'name="submission_token" value="([^"]*)"', text)
    return cookie.split(";")[0].split("=", 1)[1], form_token, submission.group(1) if submission else ""


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data, content_type) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
        )
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


class ApplyPoster:
    """A valid online application each time: a fresh ID number, the page's CSRF and submission tokens,
    two small files (a PDF and a PNG)."""

    def __init__(self) -> None:
        from tests.files import image_bytes, pdf_bytes

        self.pdf = pdf_bytes()
        self.png = image_bytes("PNG", size=(40, 30))
        self.counter = 0
        self.lock = threading.Lock()

    def id_number(self) -> str:
        from applications.identity import id_check_character

        with self.lock:
            self.counter += 1
            n = self.counter
        birth = date(1960 + n % 40, 1 + n % 12, 1 + n % 28)
        first17 = f"445381{birth:%Y%m%d}{n % 1000:03d}"
        return first17 + id_check_character(first17)

    def __call__(self) -> tuple[int, bytes, list]:
        csrf_cookie, csrf_token, submission = _csrf("/apply/")
        fields = {
            "csrfmiddlewaretoken": csrf_token,
            "submission_token": submission,
            "applicant_name": "陈大文",
            "id_number": self.id_number(),
            "phone": "13800005678",
            "household_address": "广东省罗定市罗城街道兴华路1号",
            "residence": "445381",
            "category": "labour",
            "summary": "在罗定某厂工作三年，被拖欠工资两万元，申请劳动仲裁代理。",
            "opponent": "罗定市某制衣厂",
            "authority_name": "罗定市劳动人事争议仲裁委员会",
            "authority_location": "445381",
            "economic_basis": "hardship",
            "integrity_pledge": "on",
        }
        files = {
            "identity_files": ("身份证.pdf", self.pdf, "application/pdf"),
            "matter_files": ("欠条.png", self.png, "image/png"),
        }
        body, content_type = _multipart(fields, files)
        return _request(
            "POST",
            "/apply/",
            headers={"Content-Type": content_type, "Cookie": f"csrftoken={csrf_cookie}", "Referer": f"http://{HOST}/"},
            body=body,
        )


def make_action(page: dict, context: dict):
    if page.get("kind") == "apply":
        poster = ApplyPoster()
        return poster, {302}
    if page.get("kind") == "track":
        tracked = context["tracked"]
        lock = threading.Lock()
        state = {"i": 0}

        def track():
            with lock:
                state["i"] += 1
                number, id_number = tracked[state["i"] % len(tracked)]
            csrf_cookie, csrf_token, _ = _csrf("/track/")
            body = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": csrf_token, "number": number, "id_last6": id_number[-6:]}
            ).encode()
            return _request(
                "POST",
                "/track/",
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"csrftoken={csrf_cookie}",
                    "Referer": f"http://{HOST}/",
                },
                body=body,
            )

        return track, {302}
    headers = {"Cookie": f"sessionid={context['cookies'][page['user']]}"} if page["user"] else {}
    return (lambda: _request("GET", page["path"], headers=headers)), {200}


def drive(action, expected: set[int], *, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop() -> None:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                status, body, _headers = action()
                ok = status in expected
                detail = f"HTTP {status}: {body[:200]!r}"
            except Exception as exc:  # noqa: BLE001 (a failed request is a result here)
                ok, detail = False, repr(exc)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors.append(detail)

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - began
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")

    return {
        "requests": len(latencies),
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
        "p50_ms": round(statistics.median(latencies) * 1000, 2) if latencies else None,
        "p95_ms": round(pct(0.95), 2),
        "p99_ms": round(pct(0.99), 2),
        "per_second": round(len(latencies) / wall, 1),
    }


def gap_free_since(first_id: int) -> dict:
    from applications.models import Application

    numbers = list(
        Application.objects.filter(pk__gt=first_id, number__regex=r"^YF-\d{4}-\d{6}$").values_list("number", flat=True)
    )
    serials = sorted(int(number.rsplit("-", 1)[1]) for number in numbers)
    gap_free = not serials or serials[-1] - serials[0] + 1 == len(serials)
    return {"allocated": len(serials), "gap_free": gap_free}


def remove_posted(first_id: int) -> int:
    """Take the benchmark's own applications out again, so that the next run meets the same open work
    (each run posts a thousand or more, which the city's dashboard would otherwise carry from run to
    run): their materials and files, their text messages and the queued tasks that would send them
    (no worker runs beside the benchmark), and the counter put back to the last number left. Their
    audit rows stay: the audit table is append-only, and no measured page reads it."""
    from django.contrib.sessions.models import Session
    from django.db import connection, transaction
    from django_tasks_db.models import DBTaskResult

    from applications.models import Application, Material
    from core.models import NumberSequence
    from notifications.models import OutboxMessage
    from notifications.tasks import send_sms

    posted = Application.objects.filter(pk__gt=first_id)
    ids = [str(pk) for pk in posted.values_list("pk", flat=True)]
    with transaction.atomic():
        for material in Material.objects.filter(application__in=posted).only("file"):
            material.file.delete(save=False)
        messages = OutboxMessage.objects.filter(subject_type="applications.Application", subject_id__in=ids)
        message_ids = list(messages.values_list("pk", flat=True))
        DBTaskResult.objects.filter(task_path=send_sms.module_path, args_kwargs__args__0__in=message_ids).delete()
        messages.delete()
        removed, _ = posted.delete()
        for sequence in NumberSequence.objects.filter(kind="application"):
            last = (
                Application.objects.filter(number__regex=rf"^YF-{sequence.year}-\d{{6}}$")
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
            )
            sequence.last_value = int(last.rsplit("-", 1)[1]) if last else 0
            sequence.save(update_fields=["last_value"])
    # The deleted rows' space made reusable and the statistics brought back, so that the next run
    # meets the tables as this one did, not thousands of dead rows in the tables it inserts into.
    tables = [model._meta.db_table for model in (Application, Material, OutboxMessage, DBTaskResult, Session)]
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
    return len(ids)


def start_server(url: str, workers: int) -> subprocess.Popen:
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": url}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "yunfu_legalaid.wsgi:application",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"{HOST}:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            if _request("GET", "/bench/floor/", headers={})[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def print_table(scale: str, pages: list[dict]) -> None:
    """One line a page: its latency, each as a multiple of the floor, and for a staff page as a
    multiple of the faster of Django admin's two changelists in the same run (below 1: faster)."""
    floor = pages[0]["p50_ms"]
    admin = min((page["p50_ms"] for page in pages if page["name"].startswith("admin:")), default=float("nan"))
    print(f"\nscale {scale} — floor p50 {floor} ms, the faster admin changelist p50 {admin} ms")
    header = (
        f"{'page':34} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>7} {'×floor':>7} {'p99×':>6} {'×admin':>7} "
        f"{'SQL':>4} {'err':>4} {'server ms':>9}"
    )
    print(header)
    print("-" * len(header))
    for page in pages:
        ratio = page["p50_ms"] / floor if floor else float("nan")
        ratio99 = page["p99_ms"] / floor if floor else float("nan")
        staff = page["user"] not in (None, "admin")
        to_admin = f"{page['p50_ms'] / admin:7.2f}" if staff and admin else f"{'–':>7}"
        print(
            f"{page['name']:34} {page['p50_ms']:8.1f} {page['p95_ms']:8.1f} {page['p99_ms']:8.1f} "
            f"{page['per_second']:7.1f} {ratio:7.1f} {ratio99:6.1f} {to_admin} {str(page.get('queries', '–')):>4} "
            f"{page['errors']:>4} {str(page.get('server_ms', '–')):>9}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["city-year", "city-decade", "province"], default="city-year")
    parser.add_argument("--seconds", type=float, default=6.0, help="per page")
    parser.add_argument("--apply-seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default="", help="measure only pages whose name contains this (several: a|b)")
    args = parser.parse_args()

    url = database_url(args.scale)
    prepare_database(url, args.scale)
    setup_django(url)
    pages, context = plan()
    count_queries(pages, context)
    from applications.models import Application

    first_id = Application.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    server = start_server(url, args.workers)
    try:
        for page in pages:
            if args.only and not any(part in page["name"] for part in args.only.split("|")) and page is not pages[0]:
                page.update(requests=0, errors=0, p50_ms=float("nan"), p95_ms=float("nan"), p99_ms=float("nan"))
                page["per_second"] = 0.0
                continue
            action, expected = make_action(page, context)
            seconds = args.apply_seconds if page.get("kind") == "apply" else args.seconds
            warm = drive(action, expected, clients=args.clients, seconds=min(1.0, seconds))
            page.update(drive(action, expected, clients=args.clients, seconds=seconds))
            page["accepted_with_warm_up"] = page["requests"] - page["errors"] + warm["requests"] - warm["errors"]
            print(
                f"  {page['name']}: p50 {page['p50_ms']} ms, {page['per_second']}/s, errors {page['errors']}",
                flush=True,
            )
            if page["errors"]:
                print(f"    first error: {page['first_error'][:300]}", flush=True)
        # The floor once more: a shared machine's speed can drift within a run, and every ratio above
        # is to the floor measured at the start.
        action, expected = make_action(pages[0], context)
        floor_at_end = drive(action, expected, clients=args.clients, seconds=min(3.0, args.seconds))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    numbers = gap_free_since(first_id)
    posts = next(page for page in pages if page.get("kind") == "apply")
    numbers["every_one_present"] = numbers["allocated"] == posts.get("accepted_with_warm_up", 0)
    numbers["removed_afterwards"] = remove_posted(first_id)
    print_table(args.scale, pages)
    drift = floor_at_end["p50_ms"] / pages[0]["p50_ms"]
    print(
        f"\nfloor p50 {pages[0]['p50_ms']} ms at the start, {floor_at_end['p50_ms']} ms at the end"
        + (" — the machine's speed changed during the run: compare with care" if not 0.8 <= drift <= 1.25 else "")
    )
    print(
        f"\n/apply/ POST: {posts.get('accepted_with_warm_up')} accepted, {numbers['allocated']} numbers allocated, "
        f"every one present: {numbers['every_one_present']}, gap-free: {numbers['gap_free']}; "
        f"{numbers['removed_afterwards']} removed again"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{args.scale}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(
        json.dumps(
            {
                "scale": args.scale,
                "clients": args.clients,
                "workers": args.workers,
                "pages": pages,
                "floor_at_end": floor_at_end,
                "numbers": numbers,
            },
            ensure_ascii=False,
            indent=2,
            default=str,
        )
    )
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
