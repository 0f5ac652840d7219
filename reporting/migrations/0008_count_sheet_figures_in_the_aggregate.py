"""Issue 14: the monthly aggregate holds the sheet's figures of applications and cases too — receipts,
通办 out and in, approvals by economic basis, closures, settled peer-review grades, follow-ups — and
each decision's days from receipt (`tallies.models.DecisionTime`, the median review time). A database that already holds events gets
them counted here, by the product's own recount (`reporting.counting.recounted_tallies`), as
`0007_fill_monthly_tallies` did; a new one has nothing to count."""

from django.db import migrations


def fill(apps, schema_editor) -> None:
    Application = apps.get_model("applications", "Application")
    Case = apps.get_model("cases", "Case")
    if not (Application.objects.exists() or Case.objects.exists()):
        return
    from django.core.management import call_command

    call_command("rebuild_tallies", verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0007_fill_monthly_tallies"),
        ("tallies", "0004_quality_figures"),
        ("applications", "0021_decision_due_while_open"),
        ("cases", "0018_clock_due_while_running"),
        ("quality", "0003_indexes_for_month_figures"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
