"""Demo registers (a `seed_demo` step after the applications): a year so far of 法律咨询 and
代拟法律文书 per office, and — for a share of the walk-in applications — the consultation they started
from (转为申请, linked). Volumes are module constants. Deterministic for the same rng and today; a
second run adds nothing; bulk_create; no audit rows (history loaded in bulk)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Office
from applications.models import Application, Channel, MatterCategory
from consultations.models import Consultation, ConsultationChannel, DocumentType, DraftedDocument
from consultations.services import consultation_tally, document_tally
from tallies import services as tallies

# 人次 of consultations and 件 of drafted documents in a full year, per office (by division code);
# the year so far gets its share by days elapsed. About 3,400 人次 and 600 件 a year across the city.
CONSULTATIONS_PER_YEAR = {"445300": 500, "445302": 700, "445303": 450, "445381": 800, "445321": 550, "445322": 400}
DOCUMENTS_PER_YEAR = {"445300": 60, "445302": 120, "445303": 90, "445381": 150, "445321": 100, "445322": 80}
CONVERTED_SHARE = 0.15  # walk-in applications that started as a consultation at the window
CHANNELS = [
    (ConsultationChannel.VISIT, 55),
    (ConsultationChannel.PHONE, 35),
    (ConsultationChannel.ONLINE, 8),
    (ConsultationChannel.LETTER, 2),
]
CATEGORIES = [
    (MatterCategory.CIVIL, 45),
    (MatterCategory.LABOUR, 30),
    (MatterCategory.CRIMINAL, 15),
    (MatterCategory.ADMINISTRATIVE, 6),
    (MatterCategory.STATE_COMPENSATION, 4),
]
SUMMARIES = {
    MatterCategory.CIVIL: [
        "离婚及子女抚养问题。",
        "民间借贷纠纷，对方拒不还款。",
        "交通事故人身损害赔偿。",
        "赡养费纠纷。",
    ],
    MatterCategory.LABOUR: [
        "被拖欠工资三个月。",
        "工伤认定及待遇。",
        "未签劳动合同的双倍工资。",
        "被违法解除劳动合同。",
    ],
    MatterCategory.CRIMINAL: ["家属被刑事拘留，咨询如何委托辩护。", "被害人咨询附带民事诉讼。"],
    MatterCategory.ADMINISTRATIVE: ["对征地补偿决定不服。", "社会保险待遇行政复议。"],
    MatterCategory.STATE_COMPENSATION: ["再审改判无罪后申请国家赔偿。"],
}
SURNAMES = "陈李黄梁张吴何林罗刘冯邓周谢郑苏叶潘杨彭"
GIVEN = "伟强军明华建国志文杰俊辉荣海锋斌燕芳丽红霞英玲秀娟婷"


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _share(per_year: int, days: int, year_days: int) -> int:
    return round(per_year * days / year_days)


def seed(*, rng: random.Random, today: date, log: Callable[[str], None]) -> None:
    rng = random.Random(rng.random())  # one draw from the shared stream, whether or not anything is added
    if Consultation.objects.exists() or DraftedDocument.objects.exists():
        log("咨询代书演示数据：已存在，跳过。")
        return
    clerks = {u.office_id: u for u in get_user_model().objects.filter(username__startswith="clerk-")}
    types = list(DocumentType.objects.filter(is_active=True))
    start = date(today.year, 1, 1)
    days = (today - start).days + 1
    year_days = (date(today.year + 1, 1, 1) - start).days
    consultations: list[Consultation] = []
    documents: list[DraftedDocument] = []
    for office in Office.objects.all():
        clerk = clerks.get(office.pk)
        if clerk is None:
            continue
        people_left = _share(CONSULTATIONS_PER_YEAR.get(office.code, 0), days, year_days)
        while people_left > 0:
            people = min(people_left, rng.choice((1, 1, 1, 1, 1, 1, 2, 3)))
            people_left -= people
            category = _weighted(rng, CATEGORIES)
            named = rng.random() < 0.6
            consultations.append(
                Consultation(
                    office=office,
                    channel=_weighted(rng, CHANNELS),
                    consulted_on=start + timedelta(days=rng.randrange(days)),
                    category=category,
                    people=people,
                    name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(2)) if named else "",
                    phone=f"13{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}" if named else "",
                    summary=rng.choice(SUMMARIES[category]),
                    recorded_by=clerk,
                )
            )
        copies_left = _share(DOCUMENTS_PER_YEAR.get(office.code, 0), days, year_days)
        while copies_left > 0:
            copies = min(copies_left, rng.choice((1, 1, 1, 2)))
            copies_left -= copies
            documents.append(
                DraftedDocument(
                    office=office,
                    drafted_on=start + timedelta(days=rng.randrange(days)),
                    document_type=rng.choice(types),
                    category=_weighted(rng, CATEGORIES[:3]),
                    copies=copies,
                    recorded_by=clerk,
                )
            )
    walk_ins = Application.objects.filter(channel=Channel.WALK_IN, received_at__date__gte=start).order_by("pk")
    converted = 0
    for application in walk_ins.select_related("receiving_office"):
        clerk = clerks.get(application.receiving_office_id)
        if clerk is None or application.receiving_office_id is None or rng.random() >= CONVERTED_SHARE:
            continue
        consultations.append(
            Consultation(
                office_id=application.receiving_office_id,
                channel=ConsultationChannel.VISIT,
                consulted_on=timezone.localdate(application.received_at),
                category=application.category,
                name=application.applicant_name,
                phone=application.phone,
                summary=application.summary,
                application=application,
                recorded_by=clerk,
            )
        )
        converted += 1
    with transaction.atomic():
        Consultation.objects.bulk_create(consultations, batch_size=1000)
        DraftedDocument.objects.bulk_create(documents, batch_size=1000)
        tallies.add_many([*map(consultation_tally, consultations), *map(document_tally, documents)])
    log(
        f"咨询代书演示数据：法律咨询 {sum(c.people for c in consultations)} 人次（{len(consultations)} 条，"
        f"其中转为申请 {converted} 条），代拟法律文书 {sum(d.copies for d in documents)} 件。"
    )
