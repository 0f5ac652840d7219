from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.http import StaffRequest
from accounts.models import Office, Role
from accounts.permissions import STAFF_ROLES, role_required
from applications.selectors import provisional_aid_of
from core.pagination import BoundedPaginator, ReadSoFar
from deadlines.calendar import missing_holiday_years
from deadlines.items import SECTION_SLUGS, URGENCY_ORDER
from notifications.models import StaffMessage
from portal.worklist import due_in_section, open_objections, worklist

# The State Council publishes next year's holidays in late autumn: ask for them only from October.
HOLIDAY_WARNING_FROM_MONTH = 10
MESSAGES_PAGE_SIZE = 20
# The dashboard shows each section's most urgent rows; its own page (due_section) lists them all.
SECTION_ROWS = 20
DUE_PAGE_ROWS = 50
DUE_MAX_ROWS = 1_000  # 20 pages: past them, the review queue and the case list are searched


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and bookmarks ask for /favicon.ico whatever a page links: send them to the static file
    (its name is hashed in production, so the redirect is not permanent)."""
    return redirect(static("favicon.ico"))


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "offices": Office.objects.all(),
            "apply_url": reverse("applications:apply"),
            "track_url": reverse("applications:track"),
        },
    )


@role_required(*STAFF_ROLES)
def staff_home(request: StaffRequest) -> HttpResponse:
    """The deadline dashboard: every clock in the user's scope that is overdue, due today or soon."""
    user = request.user
    today = timezone.localdate()
    # Each section shows its most urgent rows and says how many there are (issue 14: a province's
    # city staff oversee thousands of clocks; the per-office table below counts them all), with a
    # link to the section's own page.
    work = worklist(user, today=today, limit=SECTION_ROWS)
    sections = []
    for state in URGENCY_ORDER:
        if total := work.total(state):
            items = [item for item in work.items if item.state == state]
            sections.append((state, SECTION_SLUGS[state], items, total))
    per_office = None
    if user.sees_all_offices:
        per_office = [
            (office, {state: work.counts[office.pk, state] for state in URGENCY_ORDER})
            for office in Office.objects.all()  # SPEC §2 order
        ]
    # Only those who can act on it (the administrator enters the days; city staff and reviewers chase it).
    missing_years = []
    if user.sees_all_offices or user.has_role(Role.REVIEWER):
        missing_years = [
            year
            for year in missing_holiday_years(today)
            if year == today.year or today.month >= HOLIDAY_WARNING_FROM_MONTH
        ]
    return render(
        request,
        "portal/staff_home.html",
        {
            "office": user.office,
            "sections": sections,
            "per_office": per_office,
            "urgency_order": URGENCY_ORDER,
            "missing_holiday_years": missing_years,
            "open_objections": open_objections(user, today=today),
            "provisional_aid": provisional_aid_of(user, today=today) if user.has_role(Role.HANDLER) else [],
            "today": today,
        },
    )


@role_required(*STAFF_ROLES)
@require_GET
def due_section(request: StaffRequest, section: str) -> HttpResponse:
    """One section of the dashboard (已逾期, 今日到期, 即将到期), every row of it a page at a time, most
    urgent first: what the dashboard's 「查看全部」 opens. The rows are read only as far as the page."""
    state = next((state for state, slug in SECTION_SLUGS.items() if slug == section), None)
    if state is None:
        raise Http404("没有这一类期限提醒。")
    today = timezone.localdate()
    number = _page_number(request.GET.get("page"), last=DUE_MAX_ROWS // DUE_PAGE_ROWS)
    items, total = due_in_section(request.user, state=state, today=today, rows=number * DUE_PAGE_ROWS)
    page = BoundedPaginator(ReadSoFar(items, total), DUE_PAGE_ROWS, max_rows=DUE_MAX_ROWS).get_page(number)
    return render(request, "portal/due_section.html", {"state": state, "page": page, "total": total})


def _page_number(value: str | None, *, last: int) -> int:
    """The page asked for, between 1 and `last` (anything else: the first)."""
    try:
        return min(max(int(value or 1), 1), last)
    except ValueError:
        return 1


@role_required(*STAFF_ROLES)
def staff_messages(request: StaffRequest) -> HttpResponse:
    """我的消息: the signed-in user's own messages (the daily digest), newest first."""
    page = BoundedPaginator(StaffMessage.objects.filter(recipient=request.user), MESSAGES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "portal/messages.html", {"page": page})
