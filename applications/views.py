"""Intake views: thin. Each fetches through the scope, validates with a form, calls one service,
adds a message and redirects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.http import StaffRequest
from accounts.models import (
    APPLICATION_READERS,
    CASE_READERS,
    OBJECTION_READERS,
    OFFICE_STAFF,
    RECORD_READERS,
    Office,
    Role,
)
from accounts.permissions import role_required
from applications import prefill, rules, services
from applications import receipt as receipts
from applications.blank_form import blank_form_html
from applications.forms import (
    ApplicationForm,
    ObjectionDecisionForm,
    ObjectionForm,
    QueueFilterForm,
    RefuseForm,
    RerouteForm,
    SupplementConfirmForm,
    SupplementDropForm,
    SupplementRejectForm,
    SupplementRequestForm,
    SupplementUploadForm,
    TrackForm,
    TransferOutForm,
    UrgentForm,
    WalkInApplicationForm,
    WithdrawForm,
)
from applications.models import Application, Material, Objection, Status, review_due_dates
from applications.selectors import ALL_STATUSES, case_for, due_flag, queue_for
from applications.workflows import APPLICATION_FLOW, OBJECTION_FLOW
from audit.client_ip import client_ip
from audit.models import AuditAction
from audit.selectors import trail_for
from audit.services import record
from core import ratelimit
from core.forms import add_service_errors, submission_token
from core.pagination import BoundedPaginator
from core.transitions import TransitionError
from core.uploads import serve_upload
from core.views import post_move

TRACK_SESSION_KEY = "tracked_application"
SUBMITTED_SESSION_KEY = "submitted_application"
HOUR = timedelta(hours=1)
LETTERS = {
    "approval": ("applications/letters/approval.html", {Status.APPROVED}),
    "refusal": ("applications/letters/refusal.html", {Status.REFUSED}),
    "supplement": ("applications/letters/supplement.html", None),
}


def _client(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


# --- citizens ------------------------------------------------------------------------------------
def apply(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        # A blank form is the same for everyone: rendered once (applications.blank_form), the tokens fresh.
        return render(request, "applications/apply.html", {"form_html": blank_form_html(ApplicationForm)})
    # Counted before the body is read: a client over the limit costs no parsing and no disk.
    attempt = ratelimit.attempt("apply", _client(request), limit=settings.LEGALAID_APPLY_POSTS_PER_HOUR, period=HOUR)
    if not attempt.allowed:
        return render(
            request,
            "applications/apply.html",
            {
                "form_html": blank_form_html(ApplicationForm),
                "refused": "提交次数过多，请一小时后再试，或到任一法律援助机构窗口申请。",
            },
            status=429,
        )
    # The same form posted again (a double click, a replay) lands on the page the first post made.
    if (existing := services.submitted_with(submission_token(request))) is not None:
        return _submitted(request, existing)
    form = ApplicationForm(request.POST, request.FILES)
    if form.is_valid():
        application = _submit(request, form, receiving_office=None)
        if application is not None:
            return _submitted(request, application)
    return render(request, "applications/apply.html", {"form": form})


def _submitted(request: HttpRequest, application: Application) -> HttpResponse:
    request.session[SUBMITTED_SESSION_KEY] = application.pk
    _remember_lookup(request, application)
    return redirect("applications:apply_submitted")


def _submit(
    request: HttpRequest, form: ApplicationForm, *, receiving_office: Office | None, origin: str = ""
) -> Application | None:
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


def apply_receipt(request: HttpRequest) -> HttpResponse:
    """申请材料接收凭证 for the citizen who has just submitted, in this browser only (like the page above)."""
    application = get_object_or_404(Application, pk=request.session.get(SUBMITTED_SESSION_KEY) or 0)
    return render(request, "applications/receipt.html", receipts.receipt_context(application))


def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The attempt is counted before the lookup, in one statement, so a burst of parallel guesses
        # gets exactly the limit of lookups; one that finds the application is given back (only
        # failures count against the address).
        attempt = ratelimit.attempt(
            "track", _client(request), limit=settings.LEGALAID_TRACK_FAILURES_PER_HOUR, period=HOUR
        )
        if not attempt.allowed:
            form.add_error(None, "查询失败次数过多，请一小时后再试，或拨打 12348 咨询。")
        else:
            application = Application.objects.filter(
                number=form.cleaned_data["number"], id_number__endswith=form.cleaned_data["id_last6"]
            ).first()
            if application is not None:
                attempt.give_back()
                _remember_lookup(request, application)
                return redirect("applications:track_status")
            # The same words whether the number exists or not: a wrong pair reveals nothing.
            form.add_error(None, "未查询到匹配的申请，请核对申请编号和身份证号后六位。")
    return render(request, "applications/track.html", {"form": form})


def _remember_lookup(request: HttpRequest, application: Application) -> None:
    # The time goes with the key: the lookup lapses on its own, even in a browser left open.
    request.session[TRACK_SESSION_KEY] = {"pk": application.pk, "at": timezone.now().timestamp()}


def _tracked_pk(request: HttpRequest) -> int | None:
    """The application this browser looked up, while the lookup lasts (LEGALAID_TRACK_LOOKUP_MINUTES)."""
    lookup = request.session.get(TRACK_SESSION_KEY)
    if lookup is None:
        return None
    at = lookup.get("at") if isinstance(lookup, dict) else None
    age = timezone.now().timestamp() - at if isinstance(at, int | float) else -1.0
    if not 0 <= age <= settings.LEGALAID_TRACK_LOOKUP_MINUTES * 60:
        del request.session[TRACK_SESSION_KEY]  # lapsed (or not a lookup this version wrote)
        return None
    return lookup.get("pk")


def _tracked(request: HttpRequest) -> Application:
    pk = _tracked_pk(request)
    if not pk:
        raise Http404
    return get_object_or_404(Application.objects.with_outcome(), pk=pk)


def track_status(request: HttpRequest) -> HttpResponse:
    had_lookup = TRACK_SESSION_KEY in request.session
    try:
        application = _tracked(request)
    except Http404:
        if had_lookup:
            messages.info(request, f"查询已超过{settings.LEGALAID_TRACK_LOOKUP_MINUTES}分钟，已自动结束，请重新查询。")
        return redirect("applications:track")
    context = _status_context(application)
    context["upload_form"] = _upload_form(application) if application.status == Status.AWAITING_SUPPLEMENT else None
    context["lookup_minutes"] = settings.LEGALAID_TRACK_LOOKUP_MINUTES
    return render(request, "applications/track_status.html", context)


@require_POST
def track_end(request: HttpRequest) -> HttpResponse:
    """结束查询: the browser forgets the application (on a shared or borrowed computer)."""
    request.session.pop(TRACK_SESSION_KEY, None)
    request.session.pop(SUBMITTED_SESSION_KEY, None)
    messages.success(request, "已结束查询。")
    return redirect("applications:track")


def _status_context(application: Application, *, user=None) -> dict:
    """What the applicant's page and the staff page both show. What happened after 准予 — the case,
    its handler, a termination and its objections — is the applicant's business too (SPEC §3.1); on
    the staff page only as far as `user` may see the case."""
    today = timezone.localdate()
    due_on = application.review_due_on(today=today)
    supplements = list(application.supplement_requests.all())
    materials = list(application.materials.all())
    return {
        "case": case_for(application, user=user),
        "application": application,
        "due_on": due_on,
        "due_flag": due_flag(due_on, today=today),
        "supplement": application.open_supplement_request(),
        "supplements": supplements,
        # The notice's items, each received or not (the one notice there can be; SPEC §3 一次性告知),
        # once a reply came in or the notice is settled (before that the notice itself lists them).
        "supplement_states": supplements[-1].item_states(materials)
        if supplements and (supplements[-1].replied_on or supplements[-1].resolved_on)
        else [],
        "objections": list(application.objections.all()),
        "materials": materials,
    }


@require_POST
def track_supplement(request: HttpRequest) -> HttpResponse:
    try:
        application = _tracked(request)
    except Http404:
        return track_status(request)  # the lookup lapsed or was ended: back to the lookup form, told why
    form = _upload_form(application, request.POST, request.FILES)
    if form.is_valid():
        try:
            services.receive_supplement(
                application,
                files=form.cleaned_data["files"] or [],
                by_item=form.cleaned_data["by_item"],
                request=request,
            )
        except TransitionError as error:
            messages.error(request, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "补正材料已提交。承办机构核对齐全后，审查期限恢复计算。")
            return redirect("applications:track_status")
    context = _status_context(application)
    context["upload_form"] = form
    context["lookup_minutes"] = settings.LEGALAID_TRACK_LOOKUP_MINUTES
    return render(request, "applications/track_status.html", context, status=400)


@require_POST
def track_withdraw(request: HttpRequest) -> HttpResponse:
    """撤回申请: the applicant withdraws an application still under review (audited as theirs)."""
    try:
        application = _tracked(request)
    except Http404:
        return track_status(request)
    try:
        services.withdraw(application, reason=request.POST.get("reason", "")[:150], request=request)
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "您已撤回申请。如仍需要法律援助，可以重新申请。")
    return redirect("applications:track_status")


def _upload_form(application: Application, *args, **kwargs) -> SupplementUploadForm:
    """The 补正 upload form, one field for each item of the open notice."""
    supplement = application.open_supplement_request()
    return SupplementUploadForm(*args, items=supplement.items if supplement else (), **kwargs)


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
    context = {"application": application, "supplement": supplement, "case": case_for(application)}
    return render(request, template, context)


def _serve(material: Material, request: HttpRequest) -> FileResponse:
    record(AuditAction.VIEW_FILE, actor=request.user, request=request, obj=material.application, note=str(material))
    return serve_upload(material)


# --- staff ---------------------------------------------------------------------------------------
def _visible(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(Application.objects.visible_to(request.user).with_outcome(), pk=pk)


@role_required(*RECORD_READERS)
def queue(request: StaffRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    cast(forms.ChoiceField, form.fields["status"]).choices = [("", "待处理"), (ALL_STATUSES, "全部"), *Status.choices]
    filters = form.cleaned_data if form.is_valid() else {}
    applications = queue_for(
        request.user, status=filters.get("status", ""), search=filters.get("q", ""), sent=filters.get("sent", False)
    )
    page = BoundedPaginator(applications, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    due_dates = review_due_dates(list(page.object_list), today=today)
    rows = [(a, due_dates[a.pk], due_flag(due_dates[a.pk], today=today)) for a in page.object_list]
    return render(
        request,
        "applications/queue.html",
        {"form": form, "page": page, "rows": rows, "can_walk_in": rules.can_register_walk_in(request.user)},
    )


@role_required(Role.CLERK)
def walk_in(request: StaffRequest) -> HttpResponse:
    services.require_permission(rules.can_register_walk_in(request.user))
    office = request.user.office
    if office is None:  # a clerk always belongs to an office; `can_register_walk_in` says so too
        raise PermissionDenied("只有法律援助机构的窗口受理员可以登记窗口申请。")
    # The same page posted again (a double click) lands on the application the first post made.
    if request.method == "POST" and (existing := services.submitted_with(submission_token(request))) is not None:
        return _registered(request, existing)
    initial: dict[str, Any]
    if request.method == "POST":
        initial, origin_token = {}, request.POST.get("origin", "")
    else:
        initial, origin_token = prefill.take(request)  # 转为申请 from a consultation, once
    form = WalkInApplicationForm(request.POST or None, request.FILES or None, receiving_office=office, initial=initial)
    duplicate = ""
    if request.method == "POST" and form.is_valid():
        duplicate = _duplicate_warning(request, form)
        if not form.errors:
            application = _submit(request, form, receiving_office=office, origin=prefill.origin_of(origin_token))
            if application is not None:
                return _registered(request, application)
    return render(
        request,
        "applications/walk_in.html",
        {
            "form": form,
            "office": office,
            "origin_token": origin_token,
            "prefilled": bool(origin_token),
            "duplicate_warning": duplicate,
        },
    )


def _registered(request: HttpRequest, application: Application) -> HttpResponse:
    messages.success(request, f"已登记申请 {application.number}，承办机构：{application.responsible_office.name}。")
    # The page after registering offers the receipt the applicant takes home as its main action.
    return redirect(f"{reverse('applications:detail', args=[application.pk])}?registered=1")


def _clerk_lookup_allowed(request: HttpRequest, scope: str) -> bool:
    """Lookups by ID number that can tell a clerk about other counties' applicants are counted per user."""
    return ratelimit.attempt(
        scope, f"user:{request.user.pk}", limit=settings.LEGALAID_CLERK_LOOKUPS_PER_HOUR, period=HOUR
    ).allowed


