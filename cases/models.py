"""Legal-aid cases (SPEC §4): from 准予 until the file is archived or aid is terminated.

Every state change lives in `cases.services`; this module holds the data, the reference lists, the
scoping query (`Case.objects.visible_to`) and the derived deadlines that pages and the dashboard read.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

from accounts.models import Office, Role
from applications.identity import IdNumber
from applications.models import Application, BaseObjection, KnownAuthority, Location, MatterCategory, ObjectionOutcome
from deadlines.calendar import WorkingCalendar

ASSIGNMENT_DAYS = 3  # 法律援助法 第四十三条: 指派 within 3 days of the decision
AGREEMENT_DAYS = 5  # 办理法律援助案件程序规定: 委托协议 within 5 days of assignment (confirm)
CLOSURE_MATERIALS_DAYS = 30  # 程序规定: closure materials within 30 days of the matter's end (confirm)
CLOSURE_REVIEW_DAYS = 30  # 程序规定: the office reviews them within 30 days of receipt (confirm)
SENIOR_LAWYER_YEARS = 3  # 法律援助法 第二十六条: life imprisonment or death needs ≥ 3 years of practice
ADULT_AGE = 18  # 刑事诉讼法 第二百八十六条: records of offenders under 18 are sealed
LICENSE_NUMBER_LENGTH = 17  # 律师执业证号: 17 digits


class CaseType(models.Model):
    """The type character of a case number (刑/民/行/劳/赔, 强制医疗 its own), editable reference data.

    `code` is the 事项类别 for the types an application opens, or its own code (强制医疗, which a
    court's notice opens under 第二十八条); `category` is the 事项类别 the case belongs to (score sheets,
    subsidy stages, the seal of a minor's criminal record)."""

    code = models.CharField("代码", max_length=20, unique=True)
    category = models.CharField("事项类别", max_length=20, choices=MatterCategory.choices)
    name = models.CharField("名称", max_length=20, blank=True, help_text="如“强制医疗”；空则为事项类别名称。")
    char = models.CharField("案号类型字", max_length=4, unique=True, help_text="用于案件编号，如“民”“刑”。")
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = "案件类型"
        verbose_name_plural = "案件类型"
        constraints = [
            models.CheckConstraint(condition=Q(category__in=MatterCategory.values), name="case_type_category_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.get_category_display()}（{self.char}）"


CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """1–99 as the statute writes item numbers: 六, 十, 十二, 二十一."""
    if not 0 < number < 100:
        return str(number)
    tens, units = divmod(number, 10)
    return (
        (CHINESE_DIGITS[tens] if tens > 1 else "") + ("十" if tens else "") + (CHINESE_DIGITS[units] if units else "")
    )


class TerminationGround(models.Model):
    """A ground for ending legal aid: an item of 法律援助法 第四十八条第一款, seeded by a data migration."""

    item = models.PositiveSmallIntegerField("项", unique=True)
    name = models.CharField("情形", max_length=100, unique=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["item"]
        verbose_name = "终止法律援助情形"
        verbose_name_plural = "终止法律援助情形"

    def __str__(self) -> str:
        return f"{self.citation}：{self.name}"

    @property
    def citation(self) -> str:
        """「第四十八条第一款第六项」: how the letter, the text message and the page cite the ground
        (the statute's items are counted in Chinese numerals)."""
        return f"第四十八条第一款第{chinese_numeral(self.item)}项"

    @property
    def basis(self) -> str:
        """「法律援助法第四十八条第一款第六项：自行委托律师或者其他代理人」."""
        return f"法律援助法{self.citation}：{self.name}"


class LawFirmQuerySet(models.QuerySet["LawFirm"]):
    def visible_to(self, user) -> LawFirmQuerySet:
        """The firms of the offices `user` may see (their county's; every county's for city staff)."""
        base = self.select_related("office")
        if not user.is_authenticated:
            return base.none()
        return base.filter(Office.objects.condition(user))


class LawFirm(models.Model):
    name = models.CharField("名称", max_length=80, unique=True)
    office = models.ForeignKey(
        Office, verbose_name="所在县（市、区）", on_delete=models.PROTECT, related_name="law_firms"
    )
    phone = models.CharField("电话", max_length=40, blank=True)

    objects = LawFirmQuerySet.as_manager()

    class Meta:
        ordering = ["office__sort_order", "name"]
        verbose_name = "律师事务所"
        verbose_name_plural = "律师事务所"

    def __str__(self) -> str:
        return self.name


class HandlerKind(models.TextChoices):
    LAWYER = "lawyer", "律师"
    STAFF = "staff", "法律援助机构工作人员"


class HandlerQuerySet(models.QuerySet["Handler"]):
    def visible_to(self, user) -> HandlerQuerySet:
        base = self.select_related("user", "law_firm", "office")
        if not user.is_authenticated:
            return base.none()
        return base.filter(Office.objects.condition(user))

    def assignable_for(self, case: Case) -> HandlerQuerySet:
        """Active handlers of the case's office (a handler may sign in: a user with the handler role)."""
        return self.select_related("user", "law_firm").filter(office_id=case.office_id, is_active=True)


class Handler(models.Model):
    """承办人: a lawyer of a law firm, or a legal-aid office's own staff (SPEC §4)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="登录账户", on_delete=models.PROTECT, related_name="handler_profile"
    )
    kind = models.CharField("类别", max_length=10, choices=HandlerKind.choices, default=HandlerKind.LAWYER)
    license_number = models.CharField(
        "执业证号",
        max_length=LICENSE_NUMBER_LENGTH,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{17}$", "执业证号应为17位数字。")],
    )
    licensed_since = models.DateField("首次执业日期", null=True, blank=True, help_text="用于计算执业年限。")
    law_firm = models.ForeignKey(
        LawFirm, verbose_name="律师事务所", on_delete=models.PROTECT, null=True, blank=True, related_name="handlers"
    )
    office = models.ForeignKey(Office, verbose_name="所属法律援助机构", on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField("可接受指派", default=True)
    familiar_with_minors = models.BooleanField(
        "熟悉未成年人身心特点",
        default=False,
        help_text="未成年人案件指派时优先考虑（法律援助法第二十六条、未成年人保护法）。",
    )

    objects = HandlerQuerySet.as_manager()

    class Meta:
        ordering = ["office__sort_order", "user__username"]
        verbose_name = "承办人"
        verbose_name_plural = "承办人"
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=HandlerKind.values), name="handler_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind=HandlerKind.STAFF)
                | (~Q(license_number="") & Q(licensed_since__isnull=False) & Q(law_firm__isnull=False)),
                name="handler_lawyer_has_licence_and_firm",
            ),
            models.UniqueConstraint(
                fields=["license_number"],
                condition=~Q(license_number=""),
                name="handler_license_number_unique",
                violation_error_message="该执业证号已登记为其他承办人。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.display_name}（{self.law_firm.name if self.law_firm else self.get_kind_display()}）"

    @property
    def is_lawyer(self) -> bool:
        return self.kind == HandlerKind.LAWYER

    @property
    def contact_phone(self) -> str:
        """Where a client reaches the handler: a lawyer at the firm's phone, office staff (or a lawyer
        whose firm left no phone) at the office's."""
        if self.law_firm is not None and self.law_firm.phone:
            return self.law_firm.phone
        return self.office.phone

    def years_of_practice(self, *, on: date) -> int:
        """Full years since the first licence (0 for office staff)."""
        if self.licensed_since is None:
            return 0
        since = self.licensed_since
        return on.year - since.year - ((on.month, on.day) < (since.month, since.day))


# --- notices: 通知辩护 / 通知代理 (法律援助法 第二十五、二十八、三十六条) -----------------------------------
class NoticeStage(models.TextChoices):
    INVESTIGATION = "investigation", "侦查"
    PROSECUTION = "prosecution", "审查起诉"
    TRIAL = "trial", "审判"
    DEATH_REVIEW = "death_review", "死刑复核"
    COMPULSORY_MEDICAL = "compulsory_medical", "强制医疗"


class NoticeGround(models.Model):
    """Why the organ must (or may) notify the office, worded as the statute: 第二十五条第一款 items 1–7,
    第二十五条第二款 (the court's discretion), 第二十八条 (强制医疗). Reference data."""

    article = models.CharField("条款", max_length=40, unique=True, help_text="如“第二十五条第一款第一项”。")
    name = models.CharField("情形", max_length=200)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    needs_senior_lawyer = models.BooleanField(
        "须指派三年以上执业经历的律师", default=False, help_text="法律援助法第二十六条：无期徒刑、死刑及死刑复核。"
    )
    concerns_minor = models.BooleanField("受援人为未成年人", default=False)
    compulsory_medical = models.BooleanField("强制医疗（第二十八条）", default=False)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = "通知辩护（代理）情形"
        verbose_name_plural = "通知辩护（代理）情形"

    def __str__(self) -> str:
        return f"{self.article}：{self.name}"


def notice_upload_to(instance: Notice, filename: str) -> str:
    # The caller passes a random stored name (core.uploads.stored_upload_name).
    return filename


class Notice(models.Model):
    """A 通知 from 公安机关, 人民检察院 or 人民法院 that a suspect, defendant or person subject to
    强制医疗 must have a lawyer. No economic check, no 7-day review: the case opens on receipt
    (`Case.notice`), and the office assigns a lawyer within 3 days (第三十六条)."""

    organ = models.ForeignKey(
        KnownAuthority,
        verbose_name="通知机关",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="本市公安机关、人民检察院、人民法院；市外机关在下方填写名称。",
    )
    organ_name = models.CharField("通知机关名称", max_length=100)
    organ_location = models.CharField("通知机关所在地", max_length=10, choices=Location.choices)
    notice_number = models.CharField("通知书编号", max_length=60)
    notice_date = models.DateField("通知书日期")
    received_on = models.DateField("收到通知日期")
    person_name = models.CharField("受援人姓名", max_length=40)
    person_id_number = models.CharField("受援人身份证号", max_length=18, blank=True)
    person_birth_date = models.DateField("受援人出生日期", null=True, blank=True)
    offence_date = models.DateField(
        "涉嫌犯罪时间",
        null=True,
        blank=True,
        help_text="用于判断是否封存未成年人犯罪记录（刑事诉讼法第二百八十六条）。",
    )
    charge = models.CharField("涉嫌罪名", max_length=100)
    stage = models.CharField("诉讼阶段", max_length=20, choices=NoticeStage.choices)
    ground = models.ForeignKey(NoticeGround, verbose_name="通知情形", on_delete=models.PROTECT, related_name="+")
    receiving_office = models.ForeignKey(Office, verbose_name="登记机构", on_delete=models.PROTECT, related_name="+")
    routing_basis = models.CharField("确定承办机构的依据", max_length=200)
    file = models.FileField("通知书扫描件", upload_to=notice_upload_to, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=40)
    size = models.PositiveIntegerField("大小（字节）")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = "通知辩护（代理）"
        verbose_name_plural = "通知辩护（代理）"
        constraints = [
            models.UniqueConstraint(fields=["organ_name", "notice_number"], name="notice_unique_per_organ"),
            models.CheckConstraint(condition=Q(stage__in=NoticeStage.values), name="notice_stage_valid"),
            models.CheckConstraint(condition=Q(notice_date__lte=models.F("received_on")), name="notice_received_after"),
        ]

    def __str__(self) -> str:
        return f"{self.organ_name}（{self.notice_number}）"

    @property
    def masked_id_number(self) -> str:
        return IdNumber(self.person_id_number).masked() if self.person_id_number else "—"


class CaseState(models.TextChoices):
    AWAITING_ASSIGNMENT = "awaiting_assignment", "待指派"
    IN_PROGRESS = "in_progress", "承办中"
    CLOSURE_REVIEW = "closure_review", "待结案审查"
    CLOSED = "closed", "已结案"
    ARCHIVED = "archived", "已归档"
    TERMINATED = "terminated", "已终止"


# The states 终止 may start from, and so the states 责令改正 may put the case back into.
TERMINABLE_STATES = [CaseState.AWAITING_ASSIGNMENT, CaseState.IN_PROGRESS, CaseState.CLOSURE_REVIEW]
STATES_WITH_HANDLER = [CaseState.IN_PROGRESS, CaseState.CLOSURE_REVIEW, CaseState.CLOSED, CaseState.ARCHIVED]


@dataclass(frozen=True)
class Clock:
    """A case clock (SPEC §4): runs while the case is in `state`, from the date in `starts_on` until
    `stopped_by` is set. Its due date is stored in `due_on` while it runs and only then (`Case.save`,
    `set_clock_due_dates`; a constraint holds it), so that the dashboard reads what is due through
    an index instead of counting thousands of deadlines on the calendar for every page — and so that
    the column's statistics describe running clocks: with a province's stopped clocks keeping their
    dates, PostgreSQL expected twenty times the rows due and started parallel workers for a 3 ms read."""

    label: str
    name: str  # in the index's and the constraint's names
    state: CaseState
    starts_on: str
    due_on: str
    days: int
    stopped_by: str | None = None

    def running(self) -> Q:
        """The cases this clock runs on (its due date set: the constraint says it is then)."""
        q = Q(state=self.state, **{f"{self.due_on}__isnull": False})
        return q & Q(**{f"{self.stopped_by}__isnull": True}) if self.stopped_by else q

    def _runs(self) -> Q:
        q = Q(state=self.state)
        return q & Q(**{f"{self.stopped_by}__isnull": True}) if self.stopped_by else q

    def runs_for(self, case: Case) -> bool:
        return (
            case.state == self.state
            and getattr(case, self.starts_on) is not None
            and (self.stopped_by is None or getattr(case, self.stopped_by) is None)
        )

    @property
    def saved_with(self) -> frozenset[str]:
        """The fields whose saving may start, move or stop this clock."""
        return frozenset({"state", self.starts_on, *([self.stopped_by] if self.stopped_by else [])})

    @property
    def due_index(self) -> models.Index:
        """Running clocks by due date: the dashboard's sections and counts, whatever the history."""
        return models.Index(fields=[self.due_on], name=f"case_{self.name}_due_idx", condition=self.running())

    @property
    def due_while_running(self) -> models.CheckConstraint:
        """A due date exactly while the clock runs: set from a start in its state, none otherwise."""
        started = Q(**{f"{self.starts_on}__isnull": False})
        due = Q(**{f"{self.due_on}__isnull": False})
        return models.CheckConstraint(
            condition=(due & started & self._runs()) | (~due & ~(started & self._runs())),
            name=f"case_{self.name}_due_while_running",
        )


CLOCKS = (
    # From the decision, or from the 司法局's correction for a case brought back from 终止.
    Clock(
        "指派",
        "assignment",
        CaseState.AWAITING_ASSIGNMENT,
        "assignment_clock_from",
        "assignment_due_on",
        ASSIGNMENT_DAYS,
    ),
    Clock(
        "委托协议",
        "agreement",
        CaseState.IN_PROGRESS,
        "assigned_on",
        "agreement_due_on",
        AGREEMENT_DAYS,
        stopped_by="agreement_signed_on",
    ),
    Clock(
        "结案材料",
        "materials",
        CaseState.IN_PROGRESS,
        "matter_ended_on",
        "closure_materials_due_on",
        CLOSURE_MATERIALS_DAYS,
    ),
    Clock(
        "结案审查",
        "review",
        CaseState.CLOSURE_REVIEW,
        "closure_submitted_on",
        "closure_review_due_on",
        CLOSURE_REVIEW_DAYS,
    ),
)
MAX_CLOCK_DAYS = max(clock.days for clock in CLOCKS)


def set_clock_due_dates(cases: Iterable[Case], clocks: Sequence[Clock] = CLOCKS) -> None:
    """Set each case's due date of `clocks` in memory: counted from its start while the clock runs,
    None once it stops (or before it starts). The one rule behind `Case.save`, the demo's bulk writes
    and the recomputation after a holiday change. One calendar query for all of them (none when no
    clock runs)."""
    cases = list(cases)
    starts = [getattr(case, clock.starts_on) for case in cases for clock in clocks if clock.runs_for(case)]
    calendar = WorkingCalendar.covering(starts, max_days=MAX_CLOCK_DAYS) if starts else None
    working_days = settings.LEGALAID_COUNT_WORKING_DAYS
    for case in cases:
        for clock in clocks:
            due = None
            if calendar is not None and clock.runs_for(case):
                due = calendar.add_days(getattr(case, clock.starts_on), clock.days, working_days=working_days)
            setattr(case, clock.due_on, due)


class ClosureMethod(models.TextChoices):
    JUDGMENT = "judgment", "判决"
    RULING = "ruling", "裁定"
    MEDIATION = "mediation", "调解"
    SETTLEMENT = "settlement", "和解"
    WITHDRAWAL = "withdrawal", "撤诉"
    ARBITRATION = "arbitration", "仲裁裁决"
    OTHER = "other", "其他"


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user) -> CaseQuerySet:
        """The cases `user` may open: THE scope behind lists, detail pages, the dashboard and files
        (`case_scope`)."""
        base = self.select_related("office", "case_type", "application", "notice", "handler__user", "handler__law_firm")
        if not user.is_authenticated or not user.is_active:
            return base.none()
        return base.filter(case_scope(user))


def case_scope(user, *, through: str = "") -> Q:
    """The cases an active, signed-in `user` may open, as a condition on a case: the case itself, or
    the case a row hangs off, reached `through` its field (`"case__"`: a subsidy, a follow-up, a
    peer-review sample — visible exactly when their case is). On the joined case rather than as a
    second look-up of each case: the subsidies list counts up to 10,001 of a year's rows.

    Clerks and reviewers see their office's cases, city staff every office's, a handler the cases
    assigned to them now. A sealed case (a suspect under 18, 刑事诉讼法 第二百八十六条) is left
    out for everyone but its own office's staff, its handler and holders of `cases.view_sealed_case`.
    """

    def case(**lookups: object) -> Q:
        return Q(**{f"{through}{name}": value for name, value in lookups.items()})

    scope = case(pk__in=[])
    if user.is_superuser or user.has_role(Role.CLERK, Role.REVIEWER, Role.CITY_STAFF):
        offices = Office.objects.condition(user, f"{through}office")
        if user.has_perm("cases.view_sealed_case"):
            scope |= offices
        elif user.office_id is not None and user.has_role(Role.CLERK, Role.REVIEWER):
            scope |= offices & (case(is_sealed=False) | case(office_id=user.office_id))
        else:
            scope |= offices & case(is_sealed=False)
    if user.has_role(Role.HANDLER):
        scope |= case(handler__user=user)
    if user.office_id is not None and user.has_role(Role.BUREAU_REVIEWER):
        # The 司法局 deciding an objection to 终止 (第四十九条) reads that case, sealed or not: it
        # is the authority the law sends the record to.
        objected = Case.objects.filter(objections__isnull=False, office__in=Office.objects.visible_to(user))
        scope |= case(pk__in=objected.values("pk"))
    return scope


class Case(models.Model):
    # A case comes from one of two doors: 准予 on an application, or a notice (通知辩护 / 通知代理).
    application = models.OneToOneField(
        Application, verbose_name="法律援助申请", on_delete=models.PROTECT, null=True, blank=True, related_name="case"
    )
    notice = models.OneToOneField(
        Notice, verbose_name="通知辩护（代理）", on_delete=models.PROTECT, null=True, blank=True, related_name="case"
    )
    office = models.ForeignKey(Office, verbose_name="承办机构", on_delete=models.PROTECT, related_name="cases")
    case_type = models.ForeignKey(CaseType, verbose_name="案件类型", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("顺序号")
    number = models.CharField("案件编号", max_length=40, unique=True)
    state = models.CharField("状态", max_length=20, choices=CaseState.choices, default=CaseState.AWAITING_ASSIGNMENT)
    opened_on = models.DateField("立案日期", help_text="即准予法律援助的决定日期（统计以此为准）。")
    assignment_clock_from = models.DateField(
        "指派期限起算日",
        help_text="准予决定日期；终止后经责令改正恢复的，自改正决定之日起重新起算3日。",
    )
    is_sealed = models.BooleanField(
        "封存（未成年人刑事案件）", default=False, help_text="犯罪嫌疑人申请时未满18周岁（刑事诉讼法第二百八十六条）。"
    )
    death_penalty_review = models.BooleanField(
        "死刑复核案件",
        default=False,
        help_text="须指派具有三年以上相关执业经历的律师（法律援助法第二十六条）。",
    )
    may_bring_life_or_death = models.BooleanField(
        "可能被判处无期徒刑、死刑",
        default=False,
        help_text="须指派具有三年以上相关执业经历的律师（法律援助法第二十六条）。",
    )

    handler = models.ForeignKey(
        Handler, verbose_name="承办人", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    assigned_on = models.DateField("指派日期", null=True, blank=True)
    agreement_signed_on = models.DateField("委托协议签订日期", null=True, blank=True)

    matter_ended_on = models.DateField("案件办结日期", null=True, blank=True, help_text="结案材料自此日起30日内提交。")
    closure_method = models.CharField("结案方式", max_length=20, choices=ClosureMethod.choices, blank=True)
    closure_summary = models.TextField("办理结果", blank=True)
    closure_submitted_on = models.DateField("提交结案日期", null=True, blank=True)
    closure_returned_reason = models.TextField("退回补充理由", blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    archived_on = models.DateField("归档日期", null=True, blank=True)

    terminated_on = models.DateField("终止日期", null=True, blank=True)
    termination_ground = models.ForeignKey(
        TerminationGround, verbose_name="终止情形", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    termination_reason = models.TextField("终止的事实和理由", blank=True)
    state_before_termination = models.CharField(
        "终止前状态",
        max_length=20,
        choices=[(state.value, state.label) for state in TERMINABLE_STATES],
        blank=True,
        help_text="责令改正后案件恢复到此状态。",
    )

    # Each clock's due date (CLOCKS), kept by `save` from its start: never entered, only read.
    assignment_due_on = models.DateField("指派期限", null=True, blank=True, editable=False)
    agreement_due_on = models.DateField("委托协议期限", null=True, blank=True, editable=False)
    closure_materials_due_on = models.DateField("结案材料期限", null=True, blank=True, editable=False)
    closure_review_due_on = models.DateField("结案审查期限", null=True, blank=True, editable=False)

    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = "法律援助案件"
        verbose_name_plural = "法律援助案件"
        permissions = [("view_sealed_case", "可查看封存的未成年人刑事案件")]
        indexes = [
            models.Index(fields=["office", "state"], name="case_office_state_idx"),
            models.Index(fields=["state"], name="case_state_idx"),
            # Issue 14: the case list's and the admin's order (Meta.ordering), city-wide and per office.
            models.Index(F("opened_on").desc(), F("id").desc(), name="case_opened_idx"),
            models.Index("office", F("opened_on").desc(), F("id").desc(), name="case_office_opened_idx"),
            # The monthly report's closures (cases closed, subsidies computed) read by month.
            models.Index(fields=["closed_on"], name="case_closed_idx"),
            # The dashboard's case clocks run only in these states: a small partial index, not the history.
            models.Index(
                fields=["office"],
                name="case_running_clocks_idx",
                condition=Q(state__in=[CaseState.AWAITING_ASSIGNMENT, CaseState.IN_PROGRESS, CaseState.CLOSURE_REVIEW]),
            ),
            # And each clock by its due date, so that the dashboard reads what is due by now, not
            # every case in progress (most have signed their agreement and not ended yet).
            *(clock.due_index for clock in CLOCKS),
        ]
        constraints = [
            *(clock.due_while_running for clock in CLOCKS),
            models.CheckConstraint(
                condition=Q(application__isnull=False, notice__isnull=True)
                | Q(application__isnull=True, notice__isnull=False),
                name="case_opened_by_application_or_notice",
            ),
            models.CheckConstraint(condition=Q(state__in=CaseState.values), name="case_state_valid"),
            models.CheckConstraint(
                condition=Q(closure_method="") | Q(closure_method__in=ClosureMethod.values),
                name="case_closure_method_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=STATES_WITH_HANDLER) | Q(handler__isnull=False, assigned_on__isnull=False),
                name="case_handled_has_handler",
            ),
            models.CheckConstraint(
                condition=~Q(state=CaseState.TERMINATED) | Q(termination_ground__isnull=False),
                name="case_terminated_has_ground",
            ),
            models.CheckConstraint(
                condition=Q(state_before_termination="") | Q(state_before_termination__in=TERMINABLE_STATES),
                name="case_state_before_termination_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state=CaseState.TERMINATED) | ~Q(state_before_termination=""),
                name="case_terminated_knows_prior_state",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, **kwargs) -> None:
        """Saves the due date of every clock whose start, state or stop is saved with it (all of them
        on a full save): a date while it runs, none once it stops."""
        update_fields = kwargs.get("update_fields")
        clocks = [clock for clock in CLOCKS if update_fields is None or not clock.saved_with.isdisjoint(update_fields)]
        if clocks:
            set_clock_due_dates([self], clocks)
            if update_fields is not None:
                kwargs["update_fields"] = [*update_fields, *(clock.due_on for clock in clocks)]
        super().save(**kwargs)

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        """The clocks' due dates are not input: `save` derives them, and the database holds them to
        their constraints (`Clock.due_while_running`). Validation checks the rest."""
        super().validate_constraints(exclude={*(exclude or ()), *(clock.due_on for clock in CLOCKS)})

    @property
    def running_clocks(self) -> list[Clock]:
        return [clock for clock in CLOCKS if clock.runs_for(self)]

    @property
    def category(self) -> str:
        return self.case_type.category

    @property
    def origin(self) -> Application | Notice:
        """What opened the case: the approved application, or the organ's notice (a constraint says one)."""
        origin = self.application or self.notice
        if origin is None:
            raise ValueError(f"case {self.pk} has neither an application nor a notice")
        return origin

    @property
    def client_name(self) -> str:
        """受援人."""
        origin = self.origin
        return origin.applicant_name if isinstance(origin, Application) else origin.person_name

    @property
    def life_or_death_by_notice(self) -> bool:
        """The organ's notice says it (第二十五条第一款第四、五项, or a 死刑复核): not the office's to undo."""
        notice = self.notice
        return notice is not None and (notice.ground.needs_senior_lawyer or notice.stage == NoticeStage.DEATH_REVIEW)

    @property
    def needs_senior_lawyer(self) -> bool:
        """法律援助法 第二十六条, the one rule: a case that may bring life imprisonment or death, or a
        死刑复核 (by the organ's notice or as the office records it), needs a lawyer of ≥ 3 years."""
        return self.may_bring_life_or_death or self.death_penalty_review or self.life_or_death_by_notice

    @property
    def lawyer_only(self) -> bool:
        """A notified case is handled by a practising lawyer (第三十六条: 指派律师)."""
        return self.notice_id is not None


class Assignment(models.Model):
    """One 指派 or 变更承办人: the history of who handled the case, and why it changed."""

    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.CASCADE, related_name="assignments")
    from_handler = models.ForeignKey(
        Handler, verbose_name="原承办人", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_handler = models.ForeignKey(Handler, verbose_name="承办人", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("变更理由", blank=True)
    assigned_on = models.DateField("指派日期")
    at = models.DateTimeField("操作时间", auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="指派人", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "指派记录"
        verbose_name_plural = "指派记录"

    def __str__(self) -> str:
        return f"{self.case} 指派 {self.to_handler}"


class ProgressKind(models.TextChoices):
    MEETING = "meeting", "会见"
    FILE_REVIEW = "file_review", "阅卷"
    INVESTIGATION = "investigation", "调查取证"
    HEARING = "hearing", "开庭"
    MEDIATION = "mediation", "调解"
    DOCUMENT = "document", "文书"
    OTHER = "other", "其他"


class ProgressEntry(models.Model):
    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.CASCADE, related_name="progress_entries")
    kind = models.CharField("办理事项", max_length=20, choices=ProgressKind.choices)
    happened_on = models.DateField("日期")
    note = models.TextField("情况记录")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        ordering = ["happened_on", "pk"]
        verbose_name = "办案进展"
        verbose_name_plural = "办案进展"
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ProgressKind.values), name="progress_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()} {self.happened_on:%Y-%m-%d}"


def closure_material_upload_to(instance: ClosureMaterial, filename: str) -> str:
    # The caller passes a random stored name (core.uploads.stored_upload_name).
    return filename


class ClosureMaterial(models.Model):
    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.CASCADE, related_name="closure_materials")
    file = models.FileField("文件", upload_to=closure_material_upload_to, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=40)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = "结案材料"
        verbose_name_plural = "结案材料"

    def __str__(self) -> str:
        return self.original_name


class CaseObjection(BaseObjection):
    """The recipient's objection to 终止 (第四十九条); 责令改正 reopens the case where it stood."""

    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.CASCADE, related_name="objections")

    class Meta(BaseObjection.Meta):
        verbose_name = "终止异议"
        verbose_name_plural = "终止异议"
        # The dashboard's 异议审查 clock reads only the pending ones.
        indexes = [
            models.Index(
                fields=["case"], name="case_objection_pending_idx", condition=Q(outcome=ObjectionOutcome.PENDING)
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=ObjectionOutcome.values), name="case_objection_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} 异议"
