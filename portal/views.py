from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from accounts.http import StaffRequest
from accounts.models import Office, Role
from accounts.permissions import STAFF_ROLES, role_required
from applications.selectors import provisional_aid_of
from core.pagination import BoundedPaginator
from deadlines.calendar import missing_holiday_years
from deadlines.items import URGENCY_ORDER
from notifications.models import StaffMessage
from portal.worklist import open_objections, worklist

# The State Council publishes next year's holidays in late autumn: ask for them only from October.
HOLIDAY_WARNING_FROM_MONTH = 10
MESSAGES_PAGE_SIZE = 20
SECTION_ROWS = 100


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
    # city staff oversee thousands of clocks; the per-office table below counts them all).
    work = worklist(user, today=today, limit=SECTION_ROWS)
    sections = []
    for state in URGENCY_ORDER:
        if total := work.total(state):
            sections.append((state, [item for item in work.items if item.state == state], total))
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
def staff_messages(request: StaffRequest) -> HttpResponse:
    """我的消息: the signed-in user's own messages (the daily digest), newest first."""
    page = BoundedPaginator(StaffMessage.objects.filter(recipient=request.user), MESSAGES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "portal/messages.html", {"page": page})
