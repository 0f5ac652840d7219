"""The figures of the monthly 民生实事 sheet, computed in SQL (STYLE practice 8).

`build_monthly_report` is the one selector behind the dashboard, the month page, the xlsx download
and the `monthly_report` command. It runs a fixed number of queries whatever the number of
applications (pinned in tests/reporting/test_selectors.py) and returns plain rows and totals; the
writers in `reporting.xlsx` and the templates only draw them.

Counting rules (SPEC §7):
* What counts as a legal-aid matter (法律援助事项) is `reporting.counting`: every form of legal aid per
  office and month, and the rule in force that month for each form. Every source counts from stored
  dates of records that do not leave their counted state (an approved application stays approved), so
  the figures of a past month are the same whenever they are asked for.
* Applications received (受理) count at the receiving office in the month of `received_at` (local
  time, Asia/Shanghai); 通办 out = received here for another office, 通办 in = received elsewhere for
  this office. Online applications have no receiving office and count in neither.
* These, the approvals by economic basis, the closures and each decision's days from receipt (the
  median review time) are read from the monthly aggregate (`tallies`), which the services add to in
  the transaction of each event; `reporting.counting.recounted_tallies` is their definition, counted
  afresh from the records (the tests hold the two equal).
"""

from __future__ import annotations

import calendar as month_calendar
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import Office
from applications.models import (
    OPEN_STATUSES,
    REVIEW_DAYS,
    Application,
    SupplementRequest,
    review_due_dates,
)
from deadlines import calendar
from duty.selectors import subsidy_paid
from quality.selectors import follow_up_figures, peer_review_figures, publicity_figures, subsidy_figures
from reporting.counting import Counting, FormCount, counted_matters
from reporting.models import (
    DEFAULT_CITY_TARGET,
    DEFAULT_OFFICE_SHARES,
    AnnualTarget,
    MonthlySubmission,
    SubmissionStatus,
)
from tallies import selectors as tally_selectors
from tallies.models import Figure

ONE_DECIMAL = Decimal("0.1")
SUBMISSION_DAY = 2  # 各地应在每月2日前填写办理情况表并报送（2022年实施方案 五（三））


# --- the period ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1..12, got {self.month}")

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.month, month_calendar.monthrange(self.year, self.month)[1])

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    def previous(self) -> Period:
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    def next(self) -> Period:
        return Period(self.year + 1, 1) if self.month == 12 else Period(self.year, self.month + 1)

    @classmethod
    def containing(cls, day: date) -> Period:
        return cls(day.year, day.month)


def submission_deadline(period: Period) -> date:
    """The 2nd of the next month, moved to the next working day when it is a holiday (民法典
    第二百零三条). Counted in calendar days whatever LEGALAID_COUNT_WORKING_DAYS says: the plan fixes
    a calendar date, not a period of working days. One query (the holiday overrides)."""
    return calendar.add_days(period.end, SUBMISSION_DAY, working_days=False)


def pace(target: int, period: Period, *, on: date | None = None) -> Decimal:
    """Where a straight line from 0 on 1 January to the target on 31 December stands at month end
    (or `on` that day)."""
    days_in_year = 366 if month_calendar.isleap(period.year) else 365
    elapsed = (on or period.end).timetuple().tm_yday
    return (Decimal(target) * elapsed / days_in_year).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, ROUND_HALF_UP)


# --- targets -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Targets:
    year: int
    city: int
    by_office: dict[int, int]
    is_default: bool


def targets_for(year: int, offices: Iterable[Office]) -> Targets:
    """The year's targets as city staff set them, or the default split (models.DEFAULT_OFFICE_SHARES)
    while they have not. Two queries."""
    annual = AnnualTarget.objects.filter(year=year).first()
    if annual is None:
        by_office = {office.pk: DEFAULT_OFFICE_SHARES.get(office.code, 0) for office in offices}
        return Targets(year, DEFAULT_CITY_TARGET, by_office, True)
    by_office = dict(annual.offices.values_list("office_id", "target"))
    return Targets(year, annual.city_target, by_office, False)


