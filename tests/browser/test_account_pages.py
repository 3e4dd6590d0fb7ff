"""The account pages (django-allauth's, in GOV.UK style), each checked with axe, in one test."""

from __future__ import annotations

import re

import pytest

from followup.demo.loader import load_demo
from tests.browser.conftest import Page
from tests.conftest import DEMO_PASSWORD

PASSWORD = DEMO_PASSWORD  # the one password every demo of the run is loaded with


@pytest.fixture
def demo(transactional_db):
    load_demo(PASSWORD)


def test_the_account_pages_and_their_error_states_are_accessible(page: Page, demo):
    page.sign_in("lead", PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
    page.page.click("text=lead (Lead officer)")
    page.page.wait_for_url(re.compile(r"/account/$"))
    page.assert_accessible()
    for path, field in (
        ("/accounts/password/change/", "#id_oldpassword"),
        ("/accounts/email/", "#id_email"),
        ("/accounts/reauthenticate/", "#id_password"),
    ):
        page.goto(path)
        page.assert_accessible()
        page.page.fill(field, "x")
        page.page.click("main button[type=submit] >> nth=-1")
        page.page.locator(".govuk-error-summary").wait_for(state="visible", timeout=15_000)
        assert page.page.title().startswith("Error: ")
        page.assert_accessible()
    page.goto("/accounts/logout/")
    page.assert_accessible()
    page.page.click("main button[type=submit]")
    page.page.wait_for_url(re.compile(r"/accounts/login/$"))
    for path in (
        "/accounts/password/reset/",
        "/accounts/password/reset/key/1-not-a-key/",
        "/accounts/confirm-email/not-a-key/",
        "/accounts/signup/",
    ):
        page.goto(path)
        page.assert_accessible()
    page.goto("/accounts/password/reset/")
    page.page.fill("#id_email", "nobody@example.org")
    page.page.click("main button[type=submit]")
    page.page.wait_for_url(re.compile(r"/accounts/password/reset/done/$"))
    assert page.page.locator("h1").inner_text() == "Check your email"
    page.assert_accessible()
