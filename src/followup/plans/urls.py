from django.urls import path

from followup.plans import views, views_cycle, views_updates

app_name = "plans"
urlpatterns = [
    path("p/<slug:slug>/plan/", views.action_list, name="list"),
    path("p/<slug:slug>/plan/plan.csv", views.plan_export, {"fmt": "csv"}, name="export_csv"),
    path("p/<slug:slug>/plan/plan.xlsx", views.plan_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("p/<slug:slug>/plan/requests/", views_cycle.requests, name="requests"),
    path("p/<slug:slug>/plan/requests/<int:pk>/", views_cycle.round_page, name="round"),
    path("p/<slug:slug>/plan/schedule/", views_cycle.cycle_edit, name="cycle"),
    path("p/<slug:slug>/actions/new/", views.action_create, name="create"),
    path("p/<slug:slug>/actions/<int:pk>/", views.action_detail, name="detail"),
    path("p/<slug:slug>/actions/<int:pk>/edit/", views.action_edit, name="edit"),
    path(
        "p/<slug:slug>/actions/<int:pk>/updates/",
        views_updates.update_create,
        name="update_create",
    ),
    path(
        "p/<slug:slug>/plan/updates/waiting/",
        views_updates.updates_waiting,
        name="updates_waiting",
    ),
    path(
        "p/<slug:slug>/plan/updates/<int:pk>/accept/",
        views_updates.update_accept,
        name="update_accept",
    ),
    path(
        "p/<slug:slug>/plan/updates/<int:pk>/return/",
        views_updates.update_return,
        name="update_return",
    ),
    path("p/<slug:slug>/plan/files/<int:pk>/", views_updates.update_file, name="update_file"),
]