# --- figures owned by the case and quality modules ---------------------------------------------
def _cases_closed(period: Period, office_ids: list[int], counting: Counting) -> dict[int, int]:
    """Cases whose closure was accepted (结案审查通过) in the month, by office: the monthly aggregate
    (`cases.services.closure_tally`), already read."""
    return {office_id: counting.figure(Figure.CASES_CLOSED, office_id, period.month) for office_id in office_ids}


def _peer_reviews(period: Period, office_ids: list[int], counting: Counting) -> dict[int, Any]:
    return peer_review_figures(office_ids=office_ids, start=period.start, end=period.end, tallied=counting.tallied)


def _follow_ups(period: Period, office_ids: list[int], counting: Counting) -> dict[int, Any]:
    return follow_up_figures(office_ids=office_ids, start=period.start, end=period.end, tallied=counting.tallied)


def _publicity(period: Period, office_ids: list[int], counting: Counting) -> dict[int, Any]:
    return publicity_figures(office_ids=office_ids, start=period.start, end=period.end)


def _subsidies(period: Period, office_ids: list[int], counting: Counting) -> dict[int, Any]:
    return subsidy_figures(office_ids=office_ids, year=period.year, month=period.month, tallied=counting.tallied)


def _duty_subsidies(period: Period, office_ids: list[int], counting: Counting) -> dict[int, Any]:
    return subsidy_paid(offices=office_ids, start=period.start, end=period.end)


@dataclass(frozen=True)
class ModuleFigure:
    """A figure owned by another module: `source(period, office_ids, counting)` returns one record per
    office from ONE aggregate query (shared by the figures read off it), or from the monthly aggregate
    the report has read already (`counting`); `value` reads the figure off a record. Records add up
    (`+`), so the city total of a rate is the rate of the summed record."""

    key: str
    label: str
    source: Callable[[Period, list[int], Counting], dict[int, Any]]
    value: Callable[[Any], Any] = lambda record: record
    is_rate: bool = False
    is_money: bool = False  # yuan, as Decimal with two places


MODULE_FIGURES: list[ModuleFigure] = [
    ModuleFigure("cases_closed", "本月结案（件）", _cases_closed),
    ModuleFigure("peer_reviews", "同行评估（件）", _peer_reviews, lambda f: f.reviewed),
    ModuleFigure("good_rate", "优良率（%）", _peer_reviews, lambda f: f.good_rate, is_rate=True),
    ModuleFigure("follow_ups", "回访（件）", _follow_ups, lambda f: f.total),
    ModuleFigure("satisfaction", "满意率（%）", _follow_ups, lambda f: f.satisfaction_rate, is_rate=True),
    ModuleFigure("publicity_events", "宣传活动（场）", _publicity, lambda f: f.activities),
    ModuleFigure("people_reached", "受众（人次）", _publicity, lambda f: f.people_reached),
    ModuleFigure("subsidy_computed", "核定补贴（元）", _subsidies, lambda f: f.computed, is_money=True),
    ModuleFigure("subsidy_paid", "发放补贴（元）", _subsidies, lambda f: f.paid, is_money=True),
    ModuleFigure("duty_subsidy_paid", "发放值班补贴（元）", _duty_subsidies, is_money=True),
]


def _module_figures(
    period: Period, office_ids: list[int], counting: Counting
) -> tuple[dict[int, dict[str, Any]], dict[str, Any]]:
    """Every module figure per office and for all of them together; one query per source at most."""
    sources = dict.fromkeys(figure.source for figure in MODULE_FIGURES)
    records = {source: source(period, office_ids, counting) for source in sources}
    by_office = {
        office_id: {f.key: f.value(records[f.source][office_id]) for f in MODULE_FIGURES} for office_id in office_ids
    }
    totals = {}
    for figure in MODULE_FIGURES:
        per_office = list(records[figure.source].values())
        totals[figure.key] = figure.value(sum(per_office[1:], per_office[0])) if per_office else None
    return by_office, totals


