"""Every write of the quality app. Each service takes keyword-only arguments, runs in one transaction,
re-reads the rows it changes with `select_for_update`, checks the rule and the state, saves with
`update_fields` and writes the audit row (STYLE practice 1). Refusals raise `TransitionError`,
`ValidationError` or `PermissionDenied` with a Chinese message shown to the user as it is."""

from __future__ import annotations

import random
import secrets
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Office, Role
from applications.models import MatterCategory, SpecialGroup
from applications.services import TransitionError
from applications.uploads import removes_files_on_error, save_upload, validate_upload
from audit.models import AuditAction
from audit.services import record
from cases.models import Case, CaseState, HandlerKind
from quality import rules
from quality.models import (
    SHEET_TOTAL,
    FollowUp,
    Grade,
    ItemScore,
    PeerReview,
    PublicityActivity,
    PublicityPhoto,
    QualityCoefficient,
    SampledCase,
    SampleDraw,
    SampleStatus,
    ScoreItem,
    ScoreSheet,
    Subsidy,
    SubsidyRate,
    SubsidyStage,
    SubsidyStatus,
    grade_for_total,
)

CENT = Decimal("0.01")
DEFAULT_RATIO = Decimal("0.10")  # about 10% of the cases closed in the period (DOMAIN, peer review practice)
RE_REVIEWERS = 2  # a 不合格 first review is re-reviewed by two more experts
UNGRADED_COEFFICIENT = Decimal("1.00")  # a case never sampled is paid the base amount
CLOSED_STATES = (CaseState.CLOSED, CaseState.ARCHIVED)
IMAGE_KINDS = ("jpeg", "png")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _require(allowed: bool, message: str = "您无权进行此操作。") -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- score sheets ---------------------------------------------------------------------------------
def check_sheet_total(points: Iterable[int]) -> None:
    total = sum(points)
    if total != SHEET_TOTAL:
        raise ValidationError(f"评分项目分值合计须为{SHEET_TOTAL}分，现为{total}分。")


@transaction.atomic
def save_sheet_items(
    sheet: ScoreSheet, *, items: Sequence[Mapping], by, request: HttpRequest | None = None
) -> ScoreSheet:
    """Replace the sheet's items with `items` (dicts of pk or None, name, max_points, guidance).

    Items already used in a submitted review cannot be removed (their scores keep pointing at them)."""
    _require(rules.can_edit_reference_data(by))
    sheet = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
    check_sheet_total(item["max_points"] for item in items)
    kept = {item["pk"] for item in items if item.get("pk")}
    removed = sheet.items.exclude(pk__in=kept)
    if ItemScore.objects.filter(item__in=removed).exists():
        raise ValidationError("已被评分使用的项目不能删除，可以修改其名称或分值。")
    removed.delete()
    existing = {item.pk: item for item in sheet.items.all()}
    for order, data in enumerate(items, start=1):
        item = existing.get(data.get("pk")) or ScoreItem(sheet=sheet)
        item.name, item.max_points, item.guidance, item.sort_order = (
            data["name"],
            data["max_points"],
            data.get("guidance", ""),
            order,
        )
        item.full_clean(exclude=["sheet"])
        item.save()
    record(AuditAction.UPDATE, actor=by, request=request, obj=sheet, note=f"修改评分项目，共{len(items)}项")
    return sheet


# --- the draw -------------------------------------------------------------------------------------
def sample_size(count: int, ratio: Decimal) -> int:
    """⌈count × ratio⌉, at least one when there is any case."""
    if count == 0:
        return 0
    return max(1, int((Decimal(count) * ratio).to_integral_value(rounding=ROUND_CEILING)))


@dataclass(frozen=True)
class Candidate:
    pk: int
    office_id: int
    category: str


