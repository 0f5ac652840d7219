"""The running clocks by their due dates (the dashboard, issue 14): a migration of its own, because
PostgreSQL will not build an index in the transaction that just filled the column (0015)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0015_clock_due_dates"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("assignment_due_on__isnull", False), ("state", "awaiting_assignment")),
                fields=["assignment_due_on"],
                name="case_assignment_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(
                    ("agreement_due_on__isnull", False), ("state", "in_progress"), ("agreement_signed_on__isnull", True)
                ),
                fields=["agreement_due_on"],
                name="case_agreement_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("closure_materials_due_on__isnull", False), ("state", "in_progress")),
                fields=["closure_materials_due_on"],
                name="case_materials_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("closure_review_due_on__isnull", False), ("state", "closure_review")),
                fields=["closure_review_due_on"],
                name="case_review_due_idx",
            ),
        ),
    ]
