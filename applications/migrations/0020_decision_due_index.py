"""Open applications by their decision date (the dashboard): apart from 0019, because PostgreSQL
builds no index in the transaction that filled the column."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0019_decision_due_on"),
    ]

    operations = [
        migrations.AddIndex(
            model_name='application',
            index=models.Index(condition=models.Q(('decision_due_on__isnull', False), ('status__in', ['pending_review', 'awaiting_supplement'])), fields=['decision_due_on'], name='application_decision_due_idx'),
        ),
    ]
