"""The query parameters each list takes beyond paging, checked strictly: a value that is not
one the list knows is refused (400, naming the parameter), where the pages would quietly leave
it out. Each is turned into the arguments of the list's query function, never into a filter of
its own."""

from __future__ import annotations

import re
from typing import Any

from rest_framework import serializers
from rest_framework.request import Request

from followup.indicators.periods import ParsedPeriod, PeriodError, parse_period
from followup.plans import ratings
from followup.plans.models import ActionStatus
from followup.plans.queries import PLAN_SORTS, PlanFilters
from followup.web.forms import MAX_ID


class WholeNumber(serializers.IntegerField):
    """A whole number written in the digits 0 to 9 alone (a minus first, for the range check to
    refuse by name): DRF's reader also takes ``+5``, ``1_0`` and other scripts' digits (``１``,
    ``٣``), which no client means to send."""

    def to_internal_value(self, data: Any) -> int:
        if not (isinstance(data, str) and DIGITS.fullmatch(data)) and not (
            isinstance(data, int) and not isinstance(data, bool)
        ):
            self.fail("invalid")
        return int(super().to_internal_value(data))


DIGITS = re.compile(r"-?[0-9]+")


class Query(serializers.Serializer[dict[str, Any]]):
    """An address's query parameters. Paging's are read by ``paging``; any other is refused, and
    so is any given more than once (which would otherwise be read as its last)."""

    PAGING: frozenset[str] = frozenset({"limit", "offset", "count"})

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = self.initial_data
        unknown = sorted(set(given) - set(self.fields) - self.PAGING)
        problems = {name: "This address does not take this parameter." for name in unknown}
        if hasattr(given, "getlist"):
            problems |= {
                name: "Give this parameter once."
                for name in sorted(given)
                if name not in problems and len(given.getlist(name)) > 1
            }
        if problems:
            raise serializers.ValidationError(problems)
        return attrs

    @classmethod
    def read(cls, request: Request) -> dict[str, Any]:
        query = cls(data=request.query_params)
        query.is_valid(raise_exception=True)
        return dict(query.validated_data)


class NoQuery(Query):
    """An address that takes no query parameter at all (a write)."""

    PAGING = frozenset()


def an_id(help_text: str) -> serializers.IntegerField:
    """A filter by an object's id: a whole number from 1 to the largest id a database holds."""
    return WholeNumber(required=False, min_value=1, max_value=MAX_ID, help_text=help_text)


class PlanQuery(Query):
    recommendation = an_id("Only the actions for this recommendation (its id).")
    owner = an_id("Only the actions this organisation (its id) owns.")
    status = serializers.ChoiceField(
        choices=ActionStatus.choices, required=False, help_text="Only actions in this status."
    )
    rating = serializers.ChoiceField(
        choices=ratings.RATINGS, required=False, help_text="Only actions with this rating."
    )
    sort = serializers.ChoiceField(
        choices=list(PLAN_SORTS.items()),
        required=False,
        default="due",
        help_text="The order, as on the plan page (due date unless asked); ties by id.",
    )

    @classmethod
    def filters(cls, request: Request) -> PlanFilters:
        return PlanFilters(**cls.read(request))


class IndicatorQuery(Query):
    recommendation = an_id("Only the indicators linked to this recommendation (its id).")
    qi = an_id("Only the indicators linked to this quality indicator (its id).")
    area = serializers.CharField(
        required=False,
        max_length=20,
        help_text="Only the indicators measured for this area (its code, such as S12000028).",
    )


def period(text: str) -> ParsedPeriod:
    """A period id as the importer reads it; refused with the importer's message otherwise."""
    try:
        return parse_period(text)
    except PeriodError as error:
        raise serializers.ValidationError(str(error)) from None


class FiguresQuery(Query):
    releases = serializers.ChoiceField(
        choices=[
            ("latest", "each period's figure from its latest release"),
            ("all", "with the figures every earlier release gave"),
        ],
        required=False,
        default="latest",
        help_text="latest (each period's latest release) or all (earlier releases too).",
    )
    start = serializers.CharField(
        required=False,
        max_length=20,
        help_text="Only periods from this one on (a period id: 2019, 2019-20, 2019Q2, 2019-07).",
    )
    end = serializers.CharField(
        required=False, max_length=20, help_text="Only periods up to this one."
    )

    def validate_start(self, value: str) -> ParsedPeriod:
        return period(value)

    def validate_end(self, value: str) -> ParsedPeriod:
        return period(value)


class SinceQuery(Query):
    since = serializers.DateTimeField(
        required=False,
        help_text="Only those that changed (written, or accepted or returned) at or after this "
        "moment (ISO 8601, such as 2026-11-01T00:00:00Z): the `changed_at` of the last one "
        "read, to catch up.",
    )


class AnalysisQuery(Query):
    split = serializers.ChoiceField(
        choices=[("inspection", "split the chart at the first published inspection")],
        required=False,
        help_text="inspection: split the chart at the first published inspection, as the "
        "page's choice does (limits worked out before and after it).",
    )
