"""Every URL the project defines, visited by every member of the cast, as the access matrix
(tests/partnerships/matrix.py) says they should find it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from followup.accounts import middleware
from tests.conftest import World
from tests.partnerships.matrix import MATRIX, WHO, project_url_names, url_of
from tests.partnerships.matrix_objects import slug


def test_every_url_pattern_has_a_row_in_the_matrix():
    assert project_url_names() == set(MATRIX)


@pytest.fixture(scope="module")
def _activity_recorded_once_a_day() -> Iterator[None]:
    """A server records a session's activity at most once a minute (``ACTIVITY_SECONDS``,
    tests/accounts/test_session_writes.py). Each test's writes are rolled back, the record
    among them, so every request of the matrix recorded it again, a session written and
    allauth's record of it updated, a sixth of each request's time: here a session recorded on
    signing in (``signed_in``) is not recorded again in the module, as a server's would not be
    within the minute. What anyone may see and do does not depend on it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(middleware, "ACTIVITY_SECONDS", 24 * 60 * 60)
        yield


@pytest.fixture(scope="module")
def signed_in(
    world_for_module: World | None, django_db_blocker: Any, _activity_recorded_once_a_day: None
) -> dict[str, str]:
    """The session cookie of each of the cast, signed in once for the module in the module's
    world, and rolled back with it; each session's activity is recorded by a first request, as
    a server records it. What a test does to a session (a request's own writes, signing out) is
    rolled back with the rest of the test. Signing the cast in again for each of the matrix's
    240 tests took a tenth of their time."""
    assert world_for_module is not None
    cookies = {}
    with django_db_blocker.unblock():
        for who in WHO:
            if who is not None:
                client = Client()
                client.force_login(world_for_module.users[who])
                client.get("/")
                assert middleware.TRACKED in client.session
                cookies[who] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cookies


@pytest.fixture
def cast(world: World, signed_in: dict[str, str]) -> Callable[[str | None], Client]:
    """A client for each of the cast (None: signed out), in the session made for the module."""

    def client_for(who: str | None) -> Client:
        client = Client()
        if who is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = signed_in[who]
        return client

    return client_for


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_member_of_the_cast_gets_the_expected_status_on_get(world, cast, name):
    url = url_of(world, name)
    got = {who: cast(who).get(url).status_code for who in WHO}
    assert got == MATRIX[name][1]


@pytest.mark.parametrize("name", sorted(n for n, row in MATRIX.items() if row[2] is not None))
def test_each_member_of_the_cast_gets_the_expected_status_on_post(world, cast, name):
    url = url_of(world, name)
    expected = MATRIX[name][2]
    got = {who: cast(who).post(url, {}).status_code for who in WHO}
    assert got == expected


@pytest.mark.parametrize(
    "name",
    sorted(
        n
        for n, row in MATRIX.items()
        if row[0] is not None and row[0] is not slug and not getattr(row[0], "slug_only", False)
    ),
)
def test_member_gets_404_for_another_partnerships_object_under_their_own_partnership(
    world, cast, name
):
    """Swapping in the other partnership's object id never reveals it."""
    kwargs = MATRIX[name][0]
    assert kwargs is not None
    mixed = kwargs(world.away)
    mixed["slug"] = world.home.partnership.slug
    url = reverse(name, kwargs=mixed)
    client = cast("admin")
    response = client.get(url)
    if response.status_code == 405:  # a POST-only URL
        response = client.post(url)
    assert response.status_code == 404


def test_inspector_gets_404_for_a_partnership_they_are_not_assigned_to(world):
    client = world.client_for("inspector")
    assert client.get(reverse("front:partnership", args=["away"])).status_code == 404
    url = reverse("inspections:detail", args=["away", world.away.inspection.pk])
    assert client.get(url).status_code == 404


def test_outsider_gets_404_for_another_partnerships_inspection(world):
    url = reverse("inspections:detail", args=["home", world.home.inspection.pk])
    assert world.client_for("outsider").get(url).status_code == 404


def test_django_admin_is_for_superusers_only(world):
    assert world.client_for("admin").get("/admin/").status_code == 302
    world.users["admin"].is_staff = True
    world.users["admin"].is_superuser = True
    world.users["admin"].save()
    assert world.client_for("admin").get("/admin/").status_code == 200