def choose_sample(
    candidates: Sequence[Candidate], *, office_ids: Sequence[int], ratio: Decimal, seed: int
) -> list[int]:
    """The pure draw: which case pks to sample. Same candidates, ratio and seed → same result.

    One `random.Random(seed)` runs over the offices in report order and each office's cases by pk.
    Per office: ⌈n × ratio⌉ cases (at least one), always including one civil and one criminal case
    where the office has any (the province's practice), then the rest drawn from what is left."""
    rng = random.Random(seed)
    by_office: dict[int, list[Candidate]] = defaultdict(list)
    for candidate in sorted(candidates, key=lambda c: c.pk):
        by_office[candidate.office_id].append(candidate)
    chosen: list[int] = []
    for office_id in office_ids:
        cases = by_office.get(office_id, [])
        wanted = sample_size(len(cases), ratio)
        picked: list[Candidate] = []
        for category in (MatterCategory.CIVIL, MatterCategory.CRIMINAL):
            of_kind = [c for c in cases if c.category == category]
            if of_kind:
                picked.append(rng.choice(of_kind))
        rest = [c for c in cases if c not in picked]
        extra = max(0, wanted - len(picked))
        picked.extend(rng.sample(rest, min(extra, len(rest))))
        chosen.extend(sorted(c.pk for c in picked))
    return chosen


@transaction.atomic
def draw_sample(
    *,
    period_start: date,
    period_end: date,
    by,
    ratio: Decimal = DEFAULT_RATIO,
    seed: int | None = None,
    request: HttpRequest | None = None,
) -> SampleDraw:
    """抽取评估案件: sample the cases closed (`closed_on`) in the period, per office.

    A case is sampled at most once: cases already in an earlier draw are not candidates, so the same
    seed over the same period gives the same sample as long as no other draw took cases from it."""
    _require(rules.can_draw_sample(by), "只有市局工作人员可以抽取评估案件。")
    if period_start > period_end:
        raise ValidationError({"period_end": "结束日期不能早于开始日期。"})
    if not Decimal("0") < ratio <= Decimal("1"):
        raise ValidationError({"ratio": "抽取比例须大于0且不超过100%。"})
    if seed is None:
        seed = secrets.randbelow(2**31)
    candidates = [
        Candidate(pk, office_id, category)
        for pk, office_id, category in Case.objects.filter(
            state__in=CLOSED_STATES, closed_on__range=(period_start, period_end), peer_review_sample__isnull=True
        )
        .order_by("pk")
        .values_list("pk", "office_id", "case_type__category")
    ]
    if not candidates:
        raise ValidationError("该期间内没有可抽取的已结案案件。")
    office_ids = list(Office.objects.values_list("pk", flat=True))
    chosen = choose_sample(candidates, office_ids=office_ids, ratio=ratio, seed=seed)
    draw = SampleDraw(period_start=period_start, period_end=period_end, ratio=ratio, seed=seed, drawn_by=by)
    draw.full_clean()
    draw.save()
    SampledCase.objects.bulk_create([SampledCase(draw=draw, case_id=pk) for pk in chosen])
    record(
        AuditAction.CREATE,
        actor=by,
        request=request,
        obj=draw,
        note=f"抽取评估案件{len(chosen)}件（比例{ratio:.0%}，种子{seed}）",
    )
    return draw


# --- reviewers ------------------------------------------------------------------------------------
def reviewer_refusal(case: Case, reviewer) -> str | None:
    """Why `reviewer` may not review `case`, or None: never the handler, nor anyone of the handler's
    law firm, nor anyone of the case's county (regional recusal)."""
    if not (reviewer.is_active and reviewer.has_role(Role.PEER_REVIEWER)):
        return "只能分配给评估员。"
    handler = case.handler
    if handler is not None and handler.user_id == reviewer.pk:
        return "评估员不能评估自己承办的案件。"
    if reviewer.office_id == case.office_id:
        return "评估员不能评估本县（市、区）的案件。"
    profile = getattr(reviewer, "handler_profile", None)
    if profile is not None and handler is not None and profile.law_firm_id is not None:
        if profile.law_firm_id == handler.law_firm_id:
            return "评估员不能评估本律师事务所承办的案件。"
        if profile.law_firm.office_id == case.office_id:
            return "评估员所在律师事务所与案件属同一县（市、区），应当回避。"
    return None


def eligible_reviewers(sample: SampledCase) -> QuerySet:
    """The peer reviewers the assign form offers: `reviewer_refusal` as one query."""
    case = sample.case
    users = (
        get_user_model()
        .objects.filter(groups__name=Role.PEER_REVIEWER.label, is_active=True)
        .exclude(office_id=case.office_id)
        .exclude(pk__in=sample.reviews.values("reviewer_id"))
        .exclude(handler_profile__law_firm__office_id=case.office_id)
        .select_related("office")
        .order_by("username")
    )
    if case.handler_id is not None:
        users = users.exclude(pk=case.handler.user_id)
        if case.handler.law_firm_id is not None:
            users = users.exclude(handler_profile__law_firm_id=case.handler.law_firm_id)
    return users


