"""Acceptance point 1 of #13, walked in Chromium as the people themselves would, with every email
read from the real SMTP server the live server sends through (tests/mailserver.py):

1. a service administrator, signing in with password and code, creates a partnership with an
   organisation;
2. invites its lead, who follows the emailed link, chooses a username and password, enrols no
   second factor, and reaches the partnership;
3. invites an inspector, who reaches nothing but the second-factor set-up until they enrol an
   authenticator app, then signs out and in again with a code;
4. the lead, having forgotten their password, resets it through the emailed link;
5. the lead invites a contributor, who adds an update to an action of the improvement plan (the
   lead creates the action in the pages); the lead deactivates them; they cannot sign in, and
   their update still shows their name.

Each kind of page the walk meets is checked with axe the first time (``Walk.check``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import User
from django.core.cache import cache

from followup.partnerships.models import Membership
from tests.browser.conftest import Page
from tests.factories import superuser, totp_code
from tests.mailserver import Inbox

CHIEF_PASSWORD = "browser-chief-password"
LEAD_PASSWORD = "granite meadow lantern fjord"
NEW_LEAD_PASSWORD = "heather bothy curlew saltire"
INSPECTOR_PASSWORD = "quartz harbour thistle ferry"
COLLEAGUE_PASSWORD = "ember loch puffin causeway"
SLUG = "glenmorven"


@pytest.fixture
def chief(transactional_db: None) -> User:
    """A service administrator: a superuser with an authenticator app (tests.factories)."""
    user: User = superuser("chief", CHIEF_PASSWORD)
    return user


class Walk:
    """The people's browsers, each a fresh context on the one live server, and the pages axe has
    checked: a page is checked the first time the walk meets it (its path with numbers and tokens
    taken out, and whether it shows an error summary)."""

    def __init__(self, browser: Any, base_url: str, inbox: Inbox, stack: ExitStack) -> None:
        self.browser = browser
        self.base_url = base_url
        self.inbox = inbox
        self.stack = stack
        self.checked: set[tuple[str, bool]] = set()

    def fresh(self) -> Page:
        context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        self.stack.callback(context.close)
        return Page(context.new_page(), self.base_url)

    def check(self, page: Page) -> None:
        segments = [
            "N" if s.isdigit() else "T" if len(s) > 12 and re.search(r"\d", s) else s
            for s in urlsplit(page.page.url).path.split("/")
        ]
        key = ("/".join(segments), page.page.locator(".govuk-error-summary:visible").count() > 0)
        if key not in self.checked:
            self.checked.add(key)
            page.assert_accessible()

    def link_to(self, address: str, part: str) -> str:
        """The path of the link containing ``part`` in the latest message to ``address``."""
        messages = self.inbox.to(address)
        assert messages, f"no message to {address}"
        (link,) = [u for u in self.inbox.links(messages[-1]) if part in u]
        return urlsplit(link).path


def submit(page: Page, button: str) -> None:
    """Press the page's button with this text and wait for the page it leads to."""
    with page.page.expect_navigation():
        page.page.click(f"main button:has-text('{button}')")


def sign_out(walk: Walk, page: Page) -> None:
    with page.page.expect_navigation():
        page.page.click("button:has-text('Sign out')")
    assert urlsplit(page.page.url).path == "/accounts/login/"
    walk.check(page)


def sign_in_with_password(walk: Walk, page: Page, login: str, password: str) -> None:
    page.goto("/accounts/login/")
    walk.check(page)
    page.page.fill("#id_login", login)
    page.page.fill("#id_password", password)
    submit(page, "Sign in")


def invite(walk: Walk, page: Page, email: str, role: str, organisation: str = "") -> None:
    """On the partnership's members page, invite ``email`` to ``role``."""
    page.goto(f"/p/{SLUG}/members/")
    walk.check(page)
    with page.page.expect_navigation():
        page.page.click("main a:has-text('Invite someone')")
    walk.check(page)
    page.page.fill("#id_email", email)
    page.page.check(f"input[name=role][value={role}]")
    if organisation:
        page.page.select_option("#id_organisation", label=organisation)
    submit(page, "Send invitation")
    assert urlsplit(page.page.url).path == f"/p/{SLUG}/members/"
    assert email in page.page.inner_text("main")


def accept(walk: Walk, email: str, username: str, password: str) -> Page:
    """In a fresh browser, follow the invitation emailed to ``email`` and create the account."""
    page = walk.fresh()
    page.goto(walk.link_to(email, "/invitations/"))
    walk.check(page)
    page.page.fill("#id_username", username)
    page.page.fill("#id_password1", password)
    page.page.fill("#id_password2", password)
    submit(page, "Create account and join")
    return page


