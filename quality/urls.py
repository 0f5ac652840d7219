from django.urls import path

from quality import views

app_name = "quality"
# Mounted at /staff/: the quality pages, and 结案审查通过 on the case page, which computes the subsidy.
urlpatterns = [
    path("cases/<int:pk>/closure/accept/", views.accept_closure, name="accept_closure"),
    path("quality/", views.overview, name="overview"),
    path("quality/draws/", views.draws, name="draws"),
    path("quality/draws/<int:pk>/", views.draw_detail, name="draw"),
    path("quality/samples/<int:pk>/", views.sample_detail, name="sample"),
    path("quality/samples/<int:pk>/assign/", views.assign_reviewer, name="assign_reviewer"),
    path("quality/reviews/", views.review_list, name="reviews"),
    path("quality/reviews/<int:pk>/", views.review_detail, name="review"),
    path("quality/reviews/<int:pk>/case-file/", views.review_case_file, name="review_case_file"),
    path(
        "quality/reviews/<int:pk>/case-file/materials/<int:material_pk>/",
        views.review_case_material,
        name="review_case_material",
    ),
    path("quality/follow-ups/", views.follow_up_list, name="follow_ups"),
    path("quality/follow-ups/new/", views.follow_up_new, name="follow_up_new"),
    path("quality/subsidies/", views.subsidy_list, name="subsidies"),
    path("quality/subsidies/<int:pk>/pay/", views.subsidy_pay, name="subsidy_pay"),
    path("quality/subsidies/<int:pk>/stage/", views.subsidy_stage, name="subsidy_stage"),
    path("quality/rates/", views.rates, name="rates"),
    path("quality/sheets/", views.sheets, name="sheets"),
    path("quality/sheets/<int:pk>/", views.sheet_edit, name="sheet_edit"),
    path("quality/publicity/", views.publicity_list, name="publicity_list"),
    path("quality/publicity/new/", views.publicity_new, name="publicity_new"),
    path("quality/publicity/<int:pk>/", views.publicity_detail, name="publicity"),
    path("quality/publicity/<int:pk>/photos/<int:photo_pk>/", views.publicity_photo, name="publicity_photo"),
]