def _locked_sample(sample: SampledCase) -> SampledCase:
    return (
        SampledCase.objects.select_for_update(of=("self",))
        .select_related("case__handler__law_firm", "case__case_type", "case__office")
        .get(pk=sample.pk)
    )


@transaction.atomic
def assign_reviewer(sample: SampledCase, *, reviewer, by, request: HttpRequest | None = None) -> PeerReview:
    """Give a sampled case to a peer reviewer: the first review, or one of the two re-reviews."""
    _require(rules.can_assign_reviewer(by), "只有市局工作人员可以分配评估员。")
    sample = _locked_sample(sample)
    if sample.status not in (SampleStatus.AWAITING_REVIEWER, SampleStatus.AWAITING_RE_REVIEW):
        raise TransitionError(f"该案件当前为“{sample.get_status_display()}”，不能再分配评估员。")
    refusal = reviewer_refusal(sample.case, reviewer)
    if refusal is None and sample.reviews.filter(reviewer=reviewer).exists():
        refusal = "该评估员已评估过此案件。"
    if refusal:
        raise ValidationError({"reviewer": refusal})
    sheet = ScoreSheet.objects.filter(category=sample.case.case_type.category).first()
    if sheet is None:
        raise TransitionError("该类案件尚无评分表，请先设置评分表。")
    re_review = sample.status == SampleStatus.AWAITING_RE_REVIEW
    review = PeerReview.objects.create(
        sample=sample, sheet=sheet, reviewer=reviewer, round=2 if re_review else 1, assigned_by=by
    )
    before = sample.status
    if not re_review or sample.reviews.filter(round=2).count() == RE_REVIEWERS:
        sample.status = SampleStatus.IN_REVIEW
        sample.save(update_fields=["status"])
    record(
        AuditAction.STATE_CHANGE if sample.status != before else AuditAction.UPDATE,
        actor=by,
        request=request,
        obj=sample,
        from_state=SampleStatus(before).label,
        to_state=SampleStatus(sample.status).label,
        note=f"分配{'复评' if re_review else ''}评估员 {reviewer.username}",
    )
    return review


# --- scoring and the final grade ------------------------------------------------------------------
def final_grade(totals: Sequence[int]) -> tuple[int, Grade] | None:
    """THE rule for a sampled case's grade, or None while reviews are still due.

    * One review that is not 不合格: its total and grade.
    * A 不合格 first review is re-reviewed by two more experts; with all three totals in, the final
      total is their MEDIAN and the grade follows from it (`grade_for_total`). The median of three
      ordered grades is the majority grade whenever two reviewers agree, and one outlying score —
      harsh or generous — cannot decide alone.
    `totals` are in review order: the first review first."""
    if not totals:
        return None
    first = grade_for_total(totals[0])
    if first != Grade.FAIL:
        return totals[0], first
    if len(totals) < 1 + RE_REVIEWERS:
        return None
    median = int(statistics.median(totals[: 1 + RE_REVIEWERS]))
    return median, grade_for_total(median)


