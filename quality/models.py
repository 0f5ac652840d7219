"""Quality and money (SPEC §5, §6): peer review (同行评估), follow-up (回访), subsidy (补贴), publicity (宣传).

Reference data — score sheets and their items, subsidy stages and rates, the quality coefficients —
are rows seeded by data migrations and edited by city staff. Every write goes through
`quality.services`; reads that pages and the monthly report share live in `quality.selectors`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from accounts.models import Office, Role
from applications.models import MatterCategory, SpecialGroup
from cases.models import Case, case_scope
from tallies.models import Figure

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}  # yuan and fen, for every money column
SHEET_TOTAL = 100  # every score sheet's items add up to exactly 100 points


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


# Grade cut-offs (SPEC §5; DOMAIN "Peer review practice in Guangdong"): the lowest total of each
# grade, best first; a total below the last one is 不合格. Documented here, used by `grade_for_total`.
GRADE_CUTOFFS: tuple[tuple[int, Grade], ...] = ((90, Grade.EXCELLENT), (80, Grade.GOOD), (60, Grade.PASS))
GOOD_GRADES = (Grade.EXCELLENT, Grade.GOOD)  # 优良率 = (优秀 + 良好) / reviewed


def grade_for_total(total: int | Decimal) -> Grade:
    for lowest, grade in GRADE_CUTOFFS:
        if total >= lowest:
            return grade
    return Grade.FAIL


# --- score sheets ---------------------------------------------------------------------------------
class ScoreSheet(models.Model):
    """The peer-review score sheet of one 事项类别 (the service standards of that kind of case)."""

    category = models.CharField("事项类别", max_length=20, choices=MatterCategory.choices, unique=True)
    name = models.CharField("名称", max_length=60)

    class Meta:
        ordering = ["pk"]
        verbose_name = "评估评分表"
        verbose_name_plural = "评估评分表"
        constraints = [
            models.CheckConstraint(condition=Q(category__in=MatterCategory.values), name="score_sheet_category_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class ScoreItem(models.Model):
    sheet = models.ForeignKey(ScoreSheet, verbose_name="评分表", on_delete=models.CASCADE, related_name="items")
    name = models.CharField("评分项目", max_length=40)
    max_points = models.PositiveSmallIntegerField("分值")
    guidance = models.CharField("评分要点", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["sheet", "sort_order", "pk"]
        verbose_name = "评分项目"
        verbose_name_plural = "评分项目"
        constraints = [
            models.CheckConstraint(
                condition=Q(max_points__gt=0, max_points__lte=SHEET_TOTAL), name="score_item_points"
            ),
            models.UniqueConstraint(fields=["sheet", "name"], name="score_item_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.max_points}分）"


# --- sampling and peer review ---------------------------------------------------------------------
class SampleDraw(models.Model):
    """One 抽取评估案件: the period, the ratio and the seed, so the same draw can be made again."""

    period_start = models.DateField("结案日期自")
    period_end = models.DateField("结案日期至")
    ratio = models.DecimalField("抽取比例", max_digits=4, decimal_places=3)
    seed = models.BigIntegerField("随机数种子")
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="抽取人", on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField("抽取时间", auto_now_add=True)

    class Meta:
        ordering = ["-drawn_at", "-pk"]
        verbose_name = "评估抽样"
        verbose_name_plural = "评估抽样"
        constraints = [
            models.CheckConstraint(condition=Q(ratio__gt=0, ratio__lte=1), name="sample_draw_ratio_range"),
            models.CheckConstraint(condition=Q(period_start__lte=models.F("period_end")), name="sample_draw_period"),
        ]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m-%d}至{self.period_end:%Y-%m-%d}抽样"


class SampleStatus(models.TextChoices):
    AWAITING_REVIEWER = "awaiting_reviewer", "待分配评估员"
    IN_REVIEW = "in_review", "评估中"
    AWAITING_RE_REVIEW = "awaiting_re_review", "待分配复评"
    SETTLED = "settled", "已评定"


class SampledCaseQuerySet(models.QuerySet["SampledCase"]):
    def visible_to(self, user) -> SampledCaseQuerySet:
        """A sampled case is visible exactly when its case is (`cases.models.case_scope`: the seal of a
        minor's record included), and to the peer reviewers it was given to — a sealed one only to a
        reviewer holding `cases.view_sealed_case`."""
        base = self.select_related(
            "case__office", "case__case_type", "case__handler__user", "case__handler__law_firm", "draw"
        )
        if not user.is_authenticated or not user.is_active:
            return base.none()
        scope = case_scope(user, through="case__")
        if user.has_role(Role.PEER_REVIEWER):
            # By id, so the join to the reviews cannot repeat a row.
            given = Q(pk__in=PeerReview.objects.filter(reviewer=user).values("sample_id"))
            scope |= given if user.has_perm("cases.view_sealed_case") else given & Q(case__is_sealed=False)
        return base.filter(scope)


class SampledCase(models.Model):
    """A closed case drawn for peer review, and its settled grade. A case is sampled at most once."""

    draw = models.ForeignKey(SampleDraw, verbose_name="抽样", on_delete=models.PROTECT, related_name="samples")
    case = models.OneToOneField(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="peer_review_sample")
    status = models.CharField(
        "状态", max_length=20, choices=SampleStatus.choices, default=SampleStatus.AWAITING_REVIEWER
    )
    final_total = models.PositiveSmallIntegerField("评定总分", null=True, blank=True)
    final_grade = models.CharField("评定等次", max_length=10, choices=Grade.choices, blank=True)
    settled_on = models.DateField("评定日期", null=True, blank=True)

    objects = SampledCaseQuerySet.as_manager()

    class Meta:
        ordering = ["case__office__sort_order", "case__pk"]
        verbose_name = "抽中评估案件"
        verbose_name_plural = "抽中评估案件"
        # The monthly report's peer reviews settled in the month (issue 14).
        indexes = [models.Index(fields=["settled_on"], name="sampled_case_settled_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SampleStatus.values), name="sampled_case_status_valid"),
            models.CheckConstraint(
                condition=Q(final_grade="") | Q(final_grade__in=Grade.values), name="sampled_case_grade_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=SampleStatus.SETTLED)
                | (~Q(final_grade="") & Q(final_total__isnull=False, settled_on__isnull=False)),
                name="sampled_case_settled_has_grade",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} 同行评估"


class PeerReviewQuerySet(models.QuerySet["PeerReview"]):
    def visible_to(self, user) -> PeerReviewQuerySet:
        """A peer reviewer sees the reviews given to them; city staff those of the sampled cases they
        may see (read-only). Both through `SampledCase.objects.visible_to`, so the seal holds here too."""
        base = self.select_related("sample__case__office", "sample__case__case_type", "reviewer", "sheet")
        if not user.is_authenticated or not user.is_active:
            return base.none()
        samples = SampledCase.objects.visible_to(user).values("pk")
        if user.is_superuser or user.has_role(Role.CITY_STAFF):
            return base.filter(sample__in=samples)
        return base.filter(reviewer=user, sample__in=samples)


class PeerReview(models.Model):
    """One reviewer's scoring of a sampled case. Round 1 is the first review; a 不合格 first review
    brings two round-2 reviews."""

    sample = models.ForeignKey(SampledCase, verbose_name="抽中案件", on_delete=models.PROTECT, related_name="reviews")
    sheet = models.ForeignKey(ScoreSheet, verbose_name="评分表", on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评估员", on_delete=models.PROTECT, related_name="peer_reviews"
    )
    round = models.PositiveSmallIntegerField("轮次", default=1)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="分配人", on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField("分配时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    total = models.PositiveSmallIntegerField("总分", null=True, blank=True)
    grade = models.CharField("等次", max_length=10, choices=Grade.choices, blank=True)
    summary = models.TextField("总体评价", blank=True)

    objects = PeerReviewQuerySet.as_manager()

    class Meta:
        ordering = ["sample", "round", "pk"]
        verbose_name = "同行评估"
        verbose_name_plural = "同行评估"
        constraints = [
            models.UniqueConstraint(fields=["sample", "reviewer"], name="peer_review_one_per_reviewer"),
            models.CheckConstraint(condition=Q(round__in=[1, 2]), name="peer_review_round_valid"),
            models.CheckConstraint(condition=Q(grade="") | Q(grade__in=Grade.values), name="peer_review_grade_valid"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True, total__isnull=True, grade="")
                | (Q(submitted_at__isnull=False, total__isnull=False) & ~Q(grade="")),
                name="peer_review_submitted_has_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sample.case.number} 评估（{self.reviewer.username}）"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class ItemScore(models.Model):
    review = models.ForeignKey(PeerReview, verbose_name="评估", on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(ScoreItem, verbose_name="评分项目", on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField("得分")
    comment = models.CharField("评语", max_length=500, blank=True)

    class Meta:
        ordering = ["item__sort_order", "item__pk"]
        verbose_name = "评分"
        verbose_name_plural = "评分"
        constraints = [models.UniqueConstraint(fields=["review", "item"], name="item_score_once")]

    def __str__(self) -> str:
        return f"{self.item.name} {self.points}"


# --- follow-up ------------------------------------------------------------------------------------
class FollowUpChannel(models.TextChoices):
    PHONE = "phone", "电话"
    VISIT = "visit", "上门"
    SMS = "sms", "短信"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


SATISFIED_LEVELS = (Satisfaction.SATISFIED, Satisfaction.BASICALLY)  # 满意率 = (满意 + 基本满意) / 回访数

# What each grade and each answer counts under in the monthly aggregate (`tallies`).
GRADE_FIGURES = {
    Grade.EXCELLENT: Figure.PEER_EXCELLENT,
    Grade.GOOD: Figure.PEER_GOOD,
    Grade.PASS: Figure.PEER_PASS,
    Grade.FAIL: Figure.PEER_FAIL,
}
SATISFACTION_FIGURES = {
    Satisfaction.SATISFIED: Figure.FOLLOW_UP_SATISFIED,
    Satisfaction.BASICALLY: Figure.FOLLOW_UP_BASICALLY,
    Satisfaction.DISSATISFIED: Figure.FOLLOW_UP_DISSATISFIED,
}


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def visible_to(self, user) -> FollowUpQuerySet:
        """Visible exactly when the case is (`cases.models.case_scope`, the seal included)."""
        base = self.select_related("case__office", "recorded_by")
        if not user.is_authenticated or not user.is_active:
            return base.none()
        return base.filter(case_scope(user, through="case__"))


class FollowUp(models.Model):
    """回访: the office asks the aided person about a closed case."""

    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="follow_ups")
    contacted_on = models.DateField("回访日期")
    channel = models.CharField("回访方式", max_length=10, choices=FollowUpChannel.choices)
    satisfaction = models.CharField("满意度", max_length=20, choices=Satisfaction.choices)
    note = models.TextField("回访记录", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["-contacted_on", "-pk"]
        verbose_name = "案件回访"
        verbose_name_plural = "案件回访"
        # The follow-up list's order and the monthly report's follow-ups of the month (issue 14).
        indexes = [models.Index(F("contacted_on").desc(), F("id").desc(), name="follow_up_contacted_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=FollowUpChannel.values), name="follow_up_channel_valid"),
            models.CheckConstraint(
                condition=Q(satisfaction__in=Satisfaction.values), name="follow_up_satisfaction_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} 回访 {self.contacted_on:%Y-%m-%d}"


# --- subsidy --------------------------------------------------------------------------------------
class SubsidyStage(models.Model):
    """A stage of a case type for which the 补贴办法 sets an amount (刑事: 侦查/审查起诉/审判 …).

    The stage of a case is not asked at closure (the closure form belongs to the cases app): it is the
    category's default stage (`is_default`), which covers most legal-aid matters (刑事 审判, 民事 一审 …);
    city staff may change a subsidy's stage before it is paid (see services.compute_subsidy)."""

    category = models.CharField("事项类别", max_length=20, choices=MatterCategory.choices)
    name = models.CharField("办案阶段", max_length=20)
    is_default = models.BooleanField("默认阶段", default=False)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = "补贴办案阶段"
        verbose_name_plural = "补贴办案阶段"
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=MatterCategory.values), name="subsidy_stage_category_valid"
            ),
            models.UniqueConstraint(fields=["category", "name"], name="subsidy_stage_unique"),
            models.UniqueConstraint(
                fields=["category"], condition=Q(is_default=True), name="subsidy_stage_one_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}·{self.name}"


class SubsidyRateQuerySet(models.QuerySet["SubsidyRate"]):
    def in_force(self, *, on: date) -> SubsidyRateQuerySet:
        return self.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on), effective_from__lte=on)


