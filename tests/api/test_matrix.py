"""Every address of the API, asked with each of the cast's read-only tokens: what each gets.
Like tests/partnerships/test_access_matrix.py for the pages, a new address needs a row here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.api.conftest import Api, make_token
from tests.conftest import Site, World

CAST = ("lead", "editor", "contributor", "viewer", "inspector", "admin")
OTHERS = ("outsider", "service_admin")
WHO = CAST + OTHERS

Kwargs = Callable[[Site], dict[str, Any]] | None


def members(status: int = 200) -> dict[str, int]:
    """Every member of the partnership gets ``status``; the outsider and a service administrator
    who is not a member get 404, as on the pages."""
    return {**{w: status for w in CAST}, **{w: 404 for w in OTHERS}}


def anyone(status: int) -> dict[str, int]:
    return {w: status for w in WHO}


def slug(site: Site) -> dict[str, Any]:
    return {"slug": site.partnership.slug}


def of(attribute: str) -> Callable[[Site], dict[str, Any]]:
    """The partnership's slug and the id of one of its objects (``Site``'s attribute)."""

    def kwargs(site: Site) -> dict[str, Any]:
        return {"slug": site.partnership.slug, "pk": getattr(site, attribute).pk}

    return kwargs


def update(site: Site) -> dict[str, Any]:
    return {"slug": site.partnership.slug, "pk": site.action.pk, "update": site.update.pk}


def job(site: Site) -> dict[str, Any]:
    return {"pk": site.job.pk}


MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "api:partnerships": (None, anyone(200)),
    "api:partnership": (slug, members()),
    "api:inspections": (slug, members()),
    "api:inspection": (of("inspection"), members()),
    "api:actions": (slug, members()),
    "api:action": (of("action"), members()),
    "api:action_updates": (of("action"), members()),
    "api:updates": (slug, members()),
    "api:reviews": (slug, members()),
    "api:review": (of("review"), members()),
    "api:indicators": (slug, members()),
    "api:indicator": (of("indicator"), members()),
    "api:indicator_figures": (of("indicator"), members()),
    # No other area has a figure in the test world: 404 for everyone, as a problem.
    "api:indicator_comparison": (of("indicator"), anyone(404)),
    "api:indicator_analysis": (of("indicator"), members()),
    "api:data_elements": (slug, members()),
    "api:releases": (slug, members()),
    "api:codes": (slug, members()),
    "api:quotes": (slug, members()),
    "api:reports": (slug, members()),
    "api:unknown": (None, anyone(404)),
    # The writes' own tests are in test_action_updates.py and test_data_value_sets.py.
    "api:action_update": (update, members()),
    # The raw data values are for those who may see exact small counts: not a viewer.
    "api:data_value_sets": (slug, {**members(), "viewer": 403}),
    "api:job": (job, members()),
    # The contract and its reference pages hold no data: open to anyone, a token or none.
    "api:schema": (None, anyone(200)),
    "api:docs": (None, anyone(200)),
}


def api_url_names() -> set[str]:
    names: set[str] = set()
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "api":
            names |= {
                f"api:{p.name}"
                for p in pattern.url_patterns
                if isinstance(p, URLPattern) and p.name
            }
    return names


def test_every_api_address_has_a_row_in_the_matrix():
    assert api_url_names() == set(MATRIX)


@pytest.fixture(scope="module")
def tokens(world_for_module: World | None, django_db_blocker: Any) -> dict[str, str]:
    assert world_for_module is not None
    with django_db_blocker.unblock():
        return {w: make_token(world_for_module.users[w]) for w in WHO}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_token_of_the_cast_gets_the_expected_status(world, tokens, name):
    kwargs, expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs(world.home) if kwargs else None)
    got = {who: Api(tokens[who]).get(url).status_code for who in WHO}
    assert got == expected


@pytest.mark.parametrize(
    "name", sorted(n for n, row in MATRIX.items() if row[0] is not None and row[1]["lead"] == 200)
)
def test_outsider_token_gets_404_for_every_homeshire_object(world, tokens, name):
    kwargs = MATRIX[name][0]
    assert kwargs is not None
    url = reverse(name, kwargs=kwargs(world.home))
    assert Api(tokens["outsider"]).get(url).status_code == 404
    own = Api(tokens["outsider"]).get(reverse(name, kwargs=kwargs(world.away))).status_code
    assert own == MATRIX[name][1]["lead"]  # their own partnership's, as a member gets it


@pytest.mark.parametrize(
    # A job's address names no partnership (``job``): the outsider's tests cover it.
    "name",
    sorted(n for n, row in MATRIX.items() if row[0] is not None and row[0] not in (slug, job)),
)
def test_a_member_gets_404_for_another_partnerships_object_under_their_own_partnership(
    world, tokens, name
):
    """Swapping in the other partnership's object id never reveals it."""
    kwargs = MATRIX[name][0]
    assert kwargs is not None
    mixed = {**kwargs(world.away), "slug": world.home.partnership.slug}
    assert Api(tokens["admin"]).get(reverse(name, kwargs=mixed)).status_code == 404


# Addresses that take no token (the contract and its pages) or answer 404 whatever is asked.
OPEN = {"api:schema", "api:docs", "api:unknown"}


@pytest.mark.parametrize("name", sorted(set(MATRIX) - OPEN))
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_read_only_token_gets_403_for_every_unsafe_method_at_every_address(
    world, tokens, name, method
):
    kwargs = MATRIX[name][0]
    url = reverse(name, kwargs=kwargs(world.home) if kwargs else None)
    response = Api(tokens["admin"]).request(method, url, {})
    assert (response.status_code, response["Content-Type"]) == (403, "application/problem+json")
