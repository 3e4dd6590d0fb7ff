"""The API's addresses, under /api/ (``followup.urls``). Version 1 is /api/v1/; anything else
under /api/ is 404 as a problem (``views.Unknown``)."""

from django.urls import path, re_path

from followup.api import datavalues, jobs, updates, views, views_evidence, views_figures

app_name = "api"

urlpatterns = [
    path("v1/partnerships/", views.PartnershipList.as_view(), name="partnerships"),
    path("v1/partnerships/<slug:slug>/", views.PartnershipDetail.as_view(), name="partnership"),
    path(
        "v1/partnerships/<slug:slug>/inspections/",
        views.InspectionList.as_view(),
        name="inspections",
    ),
    path(
        "v1/partnerships/<slug:slug>/inspections/<int:pk>/",
        views.InspectionDetail.as_view(),
        name="inspection",
    ),
    path("v1/partnerships/<slug:slug>/actions/", views.ActionList.as_view(), name="actions"),
    path(
        "v1/partnerships/<slug:slug>/actions/<int:pk>/",
        views.ActionDetail.as_view(),
        name="action",
    ),
    path(
        "v1/partnerships/<slug:slug>/actions/<int:pk>/updates/",
        updates.ActionUpdates.as_view(),
        name="action_updates",
    ),
    path(
        "v1/partnerships/<slug:slug>/updates/",
        views.PartnershipUpdateList.as_view(),
        name="updates",
    ),
    path("v1/partnerships/<slug:slug>/reviews/", views.ReviewList.as_view(), name="reviews"),
    path(
        "v1/partnerships/<slug:slug>/reviews/<int:pk>/",
        views.ReviewDetail.as_view(),
        name="review",
    ),
    path(
        "v1/partnerships/<slug:slug>/indicators/",
        views_figures.IndicatorList.as_view(),
        name="indicators",
    ),
    path(
        "v1/partnerships/<slug:slug>/indicators/<int:pk>/",
        views_figures.IndicatorDetail.as_view(),
        name="indicator",
    ),
    path(
        "v1/partnerships/<slug:slug>/indicators/<int:pk>/figures/",
        views_figures.FigureList.as_view(),
        name="indicator_figures",
    ),
    path(
        "v1/partnerships/<slug:slug>/indicators/<int:pk>/comparison/",
        views_figures.ComparisonDetail.as_view(),
        name="indicator_comparison",
    ),
    path(
        "v1/partnerships/<slug:slug>/indicators/<int:pk>/analysis/",
        views_figures.AnalysisDetail.as_view(),
        name="indicator_analysis",
    ),
    path(
        "v1/partnerships/<slug:slug>/data-elements/",
        views_figures.DataElementList.as_view(),
        name="data_elements",
    ),
    path(
        "v1/partnerships/<slug:slug>/releases/",
        views_figures.ReleaseList.as_view(),
        name="releases",
    ),
    path("v1/partnerships/<slug:slug>/codes/", views_evidence.CodeList.as_view(), name="codes"),
    path("v1/partnerships/<slug:slug>/quotes/", views_evidence.QuoteList.as_view(), name="quotes"),
    path(
        "v1/partnerships/<slug:slug>/reports/",
        views_evidence.PublicationList.as_view(),
        name="reports",
    ),
    path(
        "v1/partnerships/<slug:slug>/actions/<int:pk>/updates/<int:update>/",
        updates.ActionUpdateDetail.as_view(),
        name="action_update",
    ),
    path(
        "v1/partnerships/<slug:slug>/dataValueSets/",
        datavalues.DATA_VALUE_SETS,
        name="data_value_sets",
    ),
    path("v1/jobs/<int:pk>/", jobs.JobDetail.as_view(), name="job"),
    # The contract and its reference pages, open to anyone (they hold no data): Swagger UI from
    # the sidecar package's files, served here, never from another site.
    path("v1/schema/", views.Schema.as_view(), name="schema"),
    path("v1/docs/", views.Reference.as_view(url_name="api:schema"), name="docs"),
    # Any other address, whatever characters it holds: "." would stop at a newline (%0A), and
    # such an address got the pages' HTML 404 instead of a problem.
    re_path(r"^[\s\S]*$", views.Unknown.as_view(), name="unknown"),
]
