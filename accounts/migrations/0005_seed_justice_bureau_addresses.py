"""Where each office's 司法局 sits, for the objection route on the 不予 and 终止 letters (第四十九条).

Seeded like the offices' own addresses (0002): each bureau confirms its address before go-live and
the administrator corrects it in 系统管理 → 法律援助机构.
"""

from django.db import migrations

ADDRESSES = {
    "445300": "云浮市云城区世纪大道中28号 云浮市司法局",
    "445302": "云浮市云城区云城街道建设北路 云城区司法局",
    "445303": "云浮市云安区六都镇云安大道 云安区司法局",
    "445381": "罗定市罗城街道兴华路 罗定市司法局",
    "445321": "新兴县新城镇新州大道 新兴县司法局",
    "445322": "郁南县都城镇郁南大道 郁南县司法局",
}


def seed(apps, schema_editor):
    Office = apps.get_model("accounts", "Office")
    for code, address in ADDRESSES.items():
        Office.objects.filter(code=code, justice_bureau_address="").update(justice_bureau_address=address)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_office_justice_bureau_address")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
