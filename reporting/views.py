from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Office
from accounts.permissions import REPORT_ROLES, role_required


@role_required(*REPORT_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    offices = Office.objects.visible_to(request.user)
    return render(request, "reporting/dashboard.html", {"offices": offices})
