"""An inspector without a second factor reaches nothing until they set one up; then signs out
and in again with a code. Every second-factor page on the way passes axe."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import Page
from tests.conftest import DEMO_PASSWORD, enrol_demo_inspector
from tests.factories import totp_code

PASSWORD = DEMO_PASSWORD  # the one password every demo of the run is loaded with


ENROL_DEMO_INSPECTOR = False  # the demo's inspector has no second factor yet


@pytest.fixture
def page(demo_page: Page) -> Page:
    """A page on a live server with the demo loaded (tests/browser/conftest.py ``demo_site``)."""
    return demo_page


@pytest.fixture
def demo(demo_site: str) -> None:
    return None


def test_an_inspector_enrols_an_authenticator_app_signs_out_and_signs_in_with_a_code(
    page: Page, demo: None
) -> None:
    page.sign_in("inspector", PASSWORD)
    # Sent to set up a second factor; allauth asks for the password again before any change.
    page.page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    assert "set up a second way to prove it" in page.page.inner_text("main")
    page.page.fill("#id_password", PASSWORD)
    with page.page.expect_navigation():
        page.page.click("main button[type=submit]")
    for path in ("/", "/p/south-ayrshire/", "/p/south-ayrshire/plan/", "/accounts/2fa/"):
        page.goto(path)
        assert page.page.url.endswith("/accounts/2fa/totp/activate/"), path
    page.assert_accessible()
    secret = page.page.inner_text("#totp-secret").strip()
    page.page.fill("#id_code", "000000")
    with page.page.expect_navigation():
        page.page.click("main button[type=submit]")
    assert "There is a problem" in page.page.inner_text("main")
    page.assert_accessible()
    page.page.fill("#id_code", totp_code(secret))
    with page.page.expect_navigation():
        page.page.click("main button[type=submit]")
    assert page.page.url.endswith("/accounts/2fa/recovery-codes/")
    assert len(page.page.query_selector_all("#recovery-codes li")) == 10
    page.assert_accessible()
    for path in ("/accounts/2fa/", "/accounts/sessions/", "/accounts/2fa/webauthn/"):
        page.goto(path)
        page.assert_accessible()
    with page.page.expect_navigation():
        page.page.click("text=Sign out")
    page.goto("/accounts/login/")
    page.page.fill("#id_login", "inspector")
    page.page.fill("#id_password", PASSWORD)
    with page.page.expect_navigation():
        page.page.click("button[type=submit]")
    assert page.page.url.endswith("/accounts/2fa/authenticate/")
    page.assert_accessible()
    page.enter_code_if_asked(secret)
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))


def test_a_security_key_is_added_and_used_to_sign_in_at_localhost_under_the_policy(
    page: Page, demo: None
) -> None:
    """A virtual authenticator (Chromium's DevTools protocol) stands for the key. Browsers refuse
    WebAuthn at a numeric address, so the add page says to use localhost there."""
    enrol_demo_inspector()
    cdp = page.page.context.new_cdp_session(page.page)
    cdp.send("WebAuthn.enable")
    options = {"protocol": "ctap2", "transport": "usb", "hasResidentKey": True}
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {"options": {**options, "hasUserVerification": True, "isUserVerified": True}},
    )
    page.base_url = page.base_url.replace("127.0.0.1", "localhost")
    page.sign_in("inspector", PASSWORD)
    page.goto("/accounts/reauthenticate/?next=/accounts/2fa/webauthn/add/")
    page.page.fill("#id_password", PASSWORD)
    with page.page.expect_navigation():
        page.page.click("main button[type=submit]")
    assert "at an address with a name" not in page.page.inner_text("main")
    page.assert_accessible()
    page.page.fill("#id_name", "Desk key")
    with page.page.expect_navigation():
        page.page.click("#mfa_webauthn_add")
    page.goto("/accounts/2fa/webauthn/")
    assert "Desk key" in page.page.inner_text("main")
    page.assert_accessible()
    with page.page.expect_navigation():
        page.page.click("text=Sign out")
    page.goto("/accounts/login/")
    page.page.fill("#id_login", "inspector")
    page.page.fill("#id_password", PASSWORD)
    with page.page.expect_navigation():
        page.page.click("button[type=submit]")
    with page.page.expect_navigation():
        page.page.click("#mfa_webauthn_authenticate")
    page.page.wait_for_url(re.compile(r"/p/south-ayrshire/$"))
