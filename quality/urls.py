from django.urls import path

from quality import views

app_name = "quality"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("draws/", views.draws, name="draws"),
    path("draws/<int:pk>/", views.draw_detail, name="draw"),
    path("samples/<int:pk>/", views.sample_detail, name="sample"),
    path("samples/<int:pk>/assign/", views.assign_reviewer, name="assign_reviewer"),
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("follow-ups/", views.follow_up_list, name="follow_ups"),
    path("follow-ups/new/", views.follow_up_new, name="follow_up_new"),
    path("subsidies/", views.subsidy_list, name="subsidies"),
    path("subsidies/<int:pk>/pay/", views.subsidy_pay, name="subsidy_pay"),
    path("subsidies/<int:pk>/stage/", views.subsidy_stage, name="subsidy_stage"),
    path("rates/", views.rates, name="rates"),
    path("sheets/", views.sheets, name="sheets"),
    path("sheets/<int:pk>/", views.sheet_edit, name="sheet_edit"),
    path("publicity/", views.publicity_list, name="publicity_list"),
    path("publicity/new/", views.publicity_new, name="publicity_new"),
    path("publicity/<int:pk>/", views.publicity_detail, name="publicity"),
    path("publicity/<int:pk>/photos/<int:photo_pk>/", views.publicity_photo, name="publicity_photo"),
]
