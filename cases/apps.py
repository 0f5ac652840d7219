from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "法律援助案件"
