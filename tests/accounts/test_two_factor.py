"""Two factors for staff (issue 10 item 11): enrol an authenticator on the first sign-in (QR code drawn
on the server), its code after every password sign-in, recovery codes, the administrator's reset.
STAFF_TWO_FACTOR is off in the demo and the test settings (DEBUG=1) and on in production."""

import re

import pytest
import time_machine
from django.contrib import admin
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from audit.models import AuditAction, AuditEntry
from tests.support import PASSWORD
from tests.test_settings import PRODUCTION, run_django

SETUP = "/accounts/two-factor/setup/"
VERIFY = "/accounts/two-factor/verify/"


@pytest.fixture
def two_factor(settings):
    settings.STAFF_TWO_FACTOR = True


@pytest.fixture
def reviewer(personas):
    return personas[(Role.REVIEWER, "luoding")]


def code(device: TOTPDevice) -> str:
    """The code the phone shows now (time-machine moves "now")."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def sign_in(client, username="reviewer-luoding"):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD, "next": "/staff/"})


def verified(client, user) -> None:
    """A session that has passed the second step (as after enrolling), for a force_login client."""
    device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def enrol(client, user) -> list[str]:
    sign_in(client, user.username)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.post(SETUP, {"token": code(device), "next": "/staff/"})
    return re.findall(r"<li>([a-z2-7]{8})</li>", page.content.decode())


@pytest.mark.parametrize("enabled", [False, True], ids=["off", "on"])
def test_sign_in_asks_for_the_second_factor_only_when_switched_on(client, personas, settings, enabled):
    settings.STAFF_TWO_FACTOR = enabled
    response = sign_in(client)
    assert response["Location"] == "/staff/"
    staff_home = client.get("/staff/")
    if enabled:
        assert staff_home.status_code == 302
        assert staff_home["Location"] == f"{SETUP}?next=%2Fstaff%2F"
        assert client.get("/staff/applications/").status_code == 302  # every staff page, not just the home
    else:
        assert staff_home.status_code == 200


def test_first_sign_in_enrols_an_authenticator_from_a_server_drawn_qr_code(client, reviewer, two_factor):
    sign_in(client)
    page = client.get(f"{SETUP}?next=/staff/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "扫描下面的二维码" in html
    assert "<script>" not in html  # the CSP forbids inline script; the QR code needs none
    assert (
        "script-src" not in page.get("Content-Security-Policy", "")
        or "unsafe-inline" not in page["Content-Security-Policy"]
    )
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    assert client.get(SETUP).content.decode().count("<svg") == 1  # the same pending device on reload
    assert TOTPDevice.objects.filter(user=reviewer).count() == 1

    wrong = client.post(SETUP, {"token": "000000" if code(device) != "000000" else "111111"})
    assert "验证码不正确" in wrong.content.decode()
    assert client.get("/staff/").status_code == 302

    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=5)):  # django-otp's back-off after a miss
        done = client.post(SETUP, {"token": code(device), "next": "/staff/"})
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", done.content.decode())
    assert len(codes) == 10 and "请妥善保存恢复码" in done.content.decode()
    assert TOTPDevice.objects.get(user=reviewer).confirmed
    assert AuditEntry.objects.filter(action=AuditAction.TWO_FACTOR_ENROLLED, actor=reviewer).count() == 1
    assert client.get("/staff/").status_code == 200  # this session is verified


def test_each_password_sign_in_needs_the_current_code(client, reviewer, two_factor):
    enrol(client, reviewer)
    client.post("/accounts/logout/")
    sign_in(client)
    assert client.get("/staff/")["Location"] == f"{VERIFY}?next=%2Fstaff%2F"

    wrong = client.post(VERIFY, {"token": "12345", "next": "/staff/"})
    assert "验证码不正确" in wrong.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.TWO_FACTOR_FAILED, actor=reviewer).exists()

    device = TOTPDevice.objects.get(user=reviewer)
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=60)):  # a code not yet used
        done = client.post(VERIFY, {"token": code(device), "next": "/staff/"})
        assert done["Location"] == "/staff/"
        assert client.get("/staff/").status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.TWO_FACTOR_VERIFIED, actor=reviewer).exists()


def test_a_recovery_code_works_once(client, reviewer, two_factor):
    codes = enrol(client, reviewer)
    for attempt in range(2):
        client.post("/accounts/logout/")
        sign_in(client)
        response = client.post(VERIFY, {"token": codes[0].upper(), "next": "/staff/"})
        if attempt == 0:
            assert response["Location"] == "/staff/"
            assert AuditEntry.objects.filter(action=AuditAction.TWO_FACTOR_VERIFIED, note="使用恢复码").exists()
        else:
            assert "验证码不正确或已使用" in response.content.decode()
    assert StaticDevice.objects.get(user=reviewer).token_set.count() == 9


def test_the_administrator_resets_a_lost_phone_and_cannot_read_the_keys(client, reviewer, personas, two_factor):
    enrol(client, reviewer)
    assert not admin.site.is_registered(TOTPDevice) and not admin.site.is_registered(StaticDevice)
    admin_client = type(client)()
    admin_client.force_login(personas["admin"])
    verified(admin_client, personas["admin"])
    response = admin_client.post(
        "/admin/accounts/user/", {"action": "reset_two_factor", "_selected_action": [reviewer.pk]}, follow=True
    )
    assert "已重置 1 个账户的双因素认证" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert not StaticDevice.objects.filter(user=reviewer).exists()
    reset = AuditEntry.objects.get(action=AuditAction.TWO_FACTOR_RESET)
    assert reset.actor == personas["admin"] and reset.object_repr == reviewer.username

    client.post("/accounts/logout/")
    sign_in(client)
    assert client.get("/staff/")["Location"].startswith(SETUP)  # enrols a new phone


def test_production_switches_it_on_and_the_demo_off():
    assert (
        run_django("from django.conf import settings; print(settings.STAFF_TWO_FACTOR)", **PRODUCTION).stdout
        == "True\n"
    )
    assert (
        run_django("from django.conf import settings; print(settings.STAFF_TWO_FACTOR)", DEBUG="1").stdout == "False\n"
    )
    on_a_laptop = run_django(
        "from django.conf import settings; print(settings.STAFF_TWO_FACTOR)", DEBUG="1", STAFF_TWO_FACTOR="1"
    )
    assert on_a_laptop.stdout == "True\n"