# --- the rows ------------------------------------------------------------------------------------
class SubmissionState:
    """How an office's sheet for the month stands, as the city sees it."""

    NOT_REQUIRED = "not_required"  # the city office compiles the sheet; it does not report to itself
    ON_TIME = "on_time"
    LATE = "late"
    RETURNED = "returned"  # returned for correction, not yet sent again; still within the deadline
    RETURNED_OVERDUE = "returned_overdue"  # returned and not sent again by the deadline: flagged
    MISSING = "missing"  # past the deadline and nothing submitted: flagged to the city
    NOT_DUE = "not_due"

    LABELS = {
        NOT_REQUIRED: "市级汇总",
        ON_TIME: "已报送",
        LATE: "已报送（逾期）",
        RETURNED: "已退回修改",
        RETURNED_OVERDUE: "已退回未重报（已逾期）",
        MISSING: "未报送（已逾期）",
        NOT_DUE: "未报送",
    }
    FLAGGED = {LATE, RETURNED_OVERDUE, MISSING}


@dataclass
class Row:
    """One office (or the 合计 line) for one month."""

    name: str
    office: Office | None
    target: int
    by_month: list[int]  # matters that count toward the target (reporting.counting), months 1..M
    form_values: list[int] = field(default_factory=list)  # this month's figure of each of report.forms
    received: int = 0
    cross_out: int = 0
    routed_in: int = 0
    median_days: Decimal | None = None
    overdue: int = 0
    # Applications approved this month by economic basis (SPEC §3.2), in BASIS_FIGURES order.
    approved_by_basis: list[int] = field(default_factory=list)
    modules: dict[str, Decimal | int | None] = field(default_factory=dict)
    submission: MonthlySubmission | None = None
    submission_state: str = SubmissionState.NOT_REQUIRED
    pace: Decimal = Decimal(0)

    @property
    def matters_month(self) -> int:
        return self.by_month[-1] if self.by_month else 0

    @property
    def matters_ytd(self) -> int:
        return sum(self.by_month)

    @property
    def completion(self) -> Decimal | None:
        return percent(self.matters_ytd, self.target)

    @property
    def pace_percent(self) -> Decimal | None:
        return percent(self.pace, self.target)

    @property
    def behind_pace(self) -> bool:
        return self.matters_ytd < self.pace

    @property
    def submission_label(self) -> str:
        return SubmissionState.LABELS[self.submission_state]

    @property
    def submission_flagged(self) -> bool:
        return self.submission_state in SubmissionState.FLAGGED


@dataclass(frozen=True)
class MonthPoint:
    month: int
    matters: int
    cumulative: int
    pace: Decimal


@dataclass
class OfficeRow(Row):
    """The row of one office (the 合计 line is a plain Row, without an office)."""

    office: Office


@dataclass
class MonthlyReport:
    period: Period
    rows: list[OfficeRow]
    total: Row
    forms: list[FormCount]  # every form of legal aid, and whether it counts this month
    targets: Targets
    deadline: date
    today: date
    covers_all_offices: bool
    as_of: date  # the month's end, or today while the month runs

    @property
    def month_over(self) -> bool:
        return self.as_of == self.period.end

    @property
    def as_of_words(self) -> str:
        """「11月底」, or 「12月1日」 while December runs: what the year-to-date and the pace stand at
        (the month's pace is not due yet)."""
        return f"{self.period.month}月底" if self.month_over else f"{self.as_of.month}月{self.as_of.day}日"

    @property
    def overdue_when(self) -> str:
        """「月末」, or 「截至12月1日」 while December runs: an application due later this month is not
        overdue yet."""
        return "月末" if self.month_over else f"截至{self.as_of_words}"

    @property
    def overdue_heading(self) -> str:
        return f"{self.overdue_when}逾期未审查"

    @property
    def cumulative(self) -> list[MonthPoint]:
        points, running = [], 0
        for index, matters in enumerate(self.total.by_month, start=1):
            running += matters
            points.append(MonthPoint(index, matters, running, pace(self.total.target, Period(self.period.year, index))))
        return points

    @property
    def basis_labels(self) -> list[str]:
        return [label for _, label in BASIS_FIGURES]

    @property
    def county_rows(self) -> list[OfficeRow]:
        return [row for row in self.rows if not row.office.is_city]

    @property
    def flagged_rows(self) -> list[OfficeRow]:
        return [row for row in self.rows if row.submission_flagged]


