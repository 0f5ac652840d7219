"""The document types are reference data edited here; the registers change only through their
audited services, so they are read-only."""

from django.contrib import admin

from audit.admin import ReadOnlyAdmin
from consultations.models import Consultation, DocumentType, DraftedDocument


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order", "is_active"]


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["consulted_on", "office", "channel", "category", "people", "application"]
    list_filter = ["office", "channel", "category"]


@admin.register(DraftedDocument)
class DraftedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["drafted_on", "office", "document_type", "copies"]
    list_filter = ["office", "document_type"]
