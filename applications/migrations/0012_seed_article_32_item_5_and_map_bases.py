"""SPEC §3.2: 第三十二条 has five items — the fifth, 「法律、法规、规章规定的其他情形」, was missing — and
its grounds mean 不受经济困难条件限制, not 免予核查 (第四十二条). The grounds get their item numbers, the
matters they fit and whether a legal basis must be stated; applications recorded as 免予核查 on a
第三十二条 ground become 不受经济困难条件限制."""

from django.db import migrations

# (article, item, name, needs a stated legal basis, the 事项类别 it fits — empty: any)
GROUNDS = [
    (32, 1, "英雄烈士近亲属为维护英雄烈士的人格权益", False, ["civil"]),
    (32, 2, "因见义勇为行为主张相关民事权益", False, ["civil"]),
    (32, 3, "再审改判无罪请求国家赔偿", False, ["state_compensation"]),
    # 虐待、遗弃 are also crimes the victim may prosecute (自诉) or join as a party.
    (32, 4, "遭受虐待、遗弃或者家庭暴力的受害人主张相关权益", False, ["civil", "criminal"]),
    (32, 5, "法律、法规、规章规定的其他情形", True, []),
    (42, 1, "无固定生活来源的未成年人、老年人、残疾人等特定群体", False, []),
    (42, 2, "社会救助、司法救助或者优抚对象", False, []),
    (42, 3, "申请支付劳动报酬或者请求工伤事故人身损害赔偿的进城务工人员", False, ["labour", "civil"]),
    (42, 4, "法律、法规、规章规定的其他人员", True, []),
]


def seed(apps, schema_editor):
    ExemptionGround = apps.get_model("applications", "ExemptionGround")
    Application = apps.get_model("applications", "Application")
    for order, (article, item, name, needs_basis, categories) in enumerate(GROUNDS):
        ExemptionGround.objects.update_or_create(
            name=name,
            defaults={
                "article": article,
                "item": item,
                "needs_legal_basis": needs_basis,
                "categories": categories,
                "sort_order": order,
            },
        )
    Application.objects.filter(economic_basis="exempt", exemption_ground__article=32).update(
        economic_basis="unrestricted"
    )


def unseed(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    Application.objects.filter(economic_basis="unrestricted").update(economic_basis="exempt")
    # The fifth item stays if an application rests on it (PROTECT); otherwise it goes.
    ExemptionGround = apps.get_model("applications", "ExemptionGround")
    ExemptionGround.objects.filter(name="法律、法规、规章规定的其他情形", application__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("applications", "0011_economic_basis_split_article_32_and_42")]
    operations = [migrations.RunPython(seed, unseed)]
