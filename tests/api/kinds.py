"""The kinds of object the API's addresses name by id, and the demo's objects of each kind by
partnership: what tests/api/test_schemathesis.py mixes into its requests and what
tests/api/test_tenancy.py asks for with the outsider's token. An address whose id is of a kind
not named here fails the tenancy sweep until it is."""

from __future__ import annotations

import re

from django.db.models import Model

from followup.indicators.models import Indicator
from followup.inspections.models import Inspection
from followup.jobs.models import Job
from followup.plans.models import Action
from followup.reviews.models import ProgressReview

# The demo's two partnerships: the cast's own, and the outsider's.
OUR = "south-ayrshire"
OTHER = "glenmorran"

# The name of each kind in the addresses (the part before its id), its model, and the lookup
# from the model to its partnership's slug.
KINDS: dict[str, tuple[type[Model], str]] = {
    "inspections": (Inspection, "partnership__slug"),
    "actions": (Action, "partnership__slug"),
    "reviews": (ProgressReview, "inspection__partnership__slug"),
    "indicators": (Indicator, "partnership__slug"),
    # A job's address names no partnership: its id alone (/api/v1/jobs/ID/).
    "jobs": (Job, "partnership__slug"),
}

# The part of an address before its object's id, in a URL pattern (<int:pk>) or in the OpenAPI
# document's path ({id}).
_BEFORE_ID = re.compile(r"/([a-z-]+)/(?:<int:pk>|\{id\})/")


def kind_of(path: str) -> str | None:
    """The kind of object an address names by id (its last id, where there are several), or
    None for an address with no id."""
    found = _BEFORE_ID.findall(path)
    return found[-1] if found else None


def ids_by_kind() -> dict[str, dict[str, list[int]]]:
    """The ids of each kind's objects of each of the demo's partnerships."""
    found: dict[str, dict[str, list[int]]] = {}
    for kind, (model, slug) in KINDS.items():
        found[kind] = {
            partnership: sorted(
                model._default_manager.filter(**{slug: partnership}).values_list("pk", flat=True)
            )
            for partnership in (OUR, OTHER)
        }
    return found
