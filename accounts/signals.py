"""Every sign-in, failed sign-in, sign-out and lockout is written to the audit log (SPEC §8); the
sign-in time starts the absolute session lifetime; a deactivated account's sessions end at once."""

from importlib import import_module

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from accounts.middleware import SIGNED_IN_AT
from accounts.models import User
from audit.models import AuditAction
from audit.services import record


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs) -> None:
    record(AuditAction.LOGIN, actor=user, request=request, obj=user)
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = timezone.now().timestamp()


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


@receiver(pre_save, sender=User)
def note_deactivation(sender, instance: User, update_fields=None, **kwargs) -> None:
    if instance.pk is None or instance.is_active or (update_fields is not None and "is_active" not in update_fields):
        return
    instance._deactivated = User.objects.filter(pk=instance.pk, is_active=True).exists()


@receiver(post_save, sender=User)
def end_sessions_of_deactivated_user(sender, instance: User, **kwargs) -> None:
    """Django already refuses an inactive user's session at the next request; deleting the sessions
    also ends them for good (and for every device), and the audit says how many there were."""
    if not getattr(instance, "_deactivated", False):
        return
    instance._deactivated = False
    # Sessions are rows keyed by a random key, not by user: read the live ones (few: the idle timeout
    # ends every session within 30 minutes) and pick this user's.
    user_id = str(instance.pk)
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now())
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    # Through the configured engine, so a session cached in Redis (REDIS_URL: cached_db) goes too.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session_key in ended:
        store(session_key).delete()
    record(AuditAction.SESSION_ENDED, obj=instance, note=f"账户已停用，结束 {len(ended)} 个会话")
