"""What a signed-in staff member must do before any page (issue 10 item 11), in this order:

1. a session older than SESSION_ABSOLUTE_SECONDS (12 hours) ends, however active it was (the idle
   timeout of 30 minutes is SESSION_COOKIE_AGE);
2. with STAFF_TWO_FACTOR, the second factor: enrol an authenticator on the first sign-in, then enter
   its code after each password sign-in;
3. a password older than PASSWORD_MAX_AGE_DAYS is changed before anything else.

Placed after django_otp's OTPMiddleware (which gives request.user its is_verified()).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts import two_factor
from accounts.passwords import password_expired
from audit.models import AuditAction
from audit.services import record

SIGNED_IN_AT = "signed_in_at"  # session key, set at sign-in (accounts.signals)

# The pages a member on their way in may reach (by URL name).
SIGN_IN_STEPS = {"login", "logout", "two_factor_setup", "two_factor_verify"}
PASSWORD_STEPS = SIGN_IN_STEPS | {"password_change", "password_change_done"}


class StaffSecurityMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        url_name = request.resolver_match.url_name if request.resolver_match else None

        signed_in_at = request.session.get(SIGNED_IN_AT)
        if signed_in_at is not None and timezone.now().timestamp() - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS:
            record(AuditAction.SESSION_ENDED, actor=user, request=request, obj=user, note="登录已满 12 小时")
            logout(request)
            messages.info(request, "登录已超过 12 小时，请重新登录。")
            return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")

        if two_factor.required() and not user.is_verified() and url_name not in SIGN_IN_STEPS:
            step = "two_factor_verify" if two_factor.has_device(user) else "two_factor_setup"
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")

        if url_name not in PASSWORD_STEPS and password_expired(user):
            messages.warning(request, f"密码已超过 {settings.PASSWORD_MAX_AGE_DAYS} 天未修改，请先修改密码。")
            return redirect("password_change")
        return None
