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

from accounts.models import OFFICE_STAFF, RECORD_READERS, Role
from accounts.permissions import role_required
from applications import prefill, rules, services
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
from applications.models import Application, Material, Objection, Status, TrackingLookup, review_due_dates
from applications.selectors import case_for, due_flag, queue_for
from applications.workflows import APPLICATION_FLOW, OBJECTION_FLOW
from audit.models import AuditAction
from audit.selectors import trail_for
from audit.services import record
from core.forms import add_service_errors
from core.transitions import TransitionError
from core.uploads import serve_upload
from core.views import post_move

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


def _submit(request: HttpRequest, form: ApplicationForm, *, receiving_office, origin: str = "") -> Application | None:
    try:
        return services.submit_application(
            data=form.service_data(),
            uploads=form.uploads(),
            receiving_office=receiving_office,
            by=request.user,
            request=request,
            origin=origin,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None


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
    return get_object_or_404(Application.objects.with_outcome(), pk=pk)


def track_status(request: HttpRequest) -> HttpResponse:
    try:
        application = _tracked(request)
    except Http404:
        return redirect("applications:track")
    context = _status_context(application)
    context["upload_form"] = SupplementUploadForm() if application.status == Status.AWAITING_SUPPLEMENT else None
    return render(request, "applications/track_status.html", context)


def _status_context(application: Application, *, user=None) -> dict:
    """What the applicant's page and the staff page both show. What happened after 准予 — the case,
    its handler, a termination and its objections — is the applicant's business too (SPEC §3.1); on
    the staff page only as far as `user` may see the case."""
    today = timezone.localdate()
    due_on = application.review_due_on(today=today)
    return {
        "case": case_for(application, user=user),
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
        except TransitionError as error:
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
        case = case_for(application)
        if case is None or case.terminated_on is None:
            raise Http404
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
    return get_object_or_404(Application.objects.visible_to(request.user).with_outcome(), pk=pk)


@role_required(*RECORD_READERS)
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
        {"form": form, "page": page, "rows": rows, "can_walk_in": rules.can_register_walk_in(request.user)},
    )


@role_required(Role.CLERK)
def walk_in(request: HttpRequest) -> HttpResponse:
    services.require_permission(rules.can_register_walk_in(request.user))
    office = request.user.office
    if request.method == "POST":
        initial, origin_token = {}, request.POST.get("origin", "")
    else:
        initial, origin_token = prefill.take(request)  # 转为申请 from a consultation, once
    form = WalkInApplicationForm(request.POST or None, request.FILES or None, receiving_office=office, initial=initial)
    if request.method == "POST" and form.is_valid():
        application = _submit(request, form, receiving_office=office, origin=prefill.origin_of(origin_token))
        if application is not None:
            messages.success(
                request,
                f"已登记申请 {application.number}，承办机构：{application.responsible_office.name}。",
            )
            return redirect("applications:detail", pk=application.pk)
    return render(
        request,
        "applications/walk_in.html",
        {"form": form, "office": office, "origin_token": origin_token, "prefilled": bool(origin_token)},
    )


@role_required(*RECORD_READERS)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _visible(request, pk))


@dataclass(frozen=True)
class Button:
    """A move posted from the application page: the form it binds (and the name the page renders it
    under), the service it calls and what the user is told. Who may press it is the workflow's rule."""

    form: type[forms.Form]
    form_name: str
    perform: Callable[..., object]  # (application, cleaned_data, *, by, request)
    success: str


BUTTONS = {
    "refuse": Button(
        RefuseForm,
        "refuse_form",
        lambda a, data, **who: services.refuse(a, reason=data["reason"], **who),
        "已作出不予法律援助决定，可打印决定书。",
    ),
    "receive_supplement": Button(
        SupplementUploadForm,
        "receive_form",
        lambda a, data, **who: services.receive_supplement(a, files=data["files"], **who),
        "已收到补正材料，审查期限恢复计算。",
    ),
    "mark_urgent": Button(
        UrgentForm,
        "urgent_form",
        lambda a, data, **who: services.mark_urgent(a, ground=data["ground"], **who),
        "已标记先行提供法律援助：审查决定今日到期，准予后即可指派承办人，手续后补。",
    ),
    "reroute": Button(
        RerouteForm,
        "reroute_form",
        lambda a, data, **who: services.reroute(a, to_office=data["to_office"], reason=data["reason"], **who),
        "承办机构已变更。",
    ),
    "transfer_out": Button(
        TransferOutForm,
        "transfer_form",
        lambda a, data, **who: services.transfer_out(a, destination=data["destination"], **who),
        "已记录转交市外法律援助机构。",
    ),
    "register_objection": Button(
        ObjectionForm,
        "objection_form",
        lambda a, data, **who: services.register_objection(
            a, reasons=data["reasons"], received_on=data["received_on"], **who
        ),
        "已登记异议，请转司法局审查（5日内作出决定）。",
    ),
}
PAGE_FORMS = {
    **{button.form_name: button.form for button in BUTTONS.values()},
    "objection_decision_form": ObjectionDecisionForm,
}


