"""Issue 14 part 3: each way of going past one machine is a setting that loads, with the embedded
defaults kept for `make run`. No Redis, replica or bucket is needed: connections open on first use."""

from tests.test_settings import run_django

PRIMARY = "postgres://postgres@127.0.0.1:5432/yunfu"


def test_the_defaults_need_no_other_service():
    result = run_django(
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE, "
        "settings.STORAGES['default']['BACKEND'], sorted(settings.DATABASES), settings.DATABASE_ROUTERS)",
        DEBUG="1",
    )
    assert result.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
        "django.core.files.storage.FileSystemStorage",
        "['default']",
        "[]",
    ], result.stderr


def test_redis_url_puts_the_cache_and_sessions_in_redis():
    result = run_django(
        "from django.core.cache import caches; cache = caches['default']; from django.conf import settings; "
        "print(type(cache).__name__, settings.CACHES['default']['LOCATION'], settings.SESSION_ENGINE)",
        DEBUG="1",
        REDIS_URL="redis://10.0.0.5:6379/1",
    )
    assert result.stdout.split() == [
        "RedisCache",
        "redis://10.0.0.5:6379/1",
        "django.contrib.sessions.backends.cached_db",
    ], result.stderr


def test_a_malformed_redis_url_is_refused():
    result = run_django("", DEBUG="1", REDIS_URL="10.0.0.5:6379")
    assert result.returncode != 0 and "REDIS_URL must start with" in result.stderr


def test_the_reports_read_from_the_replica_when_one_is_set():
    result = run_django(
        "from applications.models import Application; from core.replica import reading_replica\n"
        "from django.db import router\n"
        "print(Application.objects.all().db)\n"
        "with reading_replica(): print(Application.objects.all().db, router.db_for_write(Application))\n"
        "from reporting import views\n"
        "print(all(hasattr(v, '__wrapped__') for v in (views.dashboard, views.month, views.download)))",
        DEBUG="1",
        DATABASE_URL=PRIMARY,
        DATABASE_REPLICA_URL="postgres://reader@10.0.0.6:5432/yunfu",
    )
    # Outside the reports: the primary; inside: reads from the replica, writes still to the primary.
    assert result.stdout.split() == ["default", "replica", "default", "True"], result.stderr


def test_without_a_replica_the_reports_read_the_primary():
    result = run_django(
        "from applications.models import Application; from core.replica import reading_replica\n"
        "with reading_replica(): print(Application.objects.all().db)",
        DEBUG="1",
        DATABASE_URL=PRIMARY,
    )
    assert result.stdout.split() == ["default"], result.stderr


def test_uploads_go_to_an_s3_compatible_bucket():
    result = run_django(
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.default_acl, s.file_overwrite)",
        DEBUG="1",
        STORAGE_BACKEND="s3",
        S3_BUCKET="yf-materials",
        S3_ENDPOINT_URL="https://minio.internal:9000",
    )
    assert result.stdout.split() == ["S3Storage", "yf-materials", "https://minio.internal:9000", "private", "False"], (
        result.stderr
    )


def test_s3_without_a_bucket_is_refused():
    result = run_django("", DEBUG="1", STORAGE_BACKEND="s3")
    assert result.returncode != 0 and "STORAGE_BACKEND=s3 needs S3_BUCKET" in result.stderr
