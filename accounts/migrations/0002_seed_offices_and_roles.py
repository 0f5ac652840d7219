"""The six legal-aid offices of SPEC §2, in report order, and one group per staff role.

Addresses and phone numbers are seeded so the landing page is usable on day one; each office must
confirm its own before go-live. They are ordinary rows that the admin corrects in 系统管理.
"""

from django.db import migrations

OFFICES = [
    # code, name, short name, slug, region, justice bureau, address, phone
    ("445300", "云浮市法律援助处", "市", "city", "云浮市", "云浮市司法局",
     "云浮市云城区世纪大道中28号 云浮市公共法律服务中心", "0766-8939348"),
    ("445302", "云城区法律援助处", "云城", "yuncheng", "云城区", "云浮市云城区司法局",
     "云浮市云城区云城街道建设北路 云城区公共法律服务中心", "0766-8812348"),
    ("445303", "云安区法律援助处", "云安", "yunan", "云安区", "云浮市云安区司法局",
     "云浮市云安区六都镇云安大道 云安区公共法律服务中心", "0766-8412348"),
    ("445381", "罗定市法律援助处", "罗定", "luoding", "罗定市", "罗定市司法局",
     "罗定市罗城街道兴华路 罗定市公共法律服务中心", "0766-3712348"),
    ("445321", "新兴县法律援助处", "新兴", "xinxing", "新兴县", "新兴县司法局",
     "新兴县新城镇新州大道 新兴县公共法律服务中心", "0766-2912348"),
    ("445322", "郁南县法律援助处", "郁南", "yunnan", "郁南县", "郁南县司法局",
     "郁南县都城镇郁南大道 郁南县公共法律服务中心", "0766-7512348"),
]

ROLE_GROUPS = ["窗口受理员", "审查员", "承办人", "评估员", "市局工作人员"]


def seed(apps, schema_editor):
    Office = apps.get_model("accounts", "Office")
    Group = apps.get_model("auth", "Group")
    for order, (code, name, short, slug, region, bureau, address, phone) in enumerate(OFFICES):
        Office.objects.update_or_create(
            code=code,
            defaults=dict(
                name=name, short_name=short, slug=slug, region_name=region,
                justice_bureau=bureau, address=address, phone=phone, sort_order=order,
            ),
        )
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


def unseed(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS).delete()
    apps.get_model("accounts", "Office").objects.filter(code__in=[o[0] for o in OFFICES]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
