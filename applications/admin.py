"""Intake reference data is maintained here (SPEC §3.2: lists, not literals); applications themselves
change only through the services, so the admin shows them read-only."""

from django.contrib import admin

from applications.models import Application, ChecklistItem, ExemptionGround, KnownAuthority, SpecialGroup
from audit.admin import ReadOnlyAdmin
from core.pagination import BoundedPaginator


@admin.register(ExemptionGround)
class ExemptionGroundAdmin(admin.ModelAdmin):
    list_display = ["name", "article", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    list_filter = ["article", "is_active"]


@admin.register(SpecialGroup)
class SpecialGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order"]
    list_editable = ["sort_order"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["category", "kind", "description", "sort_order"]
    list_filter = ["category"]


@admin.register(KnownAuthority)
class KnownAuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "location"]
    list_filter = ["location"]
    search_fields = ["name"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    # Issue 14: the changelist counts at most 10,000 rows, and never the whole table a second time.
    paginator = BoundedPaginator
    show_full_result_count = False
    list_display = ["number", "applicant_name", "category", "responsible_office", "status", "received_at"]
    list_filter = ["status", "category", "responsible_office"]
    list_select_related = ["responsible_office"]
    search_fields = ["number", "applicant_name"]
    exclude = ["id_number", "phone", "agent_id_number"]  # personal data: seen, and audited, on the staff page
