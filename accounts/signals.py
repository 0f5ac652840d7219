"""Every sign-in, failed sign-in, sign-out and lockout is written to the audit log (SPEC §8)."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import AuditAction
from audit.services import record


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs) -> None:
    record(AuditAction.LOGIN, actor=user, request=request, obj=user)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(AuditAction.LOGOUT, actor=user, request=request, obj=user)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = credentials.get("username", "")
    user = get_user_model().objects.filter(username=username).first()
    record(
        AuditAction.LOGIN_FAILED,
        actor=None,
        request=request,
        obj=user,
        note=f"用户名：{username}",
    )


_LOCKOUT_REASONS = {
    "pair": "同一地址连续登录失败，该地址对此账户",
    "account": "各地址合计登录失败次数过多，账户",
}


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs) -> None:
    user = get_user_model().objects.filter(username=username).first()
    record(
        AuditAction.LOCKED_OUT,
        actor=None,
        request=request,
        obj=user,
        note=f"用户名：{username}，{_LOCKOUT_REASONS[getattr(request, 'lockout_scope', 'pair')]}，锁定 30 分钟",
    )
