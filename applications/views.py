"""Intake views: thin. Each fetches through the scope, validates with a form, calls one service,
adds a message and redirects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from axes.helpers import get_client_ip_address
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from applications import services
from applications.forms import (
    ApplicationForm,
    ObjectionDecisionForm,
    ObjectionForm,
    QueueFilterForm,
    RefuseForm,
    RerouteForm,
    SupplementDropForm,
    SupplementRequestForm,
    SupplementUploadForm,
    TrackForm,
    TransferOutForm,
    UrgentForm,
    WalkInApplicationForm,
)
from applications.models import Application, Material, Objection, Status, TrackingLookup
from applications.selectors import due_flag, queue_for, review_due_dates
from applications.uploads import serve_upload
from audit.models import AuditAction
from audit.selectors import trail_for
from audit.services import record
from cases.models import Case, CaseState

INTAKE_ROLES = (Role.CLERK, Role.REVIEWER, Role.CITY_STAFF)
TRACK_SESSION_KEY = "tracked_application"
SUBMITTED_SESSION_KEY = "submitted_application"
TRACK_FAILURES_PER_HOUR = 10
LETTERS = {
    "approval": ("applications/letters/approval.html", {Status.APPROVED}),
    "refusal": ("applications/letters/refusal.html", {Status.REFUSED}),
    "supplement": ("applications/letters/supplement.html", None),
}


# --- citizens ------------------------------------------------------------------------------------
def apply(request: HttpRequest) -> HttpResponse:
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        application = _submit(request, form, receiving_office=None)
        if application is not None:
            request.session[SUBMITTED_SESSION_KEY] = application.pk
            request.session[TRACK_SESSION_KEY] = application.pk
            return redirect("applications:apply_submitted")
    return render(request, "applications/apply.html", {"form": form})


def _submit(request: HttpRequest, form: ApplicationForm, *, receiving_office) -> Application | None:
    try:
        return services.submit_application(
            data=form.service_data(),
            uploads=form.uploads(),
            receiving_office=receiving_office,
            by=request.user,
            request=request,
        )
    except ValidationError as error:
        _add_errors(form, error)
        return None


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def apply_submitted(request: HttpRequest) -> HttpResponse:
    application = get_object_or_404(Application, pk=request.session.get(SUBMITTED_SESSION_KEY) or 0)
    return render(
        request,
        "applications/apply_submitted.html",
        {"application": application, "due_on": application.review_due_on()},
    )


def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = _client_ip(request)
        recent = TrackingLookup.objects.filter(ip_address=ip, at__gte=timezone.now() - timedelta(hours=1))
        if recent.count() >= TRACK_FAILURES_PER_HOUR:
            form.add_error(None, "查询失败次数过多，请一小时后再试，或拨打 12348 咨询。")
        else:
            application = Application.objects.filter(
                number=form.cleaned_data["number"], id_number__endswith=form.cleaned_data["id_last6"]
            ).first()
            if application is not None:
                request.session[TRACK_SESSION_KEY] = application.pk
                return redirect("applications:track_status")
            TrackingLookup.objects.create(ip_address=ip)
            # The same words whether the number exists or not: a wrong pair reveals nothing.
            form.add_error(None, "未查询到匹配的申请，请核对申请编号和身份证号后六位。")
    return render(request, "applications/track.html", {"form": form})


def _client_ip(request: HttpRequest) -> str:
    return get_client_ip_address(request) or "0.0.0.0"


def _tracked(request: HttpRequest) -> Application:
    pk = request.session.get(TRACK_SESSION_KEY)
    if not pk:
        raise Http404
    return get_object_or_404(Application.objects.select_related("responsible_office", "receiving_office"), pk=pk)


def track_status(request: HttpRequest) -> HttpResponse:
    try:
        application = _tracked(request)
    except Http404:
        return redirect("applications:track")
    context = _status_context(application)
    context["upload_form"] = SupplementUploadForm() if application.status == Status.AWAITING_SUPPLEMENT else None
    return render(request, "applications/track_status.html", context)


def _status_context(application: Application) -> dict:
    today = timezone.localdate()
    due_on = application.review_due_on(today=today)
    # What happened after 准予 — the case, its handler, a termination and its objections — is the
    # applicant's business too (SPEC §3.1: the objection outcome is shown on the tracking page).
    case = (
        Case.objects.filter(application=application)
        .select_related("handler__user", "handler__law_firm", "termination_ground", "office")
        .prefetch_related("objections")
        .first()
    )
    return {
        "case": case,
        "application": application,
        "due_on": due_on,
        "due_flag": due_flag(due_on, today=today),
        "supplement": application.open_supplement_request(),
        "supplements": list(application.supplement_requests.all()),
        "objections": list(application.objections.all()),
        "materials": list(application.materials.all()),
    }


@require_POST
def track_supplement(request: HttpRequest) -> HttpResponse:
    application = _tracked(request)
    form = SupplementUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.receive_supplement(application, files=form.cleaned_data["files"], request=request)
        except services.TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "补正材料已提交，审查期限恢复计算。")
            return redirect("applications:track_status")
    context = _status_context(application)
    context["upload_form"] = form
    return render(request, "applications/track_status.html", context, status=400)


def track_material(request: HttpRequest, pk: int) -> FileResponse:
    application = _tracked(request)
    return _serve(get_object_or_404(Material, pk=pk, application=application), request)


def track_letter(request: HttpRequest, kind: str) -> HttpResponse:
    application = _tracked(request)
    if kind == "termination":
        case = get_object_or_404(Case, application=application, state=CaseState.TERMINATED)
        return render(request, "cases/termination_letter.html", {"case": case, "application": application})
    return _letter(request, application, kind)


def _letter(request: HttpRequest, application: Application, kind: str) -> HttpResponse:
    if kind not in LETTERS:
        raise Http404
    template, statuses = LETTERS[kind]
    supplement = next(iter(application.supplement_requests.all()), None)
    if (statuses is not None and application.status not in statuses) or (kind == "supplement" and supplement is None):
        raise Http404
    return render(request, template, {"application": application, "supplement": supplement})


def _serve(material: Material, request: HttpRequest) -> FileResponse:
    record(AuditAction.VIEW_FILE, actor=request.user, request=request, obj=material.application, note=str(material))
    return serve_upload(material)


# --- staff ---------------------------------------------------------------------------------------
def _visible(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(Application.objects.visible_to(request.user), pk=pk)


@role_required(*INTAKE_ROLES)
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    form.fields["status"].choices = [("", "全部"), *Status.choices]
    filters = form.cleaned_data if form.is_valid() else {}
    applications = queue_for(
        request.user, status=filters.get("status", ""), search=filters.get("q", ""), sent=filters.get("sent", False)
    )
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    due_dates = review_due_dates(list(page.object_list), today=today)
    rows = [(a, due_dates[a.pk], due_flag(due_dates[a.pk], today=today)) for a in page.object_list]
    return render(
        request,
        "applications/queue.html",
        {"form": form, "page": page, "rows": rows, "can_walk_in": services.can_register_walk_in(request.user)},
    )


@role_required(Role.CLERK)
def walk_in(request: HttpRequest) -> HttpResponse:
    services.require_permission(services.can_register_walk_in(request.user))
    office = request.user.office
    form = WalkInApplicationForm(request.POST or None, request.FILES or None, receiving_office=office)
    if request.method == "POST" and form.is_valid():
        application = _submit(request, form, receiving_office=office)
        if application is not None:
            messages.success(
                request,
                f"已登记申请 {application.number}，承办机构：{application.responsible_office.name}。",
            )
            return redirect("applications:detail", pk=application.pk)
    return render(request, "applications/walk_in.html", {"form": form, "office": office})


@role_required(*INTAKE_ROLES)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _visible(request, pk))


# The form each move posts, by the name the detail template knows it under.
MOVE_FORMS = {
    "refuse": ("refuse_form", RefuseForm),
    "mark_urgent": ("urgent_form", UrgentForm),
    "reroute": ("reroute_form", RerouteForm),
    "transfer_out": ("transfer_form", TransferOutForm),
    "register_objection": ("objection_form", ObjectionForm),
    "decide_objection": ("objection_decision_form", ObjectionDecisionForm),
    "receive_supplement": ("receive_form", SupplementUploadForm),
}


def _detail_page(
    request: HttpRequest, application: Application, *, bound: tuple[str, forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    """The application page; after a refused form, that form comes back bound, errors by its fields."""
    user = request.user
    # Full ID numbers are shown only here, and every showing is on the record (SPEC §8).
    record(AuditAction.VIEW_ID_NUMBER, actor=user, request=request, obj=application)
    today = timezone.localdate()
    context = _status_context(application)
    context.update(
        {
            "duplicates": [
                a
                for a in services.open_duplicates(id_number=application.id_number, category=application.category)
                if a.pk != application.pk
            ],
            "missing": application.missing_kinds(),
            # The receiving office may read the application but not the other county's case.
            "case": context["case"] if Case.objects.visible_to(user).filter(application=application).exists() else None,
            "history": trail_for(application, *context["objections"]),
            "can": services.allowed_actions(user, application),
        }
    )
    for key, form_class in MOVE_FORMS.values():
        initial = {"received_on": today, "decided_on": today}
        context[key] = form_class(initial={k: v for k, v in initial.items() if k in form_class.base_fields})
    if bound is not None:
        context[bound[0]] = bound[1]
    return render(request, "applications/detail.html", context, status=status)


def _run(request: HttpRequest, perform: Callable[[], object], *, success: str) -> bool:
    """Run one service call, turning its refusals into messages for the user."""
    try:
        perform()
    except services.TransitionError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, success)
        return True
    return False


@dataclass(frozen=True)
class Move:
    """A button on the application page: who may press it, the form it posts, the service it calls."""

    roles: tuple[Role, ...]
    allowed: Callable[..., bool]
    form: type[forms.Form]
    perform: Callable[..., object]  # (application, cleaned_data, *, by, request)
    success: str


MOVES = {
    "refuse": Move(
        (Role.REVIEWER,),
        services.can_decide,
        RefuseForm,
        lambda a, data, **who: services.refuse(a, reason=data["reason"], **who),
        "已作出不予法律援助决定，可打印决定书。",
    ),
    "receive_supplement": Move(
        (Role.CLERK, Role.REVIEWER),
        services.can_handle_materials,
        SupplementUploadForm,
        lambda a, data, **who: services.receive_supplement(a, files=data["files"], **who),
        "已收到补正材料，审查期限恢复计算。",
    ),
    "mark_urgent": Move(
        (Role.CLERK, Role.REVIEWER),
        services.can_mark_urgent,
        UrgentForm,
        lambda a, data, **who: services.mark_urgent(a, ground=data["ground"], **who),
        "已标记先行提供法律援助：审查决定今日到期，准予后即可指派承办人，手续后补。",
    ),
    "reroute": Move(
        (Role.CLERK, Role.REVIEWER),
        services.can_reroute,
        RerouteForm,
        lambda a, data, **who: services.reroute(a, to_office=data["to_office"], reason=data["reason"], **who),
        "承办机构已变更。",
    ),
    "transfer_out": Move(
        (Role.REVIEWER,),
        services.can_decide,
        TransferOutForm,
        lambda a, data, **who: services.transfer_out(a, destination=data["destination"], **who),
        "已记录转交市外法律援助机构。",
    ),
    "register_objection": Move(
        (Role.CLERK, Role.REVIEWER),
        services.can_record_objection,
        ObjectionForm,
        lambda a, data, **who: services.register_objection(
            a, reasons=data["reasons"], received_on=data["received_on"], **who
        ),
        "已登记异议，请转司法局审查（5日内作出决定）。",
    ),
}


def _move_view(name: str) -> Callable[[HttpRequest, int], HttpResponse]:
    move = MOVES[name]

    @require_POST
    @role_required(*move.roles)
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        application = _visible(request, pk)
        services.require_permission(move.allowed(request.user, application))
        form = move.form(request.POST, request.FILES)
        if not form.is_valid():
            return _detail_page(request, application, bound=(MOVE_FORMS[name][0], form), status=400)
        else:
            _run(
                request,
                lambda: move.perform(application, form.cleaned_data, by=request.user, request=request),
                success=move.success,
            )
        # After a re-route the user's office may no longer see the application.
        if not Application.objects.visible_to(request.user).filter(pk=pk).exists():
            return redirect("applications:queue")
        return redirect("applications:detail", pk=pk)

    view.__name__ = name
    return view


refuse = _move_view("refuse")
receive_supplement = _move_view("receive_supplement")
mark_urgent = _move_view("mark_urgent")
reroute = _move_view("reroute")
transfer_out = _move_view("transfer_out")
register_objection = _move_view("register_objection")


@require_POST
@role_required(Role.REVIEWER)
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible(request, pk)
    services.require_permission(services.can_decide(request.user, application))
    if not _run(
        request, lambda: services.approve(application, by=request.user, request=request), success="已准予法律援助。"
    ):
        return redirect("applications:detail", pk=pk)
    case = Case.objects.get(application=application)
    messages.info(request, f"案件编号 {case.number}，请在3日内指派承办人。")
    return redirect("cases:detail", pk=case.pk)


@role_required(Role.CLERK, Role.REVIEWER)
def request_supplement(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible(request, pk)
    services.require_permission(services.can_handle_materials(request.user, application))
    form = SupplementRequestForm(request.POST or None, suggested=application.missing_kinds())
    if request.method == "POST" and form.is_valid():
        try:
            services.request_supplement(
                application, items=form.all_items(), note=form.cleaned_data["note"], by=request.user, request=request
            )
        except services.TransitionError as error:
            messages.error(request, str(error))
        except ValidationError as error:
            _add_errors(form, error)
            return render(request, "applications/supplement_form.html", {"form": form, "application": application})
        else:
            messages.success(request, "已一次性告知补正，审查期限暂停计算。")
        return redirect("applications:detail", pk=pk)
    return render(request, "applications/supplement_form.html", {"form": form, "application": application})


@role_required(*INTAKE_ROLES)
def supplement_notice(request: HttpRequest, pk: int) -> HttpResponse:
    return _letter(request, _visible(request, pk), "supplement")


@role_required(Role.CLERK)
def supplement_drop(request: HttpRequest) -> HttpResponse:
    """Any office's clerk takes in 补正 materials for an application of any county, identified by
    its number and the applicant's ID tail, as on /track/ (the applicant goes to one office once)."""
    form = SupplementDropForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        application = Application.objects.filter(
            number=form.cleaned_data["number"],
            id_number__endswith=form.cleaned_data["id_last6"],
            status=Status.AWAITING_SUPPLEMENT,
        ).first()
        if application is None:
            form.add_error(None, "未找到待补正的申请，请核对申请编号和身份证号后六位。")
        else:
            received = _run(
                request,
                lambda: services.receive_supplement(
                    application, files=form.cleaned_data["files"], by=request.user, request=request
                ),
                success=f"已代收 {application.number} 的补正材料，已转{application.responsible_office.name}，"
                "审查期限恢复计算。",
            )
            if received:
                return redirect("applications:supplement_drop")
    return render(request, "applications/supplement_drop.html", {"form": form})


@require_POST
@role_required(Role.CLERK, Role.REVIEWER)
def decide_objection(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_object_or_404(
        Objection.objects.filter(application__in=Application.objects.visible_to(request.user)), pk=pk
    )
    services.require_permission(services.can_record_objection(request.user, objection.application))
    form = ObjectionDecisionForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, objection.application, bound=("objection_decision_form", form), status=400)
    else:
        _run(
            request,
            lambda: services.decide_objection(objection, **form.cleaned_data, by=request.user, request=request),
            success="已记录司法局对异议的审查结果。",
        )
    return redirect("applications:detail", pk=objection.application_id)


@role_required(*INTAKE_ROLES)
def letter(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    return _letter(request, _visible(request, pk), kind)


@role_required(*INTAKE_ROLES)
def material(request: HttpRequest, pk: int) -> FileResponse:
    material = get_object_or_404(
        Material.objects.filter(application__in=Application.objects.visible_to(request.user)), pk=pk
    )
    return _serve(material, request)
