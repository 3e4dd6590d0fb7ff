"""Refusals (403) say who can do what was asked and what to do, log one line each, and a form
refused for its CSRF token gets a GOV.UK page saying to reload and try again."""

from __future__ import annotations

import html
import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from followup.partnerships.access import (
    DOES,
    NEXT_STEP,
    PLURAL,
    ROLE_CAPABILITIES,
    Capability,
    Refused,
)
from followup.partnerships.models import Role


def text(response) -> str:
    words = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(words)).strip()


@pytest.mark.parametrize(
    ("who", "url", "says"),
    [
        (
            "lead",
            lambda site: reverse("reports:review_publish", args=["home", site.review.pk]),
            "Only inspectors and administrators can publish reports. The inspection summary and "
            "the progress review report are the inspectorate's documents: the inspector assigned "
            "to this partnership publishes them.",
        ),
        (
            "lead",
            lambda site: reverse("inspections:edit", args=["home", site.inspection.pk]),
            "Only inspectors and administrators can record inspections, their evaluations and "
            "recommendations. Inspections are the inspectorate's record: ask the inspector "
            "assigned to this partnership to change them.",
        ),
        (
            "inspector",
            lambda site: reverse("plans:edit", args=["home", site.action.pk]),
            "Only editors, lead officers and administrators can change the improvement plan. If "
            "your work needs it, ask an administrator of this partnership to change your role.",
        ),
        (
            "viewer",
            lambda site: reverse("evidence:source", args=["home", site.source.pk]),
            "Only contributors, editors, lead officers, inspectors and administrators can read "
            "the evidence itself: people's original words, cases and exact small counts. If your "
            "work needs it, ask an administrator of this partnership to change your role.",
        ),
    ],
)
def test_a_refusal_says_who_can_and_what_to_do(world, who, url, says):
    response = world.client_for(who).get(url(world.home))
    assert response.status_code == 403
    page = text(response)
    assert f"You cannot do this {says}" in page
    assert "Ask your lead officer" not in page


@pytest.mark.parametrize("capability", [c for c in Capability if c != Capability.VIEW])
def test_every_refusal_names_exactly_the_roles_that_can_and_sends_no_one_to_a_role_that_cannot(
    capability,
):
    holders = {PLURAL[Role(r)] for r, held in ROLE_CAPABILITIES.items() if capability in held}
    refused = Refused(capability)
    named = refused.message.removeprefix("Only ").split(" can ")[0]
    assert set(re.split(r", | and ", named)) == holders
    assert refused.message == f"Only {named} can {DOES[capability]}."
    # The advice names only roles that hold the capability: "ask your lead officer" to publish
    # would send a lead officer to someone who cannot.
    advice = refused.next_step.lower()
    for role, plural in PLURAL.items():
        singular = str(Role(role).label).lower()
        if plural not in holders:
            assert singular not in advice and plural not in advice, (capability, role)
    assert (capability in NEXT_STEP) or "administrator" in advice


def test_a_refusal_is_logged_as_one_line_saying_who_was_refused_what_without_a_traceback(
    world, caplog
):
    lead = world.users["lead"]
    url = reverse("reports:review_publish", args=["home", world.home.review.pk])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert world.client_for("lead").post(url, {"version": "1"}).status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    record = records[0]
    assert record.levelno == logging.WARNING
    assert (record.exc_info, record.exc_text) == (None, None)
    assert record.getMessage() == (
        f"Refused POST {url} to user {lead.pk}: publish_reports: Only inspectors "
        "and administrators can publish reports."
    )
    # The id alone, as docs/deploy.md says: never the person's name.
    assert "lead" not in record.getMessage()
    assert "Traceback" not in caplog.text and "\n" not in record.getMessage()


def test_a_refused_path_cannot_write_a_line_of_its_own_into_the_log(world, caplog):
    from django.core.exceptions import PermissionDenied

    from followup.web.logfilters import OneLineRefusals

    class Request:
        method = "GET"
        path = "/p/home/\nFAKE 200 everything fine"
        user = world.users["viewer"]

    record = logging.LogRecord("django.request", logging.WARNING, "", 0, "x %s", ("y",), None)
    record.exc_info = (PermissionDenied, PermissionDenied("no"), None)
    record.request = Request()
    assert OneLineRefusals().filter(record)
    assert "\n" not in record.getMessage()
    assert "\\x0aFAKE" in record.getMessage()


def test_other_server_problems_keep_their_traceback(caplog):
    from followup.web.logfilters import OneLineRefusals

    try:
        raise ValueError("a real fault")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "django.request", logging.ERROR, "", 0, "Internal Server Error", (), sys.exc_info()
        )
    assert OneLineRefusals().filter(record)
    assert record.exc_info is not None and record.getMessage() == "Internal Server Error"


def test_a_sign_in_posted_without_its_csrf_token_gets_a_page_that_says_to_reload(world):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        reverse("account_login"),
        {"username": "morag.quintinshill", "password": "Her-secret-passphrase-1"},
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert 'class="govuk-template govuk-template--rebranded"' in page  # the GOV.UK page
    words = text(response)
    assert "Sorry, the form could not be sent Nothing was saved." in words
    assert "Reload the page" in words and "If you were signing in, sign in again." in words
    assert "CSRF" not in words and "Forbidden" not in words  # not Django's own page
    assert "morag" not in page and "Her-secret" not in page  # nothing posted comes back
    assert response["Cache-Control"] == "no-store"


def test_a_signed_in_member_refused_for_a_stale_form_is_not_named_on_the_page(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users["editor"])
    response = browser.post(reverse("plans:create", args=["home"]), {"title": "An action"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Sorry, the form could not be sent" in page
    assert "Sign out" not in page and world.users["editor"].get_username() not in page
