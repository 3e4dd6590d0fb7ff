"""Limit and offset paging: ``?limit=`` (100 unless asked, 1,000 at most) rows from ``?offset=``,
in an order that never changes between pages (each list's own, ties broken by id), with links to
the next and previous pages. Counting every row costs as much as reading them, so the total is
given only when asked for (``?count=true``); without it, the page reads one row more than it
shows to know whether there is a next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from followup.api.filters import WholeNumber

if TYPE_CHECKING:
    from rest_framework.views import APIView

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class PageQuery(serializers.Serializer[dict[str, Any]]):
    """The paging parameters, refused (400, naming them) when they are not whole numbers in
    range."""

    limit = WholeNumber(
        required=False,
        default=DEFAULT_LIMIT,
        min_value=1,
        max_value=MAX_LIMIT,
        help_text=f"Rows on the page, 1 to {MAX_LIMIT} ({DEFAULT_LIMIT} unless given).",
    )
    offset = WholeNumber(
        required=False,
        default=0,
        min_value=0,
        max_value=2**62,
        help_text="Rows to skip before the page.",
    )
    count = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true to have the total number of rows (`count`), which costs a query more.",
    )


class Paging(BasePagination):
    limit = DEFAULT_LIMIT
    offset = 0
    count: int | None = None
    has_next = False

    query: type[PageQuery] = PageQuery

    def _asked(self, queryset: QuerySet[Any] | list[Any], request: Request) -> dict[str, Any]:
        """Read and check the page asked for (``limit``, ``offset``, ``count`` and what a
        subclass's query adds); refused with the API's error for a bad parameter."""
        asked = self.query(data=request.query_params)
        asked.is_valid(raise_exception=True)
        self.request = request
        self.limit = asked.validated_data["limit"]
        self.offset = asked.validated_data["offset"]
        if asked.validated_data["count"]:
            self.count = len(queryset) if isinstance(queryset, list) else queryset.count()
        else:
            self.count = None
        return dict(asked.validated_data)

    def _rows(self, rows: QuerySet[Any] | list[Any]) -> list[Any]:
        """The page's rows from ``offset``, reading one more to know whether a next page is."""
        taken = list(rows[self.offset : self.offset + self.limit + 1])
        self.has_next = len(taken) > self.limit
        return taken[: self.limit]

    def paginate_queryset(
        self, queryset: QuerySet[Any] | list[Any], request: Request, view: APIView | None = None
    ) -> list[Any]:
        self._asked(queryset, request)
        return self._rows(queryset)

    def _link(self, offset: int) -> str:
        url = self.request.build_absolute_uri()
        url = replace_query_param(url, "limit", self.limit)
        if offset <= 0:
            return remove_query_param(url, "offset")
        return replace_query_param(url, "offset", offset)

    def _page(self, data: Any, next_link: str | None, previous: str | None) -> Response:
        page: dict[str, Any] = {}
        if self.count is not None:
            page["count"] = self.count
        page["next"] = next_link
        page["previous"] = previous
        page["results"] = data
        return Response(page)

    def get_paginated_response(self, data: Any) -> Response:
        return self._page(
            data,
            self._link(self.offset + self.limit) if self.has_next else None,
            self._link(self.offset - self.limit) if self.offset > 0 else None,
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": "Every row's count: only when asked with `count=true`.",
                },
                "next": {**link, "description": "The next page, or null on the last."},
                "previous": {**link, "description": "The page before, or null on the first."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        return [
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": PageQuery().fields["limit"].help_text,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            },
            {
                "name": "offset",
                "in": "query",
                "required": False,
                "description": PageQuery().fields["offset"].help_text,
                "schema": {"type": "integer", "minimum": 0},
            },
            {
                "name": "count",
                "in": "query",
                "required": False,
                "description": PageQuery().fields["count"].help_text,
                "schema": {"type": "boolean"},
            },
        ]


class AfterQuery(PageQuery):
    after = WholeNumber(
        required=False,
        min_value=0,
        max_value=2**62,
        help_text="Only rows after the row with this id: what each page's `next` link holds, "
        "so that reading a long list costs the same on its last page as on its first.",
    )


def _pk(row: Any) -> int:
    """A row's id, of a model or of ``QuerySet.values``."""
    return int(row["pk"] if isinstance(row, dict) else row.pk)


class AfterPaging(Paging):
    """Paging for lists too long to skip through (a partnership's data values): the list is in
    id order, and ``next`` asks for the rows after the page's last id (``?after=``), which a
    database finds through its primary key at once, where ``offset`` makes it read and discard
    every row before. ``offset`` still works, counted from ``after``. The query set must be
    ordered by ``pk``."""

    after: int | None = None
    previous_after: int | None = None

    query = AfterQuery

    def paginate_queryset(
        self, queryset: QuerySet[Any] | list[Any], request: Request, view: APIView | None = None
    ) -> list[Any]:
        assert isinstance(queryset, QuerySet) and queryset.query.order_by == ("pk",)
        self.after = self._asked(queryset, request).get("after")
        rows = self._rows(queryset if self.after is None else queryset.filter(pk__gt=self.after))
        self.last = _pk(rows[-1]) if rows else self.after
        if self.after is not None and self.offset == 0:
            # The page before ends at ``after``: it starts after the row ``limit`` rows back.
            back = queryset.filter(pk__lte=self.after).order_by("-pk")
            found = list(back.values_list("pk", flat=True)[self.limit : self.limit + 1])
            self.previous_after = found[0] if found else 0
        return rows

    def _after_link(self, after: int) -> str:
        url = remove_query_param(self.request.build_absolute_uri(), "offset")
        url = replace_query_param(url, "limit", self.limit)
        if after <= 0:
            return remove_query_param(url, "after")
        return replace_query_param(url, "after", after)

    def get_paginated_response(self, data: Any) -> Response:
        if self.offset > 0:
            previous: str | None = self._link(self.offset - self.limit)
        elif self.after is not None and self.after > 0:
            previous = self._after_link(self.previous_after or 0)
        else:
            previous = None
        return self._page(
            data, self._after_link(self.last or 0) if self.has_next else None, previous
        )

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": "after",
                "in": "query",
                "required": False,
                "description": AfterQuery().fields["after"].help_text,
                "schema": {"type": "integer", "minimum": 0},
            },
        ]
