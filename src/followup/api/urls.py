"""The API's addresses, under /api/ (``followup.urls``). Version 1 is /api/v1/; anything else
under /api/ is 404 as a problem (``views.Unknown``)."""

from django.urls import path, re_path

from followup.api import views

app_name = "api"

urlpatterns = [
    path("v1/partnerships/", views.PartnershipList.as_view(), name="partnerships"),
    path("v1/partnerships/<slug:slug>/", views.PartnershipDetail.as_view(), name="partnership"),
    re_path(r"^.*$", views.Unknown.as_view(), name="unknown"),
]