class SubsidyRate(models.Model):
    """The amount (yuan) for one stage between two dates (《广东省法律援助补贴办法》, confirm the figures)."""

    stage = models.ForeignKey(SubsidyStage, verbose_name="办案阶段", on_delete=models.PROTECT, related_name="rates")
    amount = models.DecimalField("补贴标准（元）", **MONEY)
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True, help_text="留空表示现行有效。")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SubsidyRateQuerySet.as_manager()

    class Meta:
        ordering = ["stage__sort_order", "stage__pk", "effective_from"]
        verbose_name = "补贴标准"
        verbose_name_plural = "补贴标准"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="subsidy_rate_amount_positive"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="subsidy_rate_period",
            ),
            models.UniqueConstraint(fields=["stage", "effective_from"], name="subsidy_rate_one_per_start"),
        ]

    def __str__(self) -> str:
        return f"{self.stage} {self.amount}元（{self.effective_from:%Y-%m-%d}起）"


class QualityCoefficient(models.Model):
    """The multiplier of the subsidy for a case's settled peer-review grade."""

    grade = models.CharField("评估等次", max_length=10, choices=Grade.choices, unique=True)
    coefficient = models.DecimalField("质量系数", max_digits=4, decimal_places=2)

    class Meta:
        ordering = ["pk"]
        verbose_name = "质量系数"
        verbose_name_plural = "质量系数"
        constraints = [
            models.CheckConstraint(condition=Q(grade__in=Grade.values), name="quality_coefficient_grade_valid"),
            models.CheckConstraint(condition=Q(coefficient__gte=0), name="quality_coefficient_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} ×{self.coefficient}"


class SubsidyStatus(models.TextChoices):
    PENDING = "pending", "待发放"
    PAID = "paid", "已发放"


class SubsidyQuerySet(models.QuerySet["Subsidy"]):
    def visible_to(self, user) -> SubsidyQuerySet:
        """Visible exactly when the case is (`cases.models.case_scope`, the seal included)."""
        base = self.select_related("case__office", "case__case_type", "handler__user", "stage", "paid_by")
        if not user.is_authenticated or not user.is_active:
            return base.none()
        return base.filter(case_scope(user, through="case__"))


class Subsidy(models.Model):
    """The handler's subsidy for one case, stored with every input of its computation."""

    case = models.OneToOneField(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="subsidy")
    handler = models.ForeignKey("cases.Handler", verbose_name="承办人", on_delete=models.PROTECT, related_name="+")
    stage = models.ForeignKey(SubsidyStage, verbose_name="办案阶段", on_delete=models.PROTECT, related_name="+")
    rate = models.ForeignKey(SubsidyRate, verbose_name="适用标准", on_delete=models.PROTECT, related_name="+")
    base_amount = models.DecimalField("补贴基数（元）", **MONEY)
    grade = models.CharField(
        "评估等次", max_length=10, choices=Grade.choices, blank=True, help_text="未评估的案件为空，系数为1。"
    )
    coefficient = models.DecimalField("质量系数", max_digits=4, decimal_places=2)
    amount = models.DecimalField("补贴金额（元）", **MONEY)
    computed_at = models.DateTimeField("核算时间")
    status = models.CharField("状态", max_length=10, choices=SubsidyStatus.choices, default=SubsidyStatus.PENDING)
    paid_on = models.DateField("发放日期", null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发放人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SubsidyQuerySet.as_manager()

    class Meta:
        ordering = ["-case__closed_on", "-pk"]
        verbose_name = "办案补贴"
        verbose_name_plural = "办案补贴"
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SubsidyStatus.values), name="subsidy_status_valid"),
            models.CheckConstraint(condition=Q(grade="") | Q(grade__in=Grade.values), name="subsidy_grade_valid"),
            models.CheckConstraint(condition=Q(amount__gte=0, base_amount__gte=0), name="subsidy_amount_positive"),
            models.CheckConstraint(
                condition=Q(status=SubsidyStatus.PENDING, paid_on__isnull=True, paid_by__isnull=True)
                | Q(status=SubsidyStatus.PAID, paid_on__isnull=False, paid_by__isnull=False),
                name="subsidy_paid_has_date_and_payer",
            ),
        ]
        indexes = [models.Index(fields=["status", "paid_on"], name="subsidy_status_paid_idx")]

    def __str__(self) -> str:
        return f"{self.case.number} 补贴 {self.amount}元"


