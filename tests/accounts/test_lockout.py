"""The sign-in lockout (issue 10 item 10): by account AND client address at 5 failures, so a stranger
cannot lock a county's reviewer out; by account over every address at 20, against guessing spread
over many addresses. Addresses are documentation ranges (RFC 5737): no traffic leaves the test."""

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditAction, AuditEntry
from tests.support import PASSWORD

STRANGER = "203.0.113.7"
OFFICE = "198.51.100.20"


def sign_in(client, address: str, password: str = PASSWORD, username: str = "reviewer-luoding"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_stranger_locks_out_only_their_own_address(client, personas):
    for _ in range(4):
        assert sign_in(client, STRANGER, "guess-guess").status_code == 200
    assert sign_in(client, STRANGER, "guess-guess").status_code == 429  # the 5th locks
    locked = sign_in(client, STRANGER)  # even the right password, from there
    assert locked.status_code == 429
    assert "账户已锁定" in locked.content.decode()
    assert "在本机连续 5 次登录失败" in locked.content.decode()
    lockout = AuditEntry.objects.filter(action=AuditAction.LOCKED_OUT).earliest("pk")
    assert "同一地址" in lockout.note
    assert lockout.ip_address == STRANGER

    # The reviewer, at the office, is not affected.
    assert sign_in(client, OFFICE).status_code == 302


def test_guessing_spread_over_addresses_locks_the_account_at_the_higher_threshold(client, personas, settings):
    assert settings.LOGIN_USERNAME_FAILURE_LIMIT == 20
    # Four wrong guesses from each of five addresses: no address reaches 5, the account reaches 20.
    addresses = [f"203.0.113.{host}" for host in range(10, 15)]
    for address in addresses[:-1]:
        for _ in range(4):
            sign_in(client, address, "guess-guess")
    for _ in range(3):
        sign_in(client, addresses[-1], "guess-guess")
    assert sign_in(client, OFFICE).status_code == 302  # 19 so far: the owner still gets in
    client.logout()

    sign_in(client, addresses[-1], "guess-guess")  # the 20th
    locked = sign_in(client, OFFICE)
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.LOCKED_OUT, note__contains="各地址合计").exists()
    # Another account is not affected.
    assert sign_in(client, OFFICE, username="clerk-luoding").status_code == 302

    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=31)):
        client.logout()
        assert sign_in(client, OFFICE).status_code == 302


def test_the_owner_signing_in_does_not_wipe_guesses_made_elsewhere(client, personas, settings):
    settings.LOGIN_USERNAME_FAILURE_LIMIT = 8
    for _ in range(4):
        sign_in(client, STRANGER, "guess-guess")
    for _ in range(3):
        sign_in(client, OFFICE, "typo-typo")
    assert sign_in(client, OFFICE).status_code == 302  # clears the office's 3, keeps the stranger's 4
    client.logout()
    for _ in range(4):
        sign_in(client, "203.0.113.99", "guess-guess")
    assert sign_in(client, OFFICE).status_code == 429  # 4 + 4 = 8 over the account


@pytest.mark.parametrize("limit", ["3", "0"])
def test_an_account_threshold_below_the_address_threshold_is_refused(limit):
    from tests.test_settings import run_django

    result = run_django("", DEBUG="1", LOGIN_USERNAME_FAILURE_LIMIT=limit)
    assert result.returncode != 0
    assert "LOGIN_USERNAME_FAILURE_LIMIT" in result.stderr
