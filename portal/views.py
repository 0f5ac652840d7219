from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accounts.models import Office
from accounts.permissions import STAFF_ROLES, role_required


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
def staff_home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/staff_home.html", {"office": request.user.office})
