"""Register pages: thin. Each fetches through `visible_to` (404 for what the user may not see), asks
a named rule (403 for what they may not do), validates, calls one service, adds a message and
redirects. Query counts are pinned in tests/consultations/test_views.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import StaffRequest
from accounts.models import RECORD_READERS, Role
from accounts.permissions import role_required
from consultations import rules, services
from consultations.forms import ConsultationFilterForm, ConsultationForm, DocumentForm, RegisterFilterForm
from consultations.models import Consultation, DraftedDocument
from core.forms import add_service_errors
from core.pagination import BoundedPaginator

PAGE_SIZE = 50


def _filter(queryset, form, *, day_field: str):
    if not form.is_valid():
        return queryset
    data = form.cleaned_data
    if data.get("start"):
        queryset = queryset.filter(**{f"{day_field}__gte": data["start"]})
    if data.get("end"):
        queryset = queryset.filter(**{f"{day_field}__lte": data["end"]})
    if data.get("category"):
        queryset = queryset.filter(category=data["category"])
    if data.get("channel"):
        queryset = queryset.filter(channel=data["channel"])
    if data.get("converted"):
        queryset = queryset.filter(application__isnull=data["converted"] == "no")
    return queryset


# --- 法律咨询 ---------------------------------------------------------------------------------------
@role_required(*RECORD_READERS)
@require_GET
def consultation_list(request: StaffRequest) -> HttpResponse:
    """Consultations the user may see, filtered. Queries: one page (with the linked applications) + count."""
    form = ConsultationFilterForm(request.GET or None)
    consultations = _filter(
        Consultation.objects.visible_to(request.user).select_related("application"), form, day_field="consulted_on"
    )
    page = BoundedPaginator(consultations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/consultations.html",
        {
            "form": form,
            "page": page,
            "can_register": rules.can_register(request.user),
            "sees_all": request.user.sees_all_offices,
        },
    )


@role_required(Role.CLERK)
@require_http_methods(["GET", "POST"])
def consultation_new(request: StaffRequest) -> HttpResponse:
    form = ConsultationForm(request.POST or None, initial={"consulted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.register_consultation(**form.cleaned_data, by=request.user, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已登记法律咨询。")
            return redirect("consultations:detail", pk=consultation.pk)
    return render(request, "consultations/consultation_form.html", {"form": form})


@role_required(*RECORD_READERS)
@require_GET
def consultation_detail(request: StaffRequest, pk: int) -> HttpResponse:
    consultation = get_object_or_404(Consultation.objects.visible_to(request.user).select_related("application"), pk=pk)
    return render(
        request,
        "consultations/consultation.html",
        {"consultation": consultation, "can_convert": rules.can_convert(request.user, consultation)},
    )


@role_required(Role.CLERK)
@require_POST
def consultation_convert(request: StaffRequest, pk: int) -> HttpResponse:
    """转为申请: the walk-in form opens prefilled; the link is kept when it is registered."""
    consultation = get_object_or_404(Consultation.objects.visible_to(request.user), pk=pk)
    if not rules.can_convert(request.user, consultation):
        raise PermissionDenied("该咨询已转为申请，或您不是本机构的窗口受理员。")
    services.start_conversion(consultation, by=request.user, request=request)
    return redirect("applications:walk_in")


# --- 代拟法律文书 -----------------------------------------------------------------------------------
@role_required(*RECORD_READERS)
@require_GET
def document_list(request: StaffRequest) -> HttpResponse:
    """Drafted documents the user may see, filtered. Queries: one page (with the types) + count."""
    form = RegisterFilterForm(request.GET or None)
    documents = _filter(
        DraftedDocument.objects.visible_to(request.user).select_related("document_type"), form, day_field="drafted_on"
    )
    page = BoundedPaginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/documents.html",
        {
            "form": form,
            "page": page,
            "can_register": rules.can_register(request.user),
            "sees_all": request.user.sees_all_offices,
        },
    )


@role_required(Role.CLERK)
@require_http_methods(["GET", "POST"])
def document_new(request: StaffRequest) -> HttpResponse:
    form = DocumentForm(request.POST or None, initial={"drafted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.register_document(**form.cleaned_data, by=request.user, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已登记代拟法律文书。")
            return redirect("consultations:documents")
    return render(request, "consultations/document_form.html", {"form": form})