def create_partnership(walk: Walk, chief: Page) -> None:
    """Step 1: the service administrator signs in with password and code, and creates the
    partnership and its organisation."""
    sign_in_with_password(walk, chief, "chief", CHIEF_PASSWORD)
    assert urlsplit(chief.page.url).path == "/accounts/2fa/authenticate/"
    walk.check(chief)
    chief.enter_code_if_asked()
    assert urlsplit(chief.page.url).path == "/"
    walk.check(chief)
    with chief.page.expect_navigation():
        chief.page.click("text=create and manage partnerships")
    walk.check(chief)
    with chief.page.expect_navigation():
        chief.page.click("text=Create a partnership")
    walk.check(chief)
    chief.page.fill("#id_name", "Glenmorven")
    chief.page.fill("#id_slug", SLUG)
    chief.page.fill("#id_new_area_code", "S12000098")
    chief.page.fill("#id_new_area_name", "Glenmorven Council")
    submit(chief, "Save")
    assert urlsplit(chief.page.url).path == f"/manage/partnerships/{SLUG}/"
    walk.check(chief)
    with chief.page.expect_navigation():
        chief.page.click("text=Add an organisation")
    walk.check(chief)
    chief.page.fill("#id_name", "Glenmorven Council")
    submit(chief, "Save")
    assert urlsplit(chief.page.url).path == f"/manage/partnerships/{SLUG}/"
    assert "Glenmorven Council" in chief.page.inner_text("main table")


def lead_joins(walk: Walk, chief: Page) -> Page:
    """Step 2: the lead, invited by email, chooses a username and password, enrols no second
    factor and reaches the partnership's pages."""
    invite(walk, chief, "morag.lead@example.org", "lead", organisation="Glenmorven Council")
    lead = accept(walk, "morag.lead@example.org", "moraglead", LEAD_PASSWORD)
    assert urlsplit(lead.page.url).path == f"/p/{SLUG}/"
    walk.check(lead)
    assert "Glenmorven" in lead.page.inner_text("h1")
    membership = Membership.objects.get(user__username="moraglead", partnership__slug=SLUG)
    assert membership.role == "lead"
    assert membership.organisation is not None
    assert membership.organisation.name == "Glenmorven Council"
    assert not Authenticator.objects.filter(user__username="moraglead").exists()
    return lead


def inspector_enrols(walk: Walk, chief: Page) -> None:
    """Step 3: the inspector reaches no page before enrolling an authenticator app; enrols,
    signs out, and signs in with password and code."""
    invite(walk, chief, "iain.inspector@example.org", "inspector")
    inspector = accept(walk, "iain.inspector@example.org", "iaininspector", INSPECTOR_PASSWORD)
    # Sent to set up a second factor; allauth asks for the password again before any change.
    assert urlsplit(inspector.page.url).path == "/accounts/reauthenticate/"
    membership = Membership.objects.get(user__username="iaininspector", partnership__slug=SLUG)
    assert membership.role == "inspector"
    walk.check(inspector)
    assert "set up a second way to prove it" in inspector.page.inner_text("main")
    inspector.page.fill("#id_password", INSPECTOR_PASSWORD)
    submit(inspector, "Continue")
    assert urlsplit(inspector.page.url).path == "/accounts/2fa/totp/activate/"
    for path in (f"/p/{SLUG}/", "/"):
        inspector.goto(path)
        assert urlsplit(inspector.page.url).path == "/accounts/2fa/totp/activate/", path
    walk.check(inspector)
    secret = inspector.page.inner_text("#totp-secret").strip()
    inspector.page.fill("#id_code", totp_code(secret))
    with inspector.page.expect_navigation():
        inspector.page.click("main button[type=submit]")
    assert urlsplit(inspector.page.url).path == "/accounts/2fa/recovery-codes/"
    walk.check(inspector)
    sign_out(walk, inspector)
    sign_in_with_password(walk, inspector, "iaininspector", INSPECTOR_PASSWORD)
    assert urlsplit(inspector.page.url).path == "/accounts/2fa/authenticate/"
    inspector.enter_code_if_asked(secret)
    assert urlsplit(inspector.page.url).path == f"/p/{SLUG}/"
    assert "Glenmorven" in inspector.page.inner_text("h1")


