from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "法律援助申请"

    def ready(self) -> None:
        # A change to the reference data drops the cached blank /apply/ form, in whatever process.
        from applications import blank_form  # noqa: F401
        from deadlines.signals import calendar_changed

        # Stored due dates follow the holiday calendar (节假日调整).
        calendar_changed.connect(_calendar_changed, dispatch_uid="applications.recompute_stored_deadlines")


def _calendar_changed(sender: object, *, by: object = None, request: object = None, **kwargs: object) -> None:
    from applications.services import recompute_stored_deadlines

    recompute_stored_deadlines(by=by, request=request)  # type: ignore[arg-type]