def _detail_page(
    request: HttpRequest, application: Application, *, bound: forms.Form | None = None, bound_as: str = ""
) -> HttpResponse:
    """The application page; after a refused form, that form comes back bound (status 400), its
    errors by its fields."""
    user = request.user
    # Full ID numbers are shown only here, and every showing is on the record (SPEC §8).
    record(AuditAction.VIEW_ID_NUMBER, actor=user, request=request, obj=application)
    today = timezone.localdate()
    context = _status_context(application, user=user)
    context.update(
        {
            "duplicates": [
                a
                for a in services.open_duplicates(id_number=application.id_number, category=application.category)
                if a.pk != application.pk
            ],
            "missing": application.missing_kinds(),
            "history": trail_for(application, *context["objections"]),
            "can": services.allowed_actions(user, application),
        }
    )
    for name, form_class in PAGE_FORMS.items():
        initial = {"received_on": today, "decided_on": today}
        context[name] = form_class(initial={k: v for k, v in initial.items() if k in form_class.base_fields})
    if bound is not None:
        context[bound_as] = bound
    return render(request, "applications/detail.html", context, status=400 if bound is not None else 200)


def _after_move(request: HttpRequest, pk: int) -> HttpResponse:
    # After a re-route the user's office may no longer see the application.
    if not Application.objects.visible_to(request.user).filter(pk=pk).exists():
        return redirect("applications:queue")
    return redirect("applications:detail", pk=pk)


def _button_view(name: str, *, roles: tuple[Role, ...] = OFFICE_STAFF) -> Callable[[HttpRequest, int], HttpResponse]:
    """`roles` are refused (403) before anything is looked up; then the workflow's rule decides."""
    button = BUTTONS[name]

    @require_POST
    @role_required(*roles)
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        application = _visible(request, pk)
        return post_move(
            request,
            application,
            workflow=APPLICATION_FLOW,
            move=name,
            form=lambda: button.form(request.POST, request.FILES),
            perform=lambda data: button.perform(application, data, by=request.user, request=request),
            success=button.success,
            page=lambda form: _detail_page(request, application, bound=form, bound_as=button.form_name),
            then=lambda: _after_move(request, pk),
        )

    view.__name__ = name
    return view


receive_supplement = _button_view("receive_supplement")
mark_urgent = _button_view("mark_urgent")
reroute = _button_view("reroute")
register_objection = _button_view("register_objection")
refuse = _button_view("refuse", roles=(Role.REVIEWER,))
transfer_out = _button_view("transfer_out", roles=(Role.REVIEWER,))


@role_required(*OFFICE_STAFF)
def request_supplement(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible(request, pk)
    services.require_permission(rules.can_handle_materials(request.user, application))
    form = SupplementRequestForm(request.POST or None, suggested=application.missing_kinds())
    if request.method == "POST" and form.is_valid():
        try:
            services.request_supplement(
                application, items=form.all_items(), note=form.cleaned_data["note"], by=request.user, request=request
            )
        except TransitionError as error:
            messages.error(request, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
            return render(request, "applications/supplement_form.html", {"form": form, "application": application})
        else:
            messages.success(request, "已一次性告知补正，审查期限暂停计算。")
        return redirect("applications:detail", pk=pk)
    return render(request, "applications/supplement_form.html", {"form": form, "application": application})


@role_required(*RECORD_READERS)
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
            try:
                services.receive_supplement(
                    application, files=form.cleaned_data["files"], by=request.user, request=request
                )
            except TransitionError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"已代收 {application.number} 的补正材料，已转{application.responsible_office.name}，"
                    "审查期限恢复计算。",
                )
                return redirect("applications:supplement_drop")
    return render(request, "applications/supplement_drop.html", {"form": form})


@require_POST
@role_required(*OFFICE_STAFF)
def decide_objection(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_object_or_404(
        Objection.objects.filter(application__in=Application.objects.visible_to(request.user)), pk=pk
    )
    return post_move(
        request,
        objection,
        workflow=OBJECTION_FLOW,
        move="uphold",  # 维持 and 责令改正 share one rule; the service picks the move from the outcome
        form=lambda: ObjectionDecisionForm(request.POST),
        perform=lambda data: services.decide_objection(objection, **data, by=request.user, request=request),
        success="已记录司法局对异议的审查结果。",
        page=lambda form: _detail_page(request, objection.application, bound=form, bound_as="objection_decision_form"),
        then=lambda: redirect("applications:detail", pk=objection.application_id),
    )


@role_required(*RECORD_READERS)
def letter(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    return _letter(request, _visible(request, pk), kind)


@role_required(*RECORD_READERS)
def material(request: HttpRequest, pk: int) -> FileResponse:
    material = get_object_or_404(
        Material.objects.filter(application__in=Application.objects.visible_to(request.user)), pk=pk
    )
    return _serve(material, request)
