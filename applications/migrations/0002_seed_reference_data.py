"""Reference lists of SPEC §3 and DOMAIN.md, kept as rows that the admin can maintain."""

from django.db import migrations

# 法律援助法 第三十二条 (no economic condition) and 第四十二条 (economic check skipped, with proof).
EXEMPTION_GROUNDS = [
    (32, "英雄烈士近亲属为维护英雄烈士的人格权益"),
    (32, "因见义勇为行为主张相关民事权益"),
    (32, "再审改判无罪请求国家赔偿"),
    (32, "遭受虐待、遗弃或者家庭暴力的受害人主张相关权益"),
    (42, "无固定生活来源的未成年人、老年人、残疾人等特定群体"),
    (42, "社会救助、司法救助或者优抚对象"),
    (42, "申请支付劳动报酬或者请求工伤事故人身损害赔偿的进城务工人员"),
    (42, "法律、法规、规章规定的其他人员"),
]

SPECIAL_GROUPS = ["进城务工人员", "妇女", "未成年人", "老年人", "残疾人", "军人军属", "退役军人"]

CHECKLIST_KINDS = [
    ("identity", "申请人身份证明（居民身份证或户口簿）"),
    ("economic", "经济困难状况说明表或个人诚信承诺书；免予核查的，提供相应证明"),
    ("matter", "与所申请法律援助事项有关的材料（如起诉状、判决书、劳动合同、工资欠条、病历等）"),
]
CATEGORIES = ["criminal", "civil", "administrative", "labour", "state_compensation"]

# Authorities the routing recognises by name; city-level bodies route to the city office (445300).
KNOWN_AUTHORITIES = [
    ("云浮市中级人民法院", "445300"),
    ("云浮市人民检察院", "445300"),
    ("云浮市公安局", "445300"),
    ("云浮市劳动人事争议仲裁委员会", "445300"),
    ("云浮市人民政府", "445300"),
    ("云浮市云城区人民法院", "445302"),
    ("云浮市云城区人民检察院", "445302"),
    ("云浮市公安局云城分局", "445302"),
    ("云浮市云城区劳动人事争议仲裁委员会", "445302"),
    ("云浮市云安区人民法院", "445303"),
    ("云浮市云安区人民检察院", "445303"),
    ("云浮市公安局云安分局", "445303"),
    ("云浮市云安区劳动人事争议仲裁委员会", "445303"),
    ("罗定市人民法院", "445381"),
    ("罗定市人民检察院", "445381"),
    ("罗定市公安局", "445381"),
    ("罗定市劳动人事争议仲裁委员会", "445381"),
    ("新兴县人民法院", "445321"),
    ("新兴县人民检察院", "445321"),
    ("新兴县公安局", "445321"),
    ("新兴县劳动人事争议仲裁委员会", "445321"),
    ("郁南县人民法院", "445322"),
    ("郁南县人民检察院", "445322"),
    ("郁南县公安局", "445322"),
    ("郁南县劳动人事争议仲裁委员会", "445322"),
    ("广东省高级人民法院", "outside"),
    ("广州市中级人民法院", "outside"),
]


def seed(apps, schema_editor):
    ExemptionGround = apps.get_model("applications", "ExemptionGround")
    SpecialGroup = apps.get_model("applications", "SpecialGroup")
    ChecklistItem = apps.get_model("applications", "ChecklistItem")
    KnownAuthority = apps.get_model("applications", "KnownAuthority")
    for order, (article, name) in enumerate(EXEMPTION_GROUNDS):
        ExemptionGround.objects.update_or_create(name=name, defaults={"article": article, "sort_order": order})
    for order, name in enumerate(SPECIAL_GROUPS):
        SpecialGroup.objects.update_or_create(name=name, defaults={"sort_order": order})
    for category in CATEGORIES:
        for order, (kind, description) in enumerate(CHECKLIST_KINDS):
            ChecklistItem.objects.update_or_create(
                category=category, kind=kind, defaults={"description": description, "sort_order": order}
            )
    for name, location in KNOWN_AUTHORITIES:
        KnownAuthority.objects.update_or_create(name=name, defaults={"location": location})


def unseed(apps, schema_editor):
    for model in ("ExemptionGround", "SpecialGroup", "ChecklistItem", "KnownAuthority"):
        apps.get_model("applications", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
