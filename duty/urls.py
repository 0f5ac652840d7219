from django.urls import path

from duty import views

app_name = "duty"
# Mounted at /staff/duty/.
urlpatterns = [
    path("", views.record_list, name="records"),
    path("record/", views.record_day, name="record_day"),
    path("roster/", views.roster, name="roster"),
    path("roster/new/", views.shift_new, name="shift_new"),
    path("days/<int:pk>/", views.day_detail, name="day"),
    path("days/<int:pk>/close/", views.day_close, name="day_close"),
    path("shifts/<int:pk>/remove/", views.shift_remove, name="shift_remove"),
    path("subsidies/", views.subsidy_list, name="subsidies"),
    path("subsidies/<int:pk>/pay/", views.subsidy_pay, name="subsidy_pay"),
    path("rates/", views.rates, name="rates"),
]
