"""Case views: thin. Each fetches through `Case.objects.visible_to` (404 for what the user cannot see),
checks the workflow's rule (403 for what they cannot do), validates a form, calls one service, adds a
message and redirects. An invalid form re-renders the case page (400) with the errors by the fields."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import StaffRequest
from accounts.models import CASE_READERS, OFFICE_STAFF, RECORD_READERS, Office, Role
from accounts.permissions import role_required
from applications.forms import ObjectionDecisionForm, ObjectionForm
from applications.models import Application
from applications.workflows import APPLICATION_FLOW
from audit.models import AuditAction
from audit.selectors import trail_for
from audit.services import record
from cases import notices, roster, services
from cases.forms import (
    AgreementForm,
    AssignForm,
    CaseFilterForm,
    ClosureForm,
    HandlerForm,
    LawFirmForm,
    MatterEndForm,
    NoticeForm,
    ProgressForm,
    ProvisionalAssignForm,
    ReturnClosureForm,
    SealForm,
    TerminateForm,
)
from cases.models import Case, CaseObjection, CaseState, ClosureMaterial, Handler, LawFirm
from cases.rules import can_manage_roster, can_register_notice
from cases.selectors import case_deadlines, case_list
from cases.workflows import CASE_FLOW
from core.forms import add_service_errors
from core.pagination import BoundedPaginator
from core.uploads import serve_upload
from core.views import post_move
from deadlines.wording import deadline

# Who may open a case page: its readers, and the 司法局审核人 deciding an objection to its 终止 (the
# scope, `Case.objects.visible_to`, shows them only such cases).
CASE_PAGE_READERS = (*CASE_READERS, Role.BUREAU_REVIEWER)

PAGE_SIZE = 50


@role_required(*CASE_READERS)
def case_list_view(request: StaffRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cases = case_list(request.user, state=filters.get("state", ""), q=filters.get("q", ""))
    page = BoundedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "show_handlers_link": request.user.has_role(*RECORD_READERS),
        "can_register_notice": can_register_notice(request.user),
    }
    return render(request, "cases/list.html", context)


# --- 准予 opens a case ------------------------------------------------------------------------------
@require_POST
@role_required(Role.REVIEWER)
def approve_application(request: StaffRequest, pk: int) -> HttpResponse:
    """准予法律援助 from the application page: the decision and the case it opens (SPEC §4)."""
    application = get_object_or_404(Application.objects.visible_to(request.user), pk=pk)
    opened: list[Case] = []
    return post_move(
        request,
        application,
        workflow=APPLICATION_FLOW,
        move="approve",
        perform=lambda data: opened.append(services.approve(application, by=request.user, request=request)),
        success="已准予法律援助。",
        page=lambda form: redirect("applications:detail", pk=pk),
        then=lambda: _to_new_case(request, opened, pk),
        back=reverse("applications:detail", args=[pk]),
    )


def _to_new_case(request: HttpRequest, opened: list[Case], application_pk: int) -> HttpResponse:
    if not opened:
        return redirect("applications:detail", pk=application_pk)
    case = opened[0]
    if case.handler is not None:
        messages.info(request, f"案件编号 {case.number}，已由先行指派的承办人{case.handler.user.display_name}承办。")
    else:
        messages.info(request, f"案件编号 {case.number}，请在3日内指派承办人。")
    return redirect("cases:detail", pk=case.pk)


# --- 先行提供: a handler before the decision (第四十四条) ---------------------------------------------
@role_required(Role.REVIEWER)
@require_http_methods(["GET", "POST"])
def assign_provisionally(request: StaffRequest, pk: int) -> HttpResponse:
    """先行指派承办人 from the application page: the form, then the move (no case opens before 准予)."""
    application = get_object_or_404(Application.objects.visible_to(request.user), pk=pk)
    back = reverse("applications:detail", args=[pk])
    case = services.provisional_case(application)

    def page(form: Form, status: int = 400) -> HttpResponse:
        context = {"application": application, "form": form, "back": back}
        return render(request, "cases/provisional_assign.html", context, status=status)

    if request.method == "GET":
        refusal = APPLICATION_FLOW.refusal(application, "assign_provisionally", request.user)
        if isinstance(refusal, PermissionDenied):
            raise refusal
        if refusal is not None:
            messages.error(request, str(refusal))
            return redirect(back)
        return page(ProvisionalAssignForm(case=case), status=200)
    return post_move(
        request,
        application,
        workflow=APPLICATION_FLOW,
        move="assign_provisionally",
        form=lambda: ProvisionalAssignForm(request.POST, case=case),
        perform=lambda data: services.assign_provisionally(
            application, handler=data["handler"], by=request.user, request=request
        ),
        success="已先行指派承办人：申请仍按第四十三条审查；准予的，案件由该承办人承办；不予的，先行提供的法律援助终止。",
        page=page,
        then=lambda: redirect(back),
        back=back,
    )


# --- 通知辩护: a notice opens a case ----------------------------------------------------------------
@role_required(*OFFICE_STAFF)
@require_http_methods(["GET", "POST"])
def notice_new(request: StaffRequest) -> HttpResponse:
    """登记通知辩护 (SPEC §3.3): any office's clerk or reviewer; the case opens at the office where the
    notifying organ sits."""
    if not can_register_notice(request.user):
        raise PermissionDenied("只有法律援助机构的受理员或审查员可以登记通知辩护。")
    posted = request.method == "POST"
    form = NoticeForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            case = notices.register_notice(
                form.notice_data(), scan=form.cleaned_data["scan"], by=request.user, request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            due = case_deadlines(case)[0].due_on
            messages.success(
                request,
                f"已登记通知辩护，案件编号 {case.number}（{case.office.name}承办）。"
                f"请于{deadline(due)}指派律师，并向通知机关出具法律援助公函。",
            )
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/notice_form.html", {"form": form}, status=400 if form.errors else 200)


@role_required(*CASE_READERS)
def notice_scan(request: StaffRequest, pk: int) -> HttpResponseBase:
    """The scanned 通知书, only for someone who may see the case (never via MEDIA_URL)."""
    case = _visible(request, pk)
    notice = case.notice
    if notice is None:
        raise Http404("该案件不是通知辩护案件。")
    record(AuditAction.VIEW_FILE, actor=request.user, request=request, obj=case, note=notice.original_name)
    return serve_upload(notice)


@role_required(*CASE_READERS)
def organ_letter(request: StaffRequest, pk: int) -> HttpResponse:
    """法律援助公函: tells the notifying organ which lawyer was assigned (第三十六条)."""
    case = _visible(request, pk)
    notice = case.notice
    if notice is None or case.handler_id is None:
        raise Http404("该案件尚未指派律师，或不是通知辩护案件。")
    person_role, lawyer_role = notices.defender_role(notice)
    context = {"case": case, "notice": notice, "person_role": person_role, "lawyer_role": lawyer_role}
    return render(request, "cases/letters/organ_letter.html", context)


# --- the case page and its buttons ----------------------------------------------------------------
@dataclass(frozen=True)
class Button:
    """A move posted from the case page: its form (and the name the page renders it under; None for a
    button without fields), the service it calls and what the user is told."""

    form: type[Form] | None
    form_name: str
    perform: Callable[..., object]  # (case, cleaned_data, *, by, request)
    success: str


BUTTONS: dict[str, Button] = {
    "assign": Button(
        AssignForm,
        "assign_form",
        lambda case, data, **who: services.assign(
            case,
            handler=data["handler"],
            reason=data.get("reason", ""),
            may_bring_life_or_death=data.get("may_bring_life_or_death"),
            death_penalty_review=data.get("death_penalty_review"),
            **who,
        ),
        "已指派承办人。",
    ),
    "record_agreement": Button(
        AgreementForm,
        "agreement_form",
        lambda case, data, **who: services.record_agreement(case, signed_on=data["signed_on"], **who),
        "已记录委托协议签订日期。",
    ),
    "log_progress": Button(
        ProgressForm,
        "progress_form",
        lambda case, data, **who: services.log_progress(case, **data, **who),
        "已记录办案进展。",
    ),
    "record_matter_end": Button(
        MatterEndForm,
        "matter_end_form",
        lambda case, data, **who: services.record_matter_end(case, matter_ended_on=data["matter_ended_on"], **who),
        "已记录案件办结日期，请在30日内提交结案材料。",
    ),
    "submit_closure": Button(
        ClosureForm,
        "closure_form",
        lambda case, data, **who: services.submit_closure(
            case,
            method=data["method"],
            matter_ended_on=data["matter_ended_on"],
            summary=data["summary"],
            files=data["files"],
            **who,
        ),
        "已提交结案，等待法律援助机构审查。",
    ),
    "return_closure": Button(
        ReturnClosureForm,
        "return_form",
        lambda case, data, **who: services.return_closure(case, reason=data["reason"], **who),
        "已退回承办人补充结案材料。",
    ),
    "archive": Button(None, "", lambda case, data, **who: services.archive(case, **who), "案件已归档。"),
    "terminate": Button(
        TerminateForm,
        "terminate_form",
        lambda case, data, **who: services.terminate(case, ground=data["ground"], reason=data["reason"], **who),
        "已终止法律援助，请打印终止法律援助决定书送达受援人。",
    ),
    "register_objection": Button(
        ObjectionForm,
        "objection_form",
        lambda case, data, **who: services.register_objection(case, **data, **who),
        "已登记异议，请转送司法局审查（5日内作出决定）。",
    ),
    "decide_objection": Button(
        ObjectionDecisionForm,
        "objection_decision_form",
        lambda case, data, **who: services.decide_objection(case, **data, **who),
        "已记录司法局的审查结果。",
    ),
    "set_seal": Button(
        SealForm,
        "seal_form",
        lambda case, data, **who: services.set_seal(case, sealed=data["is_sealed"], reason=data["reason"], **who),
        "已记录涉罪未成年人记录封存的审核结果。",
    ),
}
BUTTONS["reassign"] = BUTTONS["assign"]  # 变更承办人 shares the assignment form
FORMS_NEEDING_CASE = {AssignForm, ClosureForm, SealForm}


def _visible(request: HttpRequest, pk: int) -> Case:
    # One case with the two small tables it always shows; its application or notice and its handler
    # by their ids. Joining all six (the scope's `select_related`) made PostgreSQL spend ~5 ms
    # choosing a join order for a row it then read in 0.3 ms (see `selectors.case_list`).
    cases = (
        Case.objects.visible_to(request.user)
        .select_related(None)
        .select_related("office", "case_type")
        .prefetch_related(
            "application",
            "notice",
            Prefetch("handler", queryset=Handler.objects.select_related("user", "law_firm")),
            "objections",
        )
    )
    return get_object_or_404(cases, pk=pk)


def _make_form(button: Button, case: Case, data: Any = None, files: Any = None) -> Form:
    assert button.form is not None
    kwargs: dict[str, Any] = {"case": case} if button.form in FORMS_NEEDING_CASE else {}
    # Several forms share field names (理由, 办结日期) on one page: keep their element ids apart.
    return button.form(data, files, auto_id=f"{button.form_name}_%s", **kwargs)


def render_case_page(
    request: StaffRequest, case: Case, *, bound: Form | None = None, bound_as: str = ""
) -> HttpResponse:
    """The case page; after a refused form, that form comes back bound (status 400)."""
    actions = services.allowed_actions(request.user, case)
    forms = {
        BUTTONS[move].form_name: _make_form(BUTTONS[move], case)
        for move in sorted(actions)
        if move in BUTTONS and BUTTONS[move].form is not None
    }
    if bound is not None:
        forms[bound_as] = bound
    # The handler of the case works with the client: their full phone, the materials of the
    # application and the application itself (its page audits each showing of the full ID number).
    own_handler = case.handler is not None and case.handler.user_id == request.user.pk
    context = {
        "case": case,
        "application": case.application,
        "own_handler": own_handler,
        "application_materials": list(case.application.materials.all()) if case.application else [],
        "actions": actions,
        "deadlines": case_deadlines(case),
        "assignments": case.assignments.select_related("from_handler__user", "to_handler__user", "by"),
        "progress_entries": case.progress_entries.select_related("recorded_by"),
        "materials": case.closure_materials.all(),
        "objections": case.objections.all(),
        # 办理记录: what happened to the case and its objections (prefetched), people by their full names.
        "history": trail_for(case, *case.objections.all()),
        "can_open_application": request.user.reads_records or own_handler,
        **forms,
    }
    return render(request, "cases/detail.html", context, status=400 if bound is not None else 200)


@role_required(*CASE_PAGE_READERS)
def detail(request: StaffRequest, pk: int) -> HttpResponse:
    return render_case_page(request, _visible(request, pk))


def _button_view(name: str, *, which: Callable[[Case], str] | None = None) -> Callable[..., HttpResponseBase]:
    """The view of a case-page button; `which` picks the move from the case when two share a URL."""

    @role_required(*CASE_PAGE_READERS)
    def view(request: StaffRequest, pk: int) -> HttpResponse:
        case = _visible(request, pk)
        move = which(case) if which is not None else name
        button = BUTTONS[move]
        return post_move(
            request,
            case,
            workflow=CASE_FLOW,
            move="restore" if move == "decide_objection" else move,
            form=(lambda: _make_form(button, case, request.POST, request.FILES)) if button.form else None,
            perform=lambda data: button.perform(case, data, by=request.user, request=request),
            success=button.success,
            page=lambda form: render_case_page(request, case, bound=form, bound_as=button.form_name),
            then=lambda: redirect("cases:detail", pk=case.pk),
            back=reverse("cases:detail", args=[case.pk]),
        )

    view.__name__ = name
    return view


# 指派 and 变更承办人 share the URL; the case's state says which one this is.
assign = _button_view("assign", which=lambda case: "reassign" if case.state == CaseState.IN_PROGRESS else "assign")
record_agreement = _button_view("record_agreement")
log_progress = _button_view("log_progress")
record_matter_end = _button_view("record_matter_end")
submit_closure = _button_view("submit_closure")
return_closure = _button_view("return_closure")
archive = _button_view("archive")
terminate = _button_view("terminate")
register_objection = _button_view("register_objection")
decide_objection = _button_view("decide_objection")
set_seal = _button_view("set_seal")


@role_required(*CASE_PAGE_READERS)
def termination_letter(request: StaffRequest, pk: int) -> HttpResponse:
    case = _visible(request, pk)
    if case.state != CaseState.TERMINATED:
        raise Http404("该案件未终止法律援助。")
    return render(request, "cases/termination_letter.html", {"case": case, "application": case.application})


@role_required(*CASE_PAGE_READERS)
def objection_document(request: StaffRequest, pk: int, objection_pk: int) -> HttpResponseBase:
    """The 司法局's 决定书 on an objection to 终止, for whoever may see the case (audited)."""
    case = _visible(request, pk)
    objection = get_object_or_404(CaseObjection, pk=objection_pk, case=case)
    if not objection.file:
        raise Http404
    record(
        AuditAction.VIEW_FILE,
        actor=request.user,
        request=request,
        obj=case,
        note=f"异议审查决定书：{objection.original_name}",
    )
    return serve_upload(objection)


