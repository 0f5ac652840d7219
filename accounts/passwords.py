"""Password rules of 等保 三级 (issue 10 item 11), each a setting: length (Django's own validator),
three character classes, no reuse of the last five, and a maximum age after which staff are sent to
change it (accounts.middleware)."""

from datetime import timedelta
from string import ascii_lowercase, ascii_uppercase, digits

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

CHARACTER_CLASSES = {
    "小写字母": set(ascii_lowercase),
    "大写字母": set(ascii_uppercase),
    "数字": set(digits),
}


class CharacterClassesValidator:
    """At least `min_classes` of: lower-case letters, upper-case letters, digits, other characters
    (punctuation, spaces, Chinese characters…)."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        found = {name for name, members in CHARACTER_CLASSES.items() if set(password) & members}
        if any(not any(char in members for members in CHARACTER_CLASSES.values()) for char in password):
            found.add("其他字符")
        if len(found) < self.min_classes:
            raise ValidationError(
                f"密码至少要包含小写字母、大写字母、数字、其他符号中的 {self.min_classes} 类。",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"密码至少包含小写字母、大写字母、数字、其他符号中的 {self.min_classes} 类。"


class PasswordHistoryValidator:
    """Refuses the current password and the `remember` before it; records each new one (its hash)."""

    def __init__(self, remember: int = 5) -> None:
        self.remember = remember

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        hashes = [user.password, *user.password_history.values_list("password", flat=True)[: self.remember]]
        if any(encoded and check_password(password, encoded) for encoded in hashes):
            raise ValidationError(f"不能使用最近 {self.remember} 次用过的密码。", code="password_reused")

    def password_changed(self, password: str, user=None) -> None:
        # Called by Django after the user is saved with a new password (user.password is its hash).
        if user is None or user.pk is None:
            return
        from accounts.models import PasswordHistory

        now = timezone.now()
        type(user).objects.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = user.password_history.values_list("pk", flat=True)[self.remember :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self) -> str:
        return f"不能与最近 {self.remember} 次用过的密码相同。"


def password_expired(user) -> bool:
    """Older than PASSWORD_MAX_AGE_DAYS (0 switches the rule off)."""
    if not settings.PASSWORD_MAX_AGE_DAYS or not user.has_usable_password():
        return False
    changed = user.password_changed_at or user.date_joined
    return timezone.now() - changed > timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)
