"""Before changing a second factor, a person who has one confirms it is them with a code from it
(allauth's "mfa" reauthentication): the page asks for the code as the sign-in page does, a wrong
code is refused and recorded, a right one lets them through, and wrong codes are limited."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from followup.accounts.mfa import TOO_MANY_CODES
from followup.audit.models import AuditEntry
from tests import factories as f
from tests.browserlike import Form, change, page_form, submit

GENERATE = "/accounts/2fa/recovery-codes/generate/"
NEXT = "?next=%2Faccounts%2F2fa%2Frecovery-codes%2Fgenerate%2F"
REAUTHENTICATE = "/accounts/2fa/reauthenticate/"
WRONG = (
    "The code is not right. Enter the code your authenticator app shows now, or one of your "
    "recovery codes."
)


def _code_page(client: Client) -> tuple[str, Form]:
    """The page asking for a code, reached as a browser does: from the page that needs it,
    through the password page's link to use the second factor instead."""
    asked = client.get(GENERATE)
    assert asked.status_code == 302
    assert asked["Location"] == f"/accounts/reauthenticate/{NEXT}"
    password_page = client.get(asked["Location"]).content.decode()
    link = f"{REAUTHENTICATE}{NEXT}"
    assert f'href="{link}"' in password_page
    page = client.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    form = page_form(html)
    assert form.names() == {"csrfmiddlewaretoken", "next", "code"}
    return re.sub(r"\s+", " ", html), form


def _post(client: Client, form: Form, code: str) -> Any:
    return submit(client, REAUTHENTICATE, change(form, {"code": code}))


def test_an_inspector_confirms_it_is_them_with_a_code_and_may_then_make_recovery_codes(world):
    client = world.client_for("inspector")
    page, form = _code_page(client)
    assert '<h1 class="govuk-heading-l">Confirm it\'s you</h1>' in page
    assert '<label class="govuk-label govuk-label--s" for="id_code">Code</label>' in page
    assert (
        '<input class="govuk-input govuk-input--width-10" id="id_code" name="code" type="text" '
        'autocomplete="one-time-code" inputmode="numeric" spellcheck="false" '
        'autocapitalize="off">'
    ) in page
    done = _post(client, form, f.totp_code())
    assert (done.status_code, done["Location"]) == (302, GENERATE)
    assert client.get(GENERATE).status_code == 200
    assert not AuditEntry.objects.filter(verb="mfa.code_failed").exists()


def test_a_wrong_code_on_reauthenticating_is_refused_and_recorded_as_such(world):
    client = world.client_for("inspector")
    _, form = _code_page(client)
    refused = _post(client, form, "000000")
    assert refused.status_code == 200
    assert WRONG in refused.content.decode()
    assert client.get(GENERATE).status_code == 302  # still not confirmed
    entry = AuditEntry.objects.get(verb="mfa.code_failed")
    assert (entry.actor_name, entry.object_id) == ("inspector", str(world.users["inspector"].pk))
    assert entry.changes == {"wrong_code": [None, "reauthenticating"]}


def test_after_five_wrong_codes_on_reauthenticating_even_the_right_code_is_refused(world):
    client = world.client_for("inspector")
    _, form = _code_page(client)
    for _ in range(5):
        assert WRONG in _post(client, form, "000000").content.decode()
    refused = _post(client, form, f.totp_code())
    assert refused.status_code == 200
    assert TOO_MANY_CODES in refused.content.decode()
    assert client.get(GENERATE)["Location"].startswith("/accounts/reauthenticate/")
    assert AuditEntry.objects.filter(verb="mfa.code_failed").count() == 5
