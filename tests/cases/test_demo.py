"""The demo step: cases for every approved application and a year of notices, numbered like real ones."""

import random

import pytest
from django.utils import timezone

from accounts.demo import create_demo_users
from applications import demo as applications_demo
from applications.models import Application, Status
from cases import demo
from cases.models import Case, CaseState, Handler, LawFirm
from core.models import NumberSequence
from tests.support import late_in_the_year

pytestmark = pytest.mark.django_db


def test_demo_cases_cover_every_state_and_continue_the_counters():
    with late_in_the_year():  # a year's work: archived cases, 强制医疗 notices (tests.support)
        today = timezone.localdate()
        create_demo_users(password="demo-pass-2026")
        applications_demo.seed(rng=random.Random(7), today=today, log=lambda _: None)
        demo.seed(rng=random.Random(7), today=today, log=lambda _: None)
    approved = Application.objects.filter(status=Status.APPROVED).count()
    notified = Case.objects.filter(notice__isnull=False)
    assert Case.objects.filter(application__isnull=False).count() == approved
    # About 40 % of criminal cases come by notice, from each county's organs, 强制医疗 among them.
    criminal = Case.objects.filter(case_type__category="criminal").count()
    assert 0.3 <= notified.count() / criminal <= 0.5
    assert notified.values("office").distinct().count() == 6
    assert notified.filter(case_type__code="compulsory_medical").exists()
    assert set(Case.objects.values_list("state", flat=True)) == set(CaseState.values)
    # The product's rule picked their lawyers: practising lawyers only.
    assert not notified.filter(handler__kind="staff").exists()
    assert Handler.objects.count() == 12
    assert LawFirm.objects.values("office").distinct().count() == 6
    # Gap-free per office, year and type, and the counter rows stand at the last number.
    for row in NumberSequence.objects.filter(kind="case"):
        office_code, char = row.scope.split("-")
        serials = sorted(
            Case.objects.filter(year=row.year, office__code=office_code, case_type__char=char).values_list(
                "serial", flat=True
            )
        )
        assert serials == list(range(1, row.last_value + 1))
    # A second run leaves everything alone.
    total = Case.objects.count()
    with late_in_the_year():
        demo.seed(rng=random.Random(7), today=today, log=lambda _: None)
    assert Case.objects.count() == total
