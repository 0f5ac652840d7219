"""Demo targets and monthly sheets (a `seed_demo` step, after the applications and cases).

This year's targets (the default split), and the county sheets of the past months: most on time,
a couple late, last month's 郁南 sheet missing and 云城's returned for correction — so the city's
month page shows every status. Deterministic for the same rng and today; leaves existing rows alone.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Office
from reporting.models import (
    DEFAULT_CITY_TARGET,
    DEFAULT_OFFICE_SHARES,
    AnnualTarget,
    MonthlySubmission,
    OfficeTarget,
    SubmissionStatus,
)
from reporting.selectors import Period

PROGRESS = [
    "本月在各镇（街道）公共法律服务工作站设立“市域通办”受理点，群众可就近申请、只跑一次。",
    "本月开展法律援助进村居活动，为进城务工人员集中办理欠薪类法律援助申请。",
    "本月对承办中的案件开展质量检查，督促承办人员按服务规范履行职责。",
    "本月与法院、检察院、公安机关加强衔接，刑事法律援助通知辩护案件均在规定时限内指派。",
    "本月开展以案说法宣传活动，重点面向妇女、未成年人、老年人和残疾人。",
]
FUNDING = [
    "本年度法律援助经费已列入财政预算，本月按时发放办案补贴。",
    "办案补贴按《广东省法律援助补贴办法》标准核定，资金已落实到位。",
    "上级补助资金已到位，正按进度支付。",
]
PROBLEMS = [
    "无。",
    "部分镇（街道）受理点人员流动较大，业务培训需加强。",
    "律师资源集中在城区，偏远镇案件指派时间较长。",
]
LATE = {("yunan", 3), ("xinxing", 7)}


def seed(*, rng: random.Random, today: date, log: Callable[[str], None]) -> None:
    offices = list(Office.objects.all())
    with transaction.atomic():
        annual, created = AnnualTarget.objects.get_or_create(
            year=today.year, defaults={"city_target": DEFAULT_CITY_TARGET}
        )
        if created:
            OfficeTarget.objects.bulk_create(
                [
                    OfficeTarget(annual=annual, office=office, target=DEFAULT_OFFICE_SHARES.get(office.code, 0))
                    for office in offices
                ]
            )
            log(f"年度目标：{today.year}年全市 {annual.city_target} 件。")
    if MonthlySubmission.objects.exists():
        log("月报演示数据：已存在，跳过。")
        return
    clerks = {user.office_id: user for user in get_user_model().objects.filter(username__startswith="clerk-")}
    city = get_user_model().objects.filter(username="city").first()
    last = Period.containing(today).previous()
    counties = [office for office in offices if not office.is_city]
    sheets = []
    for month in range(1, last.month + 1 if last.year == today.year else 0):
        period = Period(today.year, month)
        for office in counties:
            if (office.slug, month) == ("yunnan", last.month):
                continue  # missing: the city sees it flagged
            day = 5 if (office.slug, month) in LATE else rng.choice((1, 1, 2))
            after = period.next()
            submitted_at = datetime.combine(
                date(after.year, after.month, day), time(rng.randint(9, 17), rng.randint(0, 59))
            )
            returned = (office.slug, month) == ("yuncheng", last.month)
            sheets.append(
                MonthlySubmission(
                    office=office,
                    year=period.year,
                    month=month,
                    status=SubmissionStatus.RETURNED if returned else SubmissionStatus.SUBMITTED,
                    progress=rng.choice(PROGRESS),
                    funding=rng.choice(FUNDING),
                    problems=rng.choice(PROBLEMS),
                    submitted_at=timezone.make_aware(submitted_at),
                    first_submitted_at=timezone.make_aware(submitted_at),
                    submitted_by=clerks.get(office.pk),
                    return_reason="推进情况未写明本月宣传活动场次，请补充后重新报送。" if returned else "",
                    returned_at=timezone.make_aware(submitted_at.replace(hour=18)) if returned else None,
                    returned_by=city if returned else None,
                )
            )
    MonthlySubmission.objects.bulk_create(sheets)
    log(f"月报演示数据：{len(sheets)} 份（含逾期报送、退回修改和未报送）。")
