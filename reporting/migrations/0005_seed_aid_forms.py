"""The forms of legal aid the sheet reports, and SPEC §7's default of what counts: cases opened by 准予
or by a notice count; 法律咨询 (人次) and 代拟法律文书 (件) are reported beside. 法律帮助 by duty lawyers
arrives with its register."""

from datetime import date

from django.db import migrations

FORMS = [
    ("approved_application", "申请准予", "件", True),
    ("notice", "通知辩护", "件", True),
]
SINCE = date(2000, 1, 1)


def seed(apps, schema_editor):
    AidForm = apps.get_model("reporting", "AidForm")
    CountingRule = apps.get_model("reporting", "CountingRule")
    for order, (code, name, unit, counts) in enumerate(FORMS, start=1):
        form, _ = AidForm.objects.update_or_create(code=code, defaults={"name": name, "unit": unit, "sort_order": order})
        CountingRule.objects.get_or_create(
            form=form, effective_from=SINCE, defaults={"counts": counts, "reason": "SPEC §7 默认"}
        )


def unseed(apps, schema_editor):
    apps.get_model("reporting", "CountingRule").objects.filter(form__code__in=[f[0] for f in FORMS]).delete()
    apps.get_model("reporting", "AidForm").objects.filter(code__in=[f[0] for f in FORMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0004_aid_forms_and_counting_rules")]

    operations = [migrations.RunPython(seed, unseed)]