def _too_many_lookups() -> str:
    return f"查询过于频繁（每小时最多{settings.LEGALAID_CLERK_LOOKUPS_PER_HOUR}次），请稍后再试。"


def _duplicate_warning(request: StaffRequest, form: WalkInApplicationForm) -> str:
    """The duplicate guard (SPEC §3): a second open application of the same person and 事项类别 needs a
    written reason. The form gets errors when it must come back (a duplicate, or too many lookups);
    the warning returned is shown at the top of the page too. With a reason already written nothing
    is looked up (and nothing revealed)."""
    if form.cleaned_data.get("duplicate_reason", "").strip():
        return ""
    if not _clerk_lookup_allowed(request, "duplicate_lookup"):
        form.add_error("id_number", _too_many_lookups())
        return ""
    warning = services.duplicate_warning(
        id_number=form.cleaned_data["id_number"],
        category=form.cleaned_data["category"],
        by=request.user,
        request=request,
    )
    if warning:
        form.add_error("id_number", "该申请人已有同类未办结申请，见页面上方的提示。")
        form.add_error("duplicate_reason", f"{warning}如确需再次登记，请写明理由。")
    return warning


@role_required(*APPLICATION_READERS)
def detail(request: StaffRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _visible(request, pk))


@dataclass(frozen=True)
class Button:
    """A move posted from the application page: the form it binds (and the name the page renders it
    under), the service it calls and what the user is told. Who may press it is the workflow's rule."""

    form: Callable[..., forms.Form]  # (data, files, *, auto_id, application)
    form_name: str
    perform: Callable[..., object]  # (application, cleaned_data, *, by, request)
    success: str


