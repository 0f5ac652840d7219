"""What the calendar tells the apps above it, without importing them (they connect in their AppConfig)."""

from django.dispatch import Signal

# Sent when an administrator enters, corrects or removes a 节假日调整 row, inside the same transaction,
# with `days` (the dates whose status may have changed), `by` (the administrator) and `request`.
# Apps that STORE a due date computed by `deadlines.calendar` recompute it for their open items and
# write an audit row for every date that moved.
calendar_changed = Signal()
