from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = "质量与补贴"
