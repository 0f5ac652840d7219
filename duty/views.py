"""Duty lawyer pages: thin. Each fetches through a `visible_to` scope (404 for what the user may not
see), asks a named rule (403 for what they may not do), validates a form, calls one service, adds a
message and redirects. Query counts are pinned in tests/duty/test_views.py."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import StaffRequest
from accounts.models import CASE_READERS, RECORD_READERS, Role
from accounts.permissions import role_required
from core.forms import add_service_errors
from core.pagination import BoundedPaginator
from core.transitions import TransitionError
from core.views import post_move
from duty import rules, services
from duty.forms import (
    MAX_ROWS,
    ROWS,
    DayForm,
    PayForm,
    PeopleFormSet,
    RateForm,
    RecordFilterForm,
    ShiftForm,
)
from duty.models import DutyDay, DutyDayStatus, DutyRate, DutyShift, DutySubsidy, HelpKind, HelpRecord, Workstation
from duty.workflows import DAY_FLOW
from quality.models import SubsidyStatus

PAGE_SIZE = 50
PEOPLE_PREFIX = "people"


# --- 法律帮助 records -------------------------------------------------------------------------------
@role_required(*CASE_READERS)
@require_GET
def record_list(request: StaffRequest) -> HttpResponse:
    """The 法律帮助 records the user may see, filtered. Queries: the workstations of the filter,
    one page of records + count, their help kinds."""
    user = request.user
    form = RecordFilterForm(request.GET or None, workstations=Workstation.objects.visible_to(user))
    records = HelpRecord.objects.visible_to(user).prefetch_related("kinds")
    if form.is_valid():
        data = form.cleaned_data
        if data["start"]:
            records = records.filter(helped_on__gte=data["start"])
        if data["end"]:
            records = records.filter(helped_on__lte=data["end"])
        if data["workstation"]:
            records = records.filter(shift__workstation_id=data["workstation"])
        if data["stage"]:
            records = records.filter(stage=data["stage"])
        if data["q"]:
            records = records.filter(person_name__contains=data["q"].strip())
    page = BoundedPaginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "duty/records.html",
        {"form": form, "page": page, "can_record": rules.can_record_help(user), "sees_all": user.sees_all_offices},
    )


def _total_forms(data) -> int:
    try:
        return max(1, min(int(data.get(f"{PEOPLE_PREFIX}-TOTAL_FORMS", ROWS)), MAX_ROWS))
    except (TypeError, ValueError):
        return ROWS


@role_required(Role.HANDLER)
@require_http_methods(["GET", "POST"])
def record_day(request: StaffRequest) -> HttpResponse:
    """记录法律帮助: a day's list at one workstation in one form, saved all-or-nothing. 添加一行 posts
    the list back with one more blank row (no inline script: the site runs a strict CSP)."""
    user = request.user
    if not rules.can_record_help(user):
        raise PermissionDenied("只有登记在名册中的值班律师可以记录法律帮助。")
    kind_choices = list(HelpKind.objects.filter(is_active=True).values_list("pk", "name"))
    data = request.POST.copy() if request.method == "POST" else None
    adding_row = data is not None and "add_row" in data
    if data is not None and adding_row:
        data[f"{PEOPLE_PREFIX}-TOTAL_FORMS"] = str(min(_total_forms(data) + 1, MAX_ROWS))
    day_form = DayForm(data, office_id=user.handler_profile.office_id, initial={"helped_on": timezone.localdate()})
    formset = PeopleFormSet(data, prefix=PEOPLE_PREFIX, form_kwargs={"kind_choices": kind_choices})
    if data is not None and not adding_row and day_form.is_valid() & formset.is_valid():
        filled = formset.filled_forms()
        try:
            saved = services.record_day(
                helped_on=day_form.cleaned_data["helped_on"],
                workstation=day_form.cleaned_data["workstation"],
                people=[form.person() for form in filled],
                by=user,
                request=request,
            )
        except ValidationError as error:
            _put_errors(error, day_form=day_form, rows=filled)
        else:
            messages.success(request, f"已记录法律帮助{len(saved)}人。")
            return redirect("duty:records")
    today = timezone.localdate()
    shifts = DutyShift.objects.visible_to(user).filter(
        lawyer__user=user, day__date__range=(today - timedelta(days=7), today + timedelta(days=14))
    )
    return render(
        request,
        "duty/record_day.html",
        {
            "day_form": day_form,
            "formset": formset,
            "show_errors": data is not None and not adding_row,
            "shifts": shifts.order_by("day__date", "workstation__name"),
            "max_rows": MAX_ROWS,
        },
        status=400 if data is not None and not adding_row else 200,
    )


def _put_errors(error: ValidationError, *, day_form: DayForm, rows: list) -> None:
    """The service's refusal by field: `rows.<n>.<field>` to the n-th filled row, the rest to the head."""
    if not hasattr(error, "error_dict"):
        day_form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "rows" and parts[1].isdigit() and int(parts[1]) < len(rows):
            form = rows[int(parts[1])]
            form.add_error(parts[2] if parts[2] in form.fields else None, errors)
        else:
            day_form.add_error(key if key in day_form.fields else None, errors)


