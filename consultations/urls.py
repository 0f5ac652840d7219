from django.urls import path

from consultations import views

app_name = "consultations"
# Mounted at /staff/.
urlpatterns = [
    path("consultations/", views.consultation_list, name="list"),
    path("consultations/new/", views.consultation_new, name="new"),
    path("consultations/<int:pk>/", views.consultation_detail, name="detail"),
    path("consultations/<int:pk>/convert/", views.consultation_convert, name="convert"),
    path("documents/", views.document_list, name="documents"),
    path("documents/new/", views.document_new, name="document_new"),
]