@transaction.atomic
def submit_review(
    review: PeerReview,
    *,
    scores: Mapping[int, tuple[int, str]],
    by,
    summary: str = "",
    request: HttpRequest | None = None,
    today: date | None = None,
) -> PeerReview:
    """提交评分: `scores` maps each item pk of the sheet to (points, comment). The total and the grade
    are computed here, never typed; when the case's grade settles, its subsidy is recomputed."""
    review = PeerReview.objects.select_for_update(of=("self",)).select_related("sample").get(pk=review.pk)
    _require(review.reviewer_id == by.pk, "只能提交分配给您的评估。")
    if review.is_submitted:
        raise TransitionError("该评估已提交，不能重复提交。")
    sample = _locked_sample(review.sample)
    if sample.status == SampleStatus.SETTLED:
        raise TransitionError("该案件已评定等次。")
    items = list(review.sheet.items.all())
    errors: dict[str, str] = {}
    for item in items:
        points = scores.get(item.pk, (None, ""))[0]
        if points is None:
            errors[f"item_{item.pk}"] = "请评分。"
        elif not 0 <= points <= item.max_points:
            errors[f"item_{item.pk}"] = f"得分须在0至{item.max_points}分之间。"
    unknown = set(scores) - {item.pk for item in items}
    if unknown:
        errors["__all__"] = "评分项目与评分表不符，请刷新页面后重新评分。"
    if errors:
        raise ValidationError(errors)
    ItemScore.objects.bulk_create(
        [ItemScore(review=review, item=item, points=scores[item.pk][0], comment=scores[item.pk][1]) for item in items]
    )
    review.total = sum(scores[item.pk][0] for item in items)
    review.grade = grade_for_total(review.total)
    review.summary = summary
    review.submitted_at = timezone.now()
    review.save(update_fields=["total", "grade", "summary", "submitted_at"])
    record(
        AuditAction.UPDATE,
        actor=by,
        request=request,
        obj=review,
        to_state=Grade(review.grade).label,
        note=f"提交评分：{review.total}分",
    )
    _advance_sample(sample, by=by, request=request, today=today or timezone.localdate())
    return review


def _advance_sample(sample: SampledCase, *, by, request, today: date) -> None:
    totals = list(
        sample.reviews.filter(submitted_at__isnull=False)
        .order_by("round", "submitted_at", "pk")
        .values_list("total", flat=True)
    )
    before = sample.status
    settled = final_grade(totals)
    if settled is not None:
        sample.final_total, sample.final_grade = settled
        sample.settled_on = today
        sample.status = SampleStatus.SETTLED
    elif len(totals) == 1 and sample.reviews.count() == 1:
        sample.status = SampleStatus.AWAITING_RE_REVIEW  # first review 不合格: two more reviewers
    else:
        return
    sample.save(update_fields=["status", "final_total", "final_grade", "settled_on"])
    record(
        AuditAction.STATE_CHANGE,
        actor=by,
        request=request,
        obj=sample,
        from_state=SampleStatus(before).label,
        to_state=SampleStatus(sample.status).label,
        note=f"评定等次：{Grade(sample.final_grade).label}（{sample.final_total}分）"
        if settled
        else "初评不合格，需两名评估员复评",
    )
    if settled is not None:
        compute_subsidy(sample.case, by=by, request=request)


# --- follow-up ------------------------------------------------------------------------------------
@transaction.atomic
def record_follow_up(
    *, case: Case, contacted_on: date, channel: str, satisfaction: str, note: str = "", by, request=None
) -> FollowUp:
    """回访 a closed case; recorded by the staff of the case's office."""
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    _require(rules.can_record_for_office(by, case.office_id), "只有案件承办机构的工作人员可以登记回访。")
    if case.state not in CLOSED_STATES:
        raise ValidationError({"case": "只能回访已结案的案件。"})
    if contacted_on > timezone.localdate():
        raise ValidationError({"contacted_on": "回访日期不能晚于今天。"})
    follow_up = FollowUp(
        case=case, contacted_on=contacted_on, channel=channel, satisfaction=satisfaction, note=note, recorded_by=by
    )
    follow_up.full_clean()
    follow_up.save()
    record(AuditAction.CREATE, actor=by, request=request, obj=follow_up, to_state=follow_up.get_satisfaction_display())
    return follow_up


# --- subsidy --------------------------------------------------------------------------------------
def coefficient_for(grade: str) -> Decimal:
    if not grade:
        return UNGRADED_COEFFICIENT
    row = QualityCoefficient.objects.filter(grade=grade).first()
    return row.coefficient if row is not None else UNGRADED_COEFFICIENT


