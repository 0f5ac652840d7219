"""Quality pages: thin. Each fetches through a `visible_to` scope (404 for what the user may not see),
asks a named rule (403 for what they may not do), validates a form, calls one service, adds a message
and redirects. Query counts are pinned in tests/quality/test_views.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import StaffRequest
from accounts.models import CASE_READERS, OFFICE_STAFF, RECORD_READERS, Office, Role
from accounts.permissions import role_required
from audit.models import AuditAction
from audit.services import record
from cases.models import Case, ClosureMaterial
from cases.workflows import CASE_FLOW
from core.forms import add_service_errors
from core.pagination import BoundedPaginator, OpenEndedPage
from core.transitions import TransitionError
from core.uploads import serve_upload
from core.views import post_move
from quality import rules, selectors
from quality.forms import (
    AssignReviewerForm,
    CoefficientForm,
    DrawForm,
    FollowUpForm,
    PayForm,
    PublicityActivityForm,
    RateForm,
    ScoreForm,
    ScoreItemFormSet,
    StageForm,
    SubsidyFilterForm,
)
from quality.models import (
    FollowUp,
    Grade,
    ItemScore,
    PeerReview,
    PublicityActivity,
    PublicityPhoto,
    QualityCoefficient,
    SampledCase,
    SampleDraw,
    SampleStatus,
    ScoreSheet,
    Subsidy,
    SubsidyRate,
    SubsidyStage,
    SubsidyStatus,
)
from quality.services import follow_up, peer_review, publicity, reference
from quality.services import subsidy as subsidies

PAGE_SIZE = 50


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


# --- overview -------------------------------------------------------------------------------------
# --- 结案审查通过: the case closes and its subsidy is computed -------------------------------------
@role_required(*CASE_READERS)
def accept_closure(request: StaffRequest, pk: int) -> HttpResponse:
    """The 结案审查通过 button of the case page (the case app renders it; the step spans both apps)."""
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=pk)
    return post_move(
        request,
        case,
        workflow=CASE_FLOW,
        move="accept_closure",
        perform=lambda data: subsidies.accept_closure(case, by=request.user, request=request),
        success="结案审查通过，案件已结案。",
        page=lambda form: redirect("cases:detail", pk=pk),
        then=lambda: redirect("cases:detail", pk=pk),
    )


@role_required(*RECORD_READERS)
@require_GET
def overview(request: StaffRequest) -> HttpResponse:
    """Per office (and the city, for city staff): reviews settled this year, grade distribution and
    优良率; follow-ups and 满意率. Queries: offices, peer-review figures, follow-up figures."""
    year = _year(request)
    offices = list(Office.objects.visible_to(request.user))
    ids = [office.pk for office in offices]
    start, end = date(year, 1, 1), date(year, 12, 31)
    reviews = selectors.peer_review_figures(office_ids=ids, start=start, end=end)
    follow_ups = selectors.follow_up_figures(office_ids=ids, start=start, end=end)
    rows = [(office, reviews[office.pk], follow_ups[office.pk]) for office in offices]
    total = None
    if request.user.sees_all_offices:
        total = (
            sum((r for _, r, _ in rows), selectors.PeerReviewFigures()),
            sum((f for _, _, f in rows), selectors.FollowUpFigures()),
        )
    return render(
        request,
        "quality/overview.html",
        {"year": year, "rows": rows, "total": total, "is_city": rules.is_city_staff(request.user), "grades": Grade},
    )


# --- draws and samples ----------------------------------------------------------------------------
@role_required(Role.CITY_STAFF)
@require_http_methods(["GET", "POST"])
def draws(request: StaffRequest) -> HttpResponse:
    """The draws made so far, and the 抽取评估案件 form. Queries: draws with their sample counts."""
    form = DrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draw = peer_review.draw_sample(
                period_start=data["period_start"],
                period_end=data["period_end"],
                ratio=(data["ratio_percent"] / 100).quantize(Decimal("0.001")),
                seed=data["seed"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已抽取评估案件{draw.samples.count()}件。")
            return redirect("quality:draw", pk=draw.pk)
    draw_rows = SampleDraw.objects.select_related("drawn_by").annotate(sample_count=Count("samples"))[:50]
    return render(request, "quality/draws.html", {"form": form, "draws": draw_rows})


@role_required(Role.CITY_STAFF)
@require_GET
def draw_detail(request: StaffRequest, pk: int) -> HttpResponse:
    """The sampled cases of one draw. Queries: the draw, its samples with their cases."""
    draw = get_object_or_404(SampleDraw.objects.select_related("drawn_by"), pk=pk)
    samples = (
        SampledCase.objects.visible_to(request.user)
        .filter(draw=draw)
        .select_related("case__application", "case__notice")
    )
    return render(request, "quality/draw_detail.html", {"draw": draw, "samples": samples})


def _sample_page(request: HttpRequest, sample: SampledCase, *, assign_form: Form | None = None, status: int = 200):
    can_assign = rules.can_assign_reviewer(request.user) and sample.status in (
        SampleStatus.AWAITING_REVIEWER,
        SampleStatus.AWAITING_RE_REVIEW,
    )
    if can_assign and assign_form is None:
        assign_form = AssignReviewerForm(reviewers=peer_review.eligible_reviewers(sample))
    reviews = sample.reviews.select_related("reviewer__office").prefetch_related(
        Prefetch("scores", queryset=ItemScore.objects.select_related("item"))
    )
    subsidy = Subsidy.objects.filter(case=sample.case).select_related("stage", "paid_by").first()
    return render(
        request,
        "quality/sample.html",
        {
            "sample": sample,
            "case": sample.case,
            "reviews": reviews,
            "subsidy": subsidy,
            "assign_form": assign_form if can_assign else None,
        },
        status=status,
    )


@role_required(*RECORD_READERS)
@require_GET
def sample_detail(request: StaffRequest, pk: int) -> HttpResponse:
    """The case's peer-review page: its reviews, settled grade and subsidy."""
    return _sample_page(request, get_object_or_404(SampledCase.objects.visible_to(request.user), pk=pk))


