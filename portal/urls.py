from django.urls import path

from portal import display, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("text-size/", display.text_size, name="text_size"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/due/<slug:section>/", views.due_section, name="due_section"),
    path("staff/messages/", views.staff_messages, name="messages"),
]
