"""值班律师 (法律援助法 第三十条; SPEC §3.3): the offices' workstations at 看守所, 人民法院 and 人民检察院,
the duty roster, the 法律帮助 each duty lawyer gives (one record per person helped — a service record,
not a case), the duty subsidy rates and the subsidies computed when a roster day is closed.

Every write goes through `duty.services`; reads that pages and the monthly report share live in
`duty.selectors`. Reference data (workstation kinds and stations, the forms of help, the rates) are
rows seeded by data migrations and edited in the admin or by city staff.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import RECORD_READERS, Office, Role
from cases.models import Handler
from quality.models import MONEY, SubsidyStatus


def _office_scope(user, path: str = "office") -> Q | None:
    """The records of the offices `user` reads as office or city staff (None: no such role). A duty
    lawyer's own records are added by each scope."""
    if user.is_superuser or user.has_role(*RECORD_READERS):
        return Office.objects.condition(user, path)
    return None


# --- workstations ---------------------------------------------------------------------------------
class WorkstationKind(models.Model):
    """看守所 / 人民法院 / 人民检察院: where 值班律师 sit (第三十条)."""

    name = models.CharField("类别", max_length=20, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = "值班工作站类别"
        verbose_name_plural = "值班工作站类别"

    def __str__(self) -> str:
        return self.name


class WorkstationQuerySet(models.QuerySet["Workstation"]):
    def visible_to(self, user) -> WorkstationQuerySet:
        """The stations of the offices `user` may see; a handler sees their own office's."""
        base = self.select_related("office", "kind")
        if not user.is_authenticated or not user.is_active:
            return base.none()
        scope = _office_scope(user)
        if user.has_role(Role.HANDLER) and user.office_id is not None:
            own = Q(office_id=user.office_id)
            scope = own if scope is None else scope | own
        return base.filter(scope) if scope is not None else base.none()


class Workstation(models.Model):
    office = models.ForeignKey(Office, verbose_name="法律援助机构", on_delete=models.PROTECT, related_name="+")
    kind = models.ForeignKey(WorkstationKind, verbose_name="类别", on_delete=models.PROTECT, related_name="stations")
    name = models.CharField("工作站", max_length=60, unique=True, help_text="如“罗定市看守所”“罗定市人民法院”。")
    is_active = models.BooleanField("启用", default=True)

    objects = WorkstationQuerySet.as_manager()

    class Meta:
        ordering = ["office__sort_order", "kind__sort_order", "name"]
        verbose_name = "值班律师工作站"
        verbose_name_plural = "值班律师工作站"

    def __str__(self) -> str:
        return self.name


# --- the roster -----------------------------------------------------------------------------------
class HalfDay(models.TextChoices):
    MORNING = "morning", "上午"
    AFTERNOON = "afternoon", "下午"
    FULL_DAY = "full_day", "全天"


# How many half-days each shift is worth (the duty subsidy is paid per half-day), and which halves it
# covers (a lawyer cannot sit at two stations in the same half-day).
HALF_DAYS = {HalfDay.MORNING: 1, HalfDay.AFTERNOON: 1, HalfDay.FULL_DAY: 2}
HALVES = {
    HalfDay.MORNING: {HalfDay.MORNING},
    HalfDay.AFTERNOON: {HalfDay.AFTERNOON},
    HalfDay.FULL_DAY: {HalfDay.MORNING, HalfDay.AFTERNOON},
}


class DutyDayStatus(models.TextChoices):
    OPEN = "open", "值班中"
    CLOSED = "closed", "已关闭"


class DutyDayQuerySet(models.QuerySet["DutyDay"]):
    def visible_to(self, user) -> DutyDayQuerySet:
        """Office staff their office's days, city staff every office's; a duty lawyer the days they
        are on the roster."""
        base = self.select_related("office", "closed_by")
        if not user.is_authenticated or not user.is_active:
            return base.none()
        scope = _office_scope(user)
        if user.has_role(Role.HANDLER):
            own = Q(pk__in=DutyShift.objects.filter(lawyer__user=user).values("day_id"))
            scope = own if scope is None else scope | own
        return base.filter(scope) if scope is not None else base.none()


class DutyDay(models.Model):
    """One office's roster for one date. The office reviewer closes it; closing computes the duty
    lawyers' subsidies, after which the day's roster and records are final."""

    office = models.ForeignKey(Office, verbose_name="法律援助机构", on_delete=models.PROTECT, related_name="+")
    date = models.DateField("值班日期")
    status = models.CharField("状态", max_length=10, choices=DutyDayStatus.choices, default=DutyDayStatus.OPEN)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="关闭人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)

    objects = DutyDayQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "office__sort_order"]
        verbose_name = "值班日"
        verbose_name_plural = "值班日"
        constraints = [
            models.UniqueConstraint(fields=["office", "date"], name="duty_day_one_per_office_date"),
            models.CheckConstraint(condition=Q(status__in=DutyDayStatus.values), name="duty_day_status_valid"),
            models.CheckConstraint(
                condition=Q(status=DutyDayStatus.OPEN) | Q(closed_by__isnull=False, closed_at__isnull=False),
                name="duty_day_closed_has_closer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office.short_name} {self.date:%Y-%m-%d} 值班"

    @property
    def is_open(self) -> bool:
        return self.status == DutyDayStatus.OPEN


class DutyShiftQuerySet(models.QuerySet["DutyShift"]):
    def visible_to(self, user) -> DutyShiftQuerySet:
        """Office staff their office's roster, city staff every office's, a duty lawyer their own."""
        base = self.select_related("day", "workstation", "lawyer__user", "lawyer__law_firm")
        if not user.is_authenticated or not user.is_active:
            return base.none()
        scope = _office_scope(user, "day__office")
        if user.has_role(Role.HANDLER):
            own = Q(lawyer__user=user)
            scope = own if scope is None else scope | own
        return base.filter(scope) if scope is not None else base.none()


class DutyShift(models.Model):
    """A lawyer on duty at a workstation on a roster day (上午 / 下午 / 全天)."""

    day = models.ForeignKey(DutyDay, verbose_name="值班日", on_delete=models.PROTECT, related_name="shifts")
    workstation = models.ForeignKey(Workstation, verbose_name="工作站", on_delete=models.PROTECT, related_name="+")
    lawyer = models.ForeignKey(Handler, verbose_name="值班律师", on_delete=models.PROTECT, related_name="duty_shifts")
    half_day = models.CharField("时段", max_length=10, choices=HalfDay.choices, default=HalfDay.FULL_DAY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="排班人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("排班时间", auto_now_add=True)

    objects = DutyShiftQuerySet.as_manager()

    class Meta:
        ordering = ["-day__date", "workstation__name", "pk"]
        verbose_name = "值班排班"
        verbose_name_plural = "值班排班"
        constraints = [
            models.UniqueConstraint(fields=["day", "workstation", "lawyer"], name="duty_shift_once_per_station"),
            models.CheckConstraint(condition=Q(half_day__in=HalfDay.values), name="duty_shift_half_day_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.day.date:%Y-%m-%d} {self.workstation} {self.lawyer.user.display_name}（{self.get_half_day_display()}）"

    @property
    def half_days(self) -> int:
        return HALF_DAYS[HalfDay(self.half_day)]


# --- 法律帮助 ---------------------------------------------------------------------------------------
class HelpKind(models.Model):
    """What a duty lawyer gives (第三十条; 刑事诉讼法 第一百七十四条 for the 具结 presence)."""

    name = models.CharField("帮助内容", max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = "法律帮助内容"
        verbose_name_plural = "法律帮助内容"

    def __str__(self) -> str:
        return self.name


class Stage(models.TextChoices):
    INVESTIGATION = "investigation", "侦查"
    PROSECUTION = "prosecution", "审查起诉"
    TRIAL = "trial", "审判"


class HelpRecordQuerySet(models.QuerySet["HelpRecord"]):
    def visible_to(self, user) -> HelpRecordQuerySet:
        """Office staff their office's records (the office of the workstation), city staff every
        office's (read-only), a duty lawyer only their own."""
        base = self.select_related("office", "shift__workstation", "shift__lawyer__user")
        if not user.is_authenticated or not user.is_active:
            return base.none()
        scope = _office_scope(user)
        if user.has_role(Role.HANDLER):
            own = Q(shift__lawyer__user=user)
            scope = own if scope is None else scope | own
        return base.filter(scope) if scope is not None else base.none()


class HelpRecord(models.Model):
    """One person given 法律帮助 by a duty lawyer on a shift. Counted per person (SPEC §7)."""

    shift = models.ForeignKey(DutyShift, verbose_name="值班排班", on_delete=models.PROTECT, related_name="records")
    # The shift's office and date, kept on the record so that counting by office and day is one
    # indexed aggregate (set by the service from the shift, never typed).
    office = models.ForeignKey(Office, verbose_name="法律援助机构", on_delete=models.PROTECT, related_name="+")
    helped_on = models.DateField("日期")
    person_name = models.CharField("姓名", max_length=40)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    stage = models.CharField("诉讼阶段", max_length=20, choices=Stage.choices)
    kinds = models.ManyToManyField(HelpKind, verbose_name="帮助内容", related_name="+")
    note = models.CharField("备注", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = HelpRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-helped_on", "-pk"]
        verbose_name = "法律帮助记录"
        verbose_name_plural = "法律帮助记录"
        constraints = [
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="help_record_stage_valid"),
        ]
        indexes = [models.Index(fields=["office", "helped_on"], name="help_record_office_day_idx")]

    def __str__(self) -> str:
        return f"{self.helped_on:%Y-%m-%d} {self.person_name}"

    @property
    def masked_id_number(self) -> str:
        return f"{self.id_number[:6]}{'*' * 8}{self.id_number[-4:]}" if self.id_number else ""


# --- subsidies ------------------------------------------------------------------------------------
class RateUnit(models.TextChoices):
    HALF_DAY = "half_day", "每半天"
    PERSON = "person", "每人次"


class DutyRateQuerySet(models.QuerySet["DutyRate"]):
    def in_force(self, *, on: date) -> DutyRateQuerySet:
        return self.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on), effective_from__lte=on)


class DutyRate(models.Model):
    """The duty subsidy per half-day on duty or per person helped, between two dates (补贴办法 —
    figures to confirm with the city bureau). Both units may be in force at once; a day's subsidy
    adds them up."""

    unit = models.CharField("计发单位", max_length=10, choices=RateUnit.choices)
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

    objects = DutyRateQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "effective_from"]
        verbose_name = "值班补贴标准"
        verbose_name_plural = "值班补贴标准"
        constraints = [
            models.CheckConstraint(condition=Q(unit__in=RateUnit.values), name="duty_rate_unit_valid"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="duty_rate_amount_positive"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="duty_rate_period",
            ),
            models.UniqueConstraint(fields=["unit", "effective_from"], name="duty_rate_one_per_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_unit_display()} {self.amount}元（{self.effective_from:%Y-%m-%d}起）"


class DutySubsidyQuerySet(models.QuerySet["DutySubsidy"]):
    def visible_to(self, user) -> DutySubsidyQuerySet:
        """Office staff their office's, city staff every office's, a duty lawyer their own."""
        base = self.select_related(
            "office", "shift__workstation", "lawyer__user", "half_day_rate", "person_rate", "paid_by"
        )
        if not user.is_authenticated or not user.is_active:
            return base.none()
        scope = _office_scope(user)
        if user.has_role(Role.HANDLER):
            own = Q(lawyer__user=user)
            scope = own if scope is None else scope | own
        return base.filter(scope) if scope is not None else base.none()


class DutySubsidy(models.Model):
    """A duty lawyer's subsidy for one shift, stored with every input of its computation."""

    shift = models.OneToOneField(DutyShift, verbose_name="值班排班", on_delete=models.PROTECT, related_name="subsidy")
    office = models.ForeignKey(Office, verbose_name="法律援助机构", on_delete=models.PROTECT, related_name="+")
    lawyer = models.ForeignKey(Handler, verbose_name="值班律师", on_delete=models.PROTECT, related_name="+")
    duty_date = models.DateField("值班日期")
    half_days = models.PositiveSmallIntegerField("值班半天数")
    persons = models.PositiveIntegerField("法律帮助人数")
    half_day_rate = models.ForeignKey(
        DutyRate, verbose_name="适用标准（每半天）", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person_rate = models.ForeignKey(
        DutyRate, verbose_name="适用标准（每人次）", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
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

    objects = DutySubsidyQuerySet.as_manager()

    class Meta:
        ordering = ["-duty_date", "-pk"]
        verbose_name = "值班补贴"
        verbose_name_plural = "值班补贴"
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SubsidyStatus.values), name="duty_subsidy_status_valid"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="duty_subsidy_amount_positive"),
            models.CheckConstraint(
                condition=Q(status=SubsidyStatus.PENDING, paid_on__isnull=True, paid_by__isnull=True)
                | Q(status=SubsidyStatus.PAID, paid_on__isnull=False, paid_by__isnull=False),
                name="duty_subsidy_paid_has_date_and_payer",
            ),
        ]
        indexes = [models.Index(fields=["status", "paid_on"], name="duty_subsidy_status_paid_idx")]

    def __str__(self) -> str:
        return f"{self.duty_date:%Y-%m-%d} {self.lawyer.user.display_name} 值班补贴 {self.amount}元"