@role_required(*RECORD_READERS)
@require_POST
def assign_reviewer(request: StaffRequest, pk: int) -> HttpResponse:
    sample = get_object_or_404(SampledCase.objects.visible_to(request.user), pk=pk)
    if not rules.can_assign_reviewer(request.user):
        raise PermissionDenied("只有市局工作人员可以分配评估员。")
    # The form offers every peer reviewer so that the service — not the choice list — refuses an
    # ineligible one with its reason (a crafted POST gets the same message as a stale page).
    everyone = get_user_model().objects.filter(groups__name=Role.PEER_REVIEWER.label)
    form = AssignReviewerForm(request.POST, reviewers=everyone)
    if not form.is_valid():
        return _sample_page(request, sample, assign_form=form)
    try:
        peer_review.assign_reviewer(sample, reviewer=form.cleaned_data["reviewer"], by=request.user, request=request)
    except ValidationError as error:
        form = AssignReviewerForm(request.POST, reviewers=peer_review.eligible_reviewers(sample))
        form.is_valid()
        form.errors.clear()
        add_service_errors(form, error)
        return _sample_page(request, sample, assign_form=form)
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已分配给评估员{form.cleaned_data['reviewer'].display_name}。")
    return redirect("quality:sample", pk=sample.pk)


# --- reviews --------------------------------------------------------------------------------------
@role_required(Role.PEER_REVIEWER, Role.CITY_STAFF)
@require_GET
def review_list(request: StaffRequest) -> HttpResponse:
    """A peer reviewer's tasks (city staff: every review). Queries: one page of reviews + count."""
    reviews = (
        PeerReview.objects.visible_to(request.user)
        .select_related("sample__case__application", "sample__case__notice")
        .order_by("submitted_at", "-assigned_at", "-pk")
    )
    page = BoundedPaginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "quality/reviews.html", {"page": page})


