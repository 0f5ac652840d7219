"""补贴 (SPEC §5, 《广东省法律援助补贴办法》): computed when the closure is accepted, recomputed when the
case's grade settles, corrected and paid through the subsidy's workflow."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from audit.models import AuditAction
from audit.services import record
from cases import services as case_services
from cases.models import Case, CaseState, HandlerKind
from core.transitions import TransitionError
from quality.models import Grade, QualityCoefficient, Subsidy, SubsidyRate, SubsidyStage, SubsidyStatus
from quality.selectors import grade_for_case
from quality.services.money import money
from quality.workflows import SUBSIDY_FLOW
from tallies import services as tallies
from tallies.models import Figure

UNGRADED_COEFFICIENT = Decimal("1.00")  # a case never sampled is paid the base amount
CLOSED_STATES = (CaseState.CLOSED, CaseState.ARCHIVED)


def accept_closure(case: Case, *, by: User, request: HttpRequest | None = None, today: date | None = None) -> Case:
    """结案审查通过 as the office makes it: the case is closed and its handler's subsidy computed in
    the same transaction (SPEC §5). The workflow spans cases and quality, so it is owned here."""
    with transaction.atomic():
        case = case_services.accept_closure(case, by=by, request=request, today=today)
        compute_subsidy(case, by=by, request=request)
    return case


def _closure_date(case: Case) -> date:
    """The closure date of a subsidy's case: a subsidy is only ever made for a closed case."""
    if case.closed_on is None:
        raise TransitionError("只有已结案的案件才能核算补贴。")
    return case.closed_on


def subsidy_tallies(subsidy: Subsidy, *, case: Case, sign: int = 1) -> list[tallies.Tally]:
    """What a subsidy adds to the monthly aggregate, at its case's office: one subsidy and its amount
    in the month the case was closed; once paid, its amount paid in that month too (what of the
    month's subsidies is paid so far) and, one paid subsidy and its amount, in the month of payment.
    `sign=-1` takes it back: a change adds the state after less the state before."""
    closed_on = _closure_date(case)
    fen = sign * int(subsidy.amount * 100)
    added = [
        tallies.Tally(Figure.SUBSIDIES, case.office_id, closed_on, sign),
        tallies.Tally(Figure.SUBSIDY_COMPUTED, case.office_id, closed_on, fen),
    ]
    if subsidy.status == SubsidyStatus.PAID and subsidy.paid_on is not None:
        added += [
            tallies.Tally(Figure.SUBSIDY_PAID_BY_CLOSURE, case.office_id, closed_on, fen),
            tallies.Tally(Figure.SUBSIDIES_PAID, case.office_id, subsidy.paid_on, sign),
            tallies.Tally(Figure.SUBSIDY_PAID, case.office_id, subsidy.paid_on, fen),
        ]
    return added


def coefficient_for(grade: str) -> Decimal:
    if not grade:
        return UNGRADED_COEFFICIENT
    row = QualityCoefficient.objects.filter(grade=grade).first()
    return row.coefficient if row is not None else UNGRADED_COEFFICIENT


def subsidy_amount(*, rate: SubsidyRate, coefficient: Decimal) -> Decimal:
    """THE amount rule: the rate × the quality coefficient of the grade, rounded half up to the fen."""
    return money(rate.amount * coefficient)


def rate_in_force(stage: SubsidyStage, *, on: date) -> SubsidyRate | None:
    """The rate of `stage` in force on a day (the closure date applies, SPEC §5)."""
    return SubsidyRate.objects.filter(stage=stage).in_force(on=on).order_by("-effective_from").first()


def default_stage(category: str) -> SubsidyStage | None:
    return SubsidyStage.objects.filter(category=category, is_default=True).first()


