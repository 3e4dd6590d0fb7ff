"""Second factors: inspectors and administrators must set one up before anything else; codes are
asked for at sign-in, limited, and each recovery code works once; every change is on the record."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from followup.accounts.mfa import TOO_MANY_CODES
from followup.accounts.middleware import ENROL, ENROLMENT_PAGES
from followup.audit.models import AuditEntry
from followup.partnerships.models import Role
from tests import factories as f
from tests.conftest import PASSWORD
from tests.partnerships.matrix import MATRIX

ACTIVATE = "/accounts/2fa/totp/activate/"
AUTHENTICATE = "/accounts/2fa/authenticate/"


def new_inspector(world: Any, username: str = "newinspector") -> Any:
    user = f.UserFactory(username=username)
    f.MembershipFactory(user=user, partnership=world.home.partnership, role=Role.INSPECTOR)
    return user


def sign_in(username: str) -> tuple[Client, Any]:
    client = Client()
    response = client.post("/accounts/login/", {"login": username, "password": PASSWORD})
    return client, response


def confirm(client: Client) -> None:
    """Confirm the password again, as allauth asks before any change of second factor."""
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302


def signed_in_with_code(username: str) -> Client:
    client, _ = sign_in(username)
    assert client.post(AUTHENTICATE, {"code": f.totp_code()}).status_code == 302
    confirm(client)
    return client


def verbs(user: Any) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="auth.user", object_id=str(user.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    )


def test_an_inspector_without_a_second_factor_is_sent_to_set_one_up_from_every_page(world):
    world.users["inspector"].authenticator_set.all().delete()
    client = world.client_for("inspector")
    for name, (kwargs, _get, _post) in sorted(MATRIX.items()):
        url = reverse(name, kwargs=kwargs(world.home) if kwargs else None)
        response = client.get(url)
        # The health check is answered before anyone is signed in (followup.jobs.health).
        if name in ENROLMENT_PAGES or name == "jobs:healthz":
            assert response.get("Location") != ACTIVATE, name
        else:
            assert (response.status_code, response["Location"]) == (302, ACTIVATE), name
    assert client.post(reverse("plans:create", args=["home"]), {})["Location"] == ACTIVATE
    page = client.get("/p/home/", follow=True)
    assert escape(ENROL) in page.content.decode()


def test_a_member_who_need_not_use_a_second_factor_is_not_sent_to_set_one_up(world):
    assert world.client_for("lead").get("/p/home/").status_code == 200
    assert world.client_for("inspector").get("/p/home/").status_code == 200


def test_a_superuser_without_a_second_factor_is_sent_to_set_one_up(world):
    boss = f.UserFactory(username="boss", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(boss)
    assert client.get("/admin/")["Location"] == ACTIVATE


def test_an_inspector_signs_in_with_a_password_then_a_code(world):
    client, response = sign_in("inspector")
    assert response["Location"] == AUTHENTICATE
    assert "_auth_user_id" not in client.session
    page = client.get(AUTHENTICATE).content.decode()
    assert "Enter your code" in page and 'autocomplete="one-time-code"' in page
    done = client.post(AUTHENTICATE, {"code": f.totp_code()})
    assert done.status_code == 302
    assert client.get("/p/home/").status_code == 200


def test_a_code_is_not_accepted_twice(world):
    code = f.totp_code()
    first, _ = sign_in("inspector")
    assert first.post(AUTHENTICATE, {"code": code}).status_code == 302
    second, _ = sign_in("inspector")
    refused = second.post(AUTHENTICATE, {"code": code})
    assert refused.status_code == 200
    assert "_auth_user_id" not in second.session


def test_wrong_codes_are_recorded_and_after_five_even_the_right_code_is_refused(world):
    client, _ = sign_in("inspector")
    for _ in range(5):
        wrong = client.post(AUTHENTICATE, {"code": "000000"})
        assert "The code is not right." in wrong.content.decode()
    refused = client.post(AUTHENTICATE, {"code": f.totp_code()})
    assert TOO_MANY_CODES in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert verbs(world.users["inspector"]).count("mfa.code_failed") == 5


def test_each_recovery_code_signs_in_once(world):
    codes = RecoveryCodes.activate(world.users["inspector"]).generate_codes()
    client, _ = sign_in("inspector")
    assert client.post(AUTHENTICATE, {"code": codes[0]}).status_code == 302
    assert client.get("/p/home/").status_code == 200
    again, _ = sign_in("inspector")
    assert again.post(AUTHENTICATE, {"code": codes[0]}).status_code == 200
    assert "_auth_user_id" not in again.session
    assert again.post(AUTHENTICATE, {"code": codes[1]}).status_code == 302


def test_removing_the_authenticator_app_is_recorded_and_renews_the_session(
    world, django_capture_on_commit_callbacks
):
    client = signed_in_with_code("inspector")
    before = client.session.session_key
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=world.users["inspector"]).exists()
    assert client.session.session_key != before
    assert "mfa.remove" in verbs(world.users["inspector"])
    assert client.get("/p/home/")["Location"] == ACTIVATE


def test_making_new_recovery_codes_is_recorded(world, django_capture_on_commit_callbacks):
    RecoveryCodes.activate(world.users["inspector"])
    client = signed_in_with_code("inspector")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/recovery-codes/generate/")
    assert response.status_code == 302
    assert verbs(world.users["inspector"])[-1] == "mfa.recovery_codes"


@pytest.mark.parametrize(
    "page",
    [
        "/accounts/2fa/",
        "/accounts/2fa/recovery-codes/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/2fa/totp/deactivate/",
        "/accounts/2fa/webauthn/",
        "/accounts/2fa/webauthn/add/",
        "/accounts/sessions/",
    ],
)
def test_second_factor_pages_are_govuk_pages(world, page):
    RecoveryCodes.activate(world.users["inspector"])
    client = signed_in_with_code("inspector")
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="govuk-heading-l"' in html
    assert "<script>" not in html  # the Content-Security-Policy allows no inline script


def test_nobody_renames_or_removes_another_persons_security_key(world):
    key = Authenticator.objects.create(
        user=world.users["admin"], type=Authenticator.Type.WEBAUTHN, data={"name": "Admin's key"}
    )
    client = signed_in_with_code("inspector")
    for action in ("edit", "remove"):
        url = f"/accounts/2fa/webauthn/keys/{key.pk}/{action}/"
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "Mine now"}).status_code == 404
    key.refresh_from_db()
    assert key.data == {"name": "Admin's key"}


def test_passkeys_are_allowed_on_plain_http_only_in_local_mode_and_not_at_a_numeric_address(
    world,
):
    assert settings.HTTPS is False and settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN is True
    client = signed_in_with_code("inspector")
    numeric = client.get("/accounts/2fa/webauthn/add/").content.decode()
    assert "not a number such as 127.0.0.1" not in numeric  # the test client's host is testserver
    page = client.get("/accounts/2fa/webauthn/add/", HTTP_HOST="127.0.0.1:8000").content.decode()
    assert "not a number such as 127.0.0.1:8000" in page
    assert 'href="http://localhost:80/accounts/2fa/webauthn/add/"' in page
    assert 'data-allauth-onload="allauth.webauthn.forms.addForm"' in page


def test_with_the_demos_setting_an_inspector_need_not_set_up_a_second_factor_but_a_partnership_can_ask(
    world, settings
):
    from followup.partnerships import access

    inspector = world.users["inspector"]
    assert access.mfa_required(inspector)
    settings.REQUIRE_MFA_FOR_PRIVILEGED = False
    assert not access.mfa_required(inspector)
    assert not access.mfa_required(world.users["service_admin"])
    world.home.partnership.require_mfa = True
    world.home.partnership.save(update_fields=["require_mfa"])
    assert access.mfa_required(inspector)


def test_check_deploy_fails_when_privileged_people_need_no_second_factor(settings):
    from followup.web.checks import NO_MFA, privileged_people_use_a_second_factor

    assert privileged_people_use_a_second_factor() == []
    settings.REQUIRE_MFA_FOR_PRIVILEGED = False
    assert [m.id for m in privileged_people_use_a_second_factor()] == [NO_MFA]


def test_a_wrong_code_shows_one_error_summary_and_the_security_key_one_stays_hidden(world):
    client, _ = sign_in("inspector")
    page = client.post(AUTHENTICATE, {"code": "000000"}).content.decode()
    # GOV.UK's summary is display: block, which beats the hidden attribute: the security key's
    # summary carries the class that hides it until its script shows it.
    assert page.count('class="govuk-error-summary"') == 1  # the code's, shown
    assert 'class="govuk-error-summary" id="webauthn-error"' not in page
