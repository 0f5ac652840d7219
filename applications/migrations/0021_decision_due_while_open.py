"""An application out of the queue keeps no decision date (the case clocks' rule, cases/0018): the
dates left on decided, withdrawn and transferred applications are cleared, then the database holds it."""

from django.db import migrations, models

OPEN_STATUSES = ["pending_review", "awaiting_supplement"]


def clear_closed_decision_dates(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    Application.objects.exclude(status__in=OPEN_STATUSES).exclude(decision_due_on=None).update(decision_due_on=None)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0020_decision_due_index"),
    ]

    operations = [
        migrations.RunPython(clear_closed_decision_dates, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.CheckConstraint(
                condition=models.Q(("decision_due_on__isnull", True), ("status__in", OPEN_STATUSES), _connector="OR"),
                name="application_decision_due_while_open",
            ),
        ),
    ]
