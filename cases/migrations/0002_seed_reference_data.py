"""Reference lists of SPEC §4 and DOMAIN.md, kept as rows that the admin can maintain."""

from django.db import migrations

# The type character of the case number （2026）罗定法援民字第0001号, one per 事项类别.
CASE_TYPES = [
    ("criminal", "刑"),
    ("civil", "民"),
    ("administrative", "行"),
    ("labour", "劳"),
    ("state_compensation", "赔"),
]

# 法律援助法 第四十八条: the grounds on which the office ends legal aid.
TERMINATION_GROUNDS = [
    "以欺骗或者其他不正当手段获得法律援助",
    "故意隐瞒与案件有关的重要事实或者提供虚假证据",
    "利用法律援助从事违法活动",
    "经济状况发生变化，不再符合法律援助条件",
    "案件终止审理或者已经被撤销",
    "自行委托律师或者其他代理人",
    "有正当理由要求终止法律援助",
    "法律法规规定的其他情形",
]


def seed(apps, schema_editor):
    CaseType = apps.get_model("cases", "CaseType")
    TerminationGround = apps.get_model("cases", "TerminationGround")
    for order, (category, char) in enumerate(CASE_TYPES, start=1):
        CaseType.objects.update_or_create(category=category, defaults={"char": char, "sort_order": order})
    for item, name in enumerate(TERMINATION_GROUNDS, start=1):
        TerminationGround.objects.update_or_create(item=item, defaults={"name": name})


def unseed(apps, schema_editor):
    apps.get_model("cases", "CaseType").objects.filter(category__in=[c for c, _ in CASE_TYPES]).delete()
    apps.get_model("cases", "TerminationGround").objects.filter(name__in=TERMINATION_GROUNDS).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
