"""Setting up an authenticator app through allauth's pages as drawn, committed for real: in a
module of its own, so that the other tests of second factors share one world (tests/conftest.py)."""

from __future__ import annotations

import re

import pytest

from followup.audit.models import AuditEntry
from tests import factories as f
from tests.accounts.test_second_factors import ACTIVATE, confirm, new_inspector, sign_in, verbs


# Committed for real: allauth announces the new factor once its transaction commits, inside the
# request, which renews the session key before the response goes.
@pytest.mark.django_db(transaction=True)
def test_an_inspector_sets_up_an_authenticator_app_through_the_page_as_drawn(world):
    user = new_inspector(world)
    client, response = sign_in("newinspector")
    assert client.get(response["Location"])["Location"] == ACTIVATE
    # allauth asks for the password again before any change of second factor.
    assert client.get(ACTIVATE)["Location"].startswith("/accounts/reauthenticate/")
    confirm(client)
    page = client.get(ACTIVATE).content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page)
    assert secret is not None
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert "data:image/svg+xml;base64," in page  # the QR code
    wrong = client.post(ACTIVATE, {"code": "000000"})
    assert wrong.status_code == 200 and "govuk-error-summary" in wrong.content.decode()
    before = client.session.session_key
    done = client.post(ACTIVATE, {"code": f.totp_code(secret.group(1))})
    assert done["Location"] == "/accounts/2fa/recovery-codes/"
    assert sorted(user.authenticator_set.values_list("type", flat=True)) == [
        "recovery_codes",
        "totp",
    ]
    assert client.session.session_key != before  # renewed when a factor is added
    codes = client.get(done["Location"]).content.decode()
    assert codes.count("<li><code>") == 10
    assert client.get("/p/home/").status_code == 200
    assert verbs(user)[-2:] == ["mfa.add", "mfa.add"]
    added = AuditEntry.objects.filter(verb="mfa.add", object_id=str(user.pk))
    assert sorted(e.changes["second_factor"][1] for e in added) == [
        "authenticator app",
        "recovery codes",
    ]
