"""The other forms of legal aid the sheet reports (法律援助法 第二十二条, SPEC §7): 值班律师法律帮助 counts per
person, the day it is given; 法律咨询 (人次) and 代拟法律文书 (件) are reported beside the target."""

from datetime import date

from django.db import migrations

FORMS = [
    ("duty_help", "法律帮助", "人次", True, 3),
    ("consultation", "法律咨询", "人次", False, 4),
    ("document", "代拟法律文书", "件", False, 5),
]
SINCE = date(2000, 1, 1)


def seed(apps, schema_editor):
    AidForm = apps.get_model("reporting", "AidForm")
    CountingRule = apps.get_model("reporting", "CountingRule")
    for code, name, unit, counts, order in FORMS:
        form, _ = AidForm.objects.update_or_create(code=code, defaults={"name": name, "unit": unit, "sort_order": order})
        CountingRule.objects.get_or_create(
            form=form, effective_from=SINCE, defaults={"counts": counts, "reason": "SPEC §7 默认"}
        )


def unseed(apps, schema_editor):
    apps.get_model("reporting", "CountingRule").objects.filter(form__code__in=[f[0] for f in FORMS]).delete()
    apps.get_model("reporting", "AidForm").objects.filter(code__in=[f[0] for f in FORMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0005_seed_aid_forms")]

    operations = [migrations.RunPython(seed, unseed)]