@transaction.atomic
def compute_subsidy(
    case: Case, *, by=None, stage: SubsidyStage | None = None, request: HttpRequest | None = None
) -> Subsidy | None:
    """Compute (or recompute) the handler's subsidy of a closed case and store it with its inputs.

    amount = rate in force on the closure date (`closed_on`) for the stage × the quality coefficient
    of the case's settled grade (1.00 while ungraded), rounded half up to the fen. The stage is the
    one given, else the one stored before, else the category's default stage (SubsidyStage.is_default).
    Returns None — and stores nothing — for a handler who is office staff (机构工作人员 get no subsidy,
    补贴办法), or when no rate is in force on that date. A paid subsidy is final and is left alone.
    Called when a closure is accepted and again when a grade settles."""
    from quality.selectors import grade_for_case

    case = Case.objects.select_for_update(of=("self",)).select_related("handler", "case_type").get(pk=case.pk)
    if case.state not in CLOSED_STATES or case.closed_on is None:
        raise TransitionError("只有已结案的案件才能核算补贴。")
    if case.handler is None or case.handler.kind == HandlerKind.STAFF:
        return None
    subsidy = Subsidy.objects.select_for_update().filter(case=case).first()
    if subsidy is not None and subsidy.status == SubsidyStatus.PAID:
        return subsidy
    if stage is None:
        stage = subsidy.stage if subsidy is not None else None
    if stage is None:
        stage = SubsidyStage.objects.filter(category=case.case_type.category, is_default=True).first()
    if stage is None or stage.category != case.case_type.category:
        return None
    rate = SubsidyRate.objects.filter(stage=stage).in_force(on=case.closed_on).order_by("-effective_from").first()
    if rate is None:
        return None
    grade = grade_for_case(case) or ""
    coefficient = coefficient_for(grade)
    values = {
        "handler": case.handler,
        "stage": stage,
        "rate": rate,
        "base_amount": rate.amount,
        "grade": grade,
        "coefficient": coefficient,
        "amount": money(rate.amount * coefficient),
        "computed_at": timezone.now(),
    }
    created = subsidy is None
    if created:
        subsidy = Subsidy(case=case, **values)
        subsidy.full_clean()
        subsidy.save()
    else:
        for name, value in values.items():
            setattr(subsidy, name, value)
        subsidy.save(update_fields=list(values))
    grade_label = Grade(grade).label if grade else "未评估"
    record(
        AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=by,
        request=request,
        obj=subsidy,
        note=f"核算补贴：{stage} {rate.amount}元 × {coefficient}（{grade_label}）= {subsidy.amount}元",
    )
    return subsidy


@transaction.atomic
def change_subsidy_stage(
    subsidy: Subsidy, *, stage: SubsidyStage, by, request: HttpRequest | None = None
) -> Subsidy | None:
    """City staff correct the stage of an unpaid subsidy (the default stage of its category was set
    at closure); the amount is recomputed from that stage's rate on the closure date."""
    _require(rules.can_edit_reference_data(by), "只有市局工作人员可以修改办案阶段。")
    subsidy = Subsidy.objects.select_for_update(of=("self",)).select_related("case__case_type").get(pk=subsidy.pk)
    if subsidy.status != SubsidyStatus.PENDING:
        raise TransitionError("补贴已发放，不能修改办案阶段。")
    if stage.category != subsidy.case.case_type.category:
        raise ValidationError({"stage": "办案阶段与案件类别不符。"})
    if not SubsidyRate.objects.filter(stage=stage).in_force(on=subsidy.case.closed_on).exists():
        raise ValidationError({"stage": "该办案阶段在结案日期没有适用的补贴标准。"})
    return compute_subsidy(subsidy.case, stage=stage, by=by, request=request)


@transaction.atomic
def mark_subsidy_paid(subsidy: Subsidy, *, paid_on: date, by, request: HttpRequest | None = None) -> Subsidy:
    """待发放 → 已发放, with the payment date and who paid."""
    subsidy = Subsidy.objects.select_for_update(of=("self",)).select_related("case").get(pk=subsidy.pk)
    _require(rules.can_mark_paid(by, subsidy.case.office_id), "只有市局工作人员或本机构审查员可以登记发放。")
    if subsidy.status != SubsidyStatus.PENDING:
        raise TransitionError("该补贴已发放。")
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": "发放日期不能晚于今天。"})
    if paid_on < subsidy.case.closed_on:
        raise ValidationError({"paid_on": "发放日期不能早于结案日期。"})
    subsidy.status, subsidy.paid_on, subsidy.paid_by = SubsidyStatus.PAID, paid_on, by
    subsidy.save(update_fields=["status", "paid_on", "paid_by"])
    record(
        AuditAction.STATE_CHANGE,
        actor=by,
        request=request,
        obj=subsidy,
        from_state=SubsidyStatus.PENDING.label,
        to_state=SubsidyStatus.PAID.label,
        note=f"发放 {subsidy.amount}元",
    )
    return subsidy