def lead_resets_password(walk: Walk, lead: Page) -> str:
    """Step 4: the lead, signed out and misremembering their password, resets it through the
    emailed link and signs in with the new one. Returns what a wrong password is told."""
    sign_out(walk, lead)
    sign_in_with_password(walk, lead, "moraglead", "not-the-password-at-all")
    assert urlsplit(lead.page.url).path == "/accounts/login/"
    walk.check(lead)
    wrong_password = lead.page.inner_text(".govuk-error-summary")
    with lead.page.expect_navigation():
        lead.page.click("text=Forgotten your password?")
    walk.check(lead)
    lead.page.fill("#id_email", "morag.lead@example.org")
    submit(lead, "Send the link")
    walk.check(lead)
    lead.goto(walk.link_to("morag.lead@example.org", "/accounts/password/reset/key/"))
    walk.check(lead)
    lead.page.fill("#id_password1", NEW_LEAD_PASSWORD)
    lead.page.fill("#id_password2", NEW_LEAD_PASSWORD)
    submit(lead, "Save the new password")
    walk.check(lead)
    sign_in_with_password(walk, lead, "moraglead", NEW_LEAD_PASSWORD)
    assert urlsplit(lead.page.url).path == f"/p/{SLUG}/"  # a member of one partnership goes to it
    return wrong_password


def colleague_updates_an_action(walk: Walk, lead: Page) -> Page:
    """Step 5, first half: the lead adds an action to the plan and invites a contributor, who
    accepts and adds an update to it (waiting for the lead's acceptance)."""
    lead.goto(f"/p/{SLUG}/plan/")
    walk.check(lead)
    lead.goto(f"/p/{SLUG}/actions/new/")
    walk.check(lead)
    lead.page.fill("#id_title", "Agree a shared chronology for every child on the register")
    submit(lead, "Save")
    assert re.fullmatch(rf"/p/{SLUG}/actions/\d+/", urlsplit(lead.page.url).path)
    walk.check(lead)
    invite(walk, lead, "calum.colleague@example.org", "contributor")
    colleague = accept(walk, "calum.colleague@example.org", "calumc", COLLEAGUE_PASSWORD)
    assert urlsplit(colleague.page.url).path == f"/p/{SLUG}/"
    colleague.goto(f"/p/{SLUG}/plan/")
    with colleague.page.expect_navigation():
        colleague.page.click("main a:has-text('Agree a shared chronology')")
    walk.check(colleague)
    with colleague.page.expect_navigation():
        colleague.page.click("main a:has-text('Add an update')")
    walk.check(colleague)
    colleague.page.check("input[name=status][value=in_progress]")
    colleague.page.check("input[name=rating][value=on_track]")
    colleague.page.fill("#id_note", "Chronology template agreed by the three services.")
    submit(colleague, "Add update")
    assert "Chronology template agreed" in colleague.page.inner_text("main")
    assert "Waiting for acceptance" in colleague.page.inner_text("main")
    return colleague


def lead_deactivates_colleague(walk: Walk, lead: Page, colleague: Page, wrong: str) -> None:
    """Step 5, second half: the lead deactivates the colleague, who cannot sign in (told what a
    wrong password is told); their update still shows their name."""
    lead.goto(f"/p/{SLUG}/members/")
    with lead.page.expect_navigation():
        lead.page.click("main a:has-text('Deactivate calumc')")  # a page saying what it will do
    walk.check(lead)
    assert lead.page.inner_text("h1") == "Deactivate calumc"
    assert "they will no longer be able to sign in to Followup" in lead.page.inner_text("main")
    submit(lead, "Deactivate calumc")
    assert "Deactivated" in lead.page.locator("tr", has_text="calumc").inner_text()
    colleague.goto("/")
    assert urlsplit(colleague.page.url).path == "/accounts/login/"
    sign_in_with_password(walk, colleague, "calumc", COLLEAGUE_PASSWORD)
    assert urlsplit(colleague.page.url).path == "/accounts/login/"
    assert colleague.page.inner_text(".govuk-error-summary") == wrong
    lead.goto(f"/p/{SLUG}/plan/")
    with lead.page.expect_navigation():
        lead.page.click("main a:has-text('Agree a shared chronology')")
    update = lead.page.locator(".followup-timeline__item", has_text="Chronology template agreed")
    assert "by calumc" in update.inner_text()


@pytest.fixture
def walk(browser: Any, live_server: Any, smtp_server: Inbox) -> Iterator[Walk]:
    cache.clear()  # codes used and rate limits counted by earlier tests
    with ExitStack() as stack:
        yield Walk(browser, live_server.url, smtp_server, stack)


def test_an_administrator_sets_up_a_partnership_whose_people_join_sign_in_reset_and_leave(
    walk: Walk, chief: User
) -> None:
    admin = walk.fresh()
    create_partnership(walk, admin)
    lead = lead_joins(walk, admin)
    inspector_enrols(walk, admin)
    wrong_password = lead_resets_password(walk, lead)
    colleague = colleague_updates_an_action(walk, lead)
    lead_deactivates_colleague(walk, lead, colleague, wrong_password)
