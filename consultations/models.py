"""法律咨询 and 代拟法律文书 (法律援助法 第二十二条; SPEC §3.3): two registers per office, kept by its
clerks. They are legal aid but not cases: the monthly report shows 咨询人次 and 代书件数 beside the
counted matters. A consultation may become an application (转为申请), and keeps the link.

Writes go through `consultations.services`; the report reads `consultations.selectors`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Office
from applications.identity import mask_phone
from applications.models import Application, MatterCategory


class RegisterQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Office staff their office's register, city staff every office's (read-only)."""
        base = self.select_related("office", "recorded_by")
        if not user.is_authenticated or not user.is_active or not user.reads_records:
            return base.none()
        return base.filter(Office.objects.condition(user))


class ConsultationChannel(models.TextChoices):
    VISIT = "visit", "来访"
    PHONE = "phone", "来电"
    ONLINE = "online", "网络"
    LETTER = "letter", "信函"


class Consultation(models.Model):
    office = models.ForeignKey(Office, verbose_name="法律援助机构", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField("咨询方式", max_length=10, choices=ConsultationChannel.choices)
    consulted_on = models.DateField("咨询日期")
    category = models.CharField("事项类别", max_length=20, choices=MatterCategory.choices)
    people = models.PositiveIntegerField("人次", default=1)
    name = models.CharField("咨询人姓名", max_length=40, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    summary = models.TextField("咨询内容及解答")
    application = models.OneToOneField(
        Application,
        verbose_name="转为申请",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = RegisterQuerySet.as_manager()

    class Meta:
        ordering = ["-consulted_on", "-pk"]
        verbose_name = "法律咨询"
        verbose_name_plural = "法律咨询"
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=ConsultationChannel.values), name="consultation_channel_valid"
            ),
            models.CheckConstraint(condition=Q(category__in=MatterCategory.values), name="consultation_category_valid"),
            models.CheckConstraint(condition=Q(people__gte=1), name="consultation_people_at_least_one"),
        ]
        indexes = [models.Index(fields=["office", "consulted_on"], name="consultation_office_day_idx")]

    def __str__(self) -> str:
        return f"{self.consulted_on:%Y-%m-%d} {self.get_channel_display()}咨询（{self.get_category_display()}）"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone) if self.phone else ""

    @property
    def masked_name(self) -> str:
        """The surname and a mark for the rest (lists show no full names, SPEC §8)."""
        return f"{self.name[0]}{'*' * (len(self.name) - 1)}" if self.name else ""


class DocumentType(models.Model):
    """起诉状, 答辩状, 上诉状 …: reference data seeded by a data migration, edited in the admin."""

    name = models.CharField("文书类型", max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = "代拟文书类型"
        verbose_name_plural = "代拟文书类型"

    def __str__(self) -> str:
        return self.name


class DraftedDocument(models.Model):
    office = models.ForeignKey(Office, verbose_name="法律援助机构", on_delete=models.PROTECT, related_name="+")
    drafted_on = models.DateField("代书日期")
    document_type = models.ForeignKey(DocumentType, verbose_name="文书类型", on_delete=models.PROTECT, related_name="+")
    category = models.CharField("事项类别", max_length=20, choices=MatterCategory.choices)
    copies = models.PositiveIntegerField("件数", default=1)
    note = models.CharField("备注", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = RegisterQuerySet.as_manager()

    class Meta:
        ordering = ["-drafted_on", "-pk"]
        verbose_name = "代拟法律文书"
        verbose_name_plural = "代拟法律文书"
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=MatterCategory.values), name="drafted_document_category_valid"
            ),
            models.CheckConstraint(condition=Q(copies__gte=1), name="drafted_document_copies_at_least_one"),
        ]
        indexes = [models.Index(fields=["office", "drafted_on"], name="drafted_doc_office_day_idx")]

    def __str__(self) -> str:
        return f"{self.drafted_on:%Y-%m-%d} 代拟{self.document_type}"