@transaction.atomic
def add_subsidy_rate(
    *, stage: SubsidyStage, amount: Decimal, effective_from: date, by, request: HttpRequest | None = None
) -> SubsidyRate:
    """A new rate from a date. The rate in force until then ends the day before; a rate may not start
    inside a closed period nor before the latest rate's start (history is not rewritten)."""
    _require(rules.can_edit_reference_data(by), "只有市局工作人员可以修改补贴标准。")
    if amount < 0:
        raise ValidationError({"amount": "补贴标准不能为负数。"})
    stage = SubsidyStage.objects.select_for_update().get(pk=stage.pk)
    latest = SubsidyRate.objects.filter(stage=stage).order_by("-effective_from").first()
    if latest is not None:
        if effective_from <= latest.effective_from:
            raise ValidationError(
                {"effective_from": f"生效日期须晚于现行标准的生效日期（{latest.effective_from:%Y年%m月%d日}）。"}
            )
        if latest.effective_to is None or latest.effective_to >= effective_from:
            latest.effective_to = effective_from - timedelta(days=1)
            latest.save(update_fields=["effective_to"])
    rate = SubsidyRate(stage=stage, amount=money(Decimal(amount)), effective_from=effective_from, created_by=by)
    rate.full_clean()
    rate.save()
    record(
        AuditAction.CREATE,
        actor=by,
        request=request,
        obj=rate,
        note=f"新补贴标准 {rate.amount}元，{effective_from:%Y-%m-%d}起",
    )
    return rate


@transaction.atomic
def set_coefficients(*, coefficients: Mapping[str, Decimal], by, request: HttpRequest | None = None) -> None:
    """Set the quality coefficient of each grade (applies to subsidies computed from now on)."""
    _require(rules.can_edit_reference_data(by), "只有市局工作人员可以修改质量系数。")
    for grade, value in coefficients.items():
        if value < 0:
            raise ValidationError("质量系数不能为负数。")
        row, _ = QualityCoefficient.objects.select_for_update().get_or_create(
            grade=grade, defaults={"coefficient": value}
        )
        if row.coefficient != value:
            before = row.coefficient
            row.coefficient = value
            row.save(update_fields=["coefficient"])
            record(AuditAction.UPDATE, actor=by, request=request, obj=row, from_state=str(before), to_state=str(value))


# --- publicity ------------------------------------------------------------------------------------
def validate_photo(file: UploadedFile) -> str:
    """A JPEG or PNG photo, recognised by its content (a PDF is refused here)."""
    kind = validate_upload(file)
    if kind not in IMAGE_KINDS:
        raise ValidationError(
            "文件“%(name)s”不是JPG或PNG照片，请重新选择。", code="not_image", params={"name": file.name}
        )
    return kind


@removes_files_on_error
@transaction.atomic
def record_publicity(
    *,
    held_on: date,
    place: str,
    form: str,
    target_groups: Iterable[SpecialGroup],
    people_reached: int,
    materials_handed_out: int = 0,
    note: str = "",
    photos: Sequence[UploadedFile] = (),
    by,
    request: HttpRequest | None = None,
) -> PublicityActivity:
    """登记 a publicity activity of the recorder's own office, with its photos."""
    _require(rules.can_record_for_office(by, by.office_id), "只有法律援助机构的工作人员可以登记宣传活动。")
    activity = PublicityActivity(
        office_id=by.office_id,
        held_on=held_on,
        place=place,
        form=form,
        people_reached=people_reached,
        materials_handed_out=materials_handed_out,
        note=note,
        recorded_by=by,
    )
    activity.full_clean()
    activity.save()
    activity.target_groups.set(list(target_groups))
    for file in photos:
        photo = PublicityPhoto(activity=activity, uploaded_by=by)
        save_upload(photo, file, kind=validate_photo(file), folder="publicity")
    record(
        AuditAction.CREATE, actor=by, request=request, obj=activity, note=f"受众{people_reached}人，照片{len(photos)}张"
    )
    return activity
