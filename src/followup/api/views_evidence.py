"""The API's reads of what a partnership publishes or may publish: the codebook, approved quotes
and published reports."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import generics

from followup.api import filters, serializers_evidence, serializers_reports
from followup.evidence import queries
from followup.evidence.models import Code, Quote
from followup.partnerships.access import Capability, can, partnership_for
from followup.reports import queries as report_queries
from followup.reports.models import Publication


class CodeList(generics.ListAPIView[Code]):
    """The partnership's codebook in tree order (parents before their children, each level by
    name), as the codebook page lists it."""

    serializer_class = serializers_evidence.CodeSerializer

    def get_queryset(self) -> Any:
        filters.Query.read(self.request)
        partnership = partnership_for(self.request.user, self.kwargs["slug"])
        codebook = queries.codebook(partnership)
        exact = can(self.request.user, partnership, Capability.READ_EVIDENCE)
        self.code_context = serializers_evidence.code_context(codebook, exact)
        return [code for code, _ in codebook]

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), **getattr(self, "code_context", {})}


class QuoteList(generics.ListAPIView[Quote]):
    """The partnership's quotes approved for publication, as published (identifying words
    replaced by labels), newest first."""

    serializer_class = serializers_evidence.QuoteSerializer

    def get_queryset(self) -> QuerySet[Quote]:
        filters.Query.read(self.request)
        return queries.approved_quotes_of(self.request.user, self.kwargs["slug"])


class PublicationList(generics.ListAPIView[Publication]):
    """Every version of every report the partnership published (progress review reports and
    inspection summaries), the newest first, with the addresses of their public files."""

    serializer_class = serializers_reports.PublicationSerializer

    def get_queryset(self) -> QuerySet[Publication]:
        filters.Query.read(self.request)
        return report_queries.publications_for(self.request.user, self.kwargs["slug"])

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "slug": self.kwargs.get("slug", "")}