@role_required(Role.PEER_REVIEWER, Role.CITY_STAFF)
@require_http_methods(["GET", "POST"])
def review_detail(request: StaffRequest, pk: int) -> HttpResponse:
    """The score sheet of one review: the form for its reviewer while open (提交评分), else the scores."""
    review = get_object_or_404(PeerReview.objects.visible_to(request.user), pk=pk)
    can_score = review.reviewer_id == request.user.pk and not review.is_submitted
    form = None
    if can_score:
        form = ScoreForm(request.POST or None, items=list(review.sheet.items.all()))
    elif request.method == "POST":
        raise PermissionDenied("只能提交分配给您且尚未提交的评估。")
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            peer_review.submit_review(
                review, scores=form.scores(), summary=form.cleaned_data["summary"], by=request.user, request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except TransitionError as error:
            messages.error(request, str(error))
            return redirect("quality:review", pk=review.pk)
        else:
            review.refresh_from_db()
            messages.success(request, f"已提交评分：{review.total}分，{review.get_grade_display()}。")
            return redirect("quality:review", pk=review.pk)
    scores = review.scores.select_related("item") if review.is_submitted else []
    return render(request, "quality/review.html", {"review": review, "form": form, "scores": scores})


def _reviewed(request: StaffRequest, pk: int) -> PeerReview:
    """A review the user may see, with its sampled case (404 otherwise: another reviewer's task)."""
    return get_object_or_404(
        PeerReview.objects.visible_to(request.user).select_related("sample__case__application"), pk=pk
    )


@role_required(Role.PEER_REVIEWER, Role.CITY_STAFF)
@require_GET
def review_case_file(request: StaffRequest, pk: int) -> HttpResponse:
    """The sampled case's file, read-only, for scoring it (同行评估): the outcome, the progress log
    and the closure materials. The reviewer is from another county, so every opening is on the record."""
    review = _reviewed(request, pk)
    case = review.sample.case
    record(
        AuditAction.VIEW_FILE, actor=request.user, request=request, obj=case, note=f"同行评估查阅案卷：{case.number}"
    )
    context = {
        "review": review,
        "case": case,
        "progress_entries": case.progress_entries.select_related("recorded_by"),
        "materials": case.closure_materials.all(),
    }
    return render(request, "quality/case_file.html", context)


@role_required(Role.PEER_REVIEWER, Role.CITY_STAFF)
@require_GET
def review_case_material(request: StaffRequest, pk: int, material_pk: int) -> HttpResponseBase:
    """A closure material of the reviewed case (served as a download, each one audited)."""
    case = _reviewed(request, pk).sample.case
    material = get_object_or_404(ClosureMaterial, pk=material_pk, case=case)
    record(AuditAction.VIEW_FILE, actor=request.user, request=request, obj=case, note=material.original_name)
    return serve_upload(material)


# --- follow-ups -----------------------------------------------------------------------------------
@role_required(*RECORD_READERS)
@require_GET
def follow_up_list(request: StaffRequest) -> HttpResponse:
    """Follow-ups the user may see, with each office's 满意率 this year.
    Queries: offices, follow-up figures, one page of follow-ups + count."""
    year = _year(request)
    offices = list(Office.objects.visible_to(request.user))
    figures = selectors.follow_up_figures(
        office_ids=[o.pk for o in offices], start=date(year, 1, 1), end=date(year, 12, 31)
    )
    follow_ups = FollowUp.objects.visible_to(request.user).select_related("case__application", "case__notice")
    page = BoundedPaginator(follow_ups, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/follow_ups.html",
        {
            "year": year,
            "rows": [(office, figures[office.pk]) for office in offices],
            "page": page,
            "can_record": rules.can_record_for_office(request.user, request.user.office_id),
        },
    )


@role_required(*OFFICE_STAFF)
@require_http_methods(["GET", "POST"])
def follow_up_new(request: StaffRequest) -> HttpResponse:
    form = FollowUpForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up.record_follow_up(**form.cleaned_data, by=request.user, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已登记回访。")
            return redirect("quality:follow_ups")
    return render(request, "quality/follow_up_form.html", {"form": form})


# --- subsidies ------------------------------------------------------------------------------------
@role_required(*RECORD_READERS)
@require_GET
def subsidy_list(request: StaffRequest) -> HttpResponse:
    """Subsidies the user may see and the per office and month totals of the year.
    Queries: offices, month totals, one page of subsidies (with one row more: is there a next page?)."""
    offices = list(Office.objects.visible_to(request.user).values_list("pk", "name"))
    data = request.GET.copy()
    data.setdefault("year", str(timezone.localdate().year))  # the year shown is the year listed
    form = SubsidyFilterForm(data, offices=offices)
    form.is_valid()  # a wrong value is said by its field; the list shows what the valid ones select
    filters = form.cleaned_data
    year = filters.get("year") or timezone.localdate().year
    months = selectors.subsidy_by_month(office_ids=[pk for pk, _ in offices], year=year)
    subsidies = selectors.subsidies_closed_in(
        Subsidy.objects.visible_to(request.user),
        year=year,
        month=filters.get("month"),
        office_id=filters.get("office"),
        status=filters.get("status", ""),
    )
    # The exact figures are the month totals above; the list is for working through rows (a
    # province's year has tens of thousands), so it is not counted: a page, and whether there is a next.
    page: OpenEndedPage[Any] = OpenEndedPage(subsidies, PAGE_SIZE, request.GET.get("page"))  # rows get their buttons
    can_change_stage = rules.can_edit_reference_data(request.user)
    stages: dict[str, list[SubsidyStage]] = {}
    if can_change_stage and page.object_list:
        for stage in SubsidyStage.objects.all():
            stages.setdefault(stage.category, []).append(stage)
    # Each row's buttons post back with the list's own query string (`_back_to_subsidies` returns to
    # it); their addresses are made once for the page, not reversed per row.
    kept = f"?{request.GET.urlencode()}" if request.GET else ""
    pay_url, stage_url = (reverse(name, args=[0]) for name in ("quality:subsidy_pay", "quality:subsidy_stage"))
    for subsidy in page:
        pending = subsidy.status == SubsidyStatus.PENDING
        subsidy.can_pay = pending and rules.can_mark_paid(request.user, subsidy.case.office_id)
        subsidy.stage_choices = stages.get(subsidy.stage.category, []) if pending and can_change_stage else []
        subsidy.pay_action = pay_url.replace("/0/", f"/{subsidy.pk}/") + kept
        subsidy.stage_action = stage_url.replace("/0/", f"/{subsidy.pk}/") + kept
    return render(
        request,
        "quality/subsidies.html",
        {"year": year, "months": months, "form": form, "page": page, "paid_on": timezone.localdate().isoformat()},
    )


@role_required(Role.REVIEWER, Role.CITY_STAFF)
@require_POST
def subsidy_pay(request: StaffRequest, pk: int) -> HttpResponse:
    subsidy = get_object_or_404(Subsidy.objects.visible_to(request.user), pk=pk)
    if not rules.can_mark_paid(request.user, subsidy.case.office_id):
        raise PermissionDenied("只有市局工作人员或本机构审查员可以登记发放。")
    form = PayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写正确的发放日期。")
    else:
        try:
            subsidies.mark_subsidy_paid(subsidy, paid_on=form.cleaned_data["paid_on"], by=request.user, request=request)
        except (ValidationError, TransitionError) as error:
            messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, f"{subsidy.case.number} 的补贴已登记发放。")
    return _back_to_subsidies(request)


@role_required(Role.CITY_STAFF)
@require_POST
def subsidy_stage(request: StaffRequest, pk: int) -> HttpResponse:
    subsidy = get_object_or_404(Subsidy.objects.visible_to(request.user), pk=pk)
    form = StageForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择办案阶段。")
    else:
        try:
            subsidies.change_subsidy_stage(subsidy, stage=form.cleaned_data["stage"], by=request.user, request=request)
        except (ValidationError, TransitionError) as error:
            messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, f"{subsidy.case.number} 的办案阶段已修改，补贴已重新核算。")
    return _back_to_subsidies(request)


