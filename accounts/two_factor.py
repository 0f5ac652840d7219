"""Two factors for staff (issue 10 item 11): a TOTP app (django-otp) after the password, recovery
codes (django-otp's static device), and the administrator's reset. Switched by STAFF_TWO_FACTOR:
on with production settings, off in the `make run` demo so the demo users sign in with a password."""

from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditAction
from audit.services import record

RECOVERY_CODES = 10
DEVICE_NAME = "身份验证器"


def required() -> bool:
    return settings.STAFF_TWO_FACTOR


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user) -> TOTPDevice:
    """The device being enrolled: kept across page loads so the QR code stays the same until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// address as an inline SVG, drawn on the server (the CSP allows no script)."""
    svg = segno.make(device.config_url, error="m").svg_inline(scale=4, border=2, title="身份验证器二维码")
    return mark_safe(svg)  # segno's own markup of an address we built


def secret_text(device: TOTPDevice) -> str:
    """The key for typing into an app by hand, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[index : index + 4] for index in range(0, len(key), 4))


@transaction.atomic
def confirm(device: TOTPDevice, *, request) -> list[str]:
    """The first correct code confirms the device; fresh recovery codes replace any old ones."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    codes = new_recovery_codes(device.user)
    record(AuditAction.TWO_FACTOR_ENROLLED, actor=device.user, request=request, obj=device.user)
    return codes


def new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


@transaction.atomic
def reset(user, *, by, request=None) -> int:
    """The administrator's reset (a lost phone): every device goes; the next sign-in enrols anew."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    removed_static, _ = StaticDevice.objects.filter(user=user).delete()
    record(AuditAction.TWO_FACTOR_RESET, actor=by, request=request, obj=user, note="已清除身份验证器与恢复码")
    return removed + removed_static
