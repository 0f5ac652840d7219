from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "法律援助案件"

    def ready(self) -> None:
        from deadlines.signals import calendar_changed

        # Stored due dates follow the holiday calendar (节假日调整).
        calendar_changed.connect(_calendar_changed, dispatch_uid="cases.recompute_stored_deadlines")


def _calendar_changed(sender: object, *, by: object = None, request: object = None, **kwargs: object) -> None:
    from cases.services import recompute_stored_deadlines

    recompute_stored_deadlines(by=by, request=request)  # type: ignore[arg-type]
