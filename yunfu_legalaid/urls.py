from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "云浮市法律援助管理系统"
admin.site.site_title = "云浮市法律援助"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("", include("portal.urls")),
    path("", include("applications.urls")),
    path("staff/", include("cases.urls")),
    path("staff/", include("quality.urls")),
    path("staff/duty/", include("duty.urls")),
    path("staff/", include("consultations.urls")),
    path("staff/", include("notifications.urls")),
    path("accounts/", include("accounts.urls")),
    path("reports/", include("reporting.urls")),
    path("admin/", admin.site.urls),
]