@role_required(*CASE_PAGE_READERS)
def closure_material(request: StaffRequest, pk: int, material_pk: int) -> HttpResponseBase:
    """A closure material, only for someone who may see the case (never via MEDIA_URL)."""
    case = _visible(request, pk)
    material = get_object_or_404(ClosureMaterial, pk=material_pk, case=case)
    record(AuditAction.VIEW_FILE, actor=request.user, request=request, obj=case, note=material.original_name)
    return serve_upload(material)


# --- the roster: law firms and handlers of an office ----------------------------------------------
def _roster_office(request: StaffRequest) -> Office:
    """The office whose roster the user keeps (403 for anyone else: city staff only read it)."""
    office = request.user.office
    if office is None or not can_manage_roster(request.user, office.pk):
        raise PermissionDenied("只有本机构的审查员可以维护承办人和律师事务所。")
    return office


@role_required(*RECORD_READERS)
@require_GET
def handler_list(request: StaffRequest) -> HttpResponse:
    """The roster of the offices the user may see: handlers, then law firms."""
    context = {
        "handlers": Handler.objects.visible_to(request.user),
        "law_firms": LawFirm.objects.visible_to(request.user),
        "can_manage": can_manage_roster(request.user, request.user.office_id),
        "today": timezone.localdate(),
    }
    return render(request, "cases/handlers.html", context)


