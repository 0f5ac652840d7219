"""The 市域通办 intake (SPEC §3): applications, their materials, 补正 requests and objections.

State changes live in `applications.services`; this module holds the data, the scoping query and
the derived facts (deadlines, what is missing) that views and reports read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import CITY_OFFICE_CODE, Office, Role
from applications.identity import IdNumber, mask_phone, parse_id_number
from deadlines.calendar import MAX_ROLL_DAYS, WorkingCalendar

REVIEW_DAYS = 7  # 法律援助法 第四十三条
ADULT_AGE = 18  # an applicant under 18 applies through an agent, who must be an adult (SPEC §3.1)
OBJECTION_DAYS = 5  # 法律援助法 第四十九条


class MatterCategory(models.TextChoices):
    CRIMINAL = "criminal", "刑事"
    CIVIL = "civil", "民事"
    ADMINISTRATIVE = "administrative", "行政"
    LABOUR = "labour", "劳动争议"
    STATE_COMPENSATION = "state_compensation", "国家赔偿"


class Location(models.TextChoices):
    """Where an authority sits or a person lives. County values are the offices' division codes."""

    CITY_LEVEL = CITY_OFFICE_CODE, "云浮市（市级机关）"
    YUNCHENG = "445302", "云城区"
    YUNAN = "445303", "云安区"
    LUODING = "445381", "罗定市"
    XINXING = "445321", "新兴县"
    YUNNAN = "445322", "郁南县"
    OUTSIDE = "outside", "云浮市外"
    UNKNOWN = "unknown", "不清楚"


COUNTY_LOCATIONS = [Location.YUNCHENG, Location.YUNAN, Location.LUODING, Location.XINXING, Location.YUNNAN]
RESIDENCE_CHOICES = [(loc.value, loc.label) for loc in [*COUNTY_LOCATIONS, Location.OUTSIDE]]


class Channel(models.TextChoices):
    ONLINE = "online", "网上申请"
    WALK_IN = "walk_in", "窗口申请"


class EconomicBasis(models.TextChoices):
    """Three things kept apart (SPEC §3.2): hardship declared; the check skipped for a proven category
    (第四十二条); no economic condition at all (第三十二条)."""

    HARDSHIP = "hardship", "经济困难（已签署个人诚信承诺）"
    EXEMPT = "exempt", "免予核查经济困难状况（法律援助法第四十二条）"
    UNRESTRICTED = "unrestricted", "不受经济困难条件限制（法律援助法第三十二条）"


# The article whose grounds each basis other than hardship rests on.
BASIS_ARTICLE = {EconomicBasis.EXEMPT: 42, EconomicBasis.UNRESTRICTED: 32}


class AgentRelation(models.TextChoices):
    GUARDIAN = "guardian", "法定代理人"
    SPOUSE = "spouse", "配偶"
    PARENT = "parent", "父母"
    CHILD = "child", "子女"
    # 民法典 第一千零四十五条 says 兄弟姐妹; 刑事诉讼法 第一百零八条 only 同胞兄弟姊妹 (same parents). One stored
    # value; the label names both, and `Application.agent_relation_label` the one of the matter.
    SIBLING = "sibling", "兄弟姐妹（刑事案件限同胞兄弟姊妹）"
    GRANDPARENT = "grandparent", "祖父母、外祖父母"
    GRANDCHILD = "grandchild", "孙子女、外孙子女"


CRIMINAL_SIBLINGS = "同胞兄弟姊妹"  # 刑事诉讼法 第一百零八条


class UrgentGround(models.TextChoices):
    """先行提供法律援助的情形（法律援助法 第四十四条）."""

    DEADLINE = "deadline", "距法定时效或期限届满不足七日，需要及时提起诉讼或者申请仲裁、行政复议"
    PRESERVATION = "preservation", "需要立即申请财产保全、证据保全或者先予执行"
    OTHER = "other", "法律、法规、规章规定的其他情形"


class Status(models.TextChoices):
    PENDING_REVIEW = "pending_review", "待审查"
    AWAITING_SUPPLEMENT = "awaiting_supplement", "待补正"
    APPROVED = "approved", "准予法律援助"
    REFUSED = "refused", "不予法律援助"
    WITHDRAWN = "withdrawn", "视为撤回"
    TRANSFERRED_OUT = "transferred_out", "已转交市外机构"
    RETRACTED = "retracted", "申请人已撤回"  # the applicant's own 撤回申请 (not 视为撤回)


