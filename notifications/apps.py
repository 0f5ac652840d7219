from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """What the portal tells people: the outbox of text messages to applicants (sent by a background
    worker through `django.tasks`) and the staff's own messages (the daily digest). It knows nothing of
    applications or cases: the apps that own an event compose the text and call `services.enqueue`."""

    name = "notifications"
    verbose_name = "消息通知"