def _plain(form_class: type[forms.Form]) -> Callable[..., forms.Form]:
    """A button form that does not depend on the application."""
    return lambda *args, application, **kwargs: form_class(*args, **kwargs)


BUTTONS = {
    "refuse": Button(
        _plain(RefuseForm),
        "refuse_form",
        lambda a, data, **who: services.refuse(a, reason=data["reason"], **who),
        "已作出不予法律援助决定，可打印决定书。",
    ),
    "receive_supplement": Button(
        lambda *args, application, **kwargs: _upload_form(application, *args, **kwargs),
        "receive_form",
        lambda a, data, **who: services.receive_supplement(
            a, files=data["files"] or [], by_item=data["by_item"], **who
        ),
        "已登记补正材料，请承办机构核对：齐全的，审查期限自核对之日起恢复计算。",
    ),
    "confirm_supplement": Button(
        _plain(SupplementConfirmForm),
        "confirm_supplement_form",
        lambda a, data, **who: services.confirm_supplement(a, **who),
        "补正材料齐全，审查期限自今日起恢复计算。",
    ),
    "reject_supplement": Button(
        _plain(SupplementRejectForm),
        "reject_supplement_form",
        lambda a, data, **who: services.reject_supplement(a, reason=data["reason"], **who),
        "已记录未按要求补正，视为撤回申请；申请人可以重新申请。",
    ),
    "withdraw": Button(
        _plain(WithdrawForm),
        "withdraw_form",
        lambda a, data, **who: services.withdraw(a, reason=data["reason"], **who),
        "已登记申请人撤回申请。",
    ),
    "mark_urgent": Button(
        _plain(UrgentForm),
        "urgent_form",
        lambda a, data, **who: services.mark_urgent(a, ground=data["ground"], **who),
        "已标记先行提供法律援助：审查期限不变（第四十三条），申请人所缺材料列为待办事项，手续后补。",
    ),
    "reroute": Button(
        _plain(RerouteForm),
        "reroute_form",
        lambda a, data, **who: services.reroute(a, to_office=data["to_office"], reason=data["reason"], **who),
        "承办机构已变更。",
    ),
    "transfer_out": Button(
        _plain(TransferOutForm),
        "transfer_form",
        lambda a, data, **who: services.transfer_out(a, destination=data["destination"], **who),
        "已记录转交市外法律援助机构。",
    ),
    "register_objection": Button(
        _plain(ObjectionForm),
        "objection_form",
        lambda a, data, **who: services.register_objection(
            a, reasons=data["reasons"], received_on=data["received_on"], **who
        ),
        "已登记异议，请转司法局审查（5日内作出决定）。",
    ),
}
PAGE_FORMS = {
    **{button.form_name: button.form for button in BUTTONS.values()},
    "objection_decision_form": _plain(ObjectionDecisionForm),
}


