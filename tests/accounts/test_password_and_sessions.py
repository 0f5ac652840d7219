"""Password rules and session limits of 等保 三级 (issue 10 item 11): ≥ 10 characters of three classes,
no reuse of the last 5, a change after 90 days; a session ends 12 hours after sign-in however active,
and every session of an account ends when it is deactivated."""

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accounts.models import PasswordHistory, Role
from audit.models import AuditAction, AuditEntry
from tests.support import PASSWORD


def refusal(password: str, user=None) -> str:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1-xyz", "至少"),  # 7 characters
        ("Abc-12345", "至少"),  # 9 characters
        ("abcdefgh-k", "3 类"),  # two classes: lower case and other
        ("yunfulegal2026", "3 类"),  # two classes: lower case and digits
        ("2026051720260517", "3 类"),  # digits only
    ],
)
def test_weak_passwords_are_refused_in_chinese(db, password, message):
    assert message in refusal(password)


@pytest.mark.parametrize("password", ["Yunfu-legal26", "yunfu legal 2026", "罗定法援Luoding26"])
def test_ten_characters_of_three_classes_pass(db, password):
    assert refusal(password) == ""


def change(client, old: str, new: str):
    return client.post("/accounts/password/", {"old_password": old, "new_password1": new, "new_password2": new})


def test_the_last_five_passwords_cannot_be_chosen_again(client, make_user):
    user = make_user("clerk-x", Role.CLERK, office="luoding")
    client.force_login(user)
    passwords = [PASSWORD] + [f"Yunfu-{n}-legalaid" for n in range(1, 6)]
    for old, new in zip(passwords, passwords[1:], strict=False):
        assert change(client, old, new).status_code == 302
    assert PasswordHistory.objects.filter(user=user).count() == 5
    for reused in passwords[1:]:  # the current one and the four before it
        response = change(client, passwords[-1], reused)
        assert "不能使用最近 5 次用过的密码" in response.content.decode()
    # The sixth back has dropped out of the history.
    assert change(client, passwords[-1], passwords[0]).status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.PASSWORD_CHANGED, actor=user).count() == 6


def test_a_password_older_than_ninety_days_must_be_changed_first(client, make_user):
    user = make_user("clerk-x", Role.CLERK, office="luoding")
    with time_machine.travel(timezone.now() + timezone.timedelta(days=89)):
        client.force_login(user)
        assert client.get("/staff/").status_code == 200
    with time_machine.travel(timezone.now() + timezone.timedelta(days=91)):
        client.force_login(user)
        response = client.get("/staff/", follow=True)
        assert response.redirect_chain[-1][0] == "/accounts/password/"
        assert "密码已超过 90 天未修改" in response.content.decode()
        assert change(client, PASSWORD, "Yunfu-2026-new")["Location"] == "/staff/"
        assert client.get("/staff/").status_code == 200


def test_a_session_ends_twelve_hours_after_sign_in_however_active(client, personas, settings):
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
    client.post("/accounts/login/", {"username": "clerk-luoding", "password": PASSWORD})
    start = timezone.now()
    for minutes in range(25, 12 * 60, 25):  # busy all day: never idle for 30 minutes
        with time_machine.travel(start + timezone.timedelta(minutes=minutes)):
            assert client.get("/staff/").status_code == 200, minutes
    with time_machine.travel(start + timezone.timedelta(hours=12, minutes=5)):
        response = client.get("/staff/", follow=True)
    assert response.redirect_chain[0][0] == "/accounts/login/?next=%2Fstaff%2F"
    assert "登录已超过 12 小时" in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.SESSION_ENDED, note="登录已满 12 小时").exists()


def test_deactivating_an_account_ends_all_its_sessions(personas):
    clerk = personas[(Role.CLERK, "luoding")]
    office, home, colleague = Client(), Client(), Client()
    for browser, username in ((office, "clerk-luoding"), (home, "clerk-luoding"), (colleague, "clerk-yuncheng")):
        browser.post("/accounts/login/", {"username": username, "password": PASSWORD})
        assert browser.get("/staff/").status_code == 200

    clerk.is_active = False
    clerk.save()

    for browser in (office, home):
        assert browser.get("/staff/").status_code == 302
    assert colleague.get("/staff/").status_code == 200
    ended = AuditEntry.objects.get(action=AuditAction.SESSION_ENDED)
    assert ended.note == "账户已停用，结束 2 个会话" and ended.object_repr == "clerk-luoding"


def test_saving_an_active_account_ends_nothing(personas):
    clerk = personas[(Role.CLERK, "luoding")]
    clerk.first_name = "小陈"
    clerk.save()
    assert not AuditEntry.objects.filter(action=AuditAction.SESSION_ENDED).exists()