def _back_to_subsidies(request: HttpRequest) -> HttpResponse:
    """Back to the list as it was filtered and paged: a clerk paying one office's month row by row
    stays on it. The row's buttons post to their URL with the list's query string."""
    kept = {key: request.GET[key] for key in (*SubsidyFilterForm.base_fields, "page") if request.GET.get(key)}
    return redirect(reverse("quality:subsidies") + (f"?{urlencode(kept)}" if kept else ""))


# --- reference data (city staff) ------------------------------------------------------------------
@role_required(*RECORD_READERS)
@require_http_methods(["GET", "POST"])
def rates(request: StaffRequest) -> HttpResponse:
    """The subsidy rate table and quality coefficients; city staff add rates and set coefficients."""
    can_edit = rules.can_edit_reference_data(request.user)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied("只有市局工作人员可以修改补贴标准。")
    coefficients = {row.grade: row.coefficient for row in QualityCoefficient.objects.all()}
    rate_form = RateForm(request.POST if "add_rate" in request.POST else None)
    coefficient_form = CoefficientForm(
        request.POST if "set_coefficients" in request.POST else None, current=coefficients
    )
    if request.method == "POST":
        form = rate_form if "add_rate" in request.POST else coefficient_form
        if form.is_valid():
            try:
                if form is rate_form:
                    reference.add_subsidy_rate(**form.cleaned_data, by=request.user, request=request)
                else:
                    reference.set_coefficients(coefficients=form.cleaned_data, by=request.user, request=request)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "已保存。")
                return redirect("quality:rates")
    return render(
        request,
        "quality/rates.html",
        {
            "rates": SubsidyRate.objects.select_related("stage"),
            "coefficients": QualityCoefficient.objects.all(),
            "rate_form": rate_form if can_edit else None,
            "coefficient_form": coefficient_form if can_edit else None,
        },
    )


