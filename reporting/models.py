"""The monthly 民生实事 sheet (SPEC §7): annual targets and each county office's monthly submission.

Figures are never stored here: they are computed from the records by `reporting.selectors`, and
for a past month they come out the same whenever they are asked for (counted as of month end).
Only what people write or decide is stored: the targets, the three free-text fields, who submitted
when, and the city's returns for correction.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.models import Office

DEFAULT_CITY_TARGET = 3000  # 2022 plan: 全市全年办理法律援助事项总数不少于3000件

# How the 3000 are split when city staff have not yet set a year's targets. Roughly by population
# (2020 census: 罗定 ~97万, 新兴 ~44万, 郁南 ~39万, 云城 ~32万, 云安 ~27万) with a share for the city
# office, which handles the matters before the city's own courts and authorities. These are only the
# starting point: city staff edit them on the targets page (年度目标) for every year.
DEFAULT_OFFICE_SHARES: dict[str, int] = {
    "445300": 300,
    "445302": 450,
    "445303": 300,
    "445381": 1000,
    "445321": 500,
    "445322": 450,
}


class AnnualTarget(models.Model):
    """The city's target of legal-aid matters for one year."""

    year = models.PositiveSmallIntegerField(
        "年度", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    city_target = models.PositiveIntegerField("全市年度目标（件）", default=DEFAULT_CITY_TARGET)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更新人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = "年度目标"
        verbose_name_plural = "年度目标"

    def __str__(self) -> str:
        return f"{self.year}年全市目标 {self.city_target} 件"


class OfficeTarget(models.Model):
    annual = models.ForeignKey(AnnualTarget, verbose_name="年度目标", on_delete=models.CASCADE, related_name="offices")
    office = models.ForeignKey(Office, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    target = models.PositiveIntegerField("年度目标（件）")

    class Meta:
        ordering = ["office__sort_order"]
        verbose_name = "机构年度目标"
        verbose_name_plural = "机构年度目标"
        constraints = [models.UniqueConstraint(fields=["annual", "office"], name="office_target_unique")]

    def __str__(self) -> str:
        return f"{self.annual.year}年 {self.office.name} {self.target} 件"


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "已退回修改"


class MonthlySubmission(models.Model):
    """One county office's sheet for one month. Submitted → read-only; the city may return it for
    correction (with a reason), after which the office edits and submits it again."""

    office = models.ForeignKey(Office, verbose_name="报送机构", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份", validators=[MinValueValidator(1), MaxValueValidator(12)])
    status = models.CharField("状态", max_length=10, choices=SubmissionStatus.choices)
    progress = models.TextField("推进情况")
    funding = models.TextField("相关资金落实（使用）情况")
    problems = models.TextField("影响项目推进的存在问题")
    submitted_at = models.DateTimeField("报送时间")
    # Set on the first submission and never again: whether a sheet was on time is judged from it, so
    # a sheet sent in time, returned for correction and sent again after the 2nd is not late.
    first_submitted_at = models.DateTimeField("首次报送时间", editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    return_reason = models.TextField("退回理由", blank=True)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="退回人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["year", "month", "office__sort_order"]
        verbose_name = "月报"
        verbose_name_plural = "月报"
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "month"], name="monthly_submission_unique"),
            models.CheckConstraint(
                condition=Q(status__in=SubmissionStatus.values), name="monthly_submission_status_valid"
            ),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="monthly_submission_month_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.office.name} {self.year}年{self.month}月月报"

    @property
    def period_start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def is_submitted(self) -> bool:
        return self.status == SubmissionStatus.SUBMITTED


# --- what counts toward the target (SPEC §7) ------------------------------------------------------
class AidForm(models.Model):
    """A form of legal aid the monthly sheet reports (法律援助法 第二十二条). Whether it counts toward the
    民生实事 target is a `CountingRule` in force for the month: reference data city staff edit."""

    code = models.CharField("代码", max_length=30, unique=True)
    name = models.CharField("形式", max_length=40)
    unit = models.CharField("计量单位", max_length=4, help_text="件 或 人次。")
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = "法律援助形式"
        verbose_name_plural = "法律援助形式"

    def __str__(self) -> str:
        return self.name


class CountingRule(models.Model):
    """From the month of `effective_from` on, whether `form` counts as 民生实事 matters (计入民生实事事项).

    A month reads the latest rule that had started by its first day. A change applies from the current
    month, so past months' figures do not move; city staff may start it in a past month instead — a
    recomputation, which needs a reason and is audited."""

    form = models.ForeignKey(AidForm, verbose_name="法律援助形式", on_delete=models.PROTECT, related_name="rules")
    counts = models.BooleanField("计入民生实事事项")
    effective_from = models.DateField("适用起始月份", help_text="该月1日。")
    reason = models.CharField("调整理由", max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="设置人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    set_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        ordering = ["form__sort_order", "-effective_from"]
        verbose_name = "计入规则"
        verbose_name_plural = "计入规则"
        constraints = [
            models.UniqueConstraint(fields=["form", "effective_from"], name="counting_rule_one_per_month"),
            models.CheckConstraint(condition=Q(effective_from__day=1), name="counting_rule_starts_on_a_first"),
        ]

    def __str__(self) -> str:
        return f"{self.form.name}：{'计入' if self.counts else '不计入'}（{self.effective_from:%Y年%-m月}起）"
