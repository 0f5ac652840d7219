from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "法律援助申请"

    def ready(self) -> None:
        # A change to the reference data drops the cached blank /apply/ form, in whatever process.
        from applications import blank_form  # noqa: F401
