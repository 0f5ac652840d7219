from django.http import HttpRequest
from django.urls import reverse

from accounts.models import CASE_READERS, Role
from accounts.permissions import can_read_reports


def navigation(request: HttpRequest) -> dict:
    """The navigation links the signed-in user's roles allow (templates never test roles)."""
    user = getattr(request, "user", None)
    links = [("申请法律援助", reverse("applications:apply")), ("进度查询", reverse("applications:track"))]
    if user is not None and user.is_authenticated:
        links = []
        if user.is_superuser or user.is_staff_member:
            links.append(("工作台", reverse("portal:staff_home")))
        if user.reads_records:
            links.append(("申请审查", reverse("applications:queue")))
        if user.is_superuser or user.has_role(*CASE_READERS):
            links.append(("案件", reverse("cases:list")))
        if user.reads_records:
            links.append(("办案质量", reverse("quality:overview")))
        if user.is_superuser or user.has_role(*CASE_READERS):
            # Office and city staff read the duty records and roster; a handler records their own.
            links.append(("值班律师", reverse("duty:records")))
        if user.reads_records:
            links.append(("咨询代书", reverse("consultations:list")))
        if user.is_superuser or user.has_role(Role.PEER_REVIEWER, Role.CITY_STAFF):
            links.append(("同行评估", reverse("quality:reviews")))
        if can_read_reports(user):
            links.append(("民生实事进度", reverse("reporting:dashboard")))
        if user.is_superuser or user.has_role(Role.CITY_STAFF):
            links.append(("短信记录", reverse("notifications:outbox")))
        if user.is_superuser or user.is_staff_member:
            links.append(("我的消息", reverse("portal:messages")))
        if user.is_superuser:
            links.append(("系统管理", reverse("admin:index")))
    return {"nav_links": links}
