"""The API's addresses, under /api/ (``followup.urls``). Version 1 is /api/v1/; anything else
under /api/ is 404 as a problem (``views.Unknown``)."""

from django.urls import path, re_path

from followup.api import datavalues, jobs, updates, views

app_name = "api"

urlpatterns = [
    path("v1/partnerships/", views.PartnershipList.as_view(), name="partnerships"),
    path("v1/partnerships/<slug:slug>/", views.PartnershipDetail.as_view(), name="partnership"),
    path(
        "v1/partnerships/<slug:slug>/actions/<int:pk>/updates/",
        updates.ActionUpdateCreate.as_view(),
        name="action-updates",
    ),
    path(
        "v1/partnerships/<slug:slug>/actions/<int:pk>/updates/<int:update>/",
        updates.ActionUpdateDetail.as_view(),
        name="action-update",
    ),
    path(
        "v1/partnerships/<slug:slug>/dataValueSets/",
        datavalues.DATA_VALUE_SETS,
        name="data-value-sets",
    ),
    path("v1/jobs/<int:pk>/", jobs.JobDetail.as_view(), name="job"),
    # The contract and its reference pages, open to anyone (they hold no data): Swagger UI from
    # the sidecar package's files, served here, never from another site.
    path("v1/schema/", views.Schema.as_view(), name="schema"),
    path("v1/docs/", views.Reference.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^.*$", views.Unknown.as_view(), name="unknown"),
]
