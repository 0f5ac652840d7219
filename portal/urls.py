from django.urls import path

from portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/messages/", views.staff_messages, name="messages"),
]