OPEN_STATUSES = [Status.PENDING_REVIEW, Status.AWAITING_SUPPLEMENT]


class ExemptionGround(models.Model):
    """A reason the economic check is skipped (第四十二条) or not required at all (第三十二条), one
    item of the article, worded as in the statute (reference data, SPEC §3.2)."""

    article = models.PositiveSmallIntegerField("法律援助法条款", choices=[(32, "第三十二条"), (42, "第四十二条")])
    item = models.PositiveSmallIntegerField("项", default=0, help_text="该条的第几项。")
    name = models.CharField("情形", max_length=120, unique=True)
    needs_legal_basis = models.BooleanField(
        "须写明法律依据", default=False, help_text="“法律、法规、规章规定的其他情形（人员）”须由申请人写明依据。"
    )
    categories = models.JSONField(
        "适用的申请事项类别",
        default=list,
        blank=True,
        help_text='如 ["civil", "criminal"]；为空表示各类事项均可适用。',
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = "免予核查及不受经济困难条件限制的情形"
        verbose_name_plural = "免予核查及不受经济困难条件限制的情形"

    def __str__(self) -> str:
        return f"{self.name}（{self.citation}）"

    @property
    def citation(self) -> str:
        """「第三十二条第三项」."""
        article = "第三十二条" if self.article == 32 else "第四十二条"
        return f"{article}第{ITEM_NUMERALS[self.item]}项" if 0 < self.item < len(ITEM_NUMERALS) else article

    @property
    def basis(self) -> str:
        """The economic basis this ground supports."""
        return EconomicBasis.UNRESTRICTED if self.article == 32 else EconomicBasis.EXEMPT

    def fits(self, category: str) -> bool:
        return not self.categories or category in self.categories


ITEM_NUMERALS = "〇一二三四五六七八九"


class SpecialGroup(models.Model):
    name = models.CharField("特殊群体", max_length=20, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = "特殊群体"
        verbose_name_plural = "特殊群体"

    def __str__(self) -> str:
        return self.name


class MaterialKind(models.TextChoices):
    IDENTITY = "identity", "身份证明"
    ECONOMIC = "economic", "经济困难状况说明或承诺"
    MATTER = "matter", "与事项有关的材料"
    AGENT = "agent", "代理人身份及关系证明"
    SUPPLEMENT = "supplement", "补正材料"


class ChecklistItem(models.Model):
    """What an application of one 事项类别 must carry (reference data, SPEC §3)."""

    category = models.CharField("事项类别", max_length=20, choices=MatterCategory.choices)
    kind = models.CharField("材料类型", max_length=20, choices=MaterialKind.choices)
    description = models.CharField("说明", max_length=200)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["category", "sort_order"]
        verbose_name = "申请材料清单"
        verbose_name_plural = "申请材料清单"
        constraints = [
            models.UniqueConstraint(fields=["category", "kind"], name="checklist_unique_kind"),
            models.CheckConstraint(condition=Q(category__in=MatterCategory.values), name="checklist_category_valid"),
            models.CheckConstraint(condition=Q(kind__in=MaterialKind.values), name="checklist_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.get_kind_display()}"


class AuthorityKind(models.TextChoices):
    POLICE = "police", "公安机关"
    PROCURATORATE = "procuratorate", "人民检察院"
    COURT = "court", "人民法院"
    ARBITRATION = "arbitration", "劳动人事争议仲裁委员会"
    OTHER = "other", "其他机关"


# The organs that notify the office of a suspect or defendant who must have a lawyer (第二十五、二十八条).
NOTIFYING_KINDS = (AuthorityKind.POLICE, AuthorityKind.PROCURATORATE, AuthorityKind.COURT)


class KnownAuthority(models.Model):
    """Courts, procuratorates, police and arbitration bodies, with the place they sit (for routing)."""

    name = models.CharField("机关名称", max_length=60, unique=True)
    location = models.CharField("所在地", max_length=10, choices=Location.choices)
    kind = models.CharField("机关类别", max_length=20, choices=AuthorityKind.choices, default=AuthorityKind.OTHER)

    class Meta:
        ordering = ["location", "name"]
        verbose_name = "办案机关/争议处理机关"
        verbose_name_plural = "办案机关/争议处理机关"

    def __str__(self) -> str:
        return self.name


class ApplicationQuerySet(models.QuerySet["Application"]):
    def visible_to(self, user) -> ApplicationQuerySet:
        """Applications the user may open: city staff all; office staff those their office is
        responsible for or received (the receiving office keeps read access, SPEC §3); a handler
        those of the cases assigned to them, and those they act on before the decision (先行提供)."""
        base = self.select_related("responsible_office", "receiving_office")
        if not user.is_authenticated:
            return base.none()
        # A juvenile criminal matter is sealed (刑事诉讼法 第二百八十六条): outside its own office only
        # holders of the dedicated permission see it, at the application as at the case.
        not_sealed = ~Q(case__is_sealed=True)
        if user.sees_all_offices:
            return base if user.has_perm("cases.view_sealed_case") else base.filter(not_sealed)
        scope = Q(pk__in=[])
        if user.has_role(Role.CLERK, Role.REVIEWER) and user.office_id is not None:
            offices = Office.objects.visible_to(user)
            scope |= Q(responsible_office__in=offices) | (Q(receiving_office__in=offices) & not_sealed)
        if user.has_role(Role.BUREAU_REVIEWER) and user.office_id is not None:
            # The 司法局 reads what an objection to its offices is about (第四十九条): the refused
            # application, or the one whose case was terminated. Nothing else of the office.
            objected = Q(objections__isnull=False) | Q(case__objections__isnull=False)
            offices = Office.objects.visible_to(user)
            scope |= Q(pk__in=self.filter(objected, responsible_office__in=offices).values("pk"))
        if user.has_role(Role.HANDLER):
            # A handler reads the application of a case assigned to them now, and no other: the
            # client's phone and the materials are what they need to act (sealed or not, as the case).
            scope |= Q(case__handler__user=user)
            # 先行提供: the handler assigned before the decision reads it while the provisional aid lasts.
            scope |= Q(provisional_handler__user=user, provisional_ended_on__isnull=True)
        return base.filter(scope)

    def open(self) -> ApplicationQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def with_outcome(self) -> ApplicationQuerySet:
        """With what the status panel shows of the case opened on it (handler, termination, office)."""
        return self.select_related(
            "responsible_office",
            "receiving_office",
            "case__office",
            "case__handler__user",
            "case__handler__law_firm",
            "case__termination_ground",
        ).prefetch_related("case__objections")


class Application(models.Model):
    number = models.CharField("申请编号", max_length=20, unique=True)
    channel = models.CharField("申请渠道", max_length=10, choices=Channel.choices)
    receiving_office = models.ForeignKey(
        Office,
        verbose_name="受理点",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_applications",
        help_text="窗口申请的受理机构；网上申请为空。",
    )
    responsible_office = models.ForeignKey(
        Office, verbose_name="承办机构", on_delete=models.PROTECT, related_name="responsible_applications"
    )
    received_at = models.DateTimeField("收到申请时间", default=timezone.now)
    # The review clock starts at the first receipt by ANY office (市域通办 never restarts it on
    # transfer); only 责令改正 after an objection starts it again.
    clock_started_on = models.DateField("审查期限起算日")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="受理人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    applicant_name = models.CharField("申请人姓名", max_length=40)
    id_number = models.CharField("身份证号", max_length=18, db_index=True)
    birth_date = models.DateField("出生日期")
    sex = models.CharField("性别", max_length=1, choices=[("男", "男"), ("女", "女")])
    phone = models.CharField("联系电话", max_length=11)
    household_address = models.CharField("户籍地址", max_length=200)
    residence = models.CharField("经常居住地", max_length=10, choices=RESIDENCE_CHOICES)
    category = models.CharField("申请事项类别", max_length=20, choices=MatterCategory.choices)
    summary = models.TextField("案情摘要")
    # 刑事诉讼法 第二百八十六条 seals the record of a suspect who was under 18 when the offence was
    # committed: the seal's default reads the age on this day, not the applicant's age when applying.
    offence_date = models.DateField(
        "涉嫌犯罪时间",
        null=True,
        blank=True,
        help_text="刑事案件：犯罪嫌疑人涉嫌犯罪的日期（用于判断是否封存未成年人犯罪记录）；不清楚可不填。",
    )
    opponent = models.CharField("对方当事人", max_length=100, blank=True)
    authority_name = models.CharField("办案机关或争议处理机关", max_length=100, blank=True)
    authority_location = models.CharField("办案机关或争议处理机关所在地", max_length=10, choices=Location.choices)
    transfer_out_required = models.BooleanField(
        "需转交市外机构", default=False, help_text="办案机关在云浮市外：照常受理，由承办机构转交，不得拒绝。"
    )
    routing_basis = models.CharField("确定承办机构的依据", max_length=200)

    economic_basis = models.CharField("经济状况", max_length=20, choices=EconomicBasis.choices)
    integrity_pledge = models.BooleanField("已签署个人诚信承诺", default=False)
    exemption_ground = models.ForeignKey(
        ExemptionGround,
        verbose_name="免予核查或不受经济困难条件限制的情形",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    legal_basis = models.CharField(
        "法律依据",
        max_length=200,
        blank=True,
        help_text="选择“法律、法规、规章规定的其他情形（人员）”的，写明所依据的法律、法规或规章及条款。",
    )
    special_groups = models.ManyToManyField(SpecialGroup, verbose_name="特殊群体", blank=True)

    agent_name = models.CharField("代理申请人姓名", max_length=40, blank=True)
    agent_relation = models.CharField("与申请人关系", max_length=20, choices=AgentRelation.choices, blank=True)
    agent_id_number = models.CharField("代理申请人身份证号", max_length=18, blank=True)
    agent_guardian_infringes = models.BooleanField(
        "法定代理人侵害申请人合法权益",
        default=False,
        help_text="法律援助法第四十条：法定代理人侵害无民事行为能力人、限制民事行为能力人合法权益的，"
        "其他近亲属可以代为提出法律援助申请。未成年人的非刑事事项由近亲属（非法定代理人）代为申请时须勾选。",
    )

    duplicate_reason = models.CharField("重复申请说明", max_length=200, blank=True)
    # The duplicate guard's finding at submission (SPEC §3), for the reviewer: an online applicant is
    # not stopped nor told (the other application may be someone else's business), a clerk was warned.
    flagged_duplicate = models.BooleanField(
        "疑似重复申请", default=False, help_text="提交时同一身份证号已有同类未办结申请，请审查员核实。"
    )
    # Issued with the form page: the same page posted twice makes one application (issue 10).
    submission_token = models.UUIDField("表单标识", null=True, blank=True, unique=True, editable=False)

    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING_REVIEW)
    urgent_ground = models.CharField("先行提供情形", max_length=20, choices=UrgentGround.choices, blank=True)
    urgent_marked_at = models.DateTimeField("先行提供时间", null=True, blank=True)
    # 先行提供 (第四十四条): a handler may act before the decision. Only the handler is named here; no case
    # is opened or numbered before 准予 (a case counts in the month it opens, SPEC §7). The roster of
    # handlers belongs to `cases`, which makes these moves (`cases.services.assign_provisionally`).
    provisional_handler = models.ForeignKey(
        "cases.Handler",
        verbose_name="先行指派承办人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provisional_applications",
    )
    provisionally_assigned_on = models.DateField("先行指派日期", null=True, blank=True)
    provisional_ended_on = models.DateField(
        "先行提供终止日期", null=True, blank=True, help_text="不予法律援助的，先行提供的法律援助同时终止。"
    )

    decided_on = models.DateField("决定日期", null=True, blank=True, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="决定人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.TextField("决定理由", blank=True)
    closed_on = models.DateField(
        "办结日期", null=True, blank=True, help_text="离开审查队列（准予、不予、视为撤回、撤回、转出）的日期。"
    )
    closed_note = models.CharField("办结说明", max_length=200, blank=True)
    # 第四十三条's date as it stands (`review_due_dates`), stored by every event that moves it — the
    # receipt, a 补正 notice (None: the clock stops), its completion, 责令改正, a holiday entered —
    # so that the dashboard reads what is due through an index. Never entered, only read.
    decision_due_on = models.DateField("审查决定期限", null=True, blank=True, editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "法律援助申请"
        verbose_name_plural = "法律援助申请"
        indexes = [
            models.Index(fields=["responsible_office", "status"], name="application_queue_idx"),
            models.Index(fields=["responsible_office", "decided_on"], name="application_decided_idx"),
            # Issue 14: every list and figure reads through an index, so its cost follows the page or
            # the month, not the years of history. Meta.ordering (the admin, exports) and the
            # month's receipts (reporting: received, routed in):
            models.Index(F("received_at").desc(), name="application_received_idx"),
            # The default queue reads only what is still to be decided, per office (then orders those
            # few rows by the decision date stored with each). Plain columns: SQLite, the laptop
            # default, cannot build an index with NULLS LAST.
            models.Index(
                "responsible_office",
                "received_at",
                name="application_open_queue_idx",
                condition=Q(status__in=OPEN_STATUSES),
            ),
            # The monthly report's overdue candidates: still in the queue, or left it after month end.
            models.Index(fields=["closed_on"], name="application_closed_idx"),
            # The dashboard: open applications by their decision date.
            models.Index(
                fields=["decision_due_on"],
                name="application_decision_due_idx",
                condition=Q(status__in=OPEN_STATUSES, decision_due_on__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="application_status_valid"),
            models.CheckConstraint(condition=Q(category__in=MatterCategory.values), name="application_category_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="application_channel_valid"),
            models.CheckConstraint(
                condition=Q(economic_basis=EconomicBasis.HARDSHIP, integrity_pledge=True)
                | Q(
                    economic_basis__in=[EconomicBasis.EXEMPT, EconomicBasis.UNRESTRICTED],
                    exemption_ground__isnull=False,
                ),
                name="application_economic_basis_complete",
            ),
            models.CheckConstraint(
                condition=Q(channel=Channel.ONLINE) | Q(receiving_office__isnull=False),
                name="application_walk_in_has_receiving_office",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.APPROVED) | Q(decided_on__isnull=False),
                name="application_approved_has_date",
            ),
            # A decision date only while the application waits for one, as a case clock's due date
            # only while it runs (`save` clears it when the application leaves the queue).
            models.CheckConstraint(
                condition=Q(decision_due_on__isnull=True) | Q(status__in=OPEN_STATUSES),
                name="application_decision_due_while_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.applicant_name}"

    def save(self, **kwargs: Any) -> None:
        """An application that leaves the queue (准予, 不予, 撤回, 视为撤回, 转出) keeps no decision date:
        cleared whenever the status is saved outside the open states (every move saves it)."""
        update_fields = kwargs.get("update_fields")
        saves_status = update_fields is None or "status" in update_fields
        if saves_status and self.status not in OPEN_STATUSES and self.decision_due_on is not None:
            self.decision_due_on = None
            if update_fields is not None:
                kwargs["update_fields"] = [*update_fields, "decision_due_on"]
        super().save(**kwargs)

    def clean(self) -> None:
        """The rules of the form that hold whoever saves an application (the form and the services):
        an agent is an adult (SPEC §3.1), and the economic basis and its ground agree (SPEC §3.2)."""
        errors = {**self._agent_errors(), **self._economic_errors()}
        if errors:
            raise ValidationError(errors)

    def _agent_errors(self) -> dict[str, str]:
        if not self.agent_id_number:
            return {}
        try:
            agent = parse_id_number(self.agent_id_number, today=timezone.localdate())
        except ValidationError:
            return {}  # the field's own validation says what is wrong with it
        if agent.age_on(timezone.localdate()) < ADULT_AGE:
            return {"agent_id_number": "代理申请人须年满18周岁（按身份证号计算）。"}
        return {}

    def _economic_errors(self) -> dict[str, str]:
        """A 第三十二条 ground for 不受经济困难条件限制, a 第四十二条 one for 免予核查; the ground fits the
        matter; the 其他 items carry their legal basis."""
        ground = self.exemption_ground if self.exemption_ground_id else None
        if self.economic_basis == EconomicBasis.HARDSHIP or ground is None:
            return {}
        errors: dict[str, str] = {}
        if ground.basis != self.economic_basis:
            errors["exemption_ground"] = (
                f"“{ground.name}”是法律援助法{ground.citation}规定的情形，"
                f"请在经济状况中选择“{EconomicBasis(ground.basis).label}”。"
            )
        elif self.category and not ground.fits(self.category):
            errors["exemption_ground"] = (
                f"“{ground.name}”不适用于{MatterCategory(self.category).label}事项，请选择与申请事项相符的情形。"
            )
        if ground.needs_legal_basis and not self.legal_basis.strip():
            errors["legal_basis"] = f"选择“{ground.name}”的，请写明所依据的法律、法规或规章及条款。"
        return errors

    @property
    def economic_statement(self) -> str:
        """How the page and the letters name the economic basis: 「不受经济困难条件限制（法律援助法
        第三十二条第三项：再审改判无罪请求国家赔偿）」."""
        ground = self.exemption_ground if self.exemption_ground_id else None
        if self.economic_basis == EconomicBasis.HARDSHIP or ground is None:
            return "经济困难（申请人已签署个人诚信承诺）"
        lead = "不受经济困难条件限制" if self.economic_basis == EconomicBasis.UNRESTRICTED else "免予核查经济困难状况"
        basis = f"；依据：{self.legal_basis}" if self.legal_basis else ""
        return f"{lead}（法律援助法{ground.citation}：{ground.name}{basis}）"

    # --- identity, shown masked everywhere but on the detail page -------------------------------
    @property
    def id_card(self) -> IdNumber:
        return IdNumber(self.id_number)

    @property
    def masked_id_number(self) -> str:
        return self.id_card.masked()

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def agent_relation_label(self) -> str:
        """The relation as the law of the matter words it: 同胞兄弟姊妹 in a criminal matter."""
        if self.agent_relation == AgentRelation.SIBLING:
            return CRIMINAL_SIBLINGS if self.category == MatterCategory.CRIMINAL else "兄弟姐妹"
        return self.get_agent_relation_display()

    @property
    def is_urgent(self) -> bool:
        return bool(self.urgent_ground)

    @property
    def has_provisional_aid(self) -> bool:
        """A handler acts for the applicant before the decision (先行提供), and the aid has not ended."""
        return self.provisional_handler_id is not None and self.provisional_ended_on is None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    # --- the review clock ------------------------------------------------------------------------
    def review_due_on(
        self, *, today: date | None = None, supplements: Iterable[SupplementRequest] | None = None
    ) -> date | None:
        """The decision deadline, or None once decided or while the clock is stopped for 补正
        (`supplements`: this application's 补正 notices when the caller has them, else read)."""
        return review_due_dates(
            [self],
            today=today or timezone.localdate(),
            supplements=None if supplements is None else {self.pk: supplements},
        )[self.pk]

    def store_decision_due_on(self, *, supplements: Iterable[SupplementRequest], today: date | None = None) -> None:
        """Set `decision_due_on` from the review clock as it stands `today`, in memory (the caller
        saves it with the event that moved it)."""
        store_decision_due_dates([self], supplements={self.pk: supplements}, today=today or timezone.localdate())

    def missing_kinds(
        self, *, checklist: Iterable[ChecklistItem] | None = None, uploaded: Iterable[str] | None = None
    ) -> list[str]:
        """Checklist items of this category with no material uploaded for them (`checklist`: every
        category's items, and `uploaded`: the kinds of this application's materials, each read once
        for a list of applications)."""
        present = set(uploaded) if uploaded is not None else {material.kind for material in self.materials.all()}
        # The 个人诚信承诺 signed in the form (online or at the window) is the 承诺 the checklist asks
        # for: nothing to upload. A 免予核查 ground still needs its proof.
        if self.economic_basis == EconomicBasis.HARDSHIP and self.integrity_pledge:
            present.add(MaterialKind.ECONOMIC)
        required = (
            [item for item in checklist if item.category == self.category]
            if checklist is not None
            else ChecklistItem.objects.filter(category=self.category)
        )
        missing = [self._checklist_wording(item) for item in required if item.kind not in present]
        if self.agent_name and MaterialKind.AGENT not in present:
            missing.append(MaterialKind.AGENT.label)
        return missing

    def _checklist_wording(self, item: ChecklistItem) -> str:
        # An exemption applicant may apply online without the proof (issue 13): the 补正 notice then
        # names the proof of their own ground rather than the general economic item.
        ground = self.exemption_ground if self.exemption_ground_id else None
        if item.kind == MaterialKind.ECONOMIC and self.economic_basis != EconomicBasis.HARDSHIP and ground is not None:
            return f"“{ground.name}”的证明材料（法律援助法{ground.citation}）"
        return item.description

    def kind_for_item(self, item: str) -> str:
        """The material kind a 补正 item names when it is one of the checklist's own items (so the
        missing list counts it as present once it arrives); otherwise 补正材料."""
        checklist: dict[str, str] = {}
        for entry in ChecklistItem.objects.filter(category=self.category):
            checklist[entry.description] = checklist[self._checklist_wording(entry)] = entry.kind
        checklist[MaterialKind.AGENT.label] = MaterialKind.AGENT
        return checklist.get(item, MaterialKind.SUPPLEMENT)

    def open_supplement_request(self, requests: Iterable[SupplementRequest] | None = None) -> SupplementRequest | None:
        """The 补正 request still unresolved, from `requests` (this application's, read once for a list
        of applications) or else from its own."""
        return open_supplement_request(requests if requests is not None else self.supplement_requests.all())


def material_upload_to(instance: Material, filename: str) -> str:
    # The caller passes a random stored name (core.uploads.stored_upload_name).
    return filename


class MaterialSource(models.TextChoices):
    APPLICANT_ONLINE = "online", "申请人网上提交"
    OFFICE = "office", "窗口收取"


class Material(models.Model):
    application = models.ForeignKey(
        Application, verbose_name="申请", on_delete=models.CASCADE, related_name="materials"
    )
    kind = models.CharField("材料类型", max_length=20, choices=MaterialKind.choices)
    file = models.FileField("文件", upload_to=material_upload_to, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=40)
    size = models.PositiveIntegerField("大小（字节）")
    source = models.CharField("来源", max_length=10, choices=MaterialSource.choices)
    # The item of the 补正 notice this file answers, as the applicant or the clerk picked it.
    supplement_item = models.CharField("补正事项", max_length=200, blank=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.original_name}"


class SupplementRequest(models.Model):
    """The one-time notice of everything missing (一次性告知补正, 第四十三条)."""

    application = models.ForeignKey(
        Application, verbose_name="申请", on_delete=models.CASCADE, related_name="supplement_requests"
    )
    items = models.JSONField("需补正的材料", default=list)
    note = models.TextField("补充说明", blank=True)
    requested_on = models.DateField("告知日期")
    reply_due_on = models.DateField("补正期限")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="告知人", on_delete=models.PROTECT, related_name="+"
    )
    # The applicant's (first) reply: it does not restart the review clock by itself — the office
    # checks it and confirms it complete (resolved_on, the day the clock runs again) or records
    # 未按要求补正，视为撤回.
    replied_on = models.DateField("提交补正材料日期", null=True, blank=True)
    resolved_on = models.DateField("补正完成日期", null=True, blank=True)
    expired = models.BooleanField("逾期未补正", default=False)
    incomplete = models.BooleanField("未按要求补正", default=False)

    class Meta:
        ordering = ["requested_on", "pk"]
        verbose_name = "补正告知"
        verbose_name_plural = "补正告知"
        indexes = [
            # The notices still open, by reply date: the dashboard's 补正 clocks, the daily 视为撤回
            # job and the holiday recomputation read only these, out of every notice ever given.
            models.Index(
                fields=["reply_due_on"], condition=Q(resolved_on__isnull=True), name="supplement_open_reply_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.number} 补正告知 {self.requested_on:%Y-%m-%d}"

    def item_states(self, materials: Iterable[Material] | None = None) -> list[tuple[str, bool]]:
        """Each item of the notice and whether a file was handed in for it (`materials`: the
        application's, when the page has them already)."""
        materials = self.application.materials.all() if materials is None else materials
        received = {material.supplement_item for material in materials}
        return [(item, item in received) for item in self.items]


class ObjectionOutcome(models.TextChoices):
    PENDING = "pending", "审查中"
    UPHELD = "upheld", "维持原决定"
    CORRECTED = "corrected", "责令改正"


def objection_upload_to(instance: BaseObjection, filename: str) -> str:
    # The caller passes a random stored name (core.uploads.stored_upload_name).
    return filename


class BaseObjection(models.Model):
    """An objection to a refusal (不予) or a termination (终止), decided by the 司法局 that set up the
    office within 5 days (法律援助法 第四十九条). Filed and settled through `applications.services`."""

    received_on = models.DateField("收到异议日期")
    due_on = models.DateField("审查期限", help_text="收到异议之日起5日内（法律援助法第四十九条）。")
    reasons = models.TextField("异议理由")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(
        "审查结果", max_length=10, choices=ObjectionOutcome.choices, default=ObjectionOutcome.PENDING
    )
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decision_note = models.TextField("决定说明", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="司法局审核人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The bureau's 决定书, uploaded with the decision (core.uploads: content-checked, served through
    # a scoped, audited view only).
    file = models.FileField("司法局决定书", upload_to=objection_upload_to, max_length=200, blank=True)
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    content_type = models.CharField("文件类型", max_length=40, blank=True)
    size = models.PositiveIntegerField("大小（字节）", default=0)

    class Meta:
        abstract = True
        ordering = ["received_on", "pk"]

    @property
    def is_upheld(self) -> bool:
        """维持: the end of the objection route; what is left is 行政复议 or 行政诉讼."""
        return self.outcome == ObjectionOutcome.UPHELD


class Objection(BaseObjection):
    """An applicant's objection to a refusal; 责令改正 reopens the application."""

    application = models.ForeignKey(
        Application, verbose_name="申请", on_delete=models.CASCADE, related_name="objections"
    )

    class Meta(BaseObjection.Meta):
        verbose_name = "异议"
        verbose_name_plural = "异议"
        # The dashboard's 异议审查 clock: the few objections still pending, not every one ever filed.
        indexes = [
            models.Index(
                fields=["application"], name="objection_pending_idx", condition=Q(outcome=ObjectionOutcome.PENDING)
            )
        ]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=ObjectionOutcome.values), name="objection_outcome_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.application.number} 异议"


def open_supplement_request(requests: Iterable[SupplementRequest]) -> SupplementRequest | None:
    """Of an application's 补正 requests, the one still unresolved (there is at most one)."""
    return next((r for r in requests if r.resolved_on is None), None)


# --- the review clock (第四十三条) ------------------------------------------------------------------
def store_decision_due_dates(
    applications: Iterable[Application], *, supplements: Mapping[int, Iterable[SupplementRequest]], today: date
) -> None:
    """Set each application's `decision_due_on` to its decision deadline as it stands `today` (None
    while waiting for 补正, or once decided), in memory: the one rule behind the services, the demo's
    bulk writes, the recomputation after a holiday change and the migration that filled the column."""
    applications = list(applications)
    due = review_due_dates(applications, today=today, supplements=supplements)
    for application in applications:
        application.decision_due_on = due[application.pk]


class ReviewClock(Protocol):
    """What the review deadline is computed from: an `Application`, or a row of those columns where a
    page reads thousands (the month report's overdue count) and a model instance each would cost more
    than the deadline."""

    @property
    def pk(self) -> int: ...
    @property
    def clock_started_on(self) -> date: ...
    @property
    def closed_on(self) -> date | None: ...


def review_due_dates(
    applications: Iterable[ReviewClock],
    *,
    today: date,
    supplements: Mapping[int, Iterable[SupplementRequest]] | None = None,
) -> dict[int, date | None]:
    """The decision deadline of each application as it stood at the end of `today` (this day for
    the queue, the application's page and `store_decision_due_dates`, a month end for the report);
    None for those not awaiting a decision then (clock not started, left the queue by then, or
    waiting for 补正).

    第四十三条: 7 days from the first receipt, in the mode of LEGALAID_COUNT_WORKING_DAYS, a last day on a
    holiday rolled forward, days waiting for 补正 not counted; 第四十四条 先行提供 keeps this date. Read as
    of `today`: a 补正 notice counts only if given by then, its wait only up to then; a notice given after the deadline it would have paused counts
    not at all (no pause that begins after the due date).

    The 补正 requests come from `supplements` (application pk → requests) or else from each
    application's (prefetched) `supplement_requests` — a row of the columns has none, so it needs
    `supplements`. ONE calendar query for all of them — built even when none is pending, so that the
    report builder's query count does not depend on the data."""
    applications = list(applications)
    if supplements is None:
        own: dict[int, Iterable[SupplementRequest]] = {}
        for application in applications:
            if not isinstance(application, Application):
                raise TypeError("review_due_dates: pass the 补正 requests of rows as `supplements`")
            own[application.pk] = application.supplement_requests.all()
        supplements = own
    working = settings.LEGALAID_COUNT_WORKING_DAYS
    counted = {
        application.pk: [
            request
            for request in supplements.get(application.pk, ())
            if application.clock_started_on <= request.requested_on <= today
        ]
        for application in applications
    }
    pending = [
        application
        for application in applications
        if application.clock_started_on <= today and (application.closed_on is None or application.closed_on > today)
    ]
    first = min((application.clock_started_on for application in pending), default=today)
    cal = WorkingCalendar(first, today + timedelta(days=2 * REVIEW_DAYS + MAX_ROLL_DAYS))
    result: dict[int, date | None] = {application.pk: None for application in applications}
    for application in pending:
        start = application.clock_started_on
        due: date | None = cal.add_days(start, REVIEW_DAYS, working_days=working)
        paused = 0
        for r in sorted(counted[application.pk], key=lambda r: (r.requested_on, r.pk or 0)):
            assert due is not None
            if r.requested_on > due:
                # 第四十三条: a 补正 notice given once the review was already overdue does not cure
                # the delay — it neither stops the clock nor adds its days (the service refuses such
                # a notice; this keeps older records honest too).
                continue
            if r.resolved_on is None or r.resolved_on > today:
                due = None  # waiting for 补正 as of `today`: the clock is stopped
                break
            paused += cal.count_days(r.requested_on, r.resolved_on, working_days=working)
            due = cal.add_days(start, REVIEW_DAYS + paused, working_days=working)
        if due is None:
            continue
        # 第四十四条 先行提供 does not shorten the review: the 第四十三条 date stands (the aid starts
        # first, the decision follows on its own clock).
        result[application.pk] = due
    return result
