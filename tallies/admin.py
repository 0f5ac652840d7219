from django.contrib import admin

from audit.admin import ReadOnlyAdmin
from tallies.models import MonthlyTally


@admin.register(MonthlyTally)
class MonthlyTallyAdmin(ReadOnlyAdmin):
    """Read-only: the counts follow the events (`manage.py rebuild_tallies` recounts them)."""

    list_display = ["month", "office", "figure", "value"]
    list_filter = ["figure", "office"]
    list_select_related = ["office"]
