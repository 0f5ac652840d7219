import time_machine
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditAction, AuditEntry
from tests.support import PASSWORD


def test_clerk_signs_in_and_lands_on_staff_home_with_office_name(client, personas):
    response = client.post("/accounts/login/", {"username": "clerk-luoding", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/staff/"
    assert "罗定市法律援助处" in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert entry.actor == personas[(Role.CLERK, "luoding")]
    assert entry.ip_address == "127.0.0.1"


def test_wrong_password_shows_chinese_error_and_is_audited(client, personas):
    response = client.post("/accounts/login/", {"username": "clerk-luoding", "password": "wrong-password"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    failed = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.object_repr == "clerk-luoding"
    assert "clerk-luoding" in failed.note
    assert "wrong-password" not in failed.note  # the attempted password is never written down


def test_five_failures_lock_the_account_for_thirty_minutes(client, personas):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "clerk-luoding", "password": "nope-nope"})
    locked = client.post("/accounts/login/", {"username": "clerk-luoding", "password": PASSWORD})
    assert locked.status_code == 429
    assert "账户已锁定" in locked.content.decode()
    assert "30 分钟" in locked.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).count() >= 5
    assert AuditEntry.objects.filter(action=AuditAction.LOCKED_OUT).exists()
    # Another account is not affected by this one's lockout.
    other = client.post("/accounts/login/", {"username": "clerk-yuncheng", "password": PASSWORD})
    assert other.status_code == 302

    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=31)):
        client.logout()
        again = client.post("/accounts/login/", {"username": "clerk-luoding", "password": PASSWORD})
        assert again.status_code == 302


def test_idle_session_ends_after_thirty_minutes(client, personas):
    client.force_login(personas[(Role.CLERK, "luoding")])
    assert client.get("/staff/").status_code == 200
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=20)):
        assert client.get("/staff/").status_code == 200  # activity pushes the expiry forward
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=20 + 31)):
        response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_logout_is_audited(client, personas):
    client.force_login(personas[(Role.CLERK, "luoding")])
    client.post("/accounts/logout/")
    assert AuditEntry.objects.filter(action=AuditAction.LOGOUT).exists()


def test_short_passwords_are_refused_by_the_validators(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password("abc123")
    except ValidationError as error:
        assert any("至少" in message for message in error.messages)
    else:
        raise AssertionError("a 6-character password was accepted")
