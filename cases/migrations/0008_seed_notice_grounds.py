"""Reference data for notices (DOMAIN.md, worded as the statute): the grounds on which an organ notifies
the office, and the 强制医疗 case type with its own number series."""

from django.db import migrations

# (article, wording, needs a lawyer of ≥ 3 years (第二十六条), concerns a minor, 强制医疗)
NOTICE_GROUNDS = [
    ("第二十五条第一款第一项", "未成年人", False, True, False),
    ("第二十五条第一款第二项", "视力、听力、言语残疾人", False, False, False),
    ("第二十五条第一款第三项", "不能完全辨认自己行为的成年人", False, False, False),
    ("第二十五条第一款第四项", "可能被判处无期徒刑、死刑的人", True, False, False),
    ("第二十五条第一款第五项", "申请法律援助的死刑复核案件被告人", True, False, False),
    ("第二十五条第一款第六项", "缺席审判案件的被告人", False, False, False),
    ("第二十五条第一款第七项", "法律法规规定的其他人员", False, False, False),
    (
        "第二十五条第二款",
        "其他适用普通程序审理的刑事案件，被告人没有委托辩护人的，人民法院根据实际情况通知法律援助机构指派律师担任辩护人",
        False,
        False,
        False,
    ),
    (
        "第二十八条",
        "强制医疗案件中，被申请人或者被告人没有委托诉讼代理人的，人民法院应当通知法律援助机构指派律师为其提供法律援助",
        False,
        False,
        True,
    ),
]
COMPULSORY_MEDICAL = {"code": "compulsory_medical", "category": "criminal", "name": "强制医疗", "char": "强医"}


def seed(apps, schema_editor):
    NoticeGround = apps.get_model("cases", "NoticeGround")
    for order, (article, name, senior, minor, medical) in enumerate(NOTICE_GROUNDS, start=1):
        NoticeGround.objects.update_or_create(
            article=article,
            defaults={
                "name": name,
                "sort_order": order,
                "needs_senior_lawyer": senior,
                "concerns_minor": minor,
                "compulsory_medical": medical,
            },
        )
    CaseType = apps.get_model("cases", "CaseType")
    CaseType.objects.update_or_create(
        code=COMPULSORY_MEDICAL["code"],
        defaults={**{k: v for k, v in COMPULSORY_MEDICAL.items() if k != "code"}, "sort_order": 6},
    )


def unseed(apps, schema_editor):
    apps.get_model("cases", "NoticeGround").objects.filter(article__in=[g[0] for g in NOTICE_GROUNDS]).delete()
    apps.get_model("cases", "CaseType").objects.filter(code=COMPULSORY_MEDICAL["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_notices_open_cases")]

    operations = [migrations.RunPython(seed, unseed)]
