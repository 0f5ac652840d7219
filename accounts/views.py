from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import two_factor
from accounts.forms import StaffAuthenticationForm, TokenForm
from accounts.http import StaffRequest
from accounts.models import Office
from audit.models import AuditAction
from audit.services import record


class StaffLoginView(auth_views.LoginView):
    form_class = StaffAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Demo installs list their demo accounts so a visitor can try every role (SPEC §9).
        if settings.DEMO:
            context["demo_offices"] = Office.objects.all()
        return context


login_view = StaffLoginView.as_view()


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return str(reverse_lazy(settings.LOGIN_REDIRECT_URL))


@login_required
def two_factor_setup(request: StaffRequest) -> HttpResponse:
    """First sign-in with STAFF_TWO_FACTOR: scan the QR code, type the first code, note the
    recovery codes (shown once)."""
    if two_factor.has_device(request.user):
        return redirect(_next(request))
    device = two_factor.pending_device(request.user)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            codes = two_factor.confirm(device, request=request)
            otp_login(request, device)
            return render(request, "registration/recovery_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("token", "验证码不正确，请核对手机时间后输入应用中当前显示的 6 位数字。")
    context = {"form": form, "qr_svg": two_factor.qr_svg(device), "secret": two_factor.secret_text(device)}
    return render(request, "registration/two_factor_setup.html", {**context, "next": _next(request)})


@login_required
def two_factor_verify(request: StaffRequest) -> HttpResponse:
    """After the password: the authenticator's code, or one of the recovery codes (each works once).
    django-otp slows down repeated wrong codes on each device (throttling)."""
    if not two_factor.has_device(request.user):
        return redirect("two_factor_setup")
    form = TokenForm(request.POST or None)
    if form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            recovery = isinstance(device, StaticDevice)
            record(
                AuditAction.TWO_FACTOR_VERIFIED,
                actor=request.user,
                request=request,
                obj=request.user,
                note="使用恢复码" if recovery else "",
            )
            if recovery:
                left = device.token_set.count()
                messages.warning(request, f"已使用一个恢复码，还剩 {left} 个。如手机丢失，请联系系统管理员重置。")
            return redirect(_next(request))
        record(AuditAction.TWO_FACTOR_FAILED, actor=request.user, request=request, obj=request.user)
        form.add_error("token", "验证码不正确或已使用。连续输错时需等待片刻再试。")
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)})


class StaffPasswordChangeView(auth_views.PasswordChangeView):
    # Not Django's registration/password_change_form.html: the admin's own password page uses that.
    template_name = "registration/staff_password_change.html"
    success_url = reverse_lazy(settings.LOGIN_REDIRECT_URL)

    def form_valid(self, form):
        response = super().form_valid(form)
        record(AuditAction.PASSWORD_CHANGED, actor=self.request.user, request=self.request, obj=self.request.user)
        messages.success(self.request, "密码已修改。")
        return response


password_change = StaffPasswordChangeView.as_view()
