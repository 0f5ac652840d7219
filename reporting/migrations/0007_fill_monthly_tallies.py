"""Issue 14: the report reads the monthly aggregate (`tallies`). A database that already holds events
gets its aggregate counted from them here; a new one has nothing to count. The recount uses the
product's own definition (`reporting.counting.RECOUNTS`), not a copy of it: it is run only where there
are events, so a future migration that changes the source tables does not meet it on a fresh install."""

from django.db import migrations


def fill(apps, schema_editor) -> None:
    Application = apps.get_model("applications", "Application")
    Consultation = apps.get_model("consultations", "Consultation")
    HelpRecord = apps.get_model("duty", "HelpRecord")
    Case = apps.get_model("cases", "Case")
    if not any(model.objects.exists() for model in (Application, Consultation, HelpRecord, Case)):
        return
    from django.core.management import call_command

    call_command("rebuild_tallies", verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0006_seed_other_forms_of_aid"),
        ("tallies", "0002_subsidy_figures"),
        ("applications", "0017_provisional_handler_before_decision"),
        ("cases", "0013_notice_offence_date"),
        ("duty", "0002_seed_workstations_help_kinds_rates"),
        ("consultations", "0002_seed_document_types"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