# --- the queries ---------------------------------------------------------------------------------
def _median_days(period: Period, office_ids: list[int]) -> tuple[dict[int, Decimal], Decimal | None]:
    """Median days from receipt (local date) to decision, over the decisions (准予 and 不予) of the
    month: per office, and over all of `office_ids` together. Read from the month's distribution of
    days (`tallies.models.DecisionTime`, a few dozen rows), exact as the days are whole. One query."""
    by_office = tally_selectors.decision_times(office_ids=office_ids, month=period.start)
    overall: Counter[int] = Counter()
    for counts in by_office.values():
        overall.update(counts)
    return {office_id: _median(counts) for office_id, counts in by_office.items()}, (
        _median(overall) if overall else None
    )


def _median(counts: dict[int, int]) -> Decimal:
    """The median of the values of a distribution {value: how many}: the middle one, or the mean of
    the middle two."""
    positions = _middle(sum(counts.values()))
    middle, seen = [], 0
    for value in sorted(counts):
        seen += counts[value]
        middle += [value for position in positions if seen - counts[value] < position <= seen]
    return (Decimal(sum(middle)) / len(middle)).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def _middle(count: int) -> tuple[int, int]:
    """The positions (from 1) of the middle one or two of `count` ordered values."""
    return ((count + 1) // 2, (count + 2) // 2)


def _awaiting_decision_at(day: date, office_ids: list[int]) -> QuerySet[Application]:
    """Applications of `office_ids` that were awaiting a decision at the end of `day` and could be
    overdue then — from stored dates only, never the current status, so a past month reads the same
    later: the clock had started; the application had not left the queue (`closed_on`: 准予, 不予,
    视为撤回, 撤回, 转出 — null or later). Whether it was waiting for 补正 then is not decided here:
    a notice given after the deadline stops nothing (第四十三条), and only `review_due_dates` knows
    the deadline, so the one rule decides it.

    A coarse bound keeps the set small: the deadline is at least 7 days after the clock starts (a
    pause and the roll-forward only push it later, 7 working days span at least 7 days, and 先行提供
    keeps the 第四十三条 date, 第四十四条), so only clocks started more than 7 days before `day` can be
    overdue at its end. `applications.models.review_due_dates` decides the rest."""
    return (
        Application.objects.filter(
            responsible_office_id__in=office_ids, clock_started_on__lt=day - timedelta(days=REVIEW_DAYS)
        )
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        .order_by()
    )


# The economic bases kept apart (SPEC §3.2), as the month page and sheet 2 head their columns: the
# aggregate's figure of each (`applications.services.APPROVED_BY_BASIS`).
BASIS_FIGURES: list[tuple[Figure, str]] = [
    (Figure.APPROVED_HARDSHIP, "本月准予：经济困难"),
    (Figure.APPROVED_EXEMPT, "本月准予：免予核查（第四十二条）"),
    (Figure.APPROVED_UNRESTRICTED, "本月准予：不受经济困难条件限制（第三十二条）"),
]


@dataclass(frozen=True, slots=True)
class _Candidate:
    """An application that could be overdue at a month end, as a row with the review clock's columns
    (`applications.models.ReviewClock`): a province has thousands, a model instance each costs more
    than its deadline."""

    pk: int
    responsible_office_id: int
    clock_started_on: date
    closed_on: date | None


def _overdue_today(today: date, office_ids: list[int]) -> dict[int, int]:
    """While the month runs: applications whose review deadline had passed by `today` (today) with
    no decision, by responsible office, from the deadline stored with each (`decision_due_on`, set by
    `store_decision_due_dates` whenever an event moves the clock, none while it waits for 补正) — the
    date the dashboard's 审查决定 lines read, so the two pages agree. One query over the open
    applications' partial index, where recomputing every candidate's deadline costs three and a
    calendar walk each (`_overdue_at`, for a month that is over: a stored date says only today)."""
    return dict(
        Application.objects.filter(
            responsible_office_id__in=office_ids, status__in=OPEN_STATUSES, decision_due_on__lt=today
        )
        .order_by()
        .values_list("responsible_office_id")
        .annotate(n=Count("pk"))
    )


def _overdue_at(day: date, office_ids: list[int]) -> dict[int, int]:
    """Applications whose review deadline (第四十三条, `applications.models.review_due_dates`) had
    passed at the end of `day` (a month's end, or today) with no decision, by responsible office.

    Three queries whatever the data: the few candidates (`_awaiting_decision_at`), their 补正
    requests, one calendar. The requests are read by the candidates' ids (an index lookup each; as a
    subquery the planner misjudged the candidates and read every request of the history), never
    skipped: [0] names no application, so the query runs, and is counted, when there are none."""
    candidates = _awaiting_decision_at(day, office_ids)
    applications = [_Candidate(*row) for row in candidates.values_list(*(column.name for column in fields(_Candidate)))]
    supplements: dict[int, list[SupplementRequest]] = defaultdict(list)
    for request in (
        SupplementRequest.objects.filter(
            application_id__in=[application.pk for application in applications] or [0], requested_on__lte=day
        )
        .only("application_id", "requested_on", "resolved_on")  # not the notices' items and notes
        .order_by("requested_on", "pk")
    ):
        supplements[request.application_id].append(request)
    due_dates = review_due_dates(applications, today=day, supplements=supplements)
    return dict(
        Counter(
            application.responsible_office_id
            for application in applications
            if (due := due_dates[application.pk]) is not None and due < day
        )
    )


def _submission_state(office: Office, submission: MonthlySubmission | None, deadline: date, today: date) -> str:
    """Lateness is judged from the FIRST submission: a sheet sent in time and returned for
    correction was reported in time, whenever the corrected one comes. A returned sheet still not
    sent again once the deadline has passed is flagged, like a missing one."""
    if office.is_city:
        return SubmissionState.NOT_REQUIRED
    if submission is None:
        return SubmissionState.MISSING if today > deadline else SubmissionState.NOT_DUE
    if submission.status == SubmissionStatus.RETURNED:
        return SubmissionState.RETURNED_OVERDUE if today > deadline else SubmissionState.RETURNED
    if timezone.localdate(submission.first_submitted_at) > deadline:
        return SubmissionState.LATE
    return SubmissionState.ON_TIME


def flagged_sheets(*, offices: Iterable[Office], period: Period, today: date) -> list[tuple[Office, str]]:
    """County sheets of `period` that are late, missing or left returned as of `today` (for the city's
    dashboard).
    Two queries: the submissions and the holiday overrides of the deadline."""
    deadline = submission_deadline(period)
    offices = list(offices)
    submissions = {
        submission.office_id: submission
        for submission in MonthlySubmission.objects.filter(
            year=period.year, month=period.month, office_id__in=[office.pk for office in offices]
        )
    }
    states = [(office, _submission_state(office, submissions.get(office.pk), deadline, today)) for office in offices]
    return [(office, SubmissionState.LABELS[state]) for office, state in states if state in SubmissionState.FLAGGED]


# --- the builder ---------------------------------------------------------------------------------
def build_monthly_report(
    *, offices: Iterable[Office], year: int, month: int, today: date | None = None
) -> MonthlyReport:
    """Every figure of month `year`-`month` for `offices` (in SPEC §2 order) and their total.

    Queries (fixed, whatever the number of applications): office count 1, targets 1 (2 once set),
    what counts 3 (`reporting.counting`: the forms, the rules, the monthly aggregate — which holds
    the month's receipts, 通办 and approvals by economic basis too), the medians per office and
    overall 1 (the month's decision days), overdue 3 (the candidates, their 补正 requests, one
    calendar for all their deadlines; while the month runs 1, the stored deadlines), publicity 1,
    duty subsidies 1, submissions 1, holiday overrides for the submission deadline 1 = 13 for a month
    that is over (tests/reporting/test_selectors.py adds the offices the caller reads), 11 while it
    runs. Cases closed, peer reviews, follow-ups and the subsidies are in the monthly aggregate.
    """
    period = Period(year, month)
    today = today or timezone.localdate()
    office_list = sorted(offices, key=lambda office: (office.sort_order, office.code))
    office_ids = [office.pk for office in office_list]
    covers_all = len(office_ids) == Office.objects.count() if office_ids else False

    targets = targets_for(year, office_list)
    counting = counted_matters(office_ids=office_ids, year=year, through_month=month)
    medians, overall_median = _median_days(period, office_ids)
    # Overdue and the pace at the month's end; while the month runs, as of today — not a forecast
    # of its end. A month not begun has nothing overdue in it.
    as_of = today if period.start <= today < period.end else period.end
    if today < period.start:
        overdue = {}
    elif today < period.end:
        overdue = _overdue_today(today, office_ids)
    else:
        overdue = _overdue_at(period.end, office_ids)
    module_values, module_totals = _module_figures(period, office_ids, counting)
    submissions = {
        submission.office_id: submission
        for submission in MonthlySubmission.objects.filter(year=year, month=month, office_id__in=office_ids)
    }
    deadline = submission_deadline(period)

    rows: list[OfficeRow] = []
    for office in office_list:
        target = targets.by_office.get(office.pk, 0)
        submission = submissions.get(office.pk)
        rows.append(
            OfficeRow(
                name=office.name,
                office=office,
                target=target,
                by_month=counting.counted_by_month(office.pk),
                form_values=[form.month(office.pk, month) for form in counting.forms],
                received=counting.figure(Figure.RECEIVED, office.pk, month),
                cross_out=counting.figure(Figure.RECEIVED_FOR_OTHER, office.pk, month),
                routed_in=counting.figure(Figure.ROUTED_IN, office.pk, month),
                median_days=medians.get(office.pk),
                overdue=overdue.get(office.pk, 0),
                approved_by_basis=[counting.figure(figure, office.pk, month) for figure, _ in BASIS_FIGURES],
                modules=module_values[office.pk],
                submission=submission,
                submission_state=_submission_state(office, submission, deadline, today),
                pace=pace(target, period, on=as_of),
            )
        )

    total_target = targets.city if covers_all else sum(row.target for row in rows)
    total = Row(
        name="合计",
        office=None,
        target=total_target,
        by_month=[sum(row.by_month[index] for row in rows) for index in range(month)],
        form_values=[form.total(month) for form in counting.forms],
        received=sum(row.received for row in rows),
        cross_out=sum(row.cross_out for row in rows),
        routed_in=sum(row.routed_in for row in rows),
        median_days=overall_median,
        overdue=sum(row.overdue for row in rows),
        approved_by_basis=[sum(row.approved_by_basis[index] for row in rows) for index in range(len(BASIS_FIGURES))],
        modules=module_totals,
        pace=pace(total_target, period, on=as_of),
    )
    return MonthlyReport(
        period=period,
        rows=rows,
        total=total,
        forms=counting.forms,
        targets=targets,
        deadline=deadline,
        today=today,
        covers_all_offices=covers_all,
        as_of=as_of,
    )
