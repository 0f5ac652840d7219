from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from core.transitions import TransitionError
from notifications import services
from notifications.models import OutboxMessage, OutboxState, StaffMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: messages change only through the worker, or `resend` for one that failed for good."""

    list_display = ["pk", "kind", "masked_recipient", "state", "attempts", "created_at", "sent_at", "last_error"]
    list_filter = ["state", "kind"]
    search_fields = ["subject_id", "provider_message_id"]
    actions = ["resend"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="接收手机号")
    def masked_recipient(self, obj: OutboxMessage) -> str:
        return obj.masked_recipient

    @admin.action(description="重新发送所选的发送失败短信")
    def resend(self, request, queryset) -> None:
        done = 0
        for message in queryset.filter(state=OutboxState.FAILED):
            try:
                services.resend(message, by=request.user, request=request)
            except (TransitionError, PermissionDenied) as error:
                self.message_user(request, f"{message}：{error}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, f"已重新排队 {done} 条短信。")


@admin.register(StaffMessage)
class StaffMessageAdmin(admin.ModelAdmin):
    list_display = ["day", "recipient", "title", "emailed_at", "email_error"]
    list_filter = ["day"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