@role_required(Role.CITY_STAFF, Role.PEER_REVIEWER)
@require_GET
def sheets(request: StaffRequest) -> HttpResponse:
    sheet_list = ScoreSheet.objects.prefetch_related("items")
    return render(request, "quality/sheets.html", {"sheets": sheet_list, "can_edit": rules.is_city_staff(request.user)})


@role_required(Role.CITY_STAFF)
@require_http_methods(["GET", "POST"])
def sheet_edit(request: StaffRequest, pk: int) -> HttpResponse:
    """Edit a score sheet's items; the formset refuses items that do not add up to 100."""
    sheet = get_object_or_404(ScoreSheet, pk=pk)
    initial = [
        {"pk": item.pk, "name": item.name, "max_points": item.max_points, "guidance": item.guidance}
        for item in sheet.items.all()
    ]
    formset = ScoreItemFormSet(request.POST or None, initial=initial, prefix="items")
    if request.method == "POST" and formset.is_valid():
        try:
            reference.save_sheet_items(sheet, items=formset.items(), by=request.user, request=request)
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)  # type: ignore[attr-defined]  # Django's own slot for formset-wide errors
        else:
            messages.success(request, f"已保存{sheet.name}。")
            return redirect("quality:sheets")
    return render(request, "quality/sheet_edit.html", {"sheet": sheet, "formset": formset})


# --- publicity ------------------------------------------------------------------------------------
@role_required(*RECORD_READERS)
@require_GET
def publicity_list(request: StaffRequest) -> HttpResponse:
    """Activities the user may see (county staff: their own office's). Queries: page + count + groups."""
    activities = PublicityActivity.objects.visible_to(request.user).prefetch_related("target_groups")
    page = BoundedPaginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/publicity_list.html",
        {"page": page, "can_record": rules.can_record_for_office(request.user, request.user.office_id)},
    )


@role_required(*OFFICE_STAFF)
@require_http_methods(["GET", "POST"])
def publicity_new(request: StaffRequest) -> HttpResponse:
    form = PublicityActivityForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            activity = publicity.record_publicity(**form.cleaned_data, by=request.user, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已登记宣传活动。")
            return redirect("quality:publicity", pk=activity.pk)
    return render(request, "quality/publicity_form.html", {"form": form})


@role_required(*RECORD_READERS)
@require_GET
def publicity_detail(request: StaffRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(PublicityActivity.objects.visible_to(request.user), pk=pk)
    return render(
        request,
        "quality/publicity_detail.html",
        {"activity": activity, "groups": activity.target_groups.all(), "photos": activity.photos.all()},
    )


@role_required(*RECORD_READERS)
@require_GET
def publicity_photo(request: StaffRequest, pk: int, photo_pk: int) -> HttpResponseBase:
    """A photo, served only to those who may see the activity (never from a public media URL)."""
    activity = get_object_or_404(PublicityActivity.objects.visible_to(request.user), pk=pk)
    photo = get_object_or_404(PublicityPhoto, activity=activity, pk=photo_pk)
    record(AuditAction.VIEW_FILE, actor=request.user, request=request, obj=photo)
    return serve_upload(photo)