def _auto_id(form_name: str) -> str:
    # Several forms on the page share field names (理由 of 不予 and of 变更承办机构): each form's element
    # ids carry its name, so every id is unique and every label points at its own control.
    return f"{form_name}_%s"


def _detail_page(
    request: StaffRequest, application: Application, *, bound: forms.Form | None = None, bound_as: str = ""
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
            # The duplicate guard is the office's business; a handler reading their client's file is
            # told nothing of other applications (nor is a reveal recorded against them).
            "duplicate_warning": services.duplicate_warning(
                id_number=application.id_number,
                category=application.category,
                by=user,
                request=request,
                exclude=application,
            )
            if user.reads_records
            else "",
            "missing": application.missing_kinds(),
            "history": trail_for(application, *context["objections"]),
            "can": services.allowed_actions(user, application),
        }
    )
    for name, make_form in PAGE_FORMS.items():
        context[name] = make_form(application=application, auto_id=_auto_id(name))
        for field in ("received_on", "decided_on"):
            if field in context[name].fields:
                context[name].fields[field].initial = today
    if bound is not None:
        context[bound_as] = bound
    return render(request, "applications/detail.html", context, status=400 if bound is not None else 200)


def _after_move(request: HttpRequest, pk: int) -> HttpResponse:
    # After a re-route the user's office may no longer see the application.
    if not Application.objects.visible_to(request.user).filter(pk=pk).exists():
        return redirect("applications:queue")
    return redirect("applications:detail", pk=pk)


