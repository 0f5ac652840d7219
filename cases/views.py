"""Case views: thin. Each fetches through `Case.objects.visible_to` (404 for what the user cannot see),
checks the named rule (403 for what they cannot do), validates a form, calls one service, adds a
message and redirects. An invalid form re-renders the case page with the errors next to the fields."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from accounts.permissions import role_required
from applications.forms import ObjectionDecisionForm, ObjectionForm
from applications.services import TransitionError
from applications.uploads import serve_upload
from audit.models import AuditAction
from audit.services import record
from cases import services
from cases.forms import (
    AgreementForm,
    AssignForm,
    CaseFilterForm,
    ClosureForm,
    HandlerForm,
    LawFirmForm,
    MatterEndForm,
    ProgressForm,
    ReturnClosureForm,
    SealForm,
    TerminateForm,
)
from cases.models import Case, CaseState, ClosureMaterial, Handler, LawFirm
from cases.selectors import case_deadlines, case_list
from quality.selectors import grade_for_case

CASE_ROLES = (Role.CLERK, Role.REVIEWER, Role.HANDLER, Role.CITY_STAFF)
OFFICE_ROLES = (Role.CLERK, Role.REVIEWER, Role.CITY_STAFF)
PAGE_SIZE = 50

# move → (form class, the context name the case page renders it under)
FORMS: dict[str, tuple[type[Form], str]] = {
    "assign": (AssignForm, "assign_form"),
    "reassign": (AssignForm, "assign_form"),
    "record_agreement": (AgreementForm, "agreement_form"),
    "log_progress": (ProgressForm, "progress_form"),
    "record_matter_end": (MatterEndForm, "matter_end_form"),
    "submit_closure": (ClosureForm, "closure_form"),
    "return_closure": (ReturnClosureForm, "return_form"),
    "terminate": (TerminateForm, "terminate_form"),
    "register_objection": (ObjectionForm, "objection_form"),
    "decide_objection": (ObjectionDecisionForm, "objection_decision_form"),
    "set_seal": (SealForm, "seal_form"),
}
FORMS_NEEDING_CASE = {AssignForm, ClosureForm, SealForm}


def _visible(request: HttpRequest, pk: int) -> Case:
    return get_object_or_404(Case.objects.visible_to(request.user), pk=pk)


def _make_form(move: str, case: Case, data=None, files=None) -> Form:
    form_class, name = FORMS[move]
    kwargs = {"case": case} if form_class in FORMS_NEEDING_CASE else {}
    # Several forms share field names (理由, 办结日期) on one page: keep their element ids apart.
    return form_class(data, files, auto_id=f"{name}_%s", **kwargs)


@role_required(*CASE_ROLES)
def case_list_view(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cases = case_list(request.user, state=filters.get("state", ""), q=filters.get("q", ""))
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "show_handlers_link": request.user.has_role(*OFFICE_ROLES)}
    return render(request, "cases/list.html", context)


def _render_detail(request: HttpRequest, case: Case, *, bound: dict[str, Form] | None = None, status: int = 200):
    actions = services.allowed_actions(request.user, case)
    forms: dict[str, Form] = {}
    for move in sorted(actions & FORMS.keys()):
        name = FORMS[move][1]
        forms[name] = (bound or {}).get(name) or _make_form(move, case)
    context = {
        "case": case,
        "application": case.application,
        "actions": actions,
        "deadlines": case_deadlines(case),
        "assignments": case.assignments.select_related("from_handler__user", "to_handler__user", "by"),
        "progress_entries": case.progress_entries.select_related("recorded_by"),
        "materials": case.closure_materials.all(),
        "objections": case.objections.all(),
        "quality_grade": grade_for_case(case),
        "can_open_application": request.user.is_superuser or request.user.has_role(*OFFICE_ROLES),
        **forms,
    }
    return render(request, "cases/detail.html", context, status=status)


@role_required(*CASE_ROLES)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _visible(request, pk))


def _act(
    request: HttpRequest,
    pk: int,
    move: str | Callable[[Case], str],
    call: Callable[[Case, dict], object],
    success: str,
):
    """The shape of every case action: scope (404), method (405), rule (403), form, service, message."""
    case = _visible(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if callable(move):
        move = move(case)
    if not services.PERMISSION_RULES[move](request.user, case):
        raise PermissionDenied("您无权对该案件进行此操作。")
    form = _make_form(move, case, request.POST, request.FILES) if move in FORMS else None
    if form is not None and not form.is_valid():
        return _render_detail(request, case, bound={FORMS[move][1]: form})
    try:
        call(case, form.cleaned_data if form is not None else {})
    except TransitionError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        if form is None:
            messages.error(request, "；".join(error.messages))
        else:
            for field, errors in error.message_dict.items() if hasattr(error, "error_dict") else [(None, error)]:
                form.add_error(field if field in form.fields else None, errors)
            return _render_detail(request, case, bound={FORMS[move][1]: form})
    else:
        messages.success(request, success)
    return redirect("cases:detail", pk=case.pk)


@role_required(*CASE_ROLES)
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    def call(case: Case, data: dict) -> None:
        services.assign(
            case,
            handler=data["handler"],
            reason=data.get("reason", ""),
            may_bring_life_or_death=data.get("may_bring_life_or_death"),
            by=request.user,
            request=request,
        )

    def which(case: Case) -> str:
        # 指派 and 变更承办人 share the URL; the case's state says which one this is.
        return "reassign" if case.state == CaseState.IN_PROGRESS else "assign"

    return _act(request, pk, which, call, success="已指派承办人。")


@role_required(*CASE_ROLES)
def record_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "record_agreement",
        lambda case, data: services.record_agreement(
            case, signed_on=data["signed_on"], by=request.user, request=request
        ),
        success="已记录委托协议签订日期。",
    )


@role_required(*CASE_ROLES)
def log_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "log_progress",
        lambda case, data: services.log_progress(case, **data, by=request.user, request=request),
        success="已记录办案进展。",
    )


@role_required(*CASE_ROLES)
def record_matter_end(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "record_matter_end",
        lambda case, data: services.record_matter_end(
            case, matter_ended_on=data["matter_ended_on"], by=request.user, request=request
        ),
        success="已记录案件办结日期，请在30日内提交结案材料。",
    )


@role_required(*CASE_ROLES)
def submit_closure(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "submit_closure",
        lambda case, data: services.submit_closure(
            case,
            method=data["method"],
            matter_ended_on=data["matter_ended_on"],
            summary=data["summary"],
            files=data["files"],
            by=request.user,
            request=request,
        ),
        success="已提交结案，等待法律援助机构审查。",
    )


@role_required(*CASE_ROLES)
def accept_closure(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "accept_closure",
        lambda case, data: services.accept_closure(case, by=request.user, request=request),
        success="结案审查通过，案件已结案。",
    )


@role_required(*CASE_ROLES)
def return_closure(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "return_closure",
        lambda case, data: services.return_closure(case, reason=data["reason"], by=request.user, request=request),
        success="已退回承办人补充结案材料。",
    )


@role_required(*CASE_ROLES)
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "archive",
        lambda case, data: services.archive(case, by=request.user, request=request),
        success="案件已归档。",
    )


@role_required(*CASE_ROLES)
def terminate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "terminate",
        lambda case, data: services.terminate(
            case, ground=data["ground"], reason=data["reason"], by=request.user, request=request
        ),
        success="已终止法律援助，请打印终止法律援助决定书送达受援人。",
    )


@role_required(*CASE_ROLES)
def register_objection(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "register_objection",
        lambda case, data: services.register_objection(case, **data, by=request.user, request=request),
        success="已登记异议，请转送司法局审查（5日内作出决定）。",
    )


@role_required(*CASE_ROLES)
def decide_objection(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "decide_objection",
        lambda case, data: services.decide_objection(case, **data, by=request.user, request=request),
        success="已记录司法局的审查结果。",
    )


@role_required(*CASE_ROLES)
def set_seal(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "set_seal",
        lambda case, data: services.set_seal(
            case, sealed=data["is_sealed"], reason=data["reason"], by=request.user, request=request
        ),
        success="已记录涉罪未成年人记录封存的审核结果。",
    )


@role_required(*CASE_ROLES)
def termination_letter(request: HttpRequest, pk: int) -> HttpResponse:
    case = _visible(request, pk)
    if case.state != CaseState.TERMINATED:
        raise Http404("该案件未终止法律援助。")
    return render(request, "cases/termination_letter.html", {"case": case, "application": case.application})


@role_required(*CASE_ROLES)
def closure_material(request: HttpRequest, pk: int, material_pk: int) -> HttpResponse:
    """A closure material, only for someone who may see the case (never via MEDIA_URL)."""
    case = _visible(request, pk)
    material = get_object_or_404(ClosureMaterial, pk=material_pk, case=case)
    record(AuditAction.VIEW_FILE, actor=request.user, request=request, obj=case, note=material.original_name)
    return serve_upload(material)


# --- the roster: law firms and handlers of an office ----------------------------------------------
def _add_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _roster_office(request: HttpRequest):
    """The office whose roster the user keeps (403 for anyone else: city staff only read it)."""
    if not services.can_manage_roster(request.user, request.user.office_id):
        raise PermissionDenied("只有本机构的审查员可以维护承办人和律师事务所。")
    return request.user.office


@role_required(*OFFICE_ROLES)
@require_GET
def handler_list(request: HttpRequest) -> HttpResponse:
    """The roster of the offices the user may see: handlers, then law firms."""
    context = {
        "handlers": Handler.objects.visible_to(request.user),
        "law_firms": LawFirm.objects.visible_to(request.user),
        "can_manage": services.can_manage_roster(request.user, request.user.office_id),
        "today": timezone.localdate(),
    }
    return render(request, "cases/handlers.html", context)


@role_required(Role.REVIEWER)
@require_http_methods(["GET", "POST"])
def handler_new(request: HttpRequest) -> HttpResponse:
    office = _roster_office(request)
    form = HandlerForm(request.POST or None, office=office)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_handler(office=office, **form.cleaned_data, by=request.user, request=request)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "已登记承办人。")
            return redirect("cases:handlers")
    return render(request, "cases/roster_form.html", {"form": form, "title": "新增承办人"})


@role_required(*OFFICE_ROLES)
@require_http_methods(["GET", "POST"])
def handler_edit(request: HttpRequest, pk: int) -> HttpResponse:
    handler = get_object_or_404(Handler.objects.visible_to(request.user), pk=pk)
    if not services.can_manage_roster(request.user, handler.office_id):
        raise PermissionDenied("只有本机构的审查员可以维护承办人。")
    form = HandlerForm(request.POST or None, office=handler.office, handler=handler)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_handler(handler, **form.cleaned_data, by=request.user, request=request)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "已保存承办人信息。")
            return redirect("cases:handlers")
    title = f"修改承办人：{handler.user.display_name}（{handler.user.username}）"
    return render(request, "cases/roster_form.html", {"form": form, "title": title})


@role_required(Role.REVIEWER)
@require_http_methods(["GET", "POST"])
def law_firm_new(request: HttpRequest) -> HttpResponse:
    office = _roster_office(request)
    form = LawFirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_law_firm(office=office, **form.cleaned_data, by=request.user, request=request)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "已登记律师事务所。")
            return redirect("cases:handlers")
    return render(request, "cases/roster_form.html", {"form": form, "title": f"新增律师事务所（{office.region_name}）"})


@role_required(*OFFICE_ROLES)
@require_http_methods(["GET", "POST"])
def law_firm_edit(request: HttpRequest, pk: int) -> HttpResponse:
    firm = get_object_or_404(LawFirm.objects.visible_to(request.user), pk=pk)
    if not services.can_manage_roster(request.user, firm.office_id):
        raise PermissionDenied("只有本机构的审查员可以维护律师事务所。")
    form = LawFirmForm(request.POST or None, initial={"name": firm.name, "phone": firm.phone})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_law_firm(firm=firm, office=firm.office, **form.cleaned_data, by=request.user, request=request)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "已保存律师事务所信息。")
            return redirect("cases:handlers")
    return render(request, "cases/roster_form.html", {"form": form, "title": f"修改律师事务所：{firm.name}"})
