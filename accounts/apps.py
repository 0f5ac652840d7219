from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "机构与用户"

    def ready(self) -> None:
        from accounts import signals  # noqa: F401  (connects the sign-in audit receivers)
