import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKED_OUT = "locked_out", "账户锁定"
    LOGOUT = "logout", "退出"
    STATE_CHANGE = "state_change", "状态变更"
    CREATE = "create", "新建"
    UPDATE = "update", "修改"
    EXPORT = "export", "导出"
    VIEW_ID_NUMBER = "view_id_number", "查看完整身份证号"
    VIEW_FILE = "view_file", "查看材料"
    REVEAL_DUPLICATE = "reveal_duplicate", "重复申请提示"
    # Two factors, passwords and sessions (issue 10 item 11).
    TWO_FACTOR_ENROLLED = "2fa_enrolled", "启用双因素认证"
    TWO_FACTOR_VERIFIED = "2fa_verified", "双因素验证通过"
    TWO_FACTOR_FAILED = "2fa_failed", "双因素验证失败"
    TWO_FACTOR_RESET = "2fa_reset", "重置双因素认证"
    PASSWORD_CHANGED = "password_changed", "修改密码"
    SESSION_ENDED = "session_ended", "结束会话"


class AppendOnlyError(Exception):
    pass


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs):
        raise AppendOnlyError("审计记录不可修改。")

    def delete(self):
        raise AppendOnlyError("审计记录不可删除。")


class AuditEntry(models.Model):
    """One row of the audit trail (SPEC §8). Written only through `audit.services.record`.

    The app offers no way to change or delete a row: they are kept at least 180 days, and removing
    old ones is a database administrator's job, outside the application. Two guards: the model and
    its queryset refuse on every database; on PostgreSQL a trigger also refuses UPDATE and DELETE
    below the ORM (`_base_manager.update()`, `_raw_delete()`, raw SQL). TRUNCATE is a table
    operation, not a row DELETE, so the test flush still empties the table; a sanctioned purge by a
    DBA goes through `pgtrigger.ignore("audit.AuditEntry:append_only")` or as table owner.
    """

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept as text too, so the trail still reads right if the account is later renamed.
    actor_username = models.CharField("操作人账号", max_length=150, blank=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    action = models.CharField("操作", max_length=20, choices=AuditAction.choices)
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象编号", max_length=40, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    from_state = models.CharField("原状态", max_length=40, blank=True)
    to_state = models.CharField("新状态", max_length=40, blank=True)
    note = models.TextField("说明", blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(action__in=AuditAction.values), name="audit_action_valid")
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return (
            f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.actor_username or '匿名'} {self.get_action_display()}"
        )

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("审计记录不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计记录不可删除。")
