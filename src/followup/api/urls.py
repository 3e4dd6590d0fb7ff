"""The API's addresses, under /api/ (``followup.urls``). Version 1 is /api/v1/; anything else
under /api/ is 404 as a problem (``views.Unknown``). Each view is made with ``methods.served``,
so that its Allow header lists only the methods it answers."""

from django.urls import path, re_path

from followup.api import datavalues, jobs, updates, views, views_evidence, views_figures
from followup.api.methods import served

app_name = "api"

urlpatterns = [
    path("v1/partnerships/", served(views.PartnershipList), name="partnerships"),
    path("v1/partnerships/<slug:slug>/", served(views.PartnershipDetail), name="partnership"),
    path(
        "v1/partnerships/<slug:slug>/inspections/",
        served(views.InspectionList),
        name="inspections",
    ),
    path(
        "v1/partnerships/<slug:slug>/inspections/<int:pk>/",
        served(views.InspectionDetail),
        name="inspection",
    ),
    path("v1/partnerships/<slug:slug>/actions/", served(views.ActionList), name="actions"),
    path(
        "v1/partnerships/<slug:slug>/actions/<int:pk>/",
        served(views.ActionDetail),
        name="action",
    ),
    path(
        "v1/partnerships/<slug:slug>/actions/<int:pk>/updates/",
        served(updates.ActionUpdates),
        name="action_updates",
    ),
    path(
        "v1/partnerships/<slug:slug>/updates/",
        served(views.PartnershipUpdateList),
        name="updates",
    ),
    path("v1/partnerships/<slug:slug>/reviews/", served(views.ReviewList), name="reviews"),
    path(
        "v1/partnerships/<slug:slug>/reviews/<int:pk>/",
        served(views.ReviewDetail),
        name="review",
    ),
    path(
        "v1/partnerships/<slug:slug>/indicators/",
        served(views_figures.IndicatorList),
        name="indicators",
    ),
    path(
        "v1/partnerships/<slug:slug>/indicators/<int:pk>/",
        served(views_figures.IndicatorDetail),
        name="indicator",
    ),
    path(
        "v1/partnerships/<slug:slug>/indicators/<int:pk>/figures/",
        served(views_figures.FigureList),
        name="indicator_figures",
    ),
    path(
        "v1/partnerships/<slug:slug>/indicators/<int:pk>/comparison/",
        served(views_figures.ComparisonDetail),
        name="indicator_comparison",
    ),
    path(
        "v1/partnerships/<slug:slug>/indicators/<int:pk>/analysis/",
        served(views_figures.AnalysisDetail),
        name="indicator_analysis",
    ),
    path(
        "v1/partnerships/<slug:slug>/data-elements/",
        served(views_figures.DataElementList),
        name="data_elements",
    ),
    path(
        "v1/partnerships/<slug:slug>/releases/",
        served(views_figures.ReleaseList),
        name="releases",
    ),
    path("v1/partnerships/<slug:slug>/codes/", served(views_evidence.CodeList), name="codes"),
    path("v1/partnerships/<slug:slug>/quotes/", served(views_evidence.QuoteList), name="quotes"),
    path(
        "v1/partnerships/<slug:slug>/reports/",
        served(views_evidence.PublicationList),
        name="reports",
    ),
    path(
        "v1/partnerships/<slug:slug>/actions/<int:pk>/updates/<int:update>/",
        served(updates.ActionUpdateDetail),
        name="action_update",
    ),
    path(
        "v1/partnerships/<slug:slug>/dataValueSets/",
        datavalues.DATA_VALUE_SETS,
        name="data_value_sets",
    ),
    path("v1/jobs/<int:pk>/", served(jobs.JobDetail), name="job"),
    # The contract and its reference pages, open to anyone (they hold no data): Swagger UI from
    # the sidecar package's files, served here, never from another site.
    path("v1/schema/", served(views.Schema), name="schema"),
    path("v1/docs/", served(views.Reference, url_name="api:schema"), name="docs"),
    # Any other address, whatever characters it holds: "." would stop at a newline (%0A), and
    # such an address got the pages' HTML 404 instead of a problem.
    re_path(r"^[\s\S]*$", served(views.Unknown), name="unknown"),
]
