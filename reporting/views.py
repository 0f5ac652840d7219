"""The reporting pages (SPEC §7): thin views over `selectors.build_monthly_report` and `services`.

Scoping: every page builds its figures for all offices (the city total is shown to county staff
too, SPEC §7) and shows the rows of `Office.objects.visible_to(user)` only; the download and the
return for correction go through that same entry point (another county's sheet → 404).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import StaffRequest
from accounts.models import RECORD_READERS, Office
from accounts.permissions import role_required
from core.forms import add_service_errors
from core.replica import reads_from_replica
from core.transitions import TransitionError
from reporting import rules, services
from reporting.charts import cumulative_chart, progress_bar
from reporting.counting import rules_by_month
from reporting.forms import CityTargetForm, CountingRuleForm, OfficeTargetFormSet, ReturnForm, SubmissionForm
from reporting.models import AidForm, CountingRule, MonthlySubmission
from reporting.selectors import MonthlyReport, Period, build_monthly_report, flagged_sheets, targets_for
from reporting.xlsx import progress_sentences

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(year: int, month: int) -> Period:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404("没有这个月份。")
    return Period(year, month)


def _visible_ids(user) -> set[int]:
    return set(Office.objects.visible_to(user).values_list("pk", flat=True))


def _month_choices(today: date) -> list[Period]:
    """This year's months up to the current one, newest first, and last year's December."""
    current = Period.containing(today)
    months, period = [], current
    for _ in range(current.month + 1):
        months.append(period)
        period = period.previous()
    return months


@require_GET
@role_required(*RECORD_READERS)
@reads_from_replica
def dashboard(request: StaffRequest) -> HttpResponse:
    """Progress to the annual target: the city total for everyone, the office rows the user may see.

    Queries: see tests/reporting/test_views.py (DASHBOARD_QUERIES); fixed whatever the rows."""
    today = timezone.localdate()
    period = Period.containing(today)
    visible = _visible_ids(request.user)
    report = build_monthly_report(offices=Office.objects.all(), year=period.year, month=period.month, today=today)
    rows = [row for row in report.rows if row.office.pk in visible]
    last_month = period.previous()
    flagged = []
    if request.user.sees_all_offices:  # late and missing sheets are flagged to the city (SPEC §7)
        flagged = flagged_sheets(offices=[row.office for row in report.rows], period=last_month, today=today)
    return render(
        request,
        "reporting/dashboard.html",
        {
            "report": report,
            "rows": rows,
            "table_rows": [*rows, report.total],
            "sees_all": request.user.sees_all_offices,
            "bar": progress_bar(report.total.matters_ytd, report.total.target, report.total.pace),
            "chart": cumulative_chart(report),
            "months": _month_choices(today),
            "can_set_targets": rules.can_set_targets(request.user),
            "last_month": last_month,
            "flagged": flagged,
        },
    )


def _month_context(
    request: StaffRequest,
    report: MonthlyReport,
    *,
    form: SubmissionForm | None = None,
    return_form: ReturnForm | None = None,
    office_id: int | None = None,
) -> dict[str, Any]:
    user = request.user
    visible = _visible_ids(user)
    rows = [row for row in report.rows if row.office.pk in visible]
    own = next((row for row in report.rows if row.office.pk == user.office_id), None)
    can_submit = rules.can_submit(user) and services.is_open_for_submission(report.period)
    own_submission = own.submission if own is not None else None
    if can_submit and form is None and (own_submission is None or not own_submission.is_submitted):
        initial = {}
        if own_submission is not None:  # returned: start from what was sent
            initial = {
                "progress": own_submission.progress,
                "funding": own_submission.funding,
                "problems": own_submission.problems,
            }
        form = SubmissionForm(initial=initial)
    return {
        "report": report,
        "period": report.period,
        "rows": rows,
        "table_rows": [*rows, report.total],
        "own": own,
        "own_submission": own_submission,
        "form": form if can_submit and (own_submission is None or not own_submission.is_submitted) else None,
        "can_return": rules.can_return(user),
        "return_error_office": office_id if return_form is not None else None,
        "return_error": return_form.errors["reason"][0] if return_form is not None and return_form.errors else "",
        "return_text": return_form.data.get("reason", "") if return_form is not None else "",
        "own_sentences": progress_sentences(report, own, who=own.office.region_name) if own is not None else "",
        "sees_all": user.sees_all_offices,
        "previous": report.period.previous(),
        "next": report.period.next() if report.period.next().start <= report.today else None,
    }


def _month_report(period: Period) -> MonthlyReport:
    return build_monthly_report(offices=Office.objects.all(), year=period.year, month=period.month)


@require_GET
@role_required(*RECORD_READERS)
@reads_from_replica
def month(request: StaffRequest, year: int, month: int) -> HttpResponse:
    """Month M: the figures, each office's sheet and its status; the county's own form to submit."""
    report = _month_report(_period(year, month))
    return render(request, "reporting/month.html", _month_context(request, report))


@require_POST
@role_required(*RECORD_READERS)
def submit(request: StaffRequest, year: int, month: int) -> HttpResponse:
    """提交月报."""
    period = _period(year, month)
    office = request.user.office
    if office is None or not rules.can_submit(request.user):
        raise PermissionDenied("只有县（市、区）法律援助处的受理员或审查员可以报送月报。")
    form = SubmissionForm(request.POST)
    if form.is_valid():
        try:
            services.submit_monthly_sheet(
                office=office, period=period, by=request.user, request=request, **form.cleaned_data
            )
        except TransitionError as error:
            messages.error(request, str(error))
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, f"{period.label}月报已报送。")
        return redirect("reporting:month", year=year, month=month)
    report = _month_report(period)
    return render(request, "reporting/month.html", _month_context(request, report, form=form))


@require_POST
@role_required(*RECORD_READERS)
def return_sheet(request: StaffRequest, year: int, month: int, office_code: str) -> HttpResponse:
    """The city returns a county's submitted sheet for correction."""
    period = _period(year, month)
    if not rules.can_return(request.user):
        raise PermissionDenied("只有市局工作人员可以退回月报。")
    submission = get_object_or_404(
        MonthlySubmission.objects.filter(office__in=Office.objects.visible_to(request.user)).select_related("office"),
        office__code=office_code,
        year=period.year,
        month=period.month,
    )
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.return_monthly_sheet(
                submission, reason=form.cleaned_data["reason"], by=request.user, request=request
            )
        except TransitionError as error:
            messages.error(request, str(error))
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, f"已将{submission.office.name}{period.label}月报退回修改。")
        return redirect("reporting:month", year=year, month=month)
    report = _month_report(period)
    context = _month_context(request, report, return_form=form, office_id=submission.office_id)
    return render(request, "reporting/month.html", context)