@transaction.atomic
def compute_subsidy(
    case: Case, *, by: User | None = None, stage: SubsidyStage | None = None, request: HttpRequest | None = None
) -> Subsidy | None:
    """Compute (or recompute) the handler's subsidy of a closed case and store it with its inputs.

    The stage is the one given, else the one stored before, else the category's default stage.
    Returns None — and stores nothing — for a handler who is office staff (机构工作人员 get no subsidy,
    补贴办法), or when no rate is in force on the closure date. A paid subsidy is final and is left
    alone. Called when a closure is accepted and again when a grade settles."""
    case = Case.objects.select_for_update(of=("self",)).select_related("handler", "case_type").get(pk=case.pk)
    if case.state not in CLOSED_STATES or case.closed_on is None:
        raise TransitionError("只有已结案的案件才能核算补贴。")
    if case.handler is None or case.handler.kind == HandlerKind.STAFF:
        return None
    subsidy = Subsidy.objects.filter(case=case).first()
    if subsidy is not None and not SUBSIDY_FLOW.may(by, subsidy, "recompute"):
        return subsidy  # paid: final
    stage = stage or (subsidy.stage if subsidy is not None else None) or default_stage(case.case_type.category)
    if stage is None or stage.category != case.case_type.category:
        return None
    rate = rate_in_force(stage, on=case.closed_on)
    if rate is None:
        return None
    grade = grade_for_case(case) or ""
    coefficient = coefficient_for(grade)
    amount = subsidy_amount(rate=rate, coefficient=coefficient)
    values = {
        "handler": case.handler,
        "stage": stage,
        "rate": rate,
        "base_amount": rate.amount,
        "grade": grade,
        "coefficient": coefficient,
        "amount": amount,
        "computed_at": timezone.now(),
    }
    note = (
        f"核算补贴：{stage} {rate.amount}元 × {coefficient}（{Grade(grade).label if grade else '未评估'}）= {amount}元"
    )
    if subsidy is None:
        subsidy = Subsidy(case=case, **values)
        subsidy.full_clean()
        subsidy.save()
        tallies.add_many(subsidy_tallies(subsidy, case=case))
        record(AuditAction.CREATE, actor=by, request=request, obj=subsidy, note=note)
        return subsidy
    with SUBSIDY_FLOW.begin(subsidy, "recompute", by=by, request=request) as move:
        before = subsidy_tallies(move.obj, case=case, sign=-1)
        for name, value in values.items():
            setattr(move.obj, name, value)
        move.done(fields=list(values), note=note)
        tallies.add_many([*before, *subsidy_tallies(move.obj, case=case)])
    return move.obj


def change_subsidy_stage(
    subsidy: Subsidy, *, stage: SubsidyStage, by: User, request: HttpRequest | None = None
) -> Subsidy | None:
    """City staff correct the stage of an unpaid subsidy (the default stage of its category was set
    at closure); the amount is recomputed from that stage's rate on the closure date."""
    with SUBSIDY_FLOW.begin(subsidy, "change_stage", by=by, request=request) as move:
        subsidy = move.obj
        if stage.category != subsidy.case.case_type.category:
            raise ValidationError({"stage": "办案阶段与案件类别不符。"})
        if rate_in_force(stage, on=_closure_date(subsidy.case)) is None:
            raise ValidationError({"stage": "该办案阶段在结案日期没有适用的补贴标准。"})
        move.done(note=f"修改办案阶段：{subsidy.stage} → {stage}")
        return compute_subsidy(subsidy.case, stage=stage, by=by, request=request)


def mark_subsidy_paid(subsidy: Subsidy, *, paid_on: date, by: User, request: HttpRequest | None = None) -> Subsidy:
    """待发放 → 已发放, with the payment date and who paid."""
    with SUBSIDY_FLOW.begin(subsidy, "mark_paid", by=by, request=request) as move:
        subsidy = move.obj
        if paid_on > timezone.localdate():
            raise ValidationError({"paid_on": "发放日期不能晚于今天。"})
        if paid_on < _closure_date(subsidy.case):
            raise ValidationError({"paid_on": "发放日期不能早于结案日期。"})
        before = subsidy_tallies(subsidy, case=subsidy.case, sign=-1)
        subsidy.paid_on, subsidy.paid_by = paid_on, by
        move.done(fields=["paid_on", "paid_by"], note=f"发放 {subsidy.amount}元")
        tallies.add_many([*before, *subsidy_tallies(subsidy, case=subsidy.case)])
    return subsidy
