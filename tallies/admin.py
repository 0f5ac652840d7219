from django.contrib import admin

from audit.admin import ReadOnlyAdmin
from tallies.models import DecisionTime, MonthlyTally


@admin.register(MonthlyTally)
class MonthlyTallyAdmin(ReadOnlyAdmin):
    """Read-only: the counts follow the events (`manage.py rebuild_tallies` recounts them)."""

    list_display = ["month", "office", "figure", "value"]
    list_filter = ["figure", "office"]
    list_select_related = ["office"]


@admin.register(DecisionTime)
class DecisionTimeAdmin(ReadOnlyAdmin):
    """Read-only, as the counts: the decisions add to it (`manage.py rebuild_tallies` recounts it)."""

    list_display = ["month", "office", "days", "decisions"]
    list_filter = ["office"]
    list_select_related = ["office"]
