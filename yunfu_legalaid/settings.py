"""Settings for the 云浮市法律援助 portal.

One file, driven by the environment. Bad values fail loudly at start-up rather than at the first
request: a county office switching the portal on must learn about a typo before citizens do.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
import xstatic.pkg.bootstrap
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from yunfu_legalaid.env import env_bool, env_int, env_list, env_str

# Django's generic classes subscriptable at run time, as the type hints name them (django-stubs).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
# Demo helpers (listing demo users on the login page) are shown only on a demo or laptop install.
DEMO = env_bool("DEMO", default=False) or DEBUG

SECRET_KEY = env_str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (for example: "
            "export SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))'))."
        )
    SECRET_KEY = "insecure-laptop-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_tasks_db",
    # Issue 10 items 8, 11: the append-only trigger on the audit table (PostgreSQL);
    # two factors for staff (TOTP and recovery codes) ---
    "pgtrigger",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "audit",
    "core",
    "accounts",
    "tallies",
    "notifications",
    "deadlines",
    "portal",
    "applications",
    "consultations",
    "cases",
    "quality",
    "duty",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files stay cacheable; every other response is marked no-store.
    "core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view (and CSRF's check) reads the body.
    "core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Issue 10 item 11: request.user.is_verified(), then the 12-hour session limit,
    # the second factor and the password age (after auth and messages, before axes) ---
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.StaffSecurityMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yunfu_legalaid.urls"
WSGI_APPLICATION = "yunfu_legalaid.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "accounts.context_processors.navigation",
                "portal.display.display",
            ],
        },
    },
]


def _database_from_env() -> dict[str, Any]:
    url = env_str("DATABASE_URL", default="")
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", default=60))
    except ValueError as exc:  # dj-database-url says which part it could not read
        raise ImproperlyConfigured(f"DATABASE_URL is malformed ({exc}): {url!r}") from exc
    if not config.get("ENGINE") or not config.get("NAME"):
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {url!r} (expected postgres://user@host:5432/dbname)")
    return _with_planner_costs(dict(config))


# PostgreSQL's default cost of a random page read (4) is that of a spinning disk. The portal reads
# nearly everything through indexes, from a working set that stays in memory on a server's SSD: at
# 1.1, as PostgreSQL's manual suggests for SSDs, the planner stops starting parallel workers for a
# month's few thousand rows (the report's follow-up figures 5.6 → 2.6 ms; the month page and the
# workbook 10–15 % faster under load at province, docs/performance.md). Set per connection, so no
# database privilege is needed; `?options=…` in DATABASE_URL replaces it.
POSTGRES_CONNECTION_OPTIONS = "-c random_page_cost=1.1"


def _with_planner_costs(config: dict[str, Any]) -> dict[str, Any]:
    if config["ENGINE"].endswith("postgresql"):
        config["OPTIONS"] = {"options": POSTGRES_CONNECTION_OPTIONS, **config.get("OPTIONS", {})}
    return config


DATABASES = {"default": _database_from_env()}
# --- past one machine (issue 14, docs/performance.md) ----------------------------------------------
# A PostgreSQL read replica for the reports: the month page, the dashboard of figures and the xlsx read
# from it (`core.replica`); every write and every other page stays on the primary. Off unless set.
_replica_url = env_str("DATABASE_REPLICA_URL", default="")
if _replica_url:
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL to point at the PostgreSQL primary.")
    try:
        DATABASES["replica"] = _with_planner_costs(
            dict(dj_database_url.parse(_replica_url, conn_max_age=env_int("DB_CONN_MAX_AGE", default=60)))
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URL is malformed ({exc}): {_replica_url!r}") from exc
    # The test run reads the replica through the primary's connection (no second test database).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.replica.ReportsReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# --- password rules, two factors, session lifetime (等保 三级; issue 10 item 11) ---
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", default=10)
PASSWORD_MIN_CHARACTER_CLASSES = env_int("PASSWORD_MIN_CHARACTER_CLASSES", default=3)  # of lower/upper/digit/other
PASSWORD_HISTORY = env_int("PASSWORD_HISTORY", default=5)  # the last N passwords cannot be chosen again
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", default=90)  # then staff must change it; 0 = never
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "accounts.passwords.CharacterClassesValidator",
        "OPTIONS": {"min_classes": PASSWORD_MIN_CHARACTER_CLASSES},
    },
    {"NAME": "accounts.passwords.PasswordHistoryValidator", "OPTIONS": {"remember": PASSWORD_HISTORY}},
]
# Staff sign in with a password AND an authenticator code (TOTP): on with production settings, off on
# a laptop or demo (DEBUG=1, `make run`) so the demo users sign in with their password alone.
STAFF_TWO_FACTOR = env_bool("STAFF_TWO_FACTOR", default=not DEBUG)
OTP_TOTP_ISSUER = "云浮市法律援助"
# A session ends 12 hours after sign-in however active it is (the 30-minute idle limit is below).
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_HOURS", default=12) * 3600
if PASSWORD_MIN_LENGTH < 8 or not 1 <= PASSWORD_MIN_CHARACTER_CLASSES <= 4 or PASSWORD_HISTORY < 0:
    raise ImproperlyConfigured(
        "PASSWORD_MIN_LENGTH must be ≥ 8, PASSWORD_MIN_CHARACTER_CLASSES 1–4, PASSWORD_HISTORY ≥ 0."
    )
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:staff_home"
LOGOUT_REDIRECT_URL = "portal:home"

# --- sign-in lockout by account AND client address (issue 10 item 10) ---
# 5 failed sign-ins from one address lock that address out of that account for 30 minutes (SPEC §8),
# so a stranger cannot lock a county's reviewer out; 20 failures over every address lock the account
# itself (guessing spread over many addresses). Axes compares every parameter combination against one
# limit; accounts.lockout gives the account-wide count its own, higher threshold.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_USERNAME_FAILURE_LIMIT = env_int("LOGIN_USERNAME_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "accounts.lockout.PairAndAccountLockoutHandler"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The client address comes from one function that honours PROXY_COUNT (audit.client_ip).
AXES_CLIENT_IP_CALLABLE = "audit.client_ip.client_ip"
if AXES_FAILURE_LIMIT < 1 or LOGIN_USERNAME_FAILURE_LIMIT < AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured("LOGIN_USERNAME_FAILURE_LIMIT must be at least LOGIN_FAILURE_LIMIT (≥ 1).")

# An idle session ends after 30 minutes: every request pushes the expiry forward.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "zh-hans"
# The portal speaks one language: every page is written in Chinese, so Django's own words (a form
# field's 「请输入整数。」, the admin) are Chinese too, whatever language a visitor's browser asks for.
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# No MEDIA_URL on purpose: uploads are personal data and are served only through views that check
# the viewer's right to the application.
# Uploads on one host's disk (the default, `make run`) or, for several hosts, in an S3-compatible
# bucket (MinIO, a cloud provider's object storage): STORAGE_BACKEND=s3 with S3_BUCKET and, for a
# service other than AWS, S3_ENDPOINT_URL. Files stay private: no public URL is ever handed out, the
# portal streams each one after checking the viewer's right (core.uploads.serve_upload).
STORAGE_BACKEND = env_str("STORAGE_BACKEND", default="filesystem")
if STORAGE_BACKEND == "filesystem":
    _default_storage: dict = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif STORAGE_BACKEND == "s3":
    if not env_str("S3_BUCKET", default=""):
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs S3_BUCKET (and S3_ENDPOINT_URL for a non-AWS service).")
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET", default=""),
            "endpoint_url": env_str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env_str("S3_REGION", default="") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,  # stored names are random already; never replace a file
        },
    }
else:
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be filesystem or s3; got {STORAGE_BACKEND!r}.")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content Security Policy (built into Django 6): everything from our own origin, no inline script.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# HTTPS hardening: on by default whenever DEBUG is off; each can be switched off behind a proxy
# that terminates TLS and already does the job.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
# How many reverse proxies stand in front of the portal: the client address is read that many entries
# from the right of X-Forwarded-For (0 = the header is ignored: anyone can send it).
PROXY_COUNT = env_int("PROXY_COUNT", default=0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"PROXY_COUNT must be 0 or more; got {PROXY_COUNT}.")
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# The cache, and sessions, shared by every host when REDIS_URL is set (Django's built-in Redis
# cache); a per-process memory cache otherwise (`make run`, one host). Sessions then live in Redis and
# are written through to the database ("cached_db"): a request reads its session without touching
# PostgreSQL, and ending a deactivated user's sessions still finds them (accounts.signals). The
# sign-in lockout and the per-hour rate limits keep their counters in PostgreSQL, which every host
# shares already (core.ratelimit).
REDIS_URL = env_str("REDIS_URL", default="")
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"REDIS_URL must start with redis://, rediss:// or unix://; got {REDIS_URL!r}.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "yf",
            "TIMEOUT": 300,
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="WARNING")},
}

# --- Portal rules that are settings, not law (SPEC §3, DOMAIN "confirm" items) ---
# Whether the 7/3/5/30-day limits count calendar days (the default reading of 第四十三条) or working days.
LEGALAID_COUNT_WORKING_DAYS = env_bool("COUNT_WORKING_DAYS", default=False)
# 补正: the applicant's time to supply missing materials before the application counts as withdrawn.
LEGALAID_SUPPLEMENT_REPLY_DAYS = env_int("SUPPLEMENT_REPLY_DAYS", default=15)
# Uploads (SPEC §8, issue 10): each file, each request (files and bytes), each application in total.
LEGALAID_UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
LEGALAID_UPLOAD_MAX_FILES = env_int("UPLOAD_MAX_FILES", default=20)
LEGALAID_UPLOAD_MAX_REQUEST_BYTES = env_int("UPLOAD_MAX_REQUEST_BYTES", default=50 * 1024 * 1024)
LEGALAID_UPLOAD_MAX_APPLICATION_BYTES = env_int("UPLOAD_MAX_APPLICATION_BYTES", default=100 * 1024 * 1024)
# Images are decoded to be re-encoded: a bound on pixels keeps a small "decompression bomb" from
# taking the server's memory (40 million pixels ≈ a 7300×5500 photo).
LEGALAID_UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", default=40_000_000)
# Rate limits, counted per client address (PROXY_COUNT) or per signed-in user.
LEGALAID_APPLY_POSTS_PER_HOUR = env_int("APPLY_POSTS_PER_HOUR", default=20)
LEGALAID_TRACK_FAILURES_PER_HOUR = env_int("TRACK_FAILURES_PER_HOUR", default=10)
LEGALAID_CLERK_LOOKUPS_PER_HOUR = env_int("CLERK_LOOKUPS_PER_HOUR", default=60)
# A /track/ lookup lasts this long in the browser; 结束查询 ends it sooner.
LEGALAID_TRACK_LOOKUP_MINUTES = env_int("TRACK_LOOKUP_MINUTES", default=10)
DATA_UPLOAD_MAX_MEMORY_SIZE = LEGALAID_UPLOAD_MAX_BYTES * 4

# --- Background work: Django's tasks framework (django.tasks) -------------------------------------
# `database` (the default) keeps the queue in the portal's own database (django-tasks-db): no extra
# service, and `python manage.py db_worker` runs it (`make run` starts one). `rq` puts it in Redis for
# larger installs (django-tasks-rq); run `python manage.py rqworker --with-scheduler --job-class
# django_tasks_rq.Job default` instead. `immediate` runs each task in the process that enqueued it
# (no worker; a retry then waits for `send_pending_sms`).
TASK_BACKEND = env_str("TASK_BACKEND", default="database")
if TASK_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
elif TASK_BACKEND == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured("TASK_BACKEND=rq needs REDIS_URL (for example redis://127.0.0.1:6379/0).")
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ImproperlyConfigured(f"TASK_BACKEND must be database, rq or immediate; got {TASK_BACKEND!r}.")

# --- Text messages to applicants (notifications) ----------------------------------------------------
# The gateway: `console` prints each message in the worker's output, `file` appends it to SMS_FILE_PATH
# (one JSON line each), `http` posts it to a provider's HTTPS JSON API; or a dotted path to a class.
SMS_GATEWAY = env_str("SMS_GATEWAY", default="console")
SMS_GATEWAYS = {
    "console": "notifications.gateways.ConsoleGateway",
    "file": "notifications.gateways.FileGateway",
    "http": "notifications.gateways.HttpJsonGateway",
}
if SMS_GATEWAY not in SMS_GATEWAYS and "." not in SMS_GATEWAY:
    raise ImproperlyConfigured(f"SMS_GATEWAY must be console, file, http or a dotted class path; got {SMS_GATEWAY!r}.")
SMS_SIGN_NAME = env_str("SMS_SIGN_NAME", default="云浮法律援助")  # 短信签名, as registered with the provider
SMS_FILE_PATH = Path(env_str("SMS_FILE_PATH", default=str(BASE_DIR / "sms-sent.jsonl")))
SMS_HTTP_URL = env_str("SMS_HTTP_URL", default="")
SMS_HTTP_KEY_ID = env_str("SMS_HTTP_KEY_ID", default="")
SMS_HTTP_SECRET = env_str("SMS_HTTP_SECRET", default="")
SMS_HTTP_TIMEOUT = env_int("SMS_HTTP_TIMEOUT", default=10)
if SMS_GATEWAY == "http" and not (SMS_HTTP_URL.startswith("https://") and SMS_HTTP_KEY_ID and SMS_HTTP_SECRET):
    raise ImproperlyConfigured("SMS_GATEWAY=http needs SMS_HTTP_URL (https://…), SMS_HTTP_KEY_ID and SMS_HTTP_SECRET.")
# A failed send is tried again after SMS_RETRY_SECONDS, then twice that, four times … (exponential
# back-off); after SMS_MAX_ATTEMPTS tries the message is marked 发送失败 on the 短信记录 page.
SMS_MAX_ATTEMPTS = env_int("SMS_MAX_ATTEMPTS", default=5)
SMS_RETRY_SECONDS = env_int("SMS_RETRY_SECONDS", default=60)

# --- E-mail (the daily digest to reviewers and handlers, when configured) -------------------------------
# Django 6.1's MAILERS; the environment keeps the familiar EMAIL_* names (the EMAIL_* settings themselves
# are deprecated). Nothing is mailed unless EMAIL_HOST is set: the digest then goes out by e-mail too,
# otherwise it stays on the 我的消息 page (the mailer's localhost default only keeps Django's checks whole).
_email_host = env_str("EMAIL_HOST", default="")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _email_host or "localhost",
            "port": env_int("EMAIL_PORT", default=25),
            "username": env_str("EMAIL_HOST_USER", default=""),
            "password": env_str("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env_bool("EMAIL_USE_TLS", default=False),
            "timeout": 30,
        },
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="legalaid@localhost")
# Where people reach the portal, for the links in e-mails.
SITE_URL = env_str("SITE_URL", default="http://127.0.0.1:8000")
# The digest is always on the 我的消息 page; it is e-mailed only when a mail server is set.
DIGEST_BY_EMAIL = bool(_email_host)
