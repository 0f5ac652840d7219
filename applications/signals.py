"""What the intake tells apps above it, without importing them (they connect in their AppConfig)."""

from django.dispatch import Signal

# Sent inside `services.submit_application`'s transaction once the application is saved, with
# `application`, `origin` (the record the walk-in form was prefilled from, e.g. "consultation:12";
# "" otherwise), `by` and `request`. A receiver's ValidationError refuses the whole submission.
application_submitted = Signal()
