from django.urls import path

from cases import views

app_name = "cases"
# Mounted at /staff/: the case pages, and 准予 on the application page, which opens a case.
urlpatterns = [
    path("applications/<int:pk>/approve/", views.approve_application, name="approve_application"),
    path("applications/<int:pk>/provisional-assign/", views.assign_provisionally, name="assign_provisionally"),
    path("cases/", views.case_list_view, name="list"),
    path("cases/notices/new/", views.notice_new, name="notice_new"),
    path("cases/handlers/", views.handler_list, name="handlers"),
    path("cases/handlers/new/", views.handler_new, name="handler_new"),
    path("cases/handlers/<int:pk>/edit/", views.handler_edit, name="handler_edit"),
    path("cases/law-firms/new/", views.law_firm_new, name="law_firm_new"),
    path("cases/law-firms/<int:pk>/edit/", views.law_firm_edit, name="law_firm_edit"),
    path("cases/<int:pk>/", views.detail, name="detail"),
    path("cases/<int:pk>/assign/", views.assign, name="assign"),
    path("cases/<int:pk>/agreement/", views.record_agreement, name="record_agreement"),
    path("cases/<int:pk>/progress/", views.log_progress, name="log_progress"),
    path("cases/<int:pk>/matter-end/", views.record_matter_end, name="record_matter_end"),
    path("cases/<int:pk>/closure/", views.submit_closure, name="submit_closure"),
    path("cases/<int:pk>/closure/return/", views.return_closure, name="return_closure"),
    path("cases/<int:pk>/archive/", views.archive, name="archive"),
    path("cases/<int:pk>/terminate/", views.terminate, name="terminate"),
    path("cases/<int:pk>/objection/", views.register_objection, name="register_objection"),
    path("cases/<int:pk>/objection/decide/", views.decide_objection, name="decide_objection"),
    path(
        "cases/<int:pk>/objections/<int:objection_pk>/document/",
        views.objection_document,
        name="objection_document",
    ),
    path("cases/<int:pk>/seal/", views.set_seal, name="set_seal"),
    path("cases/<int:pk>/termination-letter/", views.termination_letter, name="termination_letter"),
    path("cases/<int:pk>/notice/scan/", views.notice_scan, name="notice_scan"),
    path("cases/<int:pk>/letters/organ/", views.organ_letter, name="organ_letter"),
    path("cases/<int:pk>/materials/<int:material_pk>/", views.closure_material, name="closure_material"),
]
