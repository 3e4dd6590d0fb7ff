"""Reading pages writes nothing: the time of the last request (for the idle time-out) and
allauth's record of the session's activity (the sessions page) are written at most once a
minute per session, and at once when the address or browser changes (accounts/middleware.py)."""

from __future__ import annotations

from allauth.usersessions.models import UserSession
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from followup.accounts.middleware import ACTIVITY_SECONDS, LAST_SEEN_AT, TRACKED


def _written(client, path: str, **extra: str) -> list[str]:
    """The tables a request wrote to."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, **extra).status_code == 200
    return [
        q["sql"].split('"')[1]
        for q in queries.captured_queries
        if q["sql"].startswith(("UPDATE", "INSERT", "DELETE"))
    ]


def _age(client, seconds: float) -> None:
    session = client.session
    session[LAST_SEEN_AT] = timezone.now().timestamp() - seconds
    session[TRACKED] = [timezone.now().timestamp() - seconds, *session[TRACKED][1:]]
    session.save()


def test_reading_pages_within_a_minute_writes_nothing(world):
    client = world.client_for("viewer")
    assert sorted(set(_written(client, "/p/home/"))) == [
        "django_session",
        "usersessions_usersession",
    ]
    assert _written(client, "/p/home/plan/") == []
    _age(client, ACTIVITY_SECONDS - 5)
    assert _written(client, "/p/home/") == []


def test_a_minute_later_the_next_page_notes_the_time_and_the_activity(world):
    client = world.client_for("viewer")
    client.get("/p/home/")
    _age(client, ACTIVITY_SECONDS)
    before = UserSession.objects.get(session_key=client.session.session_key).last_seen_at
    assert sorted(_written(client, "/p/home/plan/")) == [
        "django_session",
        "usersessions_usersession",
    ]
    assert UserSession.objects.get(session_key=client.session.session_key).last_seen_at > before
    assert timezone.now().timestamp() - client.session[LAST_SEEN_AT] < 5


def test_a_new_address_is_recorded_at_once(world):
    client = world.client_for("viewer")
    client.get("/p/home/")
    assert _written(client, "/p/home/plan/", REMOTE_ADDR="192.0.2.9") == [
        "usersessions_usersession",
        "django_session",
    ]
    assert UserSession.objects.get(session_key=client.session.session_key).ip == "192.0.2.9"
