from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared kernel every app builds on: refused moves, the one transition machinery, gap-free
    counters and the upload store. It imports no app but `audit`; every other app may import it."""

    name = "core"
    verbose_name = "公共组件"
