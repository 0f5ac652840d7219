"""Objections to 终止 share the intake's objection record: the 5-day deadline is stored when received."""

from datetime import timedelta

from django.db import migrations, models


def fill_due_dates(apps, schema_editor):
    # Rows from before the deadline was stored: plain five days (the live calendar is not
    # available to a migration); new objections get the holiday-aware date from the service.
    CaseObjection = apps.get_model("cases", "CaseObjection")
    for objection in CaseObjection.objects.filter(due_on__isnull=True):
        objection.due_on = objection.received_on + timedelta(days=5)
        objection.save(update_fields=["due_on"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_case_objection")]

    operations = [
        migrations.AddField(
            model_name="caseobjection",
            name="due_on",
            field=models.DateField(null=True, verbose_name="审查期限"),
        ),
        migrations.RunPython(fill_due_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="caseobjection",
            name="due_on",
            field=models.DateField(help_text="收到异议之日起5日内（法律援助法第四十九条）。", verbose_name="审查期限"),
        ),
        migrations.AlterField(
            model_name="caseobjection",
            name="outcome",
            field=models.CharField(
                choices=[("pending", "审查中"), ("upheld", "维持原决定"), ("corrected", "责令改正")],
                default="pending",
                max_length=10,
                verbose_name="审查结果",
            ),
        ),
    ]
