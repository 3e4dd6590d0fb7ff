from django.urls import path

from followup.accounts import admin_views as views

app_name = "manage"
urlpatterns = [
    path("manage/partnerships/", views.partnerships, name="partnerships"),
    path("manage/partnerships/new/", views.partnership_create, name="partnership_create"),
    path("manage/partnerships/<slug:slug>/", views.partnership, name="partnership"),
    path("manage/partnerships/<slug:slug>/edit/", views.partnership_edit, name="partnership_edit"),
    path(
        "manage/partnerships/<slug:slug>/archive/",
        views.partnership_archive,
        name="partnership_archive",
    ),
    path(
        "manage/partnerships/<slug:slug>/organisations/new/",
        views.organisation_create,
        name="organisation_create",
    ),
    path(
        "manage/partnerships/<slug:slug>/organisations/<int:pk>/edit/",
        views.organisation_edit,
        name="organisation_edit",
    ),
    path(
        "manage/partnerships/<slug:slug>/organisations/<int:pk>/remove/",
        views.organisation_remove,
        name="organisation_remove",
    ),
    path(
        "manage/partnerships/<slug:slug>/inspectors/new/",
        views.inspector_assign,
        name="inspector_assign",
    ),
]
