"""The API's reads of the qualitative evidence: the codebook and approved quotes."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import generics

from followup.api import filters, serializers_evidence
from followup.evidence import queries
from followup.evidence.models import Code, Quote
from followup.partnerships.access import Capability, can, partnership_for


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
