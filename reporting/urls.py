from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("targets/<int:year>/", views.targets, name="targets"),
    path("counting/", views.counting, name="counting"),
    path("<int:year>/<int:month>/", views.month, name="month"),
    path("<int:year>/<int:month>/submit/", views.submit, name="submit"),
    path("<int:year>/<int:month>/download/", views.download, name="download"),
    path("<int:year>/<int:month>/<str:office_code>/return/", views.return_sheet, name="return"),
]