def _button_view(name: str, *, roles: tuple[Role, ...] = OFFICE_STAFF) -> Callable[..., HttpResponseBase]:
    """`roles` are refused (403) before anything is looked up; then the workflow's rule decides."""
    button = BUTTONS[name]

    @require_POST
    @role_required(*roles)
    def view(request: StaffRequest, pk: int) -> HttpResponse:
        application = _visible(request, pk)
        return post_move(
            request,
            application,
            workflow=APPLICATION_FLOW,
            move=name,
            form=lambda: button.form(
                request.POST, request.FILES, auto_id=_auto_id(button.form_name), application=application
            ),
            perform=lambda data: button.perform(application, data, by=request.user, request=request),
            success=button.success,
            page=lambda form: _detail_page(request, application, bound=form, bound_as=button.form_name),
            then=lambda: _after_move(request, pk),
            back=reverse("applications:detail", args=[pk]),
        )

    view.__name__ = name
    return view


receive_supplement = _button_view("receive_supplement")
confirm_supplement = _button_view("confirm_supplement")
reject_supplement = _button_view("reject_supplement")
withdraw = _button_view("withdraw")
mark_urgent = _button_view("mark_urgent")
reroute = _button_view("reroute")
register_objection = _button_view("register_objection")
refuse = _button_view("refuse", roles=(Role.REVIEWER,))
transfer_out = _button_view("transfer_out", roles=(Role.REVIEWER,))


@role_required(*OFFICE_STAFF)
def request_supplement(request: StaffRequest, pk: int) -> HttpResponse:
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


@role_required(*CASE_READERS)
def supplement_notice(request: StaffRequest, pk: int) -> HttpResponse:
    return _letter(request, _visible(request, pk), "supplement")


