"""SPEC §4: the case number carries its own office abbreviation, 「云」 for the city office
（（2026）云法援民字第0001号）; the counties keep their short names. Numbers already issued are stored
on the cases and stay as they were."""

from django.db import migrations, models

CITY_OFFICE_CODE = "445300"
CITY_ABBREVIATION = "云"


def fill(apps, schema_editor):
    Office = apps.get_model("accounts", "Office")
    for office in Office.objects.all():
        office.case_number_abbreviation = CITY_ABBREVIATION if office.code == CITY_OFFICE_CODE else office.short_name
        office.save(update_fields=["case_number_abbreviation"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_password_age_and_history")]

    operations = [
        migrations.AddField(
            model_name="office",
            name="case_number_abbreviation",
            field=models.CharField(
                default="", help_text="用于案件编号，如“罗定”“云”（市法律援助处）。", max_length=8, verbose_name="案件编号简称"
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="office",
            name="short_name",
            field=models.CharField(help_text="用于列表和报表，如“罗定”“市”。", max_length=8, verbose_name="简称"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
