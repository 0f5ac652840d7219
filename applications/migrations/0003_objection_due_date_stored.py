"""The 司法局's 5-day deadline is fixed when the objection is received; store it like the 补正 reply date."""

from datetime import timedelta

from django.db import migrations, models


def fill_due_dates(apps, schema_editor):
    # Rows from before the deadline was stored: plain five days (the live calendar is not
    # available to a migration); new objections get the holiday-aware date from the service.
    Objection = apps.get_model("applications", "Objection")
    for objection in Objection.objects.filter(due_on__isnull=True):
        objection.due_on = objection.received_on + timedelta(days=5)
        objection.save(update_fields=["due_on"])


class Migration(migrations.Migration):
    dependencies = [("applications", "0002_seed_reference_data")]

    operations = [
        migrations.AddField(
            model_name="objection",
            name="due_on",
            field=models.DateField(null=True, verbose_name="审查期限"),
        ),
        migrations.RunPython(fill_due_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="objection",
            name="due_on",
            field=models.DateField(help_text="收到异议之日起5日内（法律援助法第四十九条）。", verbose_name="审查期限"),
        ),
    ]
