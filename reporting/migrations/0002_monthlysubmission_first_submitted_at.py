"""When a sheet was FIRST submitted, kept apart from `submitted_at` (which a resubmission after a
return overwrites), so that lateness is judged from the first submission.

Existing sheets: the best record of their first submission is their (latest) `submitted_at`. The
column is made NOT NULL in the next migration, in its own transaction: on PostgreSQL an ALTER TABLE
in the same transaction as the row updates would fail on the pending foreign-key trigger events.
"""

from django.db import migrations, models


def fill_first_submitted_at(apps, schema_editor):
    MonthlySubmission = apps.get_model("reporting", "MonthlySubmission")
    MonthlySubmission.objects.filter(first_submitted_at__isnull=True).update(
        first_submitted_at=models.F("submitted_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_targets_and_monthly_submissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="monthlysubmission",
            name="first_submitted_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="首次报送时间"),
        ),
        migrations.RunPython(fill_first_submitted_at, migrations.RunPython.noop),
    ]
