"""The outbox of text messages to applicants, and the messages staff read in the portal.

An outbox row is written in the same transaction as the change it reports (`services.enqueue`), so a
message exists exactly when the change does; a background task sends it afterwards. The row's state
moves only through `notifications.workflows.OUTBOX_FLOW`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class MessageKind(models.TextChoices):
    """The steps an applicant is told of (issue 13 §1)."""

    RECEIVED = "received", "受理"
    SUPPLEMENT = "supplement", "补正"
    APPROVED = "approved", "准予"
    REFUSED = "refused", "不予"
    ASSIGNED = "assigned", "指派"
    TERMINATED = "terminated", "终止"
    CLOSED = "closed", "结案"


class OutboxState(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class OutboxMessage(models.Model):
    recipient = models.CharField("接收手机号", max_length=11)
    text = models.TextField("短信内容")
    kind = models.CharField("类型", max_length=12, choices=MessageKind.choices)
    # What the message is about, named as the audit trail names objects (app_label.Model and pk).
    subject_type = models.CharField("对象类型", max_length=60)
    subject_id = models.CharField("对象编号", max_length=40)
    created_at = models.DateTimeField("生成时间", default=timezone.now, db_index=True)

    state = models.CharField("状态", max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING)
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次发送时间", default=timezone.now)
    last_error = models.CharField("最近一次失败原因", max_length=500, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    provider_message_id = models.CharField("短信平台回执编号", max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "短信"
        verbose_name_plural = "短信发送记录"
        indexes = [
            # The sweep for messages due (send_pending_sms) and the 短信记录 page's state filter.
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="outbox_subject_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=OutboxState.values), name="outbox_state_valid"),
            models.CheckConstraint(condition=Q(kind__in=MessageKind.values), name="outbox_kind_valid"),
            models.CheckConstraint(
                condition=~Q(state=OutboxState.SENT) | Q(sent_at__isnull=False), name="outbox_sent_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"短信#{self.pk} {self.get_kind_display()}"

    @property
    def masked_recipient(self) -> str:
        number = self.recipient
        return f"{number[:3]}****{number[-4:]}" if len(number) == 11 else number


class StaffMessage(models.Model):
    """A message to one staff user, listed on their 我的消息 page (and e-mailed when configured): today
    the daily digest of what is due today or overdue (`portal.digest`)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="staff_messages"
    )
    day = models.DateField("日期")
    title = models.CharField("标题", max_length=100)
    body = models.TextField("正文", help_text="纯文本，用于邮件。")
    # One entry a line: {"state", "kind", "number", "url", "due_on"}, as the page lists them.
    items = models.JSONField("事项", default=list)
    created_at = models.DateTimeField("生成时间", default=timezone.now)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)
    email_error = models.CharField("邮件发送失败原因", max_length=500, blank=True)

    class Meta:
        ordering = ["-day", "-pk"]
        verbose_name = "工作人员消息"
        verbose_name_plural = "工作人员消息"
        constraints = [
            # One digest a person a day: the daily job may run twice.
            models.UniqueConstraint(fields=["recipient", "day"], name="staff_message_one_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.day:%Y-%m-%d} {self.title}"