# --- the roster -----------------------------------------------------------------------------------
@role_required(*CASE_READERS)
@require_GET
def roster(request: StaffRequest) -> HttpResponse:
    """Roster days the user may see (a duty lawyer: the days they are on), newest first, with their
    shifts. Queries: one page of days + count, their shifts."""
    user = request.user
    shifts = DutyShift.objects.visible_to(user).order_by("workstation__name", "pk")
    days = DutyDay.objects.visible_to(user).prefetch_related(
        Prefetch("shifts", queryset=shifts, to_attr="visible_shifts")
    )
    status = request.GET.get("status", "")
    if status in DutyDayStatus.values:
        days = days.filter(status=status)
    page = BoundedPaginator(days, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "duty/roster.html",
        {
            "page": page,
            "status": status,
            "statuses": DutyDayStatus.choices,
            "can_keep": rules.can_keep_roster(user, user.office_id),
            "sees_all": user.sees_all_offices,
        },
    )


@role_required(Role.REVIEWER)
@require_http_methods(["GET", "POST"])
def shift_new(request: StaffRequest) -> HttpResponse:
    """安排值班 (the office reviewer)."""
    user = request.user
    office = user.office
    if office is None or not rules.can_keep_roster(user, office.pk):
        raise PermissionDenied("只有本机构审查员可以安排值班。")
    form = ShiftForm(request.POST or None, office=office, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            shift = services.add_shift(office=office, **form.cleaned_data, by=user, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已安排值班：{shift}。")
            return redirect("duty:day", pk=shift.day_id)
    return render(request, "duty/shift_form.html", {"form": form})


@role_required(*CASE_READERS)
@require_GET
def day_detail(request: StaffRequest, pk: int) -> HttpResponse:
    """One roster day: its shifts with the persons helped on each, its subsidies, the close button.
    Queries: the day, its shifts with their record counts, its subsidies."""
    user = request.user
    day = get_object_or_404(DutyDay.objects.visible_to(user), pk=pk)
    shifts = (
        DutyShift.objects.visible_to(user)
        .filter(day=day)
        .annotate(persons=Count("records"))
        .order_by("workstation__name", "pk")
    )
    subsidies = DutySubsidy.objects.visible_to(user).filter(shift__day=day)
    return render(
        request,
        "duty/day.html",
        {
            "day": day,
            "shifts": shifts,
            "subsidies": subsidies,
            "can_close": DAY_FLOW.may(user, day, "close"),
            "can_edit": day.is_open and rules.can_keep_roster(user, day.office_id),
        },
    )


@role_required(*RECORD_READERS)
def day_close(request: StaffRequest, pk: int) -> HttpResponse:
    day = get_object_or_404(DutyDay.objects.visible_to(request.user), pk=pk)
    return post_move(
        request,
        day,
        workflow=DAY_FLOW,
        move="close",
        perform=lambda data: services.close_day(day, by=request.user, request=request),
        success="值班日已关闭，值班补贴已核算。",
        page=lambda form: redirect("duty:day", pk=pk),
        then=lambda: redirect("duty:day", pk=pk),
    )


@role_required(Role.REVIEWER)
@require_POST
def shift_remove(request: StaffRequest, pk: int) -> HttpResponse:
    shift = get_object_or_404(DutyShift.objects.visible_to(request.user), pk=pk)
    if not rules.can_keep_roster(request.user, shift.day.office_id):
        raise PermissionDenied("只有本机构审查员可以修改排班。")
    try:
        services.remove_shift(shift, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "已取消该排班。")
    return redirect("duty:day", pk=shift.day_id)


# --- subsidies and rates --------------------------------------------------------------------------
@role_required(*CASE_READERS)
@require_GET
def subsidy_list(request: StaffRequest) -> HttpResponse:
    """Duty subsidies the user may see (a duty lawyer: their own). Queries: one page + count."""
    user = request.user
    subsidies = DutySubsidy.objects.visible_to(user)
    status = request.GET.get("status", "")
    if status in SubsidyStatus.values:
        subsidies = subsidies.filter(status=status)
    page = BoundedPaginator(subsidies, PAGE_SIZE).get_page(request.GET.get("page"))
    for subsidy in page:
        subsidy.can_pay = subsidy.status == SubsidyStatus.PENDING and rules.can_mark_paid(user, subsidy.office_id)
    return render(
        request,
        "duty/subsidies.html",
        {
            "page": page,
            "status": status,
            "statuses": SubsidyStatus.choices,
            "pay_form": PayForm(initial={"paid_on": timezone.localdate()}),
        },
    )


@role_required(Role.REVIEWER, Role.CITY_STAFF)
@require_POST
def subsidy_pay(request: StaffRequest, pk: int) -> HttpResponse:
    subsidy = get_object_or_404(DutySubsidy.objects.visible_to(request.user), pk=pk)
    if not rules.can_mark_paid(request.user, subsidy.office_id):
        raise PermissionDenied("只有市局工作人员或本机构审查员可以登记发放。")
    form = PayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写正确的发放日期。")
    else:
        try:
            services.mark_paid(subsidy, paid_on=form.cleaned_data["paid_on"], by=request.user, request=request)
        except (ValidationError, TransitionError) as error:
            messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request, f"{subsidy.lawyer.user.display_name} {subsidy.duty_date:%Y-%m-%d} 的值班补贴已登记发放。"
            )
    return redirect("duty:subsidies")


@role_required(*RECORD_READERS)
@require_http_methods(["GET", "POST"])
def rates(request: StaffRequest) -> HttpResponse:
    """The duty subsidy rates; city staff add one (the rate in force on a duty day applies)."""
    can_edit = rules.can_edit_rates(request.user)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied("只有市局工作人员可以修改值班补贴标准。")
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_rate(**form.cleaned_data, by=request.user, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已保存值班补贴标准。")
            return redirect("duty:rates")
    return render(request, "duty/rates.html", {"rates": DutyRate.objects.all(), "form": form if can_edit else None})
