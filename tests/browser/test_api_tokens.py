"""A lead officer makes an API token on their account pages, keyboard and screen reader alike:
each page, its error state included, passes axe; the token is shown once and then revoked."""

from __future__ import annotations

import re

import pytest

from followup.accounts.models import AccessToken
from tests.browser.conftest import Page
from tests.conftest import DEMO_PASSWORD

PASSWORD = DEMO_PASSWORD  # the one password every demo of the run is loaded with

pytestmark = pytest.mark.browser


@pytest.fixture
def page(demo_page: Page) -> Page:
    return demo_page


def test_a_lead_makes_a_token_sees_it_once_and_revokes_it_on_accessible_pages(page):
    page.sign_in("lead", PASSWORD)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
    page.goto("/account/")
    with page.page.expect_navigation():
        page.page.get_by_role("link", name="Manage API tokens").click()
    page.assert_accessible()
    with page.page.expect_navigation():
        page.page.get_by_role("button", name="Make a token").click()
    page.assert_accessible()
    page.page.get_by_label("Name").fill("Power BI")
    page.page.get_by_label("Days until it expires").fill("400")
    with page.page.expect_navigation():
        page.page.get_by_role("button", name="Make the token").click()
    assert "Days until it expires must be from 1 to 365" in page.page.content()
    page.assert_accessible()
    page.page.get_by_label("Days until it expires").fill("90")
    with page.page.expect_navigation():
        page.page.get_by_role("button", name="Make the token").click()
    page.page.wait_for_url(re.compile(r"/account/tokens/\d+/$"))
    page.assert_accessible()
    text = page.page.get_by_label("The token “Power BI”").input_value()
    assert text.startswith("fu_pat_")
    page.page.reload()
    assert "cannot be shown again" in page.page.content()
    page.goto("/account/tokens/")
    with page.page.expect_navigation():
        page.page.get_by_role("link", name="Revoke the token Power BI").click()
    page.assert_accessible()
    with page.page.expect_navigation():
        page.page.get_by_role("button", name="Revoke the token").click()
    page.page.wait_for_url(re.compile(r"/account/tokens/$"))
    assert "Revoked" in page.page.content()
    assert AccessToken.objects.get(name="Power BI").revoked_at is not None
