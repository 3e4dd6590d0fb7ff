from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import PASSWORD


def test_member_signs_in_and_lands_on_their_partnership(world):
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "viewer", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/p/home/"
    assert "Homeshire" in response.content.decode()


def test_sign_in_returns_to_the_page_asked_for_but_never_to_another_site(world):
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "viewer", "password": PASSWORD, "next": "/p/home/plan/"}
    )
    assert response["Location"] == "/p/home/plan/"
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"login": "viewer", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_a_wrong_password_is_refused_with_a_message_that_does_not_say_which_part_was_wrong(world):
    response = Client().post("/accounts/login/", {"login": "viewer", "password": "nope"})
    assert response.status_code == 200
    assert "Enter a correct username (or email address) and password." in response.content.decode()


def test_sign_out_is_a_post_and_ends_the_session(world):
    client = world.client_for("viewer")
    assert client.get("/accounts/logout/").status_code == 200  # asks, does not sign out
    assert client.get("/p/home/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/p/home/").status_code == 302


def test_pages_ask_anonymous_visitors_to_sign_in(world):
    response = Client().get("/p/home/")
    assert response["Location"] == "/accounts/login/?next=/p/home/"


def test_the_sign_in_page_states_the_configured_time_outs(db, settings):
    settings.SESSION_IDLE_SECONDS = 20 * 60
    settings.SESSION_ABSOLUTE_SECONDS = 10 * 3600
    page = Client().get("/accounts/login/").content.decode()
    assert "signed out after 20 minutes without using Followup, and 10 hours after signing in" in (
        page
    )
    assert 'placeholder="' not in page
    assert "Username or email address" in page


def test_a_password_made_of_the_username_and_email_is_refused(world):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    viewer = world.users["viewer"]
    viewer.email = "viewer@example.org"
    with pytest.raises(ValidationError):
        validate_password("viewer-example", viewer)
