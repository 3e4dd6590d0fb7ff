from django.urls import path

from followup.reports import views, views_pack

app_name = "reports"
urlpatterns = [
    path("p/<slug:slug>/reviews/<int:pk>/report/", views.review_preview, name="review"),
    path("p/<slug:slug>/reviews/<int:pk>/report.<str:fmt>", views.review_file, name="review_file"),
    path("p/<slug:slug>/reviews/<int:pk>/publish/", views.review_publish, name="review_publish"),
    path("p/<slug:slug>/inspections/<int:pk>/report/", views.inspection_preview, name="inspection"),
    path(
        "p/<slug:slug>/inspections/<int:pk>/report.<str:fmt>",
        views.inspection_file,
        name="inspection_file",
    ),
    path(
        "p/<slug:slug>/inspections/<int:pk>/publish/",
        views.inspection_publish,
        name="inspection_publish",
    ),
    path("p/<slug:slug>/plan/pack/", views_pack.pack_page, name="pack"),
    path("p/<slug:slug>/plan/pack/draft.<str:fmt>", views_pack.pack_draft, name="pack_draft"),
    path("p/<slug:slug>/plan/pack/<int:number>.<str:fmt>", views_pack.pack_file, name="pack_file"),
    path("public/", views.public_index, name="public_index"),
    path("public/<slug:slug>/", views.public_list, name="public"),
    path("public/<slug:slug>/reports/<int:pk>.<str:fmt>", views.public_file, name="public_file"),
]
