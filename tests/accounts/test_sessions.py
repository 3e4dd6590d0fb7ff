"""Sessions end after the idle and absolute time-outs, saying why; a person sees where they are
signed in and signs out of every other session."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.utils import timezone

from followup.accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from tests.conftest import PASSWORD


def shift(client: Client, key: str, seconds: float) -> None:
    """Move one of the session's timestamps ``seconds`` into the past."""
    session = client.session
    session[key] = timezone.now().timestamp() - seconds
    session.save()


def test_signing_in_notes_the_time_of_sign_in_and_of_the_last_request(world):
    client = Client()
    client.post("/accounts/login/", {"login": "viewer", "password": PASSWORD})
    assert client.session[SIGNED_IN_AT] <= client.session[LAST_SEEN_AT]


def test_a_person_idle_for_longer_than_the_idle_time_out_is_signed_out_and_told_why(world):
    client = world.client_for("viewer")
    shift(client, LAST_SEEN_AT, settings.SESSION_IDLE_SECONDS - 60)
    assert client.get("/p/home/").status_code == 200  # still in time; the clock starts again
    shift(client, LAST_SEEN_AT, settings.SESSION_IDLE_SECONDS + 1)
    response = client.get("/p/home/plan/")
    assert response["Location"] == "/accounts/login/?next=%2Fp%2Fhome%2Fplan%2F"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because you had not used Followup for 30 minutes." in page


def test_a_person_signed_in_longer_than_the_absolute_time_out_is_signed_out_however_active(world):
    client = world.client_for("viewer")
    shift(client, SIGNED_IN_AT, settings.SESSION_ABSOLUTE_SECONDS - 60)
    assert client.get("/p/home/").status_code == 200
    shift(client, SIGNED_IN_AT, settings.SESSION_ABSOLUTE_SECONDS + 1)
    response = client.post("/p/home/plan/new/", {})
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because you signed in more than 12 hours ago." in page


def test_the_session_cookie_lasts_no_longer_than_the_absolute_time_out(world):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60
    assert settings.SESSION_IDLE_SECONDS == 30 * 60


def test_the_sessions_page_lists_each_browser_and_marks_this_one(world):
    here = Client(HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0) Firefox/128.0")
    there = Client(HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Safari/537.36")
    for client in (here, there):
        client.post("/accounts/login/", {"login": "lead", "password": PASSWORD})
    page = here.get("/accounts/sessions/").content.decode()
    assert "Firefox on Windows" in page and "Chrome on Android" in page
    assert page.count("This browser") == 1
    assert "Sign out of all other sessions" in page


def test_signing_out_of_other_sessions_ends_the_other_browsers_session_only(world):
    here, there = Client(), Client()
    for client in (here, there):
        client.post("/accounts/login/", {"login": "lead", "password": PASSWORD})
    assert there.get("/p/home/").status_code == 200
    assert here.post("/accounts/sessions/").status_code == 302
    assert there.get("/p/home/")["Location"] == "/accounts/login/?next=/p/home/"
    assert here.get("/p/home/").status_code == 200
    assert "Sign out of all other sessions" not in here.get("/accounts/sessions/").content.decode()
