from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("handlers/", views.handler_list, name="handlers"),
    path("handlers/new/", views.handler_new, name="handler_new"),
    path("handlers/<int:pk>/edit/", views.handler_edit, name="handler_edit"),
    path("law-firms/new/", views.law_firm_new, name="law_firm_new"),
    path("law-firms/<int:pk>/edit/", views.law_firm_edit, name="law_firm_edit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/agreement/", views.record_agreement, name="record_agreement"),
    path("<int:pk>/progress/", views.log_progress, name="log_progress"),
    path("<int:pk>/matter-end/", views.record_matter_end, name="record_matter_end"),
    path("<int:pk>/closure/", views.submit_closure, name="submit_closure"),
    path("<int:pk>/closure/accept/", views.accept_closure, name="accept_closure"),
    path("<int:pk>/closure/return/", views.return_closure, name="return_closure"),
    path("<int:pk>/archive/", views.archive, name="archive"),
    path("<int:pk>/terminate/", views.terminate, name="terminate"),
    path("<int:pk>/objection/", views.register_objection, name="register_objection"),
    path("<int:pk>/objection/decide/", views.decide_objection, name="decide_objection"),
    path("<int:pk>/seal/", views.set_seal, name="set_seal"),
    path("<int:pk>/termination-letter/", views.termination_letter, name="termination_letter"),
    path("<int:pk>/materials/<int:material_pk>/", views.closure_material, name="closure_material"),
]
