"""A case clock's due date is stored while the clock runs and only then (issue 14): the dates of the
clocks that have stopped — a signed agreement, a case assigned, closed, archived or terminated — are
cleared, in one pass over the table. The next migration adds the constraint that holds it."""

from django.db import migrations
from django.db.models import Case, F, Q, When

# Each due date and the cases its clock runs on, as `cases.models.CLOCKS` has them at this migration.
RUNNING = {
    "assignment_due_on": Q(state="awaiting_assignment"),
    "agreement_due_on": Q(state="in_progress", agreement_signed_on__isnull=True),
    "closure_materials_due_on": Q(state="in_progress"),
    "closure_review_due_on": Q(state="closure_review"),
}


def clear_stopped_clock_dates(apps, schema_editor):
    case_model = apps.get_model("cases", "Case")
    stopped = Q(pk__in=[])
    for due_on, runs in RUNNING.items():
        stopped |= Q(**{f"{due_on}__isnull": False}) & ~runs
    case_model.objects.filter(stopped).update(
        **{due_on: Case(When(runs, then=F(due_on)), default=None) for due_on, runs in RUNNING.items()}
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0016_clock_due_indexes")]

    operations = [migrations.RunPython(clear_stopped_clock_dates, migrations.RunPython.noop, elidable=True)]
