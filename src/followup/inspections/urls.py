from django.urls import path

from followup.inspections import views

app_name = "inspections"
urlpatterns = [
    path("p/<slug:slug>/inspections/", views.inspection_list, name="list"),
    path("p/<slug:slug>/inspections/new/", views.inspection_create, name="create"),
    path("p/<slug:slug>/inspections/<int:pk>/", views.inspection_detail, name="detail"),
    path("p/<slug:slug>/inspections/<int:pk>/edit/", views.inspection_edit, name="edit"),
    path(
        "p/<slug:slug>/inspections/<int:pk>/evaluations/new/",
        views.evaluation_create,
        name="evaluation_create",
    ),
    path("p/<slug:slug>/evaluations/<int:pk>/edit/", views.evaluation_edit, name="evaluation_edit"),
    path(
        "p/<slug:slug>/inspections/<int:pk>/recommendations/new/",
        views.recommendation_create,
        name="recommendation_create",
    ),
    path(
        "p/<slug:slug>/recommendations/<int:pk>/edit/",
        views.recommendation_edit,
        name="recommendation_edit",
    ),
]
