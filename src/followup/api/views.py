"""The API's reads: each finds what it shows through the same ``queries.py`` functions as the
pages, as the token's user, so a token sees exactly what its user sees on the pages and no more.
A list is paged (``paging``); an object of an unknown partnership, or of another partnership, is
404 (``errors``).

A new endpoint is a few lines: a serializer in ``serializers.py`` and a view here whose
``get_queryset`` (or ``get_object``) calls one query function with ``self.request.user``.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from followup.api import contract, filters, serializers, serializers_plans, serializers_reviews
from followup.inspections import queries as inspection_queries
from followup.inspections.models import Inspection
from followup.partnerships import queries as partnership_queries
from followup.partnerships.access import partnership_for
from followup.partnerships.models import Partnership
from followup.plans import queries as plan_queries
from followup.plans.models import Action, ActionUpdate
from followup.reviews import queries as review_queries
from followup.reviews.models import ProgressReview
from followup.web.problems import NOT_FOUND


class PartnershipList(generics.ListAPIView[Partnership]):
    """The partnerships you are a member of today (an inspector: assigned to), by name."""

    serializer_class = serializers.PartnershipSerializer

    def get_queryset(self) -> QuerySet[Partnership]:
        filters.Query.read(self.request)
        return partnership_queries.partnerships_of(self.request.user)


class PartnershipDetail(generics.RetrieveAPIView[Partnership]):
    """One of your partnerships, by its slug (as in its pages' addresses)."""

    serializer_class = serializers.PartnershipSerializer

    def get_object(self) -> Partnership:
        filters.NoQuery.read(self.request)
        return partnership_for(self.request.user, self.kwargs["slug"])


class InspectionList(generics.ListAPIView[Inspection]):
    """The partnership's inspections, each with its evaluations and recommendations, the latest
    published first."""

    serializer_class = serializers.InspectionSerializer

    def get_queryset(self) -> QuerySet[Inspection]:
        filters.Query.read(self.request)
        return inspection_queries.inspections_with_findings(self.request.user, self.kwargs["slug"])


class InspectionDetail(generics.RetrieveAPIView[Inspection]):
    """One inspection of the partnership, with its evaluations and recommendations."""

    serializer_class = serializers.InspectionSerializer

    def get_object(self) -> Inspection:
        filters.NoQuery.read(self.request)
        kwargs = self.kwargs
        return inspection_queries.inspection_for(self.request.user, kwargs["slug"], kwargs["pk"])


@extend_schema(parameters=[filters.PlanQuery])
class ActionList(generics.ListAPIView[Action]):
    """The partnership's improvement plan: its actions, filtered and sorted as on the plan
    page (by due date unless asked), ties broken by id."""

    serializer_class = serializers_plans.ActionSerializer

    def get_queryset(self) -> QuerySet[Action]:
        partnership = partnership_for(self.request.user, self.kwargs["slug"])
        return plan_queries.plan_actions(partnership, filters.PlanQuery.filters(self.request))


class ActionDetail(generics.RetrieveAPIView[Action]):
    """One action of the plan."""

    serializer_class = serializers_plans.ActionSerializer

    def get_object(self) -> Action:
        filters.NoQuery.read(self.request)
        return plan_queries.action_for(self.request.user, self.kwargs["slug"], self.kwargs["pk"])


class UpdateList(generics.ListAPIView[ActionUpdate]):
    """Every update of an action, accepted, waiting or returned, newest first (by the day it
    describes, then as written), as the action's page shows them to every member."""

    serializer_class = serializers_plans.UpdateSerializer

    def get_queryset(self) -> QuerySet[ActionUpdate]:
        filters.Query.read(self.request)
        action = plan_queries.action_for(self.request.user, self.kwargs["slug"], self.kwargs["pk"])
        return plan_queries.updates_of(action)


@extend_schema(parameters=[filters.SinceQuery])
class PartnershipUpdateList(generics.ListAPIView[ActionUpdate]):
    """Every update of the partnership's plan, accepted, waiting or returned, in the order they
    last changed (written, or accepted or returned since: ``changed_at``), ties by id;
    ``since`` gives only those that changed since then, to keep a copy up to date."""

    serializer_class = serializers_plans.UpdateSerializer

    def get_queryset(self) -> QuerySet[ActionUpdate]:
        asked = filters.SinceQuery.read(self.request)
        return plan_queries.updates_written_since(
            self.request.user, self.kwargs["slug"], asked.get("since")
        )


class ReviewList(generics.ListAPIView[ProgressReview]):
    """The partnership's progress reviews, each with its judgement of each recommendation, the
    latest published first."""

    serializer_class = serializers_reviews.ReviewSerializer

    def get_queryset(self) -> QuerySet[ProgressReview]:
        filters.Query.read(self.request)
        return review_queries.reviews_with_judgements(self.request.user, self.kwargs["slug"])


class ReviewDetail(generics.RetrieveAPIView[ProgressReview]):
    """One progress review, with its judgements."""

    serializer_class = serializers_reviews.ReviewSerializer

    def get_object(self) -> ProgressReview:
        filters.NoQuery.read(self.request)
        return review_queries.review_for(self.request.user, self.kwargs["slug"], self.kwargs["pk"])


@extend_schema(exclude=True)
class Schema(APIView):
    """The OpenAPI document (docs/openapi.yaml is the same, committed), generated once a process:
    it is open to anyone, so no request makes the server work it out again."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()

    def get(self, request: Request) -> HttpResponse:
        return HttpResponse(_document(), content_type="application/vnd.oai.openapi; charset=utf-8")


_document = functools.cache(contract.document)


class Reference(SpectacularSwaggerSplitView):
    """The API's reference pages: Swagger UI, its script served from here (the page's Content
    Security Policy allows no inline script or style)."""

    template_name = "api/reference.html"
    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        if response.exception:
            # A refusal (a method it does not take) is a problem document, as everywhere under
            # /api/: the page's renderer wrote "405 Method Not Allowed" as text under that type.
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


@extend_schema(exclude=True)
class Unknown(APIView):
    """Any other address under /api/: 404, as a problem, whatever the method, with no Allow
    header (there is no address to take a method)."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        del response["Allow"]
        return response

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        path = request.path_info
        if not path.endswith("/"):
            try:
                found = resolve(path + "/")
            except Resolver404:
                found = None
            if found is not None and found.url_name != "unknown":
                raise NotFound(f"Not found: the API's addresses end with a slash ({path}/).")
        raise NotFound(NOT_FOUND)