@require_GET
@role_required(*RECORD_READERS)
@reads_from_replica
def download(request: StaffRequest, year: int, month: int) -> HttpResponse:
    """下载月报: the city's workbook for city staff; a county's own for county staff (or
    `?office=<code>` within what the user may see)."""
    period = _period(year, month)
    offices = Office.objects.visible_to(request.user)
    if code := request.GET.get("office"):
        offices = offices.filter(code=code)
    office_list = list(offices)
    if not office_list:
        raise Http404("没有可下载的月报。")
    export = services.export_monthly_report(
        offices=office_list, year=period.year, month=period.month, by=request.user, request=request
    )
    response = HttpResponse(export.content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(export.filename)}"
    return response


@require_http_methods(["GET", "POST"])
@role_required(*RECORD_READERS)
def targets(request: StaffRequest, year: int) -> HttpResponse:
    """年度目标: the city's target and each office's share, set by city staff."""
    if not rules.can_set_targets(request.user):
        raise PermissionDenied("只有市局工作人员可以设定年度目标。")
    if not 2000 <= year <= 2100:
        raise Http404("没有这个年度。")
    offices = list(Office.objects.all())
    current = targets_for(year, offices)
    initial = [{"office": office.pk, "target": current.by_office.get(office.pk, 0)} for office in offices]
    if request.method == "POST":
        city_form = CityTargetForm(request.POST)
        city_target = city_form.cleaned_data["city_target"] if city_form.is_valid() else None
        formset = OfficeTargetFormSet(request.POST, initial=initial, city_target=city_target)
        if city_target is not None and formset.is_valid():
            try:
                services.save_targets(
                    year=year,
                    city_target=city_target,
                    office_targets={form.cleaned_data["office"]: form.cleaned_data["target"] for form in formset.forms},
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                # The service re-checks the sum rule for every caller; shown where the form shows it.
                city_form.add_error("city_target", error)
            else:
                messages.success(request, f"{year}年度目标已保存。")
                return redirect("reporting:targets", year=year)
    else:
        city_form = CityTargetForm(initial={"city_target": current.city})
        formset = OfficeTargetFormSet(initial=initial)
    names = {office.pk: office.name for office in offices}
    rows = [(form, names.get(_office_pk(form) or 0, "")) for form in formset.forms]
    return render(
        request,
        "reporting/targets.html",
        {"year": year, "city_form": city_form, "formset": formset, "rows": rows, "is_default": current.is_default},
    )


@role_required(*RECORD_READERS)
@require_http_methods(["GET", "POST"])
def counting(request: StaffRequest) -> HttpResponse:
    """计入民生实事事项: which forms of legal aid count toward the target, and since when (SPEC §7).
    Every reader sees the rules; city staff change them."""
    today = timezone.localdate()
    can_change = rules.can_set_targets(request.user)
    form = CountingRuleForm(request.POST if request.method == "POST" else None, today=today)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied("只有市局工作人员可以设定计入民生实事的事项。")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.set_counting_rule(
                    data["form"],
                    counts=data["counts"],
                    starting=Period.containing(data["starting"]),
                    reason=data["reason"],
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "已保存计入规则。")
                return redirect("reporting:counting")
    period = Period.containing(today)
    current = rules_by_month(year=period.year, through_month=period.month)
    forms = [(aid_form, current.get(aid_form.code, [False])[-1]) for aid_form in AidForm.objects.all()]
    history = CountingRule.objects.select_related("form", "set_by").order_by("form__sort_order", "-effective_from")
    context = {"forms": forms, "history": history, "form": form if can_change else None}
    return render(request, "reporting/counting.html", context, status=400 if form.errors else 200)


def _office_pk(form: forms.Form) -> int | None:
    # The office is a hidden field: a tampered POST may carry anything there, and the page must
    # still come back with the form's own error (found by tests/test_fuzzed_forms.py).
    try:
        return int(form["office"].value())
    except (TypeError, ValueError):
        return None
