"""Reference data: the peer-review score sheets (items adding to 100 per 事项类别), the subsidy stages
and rates (《广东省法律援助补贴办法》 — figures to confirm with the city bureau; editable by city staff),
and the quality coefficients per grade."""

from datetime import date
from decimal import Decimal

from django.db import migrations

SHEETS = {
    "criminal": (
        "刑事案件质量评估表",
        [
            ("办案及时性", 10, "按时会见、阅卷，按期提交结案材料"),
            ("会见", 15, "会见次数、会见笔录完整"),
            ("阅卷", 15, "阅卷笔录详实，掌握案件证据"),
            ("调查取证", 10, "依法调查收集有利于受援人的证据"),
            ("辩护意见与法律文书质量", 20, "辩护词观点明确、论证充分、格式规范"),
            ("出庭表现", 15, "庭审发问、质证、辩论到位"),
            ("办案效果", 10, "辩护意见采纳情况，受援人权益维护"),
            ("卷宗归档规范", 5, "材料齐全，按规定装订归档"),
        ],
    ),
    "civil": (
        "民事案件质量评估表",
        [
            ("办案及时性", 10, "及时签订委托协议、立案、提交结案材料"),
            ("接待与沟通", 10, "向受援人告知案件进展及风险"),
            ("调查取证", 15, "证据收集全面，申请调查取证及时"),
            ("法律文书质量", 20, "起诉状、代理词事实清楚、请求明确"),
            ("庭审与调解表现", 20, "举证质证、辩论、调解表现"),
            ("办案效果", 15, "受援人诉求实现情况"),
            ("卷宗归档规范", 10, "材料齐全，按规定装订归档"),
        ],
    ),
    "administrative": (
        "行政案件质量评估表",
        [
            ("办案及时性", 10, "在法定期限内起诉或申请复议"),
            ("接待与沟通", 10, "向受援人告知案件进展及风险"),
            ("调查取证", 15, "证据收集全面"),
            ("法律文书质量", 20, "诉状、代理词事实清楚、法律依据准确"),
            ("庭审表现", 20, "举证质证、辩论表现"),
            ("办案效果", 15, "受援人合法权益维护情况"),
            ("卷宗归档规范", 10, "材料齐全，按规定装订归档"),
        ],
    ),
    "labour": (
        "劳动争议案件质量评估表",
        [
            ("办案及时性", 10, "在仲裁时效内申请仲裁"),
            ("接待与沟通", 10, "向受援人告知案件进展及风险"),
            ("证据收集", 15, "劳动关系、工资支付等证据收集"),
            ("仲裁（诉讼）文书质量", 20, "仲裁申请书、代理词规范"),
            ("仲裁庭审与调解表现", 20, "庭审及调解表现"),
            ("办案效果", 15, "劳动报酬、工伤待遇追回情况"),
            ("卷宗归档规范", 10, "材料齐全，按规定装订归档"),
        ],
    ),
    "state_compensation": (
        "国家赔偿案件质量评估表",
        [
            ("办案及时性", 10, "在法定期限内提出赔偿申请"),
            ("接待与沟通", 10, "向受援人告知案件进展及风险"),
            ("证据材料", 15, "损害事实及因果关系证据"),
            ("赔偿申请文书质量", 20, "赔偿请求明确、依据准确"),
            ("程序参与表现", 20, "协商、复议、赔偿委员会程序中的表现"),
            ("办案效果", 15, "赔偿请求实现情况"),
            ("卷宗归档规范", 10, "材料齐全，按规定装订归档"),
        ],
    ),
}

# category → [(stage, amount in yuan, is_default)]; in force from 2022-01-01 (confirm the figures).
STAGES = {
    "criminal": [("侦查", "1500.00", False), ("审查起诉", "1500.00", False), ("审判", "3000.00", True)],
    "civil": [("一审", "3000.00", True), ("二审", "2000.00", False), ("非诉讼", "1500.00", False)],
    "administrative": [("一审", "3000.00", True), ("二审", "2000.00", False), ("非诉讼", "1500.00", False)],
    "labour": [("仲裁", "2000.00", True), ("诉讼", "3000.00", False), ("调解", "1000.00", False)],
    "state_compensation": [("赔偿程序", "3000.00", True)],
}
COEFFICIENTS = {"excellent": "1.20", "good": "1.00", "pass": "0.80", "fail": "0.00"}
IN_FORCE_FROM = date(2022, 1, 1)


def seed(apps, schema_editor):
    ScoreSheet = apps.get_model("quality", "ScoreSheet")
    ScoreItem = apps.get_model("quality", "ScoreItem")
    SubsidyStage = apps.get_model("quality", "SubsidyStage")
    SubsidyRate = apps.get_model("quality", "SubsidyRate")
    QualityCoefficient = apps.get_model("quality", "QualityCoefficient")
    for category, (name, items) in SHEETS.items():
        assert sum(points for _, points, _ in items) == 100, category
        sheet = ScoreSheet.objects.create(category=category, name=name)
        ScoreItem.objects.bulk_create(
            [
                ScoreItem(sheet=sheet, name=item, max_points=points, guidance=guidance, sort_order=order)
                for order, (item, points, guidance) in enumerate(items, start=1)
            ]
        )
    order = 0
    for category, stages in STAGES.items():
        for stage_name, amount, is_default in stages:
            order += 1
            stage = SubsidyStage.objects.create(
                category=category, name=stage_name, is_default=is_default, sort_order=order
            )
            SubsidyRate.objects.create(stage=stage, amount=Decimal(amount), effective_from=IN_FORCE_FROM)
    QualityCoefficient.objects.bulk_create(
        [QualityCoefficient(grade=grade, coefficient=Decimal(value)) for grade, value in COEFFICIENTS.items()]
    )


def unseed(apps, schema_editor):
    for model in ("QualityCoefficient", "SubsidyRate", "SubsidyStage", "ScoreItem", "ScoreSheet"):
        apps.get_model("quality", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_peer_review_follow_up_subsidy_publicity")]

    operations = [migrations.RunPython(seed, unseed)]
