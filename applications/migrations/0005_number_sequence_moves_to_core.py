"""NumberSequence now belongs to `core` (its table is kept and renamed there)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0004_application_closed_on"),
        ("core", "0001_number_sequence_moves_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="NumberSequence")],
            database_operations=[],
        ),
    ]
