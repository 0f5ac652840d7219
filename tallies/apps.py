from django.apps import AppConfig


class TalliesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tallies"
    verbose_name = "月度计数"
