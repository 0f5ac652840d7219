"""The registers' demo step: the year's share of the planned volumes per office, deterministic, and
a second run adds nothing."""

import random
from datetime import date

import pytest
from django.db.models import Sum

from accounts.demo import create_demo_users
from consultations import demo
from consultations.models import Consultation, DraftedDocument

pytestmark = pytest.mark.django_db
TODAY = date(2026, 7, 1)


def test_registers_demo(db):
    create_demo_users(password="demo-pass-2026")
    lines: list[str] = []
    demo.seed(rng=random.Random(3), today=TODAY, log=lines.append)
    assert "咨询代书演示数据" in lines[0]
    share = (TODAY - date(2026, 1, 1)).days + 1
    planned = sum(round(n * share / 365) for n in demo.CONSULTATIONS_PER_YEAR.values())
    assert Consultation.objects.aggregate(n=Sum("people"))["n"] == planned
    assert DraftedDocument.objects.aggregate(n=Sum("copies"))["n"] == sum(
        round(n * share / 365) for n in demo.DOCUMENTS_PER_YEAR.values()
    )
    assert set(Consultation.objects.values_list("office__code", flat=True)) == set(demo.CONSULTATIONS_PER_YEAR)
    first = list(Consultation.objects.order_by("pk").values_list("consulted_on", "office_id", "people", "name"))
    demo.seed(rng=random.Random(4), today=TODAY, log=lines.append)
    assert "已存在，跳过" in lines[-1] and Consultation.objects.count() == len(first)
    Consultation.objects.all().delete()
    DraftedDocument.objects.all().delete()
    demo.seed(rng=random.Random(3), today=TODAY, log=lines.append)
    assert list(Consultation.objects.order_by("pk").values_list("consulted_on", "office_id", "people", "name")) == first
