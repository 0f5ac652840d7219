"""When an application left the review queue, so that reports can ask what was still open on a past day."""

from django.db import migrations, models
from django.db.models import F


def fill_closed_on(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    SupplementRequest = apps.get_model("applications", "SupplementRequest")
    Application.objects.filter(status__in=["approved", "refused"]).update(closed_on=F("decided_on"))
    for supplement in SupplementRequest.objects.filter(expired=True).select_related("application"):
        Application.objects.filter(pk=supplement.application_id).update(closed_on=supplement.resolved_on)
    for application in Application.objects.filter(status="transferred_out", closed_on__isnull=True):
        application.closed_on = application.received_at.date()
        application.save(update_fields=["closed_on"])


class Migration(migrations.Migration):
    dependencies = [("applications", "0003_objection_due_date_stored")]

    operations = [
        migrations.AddField(
            model_name="application",
            name="closed_on",
            field=models.DateField(
                blank=True,
                help_text="离开审查队列（准予、不予、视为撤回、转出）的日期。",
                null=True,
                verbose_name="办结日期",
            ),
        ),
        migrations.RunPython(fill_closed_on, migrations.RunPython.noop),
    ]
