"""In a real browser: a service administrator creates a partnership and invites its lead by
email; the lead, following the link read from the SMTP server, creates their account and invites
a colleague. Each new page passes axe (WCAG 2.2 AA)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User

from followup.partnerships.models import Membership, Partnership
from tests.conftest import DEMO_PASSWORD
from tests.factories import totp_authenticator

PASSWORD = DEMO_PASSWORD  # the one password every demo of the run is loaded with
LEAD_PASSWORD = "granite meadow lantern fjord"


@pytest.fixture
def chief(transactional_db):
    user = User.objects.create_superuser("chief", "chief@example.org", PASSWORD)
    totp_authenticator(user)  # a service administrator must have a second factor
    return user


def test_service_admin_creates_a_partnership_and_its_invited_lead_invites_a_colleague(
    page, chief, smtp_server
):
    p = page.page
    page.sign_in("chief", PASSWORD)
    p.wait_for_url(re.compile(r"/$"))
    p.click("text=create and manage partnerships")
    p.wait_for_url(re.compile(r"/manage/partnerships/$"))
    page.assert_accessible()
    p.click("text=Create a partnership")
    p.wait_for_url(re.compile(r"/manage/partnerships/new/$"))
    page.assert_accessible()
    p.fill("#id_name", "Lochside")
    p.fill("#id_slug", "lochside")
    p.fill("#id_new_area_code", "S12000099")
    p.fill("#id_new_area_name", "Lochside Council")
    p.click("button:has-text('Save')")
    p.wait_for_url(re.compile(r"/manage/partnerships/lochside/$"))
    page.assert_accessible()
    p.click("text=Add an organisation")
    p.fill("#id_name", "Lochside Council")
    p.click("button:has-text('Save')")
    p.wait_for_url(re.compile(r"/manage/partnerships/lochside/$"))
    p.click("text=Members and invitations")
    p.wait_for_url(re.compile(r"/p/lochside/members/$"))
    page.assert_accessible()
    p.click("text=Invite someone")
    page.assert_accessible()
    p.fill("#id_email", "loch.lead@example.org")
    p.check("input[name=role][value=lead]")
    p.click("button:has-text('Send invitation')")
    p.wait_for_url(re.compile(r"/p/lochside/members/$"))
    assert "loch.lead@example.org" in p.locator("main").inner_text()
    (message,) = smtp_server.to("loch.lead@example.org")
    (link,) = smtp_server.links(message)
    p.click("button:has-text('Sign out')")
    p.wait_for_url(re.compile(r"/accounts/"))

    page.goto(urlsplit(link).path)
    page.assert_accessible()
    p.fill("#id_username", "lochlead")
    p.fill("#id_password1", LEAD_PASSWORD)
    p.fill("#id_password2", LEAD_PASSWORD)
    p.click("button:has-text('Create account and join')")
    p.wait_for_url(re.compile(r"/p/lochside/$"))
    partnership = Partnership.objects.get(slug="lochside")
    assert Membership.objects.get(user__username="lochlead", partnership=partnership).role == "lead"
    p.click("text=Members and invitations")
    p.wait_for_url(re.compile(r"/p/lochside/members/$"))
    page.assert_accessible()
    p.click("text=Invite someone")
    p.fill("#id_email", "colleague@example.org")
    p.check("input[name=role][value=editor]")
    p.click("button:has-text('Send invitation')")
    p.wait_for_url(re.compile(r"/p/lochside/members/$"))
    assert len(smtp_server.to("colleague@example.org")) == 1
    p.click("text=Second factor")
    page.assert_accessible()
