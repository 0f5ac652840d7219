from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    # Citizens (no account)
    path("apply/", views.apply, name="apply"),
    path("apply/submitted/", views.apply_submitted, name="apply_submitted"),
    path("apply/receipt/", views.apply_receipt, name="apply_receipt"),
    path("track/", views.track, name="track"),
    path("track/status/", views.track_status, name="track_status"),
    path("track/end/", views.track_end, name="track_end"),
    path("track/supplement/", views.track_supplement, name="track_supplement"),
    path("track/withdraw/", views.track_withdraw, name="track_withdraw"),
    path("track/materials/<int:pk>/", views.track_material, name="track_material"),
    path("track/letters/<str:kind>/", views.track_letter, name="track_letter"),
    # Staff
    path("staff/applications/", views.queue, name="queue"),
    path("staff/applications/new/", views.walk_in, name="walk_in"),
    path("staff/applications/supplement-drop/", views.supplement_drop, name="supplement_drop"),
    path("staff/applications/<int:pk>/", views.detail, name="detail"),
    path("staff/applications/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("staff/applications/<int:pk>/supplement/", views.request_supplement, name="request_supplement"),
    path("staff/applications/<int:pk>/supplement/notice/", views.supplement_notice, name="supplement_notice"),
    path("staff/applications/<int:pk>/supplement/receive/", views.receive_supplement, name="receive_supplement"),
    path("staff/applications/<int:pk>/supplement/confirm/", views.confirm_supplement, name="confirm_supplement"),
    path("staff/applications/<int:pk>/supplement/reject/", views.reject_supplement, name="reject_supplement"),
    path("staff/applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("staff/applications/<int:pk>/refuse/", views.refuse, name="refuse"),
    path("staff/applications/<int:pk>/urgent/", views.mark_urgent, name="mark_urgent"),
    path("staff/applications/<int:pk>/reroute/", views.reroute, name="reroute"),
    path("staff/applications/<int:pk>/transfer-out/", views.transfer_out, name="transfer_out"),
    path("staff/applications/<int:pk>/objection/", views.register_objection, name="register_objection"),
    path("staff/objections/<int:pk>/decide/", views.decide_objection, name="decide_objection"),
    path("staff/objections/<int:pk>/document/", views.objection_document, name="objection_document"),
    path("staff/applications/<int:pk>/letters/<str:kind>/", views.letter, name="letter"),
    path("staff/materials/<int:pk>/", views.material, name="material"),
]
