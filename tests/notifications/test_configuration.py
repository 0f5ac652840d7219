"""The task backend and the SMS gateway are chosen by settings, and a bad choice fails at start-up."""

from tests.test_settings import run_django

BACKEND = (
    "from django.tasks import task_backends; from notifications.tasks import send_sms; "
    "backend = task_backends['default']; backend.validate_task(send_sms); "
    "print(type(backend).__module__, type(backend).__name__, [m.id for m in backend.check()])"
)


def test_the_default_backend_is_the_database():
    result = run_django(BACKEND, DEBUG="1")
    assert result.stdout.split() == ["django_tasks_db.backend", "DatabaseBackend", "[]"], result.stderr


def test_the_redis_backend_loads_for_larger_installs():
    # No Redis is needed to load and check the configuration: the connection opens on first use.
    result = run_django(
        BACKEND
        + "; from django.conf import settings; print(settings.RQ_QUEUES['default']['URL'], 'django_rq' in settings.INSTALLED_APPS)",
        DEBUG="1",
        TASK_BACKEND="rq",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django_tasks_rq.backend", "RQBackend", "[]", "redis://127.0.0.1:6379/3", "True"]


def test_the_redis_backend_needs_its_url():
    result = run_django("", DEBUG="1", TASK_BACKEND="rq")
    assert result.returncode != 0 and "TASK_BACKEND=rq needs REDIS_URL" in result.stderr


def test_an_unknown_backend_is_refused():
    result = run_django("", DEBUG="1", TASK_BACKEND="celery")
    assert result.returncode != 0 and "TASK_BACKEND must be database, rq or immediate" in result.stderr


def test_an_unknown_gateway_is_refused():
    result = run_django("", DEBUG="1", SMS_GATEWAY="carrier-pigeon")
    assert result.returncode != 0 and "SMS_GATEWAY must be console, file, http" in result.stderr


def test_the_http_gateway_needs_an_https_url_and_its_keys():
    result = run_django("", DEBUG="1", SMS_GATEWAY="http", SMS_HTTP_URL="http://sms.example.org/send")
    assert result.returncode != 0 and "SMS_GATEWAY=http needs SMS_HTTP_URL (https://…)" in result.stderr
    result = run_django(
        "from notifications.gateways import get_gateway; print(type(get_gateway()).__name__)",
        DEBUG="1",
        SMS_GATEWAY="http",
        SMS_HTTP_URL="https://sms.example.org/send",
        SMS_HTTP_KEY_ID="key",
        SMS_HTTP_SECRET="secret",
    )
    assert result.stdout.strip() == "HttpJsonGateway", result.stderr


def test_mail_is_sent_only_when_a_server_is_set():
    code = "from django.conf import settings; from django.core.mail import mailers; print(settings.DIGEST_BY_EMAIL, mailers.default.host)"
    assert run_django(code, DEBUG="1").stdout.split() == ["False", "localhost"]
    assert run_django(code, DEBUG="1", EMAIL_HOST="smtp.yunfu.gov.cn").stdout.split() == ["True", "smtp.yunfu.gov.cn"]