@role_required(Role.CLERK)
def supplement_drop(request: StaffRequest) -> HttpResponse:
    """Any office's clerk takes in 补正 materials for an application of any county, identified by
    its number and the applicant's ID tail, as on /track/ (the applicant goes to one office once).
    Posted without files, a found application's page comes back with an upload field for each item
    of its notice (the clerk puts each file under the item it answers); posted with files, they are
    taken in. Both steps look the application up again, and both count against the clerk."""
    form = SupplementDropForm(request.POST or None, request.FILES or None)
    found = None
    if request.method == "POST" and form.is_valid():
        # Every lookup counts against the clerk: it reaches every county's applicants.
        allowed = _clerk_lookup_allowed(request, "supplement_drop")
        application = (
            Application.objects.filter(
                number=form.cleaned_data["number"],
                id_number__endswith=form.cleaned_data["id_last6"],
                status=Status.AWAITING_SUPPLEMENT,
            ).first()
            if allowed
            else None
        )
        if not allowed:
            form.add_error(None, _too_many_lookups())
        elif application is None:
            form.add_error(None, "未找到待补正的申请，请核对申请编号和身份证号后六位。")
        elif not request.FILES:
            found = application
            lookup = {"number": application.number, "id_last6": form.cleaned_data["id_last6"]}
            form = _drop_form(application, initial=lookup)
        elif (form := _drop_form(application, request.POST, request.FILES)).is_valid():
            found = application
            try:
                services.receive_supplement(
                    application,
                    files=form.cleaned_data["files"] or [],
                    by_item=form.cleaned_data["by_item"],
                    by=request.user,
                    request=request,
                )
            except TransitionError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"已代收 {application.number} 的补正材料，已转{application.responsible_office.name}核对；"
                    "核对齐全后审查期限恢复计算。",
                )
                return redirect("applications:supplement_drop")
        else:
            found = application
    return render(request, "applications/supplement_drop.html", {"form": form, "found": found})


def _drop_form(application: Application, *args, **kwargs) -> SupplementDropForm:
    supplement = application.open_supplement_request()
    return SupplementDropForm(*args, items=supplement.items if supplement else (), **kwargs)


def _visible_objection(request: StaffRequest, pk: int) -> Objection:
    return get_object_or_404(
        Objection.objects.filter(application__in=Application.objects.visible_to(request.user)), pk=pk
    )


@require_POST
@role_required(Role.BUREAU_REVIEWER)
def decide_objection(request: StaffRequest, pk: int) -> HttpResponse:
    """The 司法局审核人 records the bureau's decision with its 决定书 (第四十九条)."""
    objection = _visible_objection(request, pk)
    return post_move(
        request,
        objection,
        workflow=OBJECTION_FLOW,
        move="uphold",  # 维持 and 责令改正 share one rule; the service picks the move from the outcome
        form=lambda: ObjectionDecisionForm(request.POST, request.FILES, auto_id=_auto_id("objection_decision_form")),
        perform=lambda data: services.decide_objection(objection, **data, by=request.user, request=request),
        success="已记录司法局对异议的审查结果。",
        page=lambda form: _detail_page(request, objection.application, bound=form, bound_as="objection_decision_form"),
        then=lambda: redirect("applications:detail", pk=objection.application_id),
    )


@role_required(*OBJECTION_READERS)
def objection_document(request: StaffRequest, pk: int) -> FileResponse:
    """The 司法局's 决定书 on an objection, for whoever may open the application (audited)."""
    objection = _visible_objection(request, pk)
    if not objection.file:
        raise Http404
    record(
        AuditAction.VIEW_FILE,
        actor=request.user,
        request=request,
        obj=objection.application,
        note=f"异议审查决定书：{objection.original_name}",
    )
    return serve_upload(objection)


@role_required(*CASE_READERS)
def receipt(request: StaffRequest, pk: int) -> HttpResponse:
    """申请材料接收凭证, printed again by staff who can see the application."""
    return render(request, "applications/receipt.html", receipts.receipt_context(_visible(request, pk)))


@role_required(*APPLICATION_READERS)
def letter(request: StaffRequest, pk: int, kind: str) -> HttpResponse:
    return _letter(request, _visible(request, pk), kind)


@role_required(*APPLICATION_READERS)
def material(request: StaffRequest, pk: int) -> FileResponse:
    material = get_object_or_404(
        Material.objects.filter(application__in=Application.objects.visible_to(request.user)), pk=pk
    )
    return _serve(material, request)
