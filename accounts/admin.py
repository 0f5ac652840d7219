from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import Office, User

# django-otp's own admin pages show each device's secret key (and a QR code of it): an administrator
# must be able to reset a user's devices, never to read or copy them.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "case_number_abbreviation", "justice_bureau", "phone", "sort_order"]
    ordering = ["sort_order"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "office", "is_active", "is_superuser"]
    list_filter = ["office", "groups", "is_active"]
    list_select_related = ["office"]
    actions = ["reset_two_factor"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("所属机构", {"fields": ["office"]}),
    )

    @admin.action(description="重置双因素认证（手机丢失或更换）")
    def reset_two_factor(self, request, queryset) -> None:
        for user in queryset:
            two_factor.reset(user, by=request.user, request=request)
        self.message_user(
            request, f"已重置 {len(queryset)} 个账户的双因素认证；其下次登录时需重新绑定身份验证器。", messages.SUCCESS
        )
