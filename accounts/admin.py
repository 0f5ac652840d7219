from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import Office, User


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "justice_bureau", "phone", "sort_order"]
    ordering = ["sort_order"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "office", "is_active", "is_superuser"]
    list_filter = ["office", "groups", "is_active"]
    list_select_related = ["office"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("所属机构", {"fields": ["office"]}),
    )
