from django.urls import path

from followup.indicators import views, views_data

app_name = "indicators"
urlpatterns = [
    path("p/<slug:slug>/indicators/", views.dashboard, name="dashboard"),
    path("p/<slug:slug>/indicators/new/", views.create, name="create"),
    path("p/<slug:slug>/indicators/<int:pk>/", views.detail, name="detail"),
    path("p/<slug:slug>/indicators/<int:pk>/edit/", views.edit, name="edit"),
    path(
        "p/<slug:slug>/indicators/<int:pk>/data.csv",
        views.download,
        {"fmt": "csv"},
        name="download_csv",
    ),
    path(
        "p/<slug:slug>/indicators/<int:pk>/data.xlsx",
        views.download,
        {"fmt": "xlsx"},
        name="download_xlsx",
    ),
    path(
        "p/<slug:slug>/indicators/<int:pk>/tidy.csv",
        views_data.tidy_download,
        {"fmt": "csv"},
        name="tidy_csv",
    ),
    path(
        "p/<slug:slug>/indicators/<int:pk>/tidy.xlsx",
        views_data.tidy_download,
        {"fmt": "xlsx"},
        name="tidy_xlsx",
    ),
    path("p/<slug:slug>/data/elements/", views_data.elements, name="elements"),
    path(
        "p/<slug:slug>/data/elements/<int:pk>/template.csv",
        views_data.element_template,
        name="element_template",
    ),
    path("p/<slug:slug>/data/quality/", views.quality, name="quality"),
    path("p/<slug:slug>/data/upload/", views.upload, name="upload"),
    path("p/<slug:slug>/data/uploads/<int:pk>/", views.upload_preview, name="upload_preview"),
    path(
        "p/<slug:slug>/data/uploads/<int:pk>/discard/",
        views.upload_discard,
        name="upload_discard",
    ),
]
