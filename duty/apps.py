from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "duty"
    verbose_name = "值班律师"
