"""The "Your account" page and the header: who is signed in, in what role, and how they sign in."""

from __future__ import annotations

from django.test import Client

from tests.accounts.helpers import give_address
from tests.conftest import PASSWORD


def test_the_account_page_says_who_you_are_your_partnerships_and_roles_and_links_onwards(world):
    give_address(world.users["lead"], "lead@example.org")
    page = world.client_for("lead").get("/account/").content.decode()
    assert '<h1 class="govuk-heading-xl">Your account</h1>' in page
    assert "lead@example.org" in page
    assert "Homeshire" in page and "Lead officer" in page
    assert "Awayshire" not in page
    for url in (
        "/accounts/password/change/",
        "/accounts/email/",
        "/accounts/2fa/",
        "/accounts/sessions/",
    ):
        assert f'href="{url}"' in page


def test_the_outsider_sees_only_their_own_partnership_on_their_account_page(world):
    page = world.client_for("outsider").get("/account/").content.decode()
    assert "Awayshire" in page
    assert "Homeshire" not in page


def test_recent_sign_ins_list_successes_and_failures_with_address_and_browser(world):
    Client(HTTP_USER_AGENT="GuessBot/2", REMOTE_ADDR="10.9.8.7").post(
        "/accounts/login/", {"login": "viewer", "password": "not the password"}
    )
    client = Client(HTTP_USER_AGENT="TestBrowser/1.0", REMOTE_ADDR="10.1.2.3")
    assert (
        client.post("/accounts/login/", {"login": "viewer", "password": PASSWORD}).status_code
        == 302
    )
    page = client.get("/account/").content.decode()
    table = page.split("Recent sign-ins", 1)[1]
    assert table.index("Signed in") < table.index("Wrong password")
    assert "10.1.2.3" in table and "TestBrowser/1.0" in table
    assert "10.9.8.7" in table and "GuessBot/2" in table


def test_nobody_sees_anothers_sign_ins(world):
    Client(HTTP_USER_AGENT="ViewerBrowser/1", REMOTE_ADDR="10.5.5.5").post(
        "/accounts/login/", {"login": "viewer", "password": PASSWORD}
    )
    page = world.client_for("outsider").get("/account/").content.decode()
    assert "ViewerBrowser/1" not in page and "10.5.5.5" not in page
    assert "No sign-ins are recorded yet." in page


def test_the_header_names_who_is_signed_in_and_their_role_in_the_partnership_on_screen(world):
    client = world.client_for("lead")
    partnership_page = client.get("/p/home/").content.decode()
    assert (
        '<a class="followup-header__link" href="/account/"><span '
        'class="govuk-visually-hidden">Your account: signed in as </span>lead (Lead officer)</a>'
    ) in partnership_page
    home = client.get("/account/").content.decode()
    assert "signed in as </span>lead</a>" in home


def test_a_signed_out_visitor_is_asked_to_sign_in_for_the_account_page(world):
    response = Client().get("/account/")
    assert response["Location"] == "/accounts/login/?next=/account/"
    assert "signed in as" not in Client().get("/accounts/login/").content.decode()


def test_asking_to_sign_up_says_an_invitation_is_needed(world):
    page = Client().get("/accounts/signup/").content.decode()
    assert "You need an invitation" in page