@role_required(Role.REVIEWER)
@require_http_methods(["GET", "POST"])
def handler_new(request: StaffRequest) -> HttpResponse:
    office = _roster_office(request)
    form = HandlerForm(request.POST or None, office=office)
    if request.method == "POST" and form.is_valid():
        try:
            roster.add_handler(office=office, **form.cleaned_data, by=request.user, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已登记承办人。")
            return redirect("cases:handlers")
    return render(request, "cases/roster_form.html", {"form": form, "title": "新增承办人"})


@role_required(*RECORD_READERS)
@require_http_methods(["GET", "POST"])
def handler_edit(request: StaffRequest, pk: int) -> HttpResponse:
    handler = get_object_or_404(Handler.objects.visible_to(request.user), pk=pk)
    if not can_manage_roster(request.user, handler.office_id):
        raise PermissionDenied("只有本机构的审查员可以维护承办人。")
    form = HandlerForm(request.POST or None, office=handler.office, handler=handler)
    if request.method == "POST" and form.is_valid():
        try:
            roster.edit_handler(handler, **form.cleaned_data, by=request.user, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已保存承办人信息。")
            return redirect("cases:handlers")
    title = f"修改承办人：{handler.user.display_name}（{handler.user.username}）"
    return render(request, "cases/roster_form.html", {"form": form, "title": title})


@role_required(Role.REVIEWER)
@require_http_methods(["GET", "POST"])
def law_firm_new(request: StaffRequest) -> HttpResponse:
    office = _roster_office(request)
    form = LawFirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            roster.save_law_firm(office=office, **form.cleaned_data, by=request.user, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已登记律师事务所。")
            return redirect("cases:handlers")
    return render(request, "cases/roster_form.html", {"form": form, "title": f"新增律师事务所（{office.region_name}）"})


@role_required(*RECORD_READERS)
@require_http_methods(["GET", "POST"])
def law_firm_edit(request: StaffRequest, pk: int) -> HttpResponse:
    firm = get_object_or_404(LawFirm.objects.visible_to(request.user), pk=pk)
    if not can_manage_roster(request.user, firm.office_id):
        raise PermissionDenied("只有本机构的审查员可以维护律师事务所。")
    form = LawFirmForm(request.POST or None, initial={"name": firm.name, "phone": firm.phone})
    if request.method == "POST" and form.is_valid():
        try:
            roster.save_law_firm(firm=firm, office=firm.office, **form.cleaned_data, by=request.user, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已保存律师事务所信息。")
            return redirect("cases:handlers")
    return render(request, "cases/roster_form.html", {"form": form, "title": f"修改律师事务所：{firm.name}"})
