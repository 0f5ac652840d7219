"""补贴: the rate in force on the closure date, the grade's coefficient, office staff get none,
待发放 → 已发放, and exact Decimal sums per office and month."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from applications.models import MatterCategory
from audit.models import AuditEntry
from core.transitions import TransitionError
from quality.models import Grade, Subsidy, SubsidyRate, SubsidyStage, SubsidyStatus
from quality.selectors import subsidy_by_month, subsidy_figures
from quality.services import reference
from quality.services import subsidy as subsidy_services
from tests.cases.factories import make_handler
from tests.quality.factories import closed_case, reviewed

pytestmark = pytest.mark.django_db

CIVIL_FIRST_INSTANCE = Decimal("3000.00")  # the seeded 民事·一审 rate


def civil_stage() -> SubsidyStage:
    return SubsidyStage.objects.get(category=MatterCategory.CIVIL, is_default=True)


def test_subsidy_uses_the_default_stage_and_stores_its_inputs(personas):
    case = closed_case(personas)
    subsidy = subsidy_services.compute_subsidy(case, by=personas[(Role.REVIEWER, "luoding")])
    assert subsidy.stage == civil_stage()
    assert (subsidy.base_amount, subsidy.coefficient, subsidy.grade, subsidy.amount) == (
        CIVIL_FIRST_INSTANCE,
        Decimal("1.00"),
        "",
        CIVIL_FIRST_INSTANCE,
    )
    assert subsidy.rate.effective_from == date(2022, 1, 1)
    assert subsidy.status == SubsidyStatus.PENDING
    assert AuditEntry.objects.filter(object_type="quality.Subsidy", action="create").exists()


def test_a_rate_changing_mid_year_applies_by_closure_date(personas):
    year = timezone.localdate().year - 1
    reference.add_subsidy_rate(
        stage=civil_stage(), amount=Decimal("3600.00"), effective_from=date(year, 7, 1), by=personas["city"]
    )
    old = SubsidyRate.objects.get(stage=civil_stage(), effective_from=date(2022, 1, 1))
    assert old.effective_to == date(year, 6, 30)  # the old rate ends the day before

    before = closed_case(personas, closed_on=date(year, 6, 30))
    after = closed_case(personas, closed_on=date(year, 7, 1))
    assert subsidy_services.compute_subsidy(before).amount == Decimal("3000.00")
    assert subsidy_services.compute_subsidy(after).amount == Decimal("3600.00")

    with pytest.raises(ValidationError):  # history is not rewritten
        reference.add_subsidy_rate(
            stage=civil_stage(), amount=Decimal("1.00"), effective_from=date(year, 3, 1), by=personas["city"]
        )
    with pytest.raises(PermissionDenied):
        reference.add_subsidy_rate(
            stage=civil_stage(),
            amount=Decimal("1.00"),
            effective_from=date(year + 1, 3, 1),
            by=personas[(Role.REVIEWER, "luoding")],
        )


def test_office_staff_handlers_get_no_subsidy(personas, make_user):
    from cases.models import HandlerKind

    worker = make_user("aid-worker", Role.HANDLER, office="luoding")
    make_handler(worker, kind=HandlerKind.STAFF)
    case = closed_case(personas, handler_user=worker)
    assert subsidy_services.compute_subsidy(case) is None
    assert not Subsidy.objects.exists()


@pytest.mark.parametrize(
    ("total", "grade", "amount"),
    [(95, Grade.EXCELLENT, "3600.00"), (85, Grade.GOOD, "3000.00"), (65, Grade.PASS, "2400.00")],
)
def test_the_grade_changes_the_amount_by_its_coefficient(personas, total, grade, amount):
    case = closed_case(personas)
    assert subsidy_services.compute_subsidy(case).amount == CIVIL_FIRST_INSTANCE
    reviewed(personas, case, total=total)  # settling the grade recomputes the subsidy
    subsidy = Subsidy.objects.get(case=case)
    assert (subsidy.grade, subsidy.amount) == (grade, Decimal(amount))


def test_amount_is_rounded_half_up_to_the_fen(personas):
    reference.set_coefficients(coefficients={Grade.GOOD: Decimal("0.33")}, by=personas["city"])
    reference.add_subsidy_rate(
        stage=civil_stage(), amount=Decimal("1234.50"), effective_from=date(2023, 1, 1), by=personas["city"]
    )
    case = closed_case(personas)
    reviewed(personas, case, total=85)
    assert Subsidy.objects.get(case=case).amount == Decimal("407.39")  # 1234.50 × 0.33 = 407.385


def test_mark_paid_and_paid_is_final(personas):
    case = closed_case(personas)
    subsidy = subsidy_services.compute_subsidy(case)
    with pytest.raises(PermissionDenied):
        subsidy_services.mark_subsidy_paid(subsidy, paid_on=timezone.localdate(), by=personas[(Role.CLERK, "luoding")])
    with pytest.raises(PermissionDenied):
        subsidy_services.mark_subsidy_paid(subsidy, paid_on=timezone.localdate(), by=personas[(Role.REVIEWER, "yunan")])
    paid = subsidy_services.mark_subsidy_paid(
        subsidy, paid_on=timezone.localdate(), by=personas[(Role.REVIEWER, "luoding")]
    )
    assert (paid.status, paid.paid_by) == (SubsidyStatus.PAID, personas[(Role.REVIEWER, "luoding")])
    with pytest.raises(TransitionError):
        subsidy_services.mark_subsidy_paid(paid, paid_on=timezone.localdate(), by=personas["city"])
    # A grade arriving after payment leaves the paid amount alone.
    reviewed(personas, case, total=95)
    assert Subsidy.objects.get(case=case).amount == CIVIL_FIRST_INSTANCE


def test_sums_are_exact_decimals_per_office_and_month(personas):
    reference.add_subsidy_rate(
        stage=civil_stage(), amount=Decimal("0.10"), effective_from=date(2023, 1, 1), by=personas["city"]
    )
    today = timezone.localdate()
    cases = [closed_case(personas, closed_on=today) for _ in range(3)]
    cases.append(closed_case(personas, office="yunan", closed_on=today))
    subsidies = [subsidy_services.compute_subsidy(case) for case in cases]
    subsidy_services.mark_subsidy_paid(subsidies[0], paid_on=today, by=personas["city"])

    office_ids = [cases[0].office_id, cases[3].office_id]
    figures = subsidy_figures(office_ids=office_ids, year=today.year, month=today.month)
    luoding = figures[cases[0].office_id]
    # 0.10 × 3 is exactly 0.30 (a float sum would give 0.30000000000000004).
    assert luoding.computed == Decimal("0.30") and isinstance(luoding.computed, Decimal)
    assert (luoding.computed_count, luoding.paid_count, luoding.paid) == (3, 1, Decimal("0.10"))
    assert figures[cases[3].office_id].computed == Decimal("0.10")

    months = subsidy_by_month(office_ids=office_ids, year=today.year)
    # Offices in report order: 云安 before 罗定.
    assert [(row["count"], row["computed"], row["paid"], row["pending"]) for row in months] == [
        (1, Decimal("0.10"), Decimal("0.00"), Decimal("0.10")),
        (3, Decimal("0.30"), Decimal("0.10"), Decimal("0.20")),
    ]


def test_no_rate_in_force_stores_nothing(personas):
    case = closed_case(personas, closed_on=date(2021, 12, 31))  # before the seeded rates
    assert subsidy_services.compute_subsidy(case) is None


def test_only_closed_cases_get_a_subsidy(personas):
    from cases.models import CaseState
    from tests.cases.factories import make_case

    with pytest.raises(TransitionError):
        subsidy_services.compute_subsidy(make_case(personas, state=CaseState.IN_PROGRESS))


def test_payment_date_cannot_be_in_the_future(personas):
    subsidy = subsidy_services.compute_subsidy(closed_case(personas))
    with pytest.raises(ValidationError):
        subsidy_services.mark_subsidy_paid(
            subsidy, paid_on=timezone.localdate() + timedelta(days=1), by=personas["city"]
        )


def test_city_changes_the_stage_and_the_amount_follows(personas):
    subsidy = subsidy_services.compute_subsidy(closed_case(personas))
    second_instance = SubsidyStage.objects.get(category=MatterCategory.CIVIL, name="二审")
    changed = subsidy_services.change_subsidy_stage(subsidy, stage=second_instance, by=personas["city"])
    assert (changed.stage, changed.amount) == (second_instance, Decimal("2000.00"))
    # Recomputing (e.g. when the grade arrives) keeps the corrected stage.
    assert subsidy_services.compute_subsidy(changed.case).stage == second_instance
    with pytest.raises(ValidationError):
        subsidy_services.change_subsidy_stage(
            subsidy, stage=SubsidyStage.objects.get(category=MatterCategory.CRIMINAL, name="审判"), by=personas["city"]
        )
    with pytest.raises(PermissionDenied):
        subsidy_services.change_subsidy_stage(subsidy, stage=civil_stage(), by=personas[(Role.REVIEWER, "luoding")])


def test_a_notified_case_earns_a_subsidy_like_any_other(personas):
    """Issue 11 item 5: the lawyer of a notified case (通知辩护) is paid by the same rule at closure."""
    from cases import services as case_services
    from cases.models import CaseState
    from quality.services import subsidy as subsidy_services
    from tests.cases.factories import make_notified_case, pdf

    case = make_notified_case(personas, state=CaseState.IN_PROGRESS)
    handler = case.handler.user
    today = timezone.localdate()
    case = case_services.submit_closure(
        case, method="judgment", matter_ended_on=today, summary="判决。", files=[pdf()], by=handler
    )
    case = subsidy_services.accept_closure(case, by=personas[(Role.REVIEWER, "luoding")])
    subsidy = Subsidy.objects.get(case=case)
    assert subsidy.stage.category == "criminal" and subsidy.amount == subsidy.rate.amount
