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


def action(site: Site) -> dict[str, Any]:
    return {"slug": site.partnership.slug, "pk": site.action.pk}


def update(site: Site) -> dict[str, Any]:
    return {**action(site), "update": site.update.pk}


def job(site: Site) -> dict[str, Any]:
    return {"pk": site.job.pk}


MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "api:partnerships": (None, anyone(200)),
    "api:partnership": (slug, members()),
    "api:unknown": (None, anyone(404)),
    # Writes: asked with GET, no member is let in (the method is refused before the address is
    # looked up); their own tests are in test_action_updates.py and
    # test_data_value_sets.py.
    "api:action-updates": (action, anyone(405)),
    "api:action-update": (update, members()),
    "api:data-value-sets": (slug, anyone(405)),
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
    assert Api(tokens["outsider"]).get(reverse(name, kwargs=kwargs(world.away))).status_code == 200