# --- publicity ------------------------------------------------------------------------------------
class PublicityForm(models.TextChoices):
    LECTURE = "lecture", "讲座"
    STALL = "stall", "摆摊"
    MEDIA = "media", "媒体"
    ONLINE = "online", "网络"
    CASE_STUDY = "case_study", "以案说法"
    OTHER = "other", "其他"


class PublicityActivityQuerySet(models.QuerySet["PublicityActivity"]):
    def visible_to(self, user) -> PublicityActivityQuerySet:
        base = self.select_related("office", "recorded_by")
        if not user.is_authenticated or not user.is_active:
            return base.none()
        if not user.reads_records:
            return base.none()
        return base.filter(Office.objects.condition(user))


class PublicityActivity(models.Model):
    office = models.ForeignKey(
        Office, verbose_name="机构", on_delete=models.PROTECT, related_name="publicity_activities"
    )
    held_on = models.DateField("活动日期")
    place = models.CharField("活动地点", max_length=100)
    form = models.CharField("宣传形式", max_length=20, choices=PublicityForm.choices)
    target_groups = models.ManyToManyField(SpecialGroup, verbose_name="宣传对象", blank=True, related_name="+")
    people_reached = models.PositiveIntegerField("受众人数")
    materials_handed_out = models.PositiveIntegerField("发放资料（份）", default=0)
    note = models.TextField("活动情况", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = PublicityActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = "普法宣传活动"
        verbose_name_plural = "普法宣传活动"
        constraints = [
            models.CheckConstraint(condition=Q(form__in=PublicityForm.values), name="publicity_form_valid"),
        ]
        indexes = [models.Index(fields=["office", "held_on"], name="publicity_office_held_idx")]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.place} {self.get_form_display()}"


def publicity_photo_upload_to(instance: PublicityPhoto, filename: str) -> str:
    # The caller passes a random stored name (core.uploads.stored_upload_name).
    return filename


class PublicityPhoto(models.Model):
    activity = models.ForeignKey(
        PublicityActivity, verbose_name="活动", on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField("照片", upload_to=publicity_photo_upload_to, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=40)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = "活动照片"
        verbose_name_plural = "活动照片"

    def __str__(self) -> str:
        return self.original_name
