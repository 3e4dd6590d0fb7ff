"""Personal access tokens at the API's door: which are let in, which are refused, and how."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from followup.accounts import actions, tokens
from followup.accounts.models import AccessToken
from followup.audit.models import AuditEntry
from followup.lib.types import CommandLine
from followup.partnerships import access
from followup.partnerships.actions import deactivate_member, set_require_mfa
from followup.partnerships.models import Membership
from tests.api.conftest import Api, make_token, problem
from tests.conftest import World

LIST = "/api/v1/partnerships/"


def test_a_token_is_fu_pat_and_43_random_characters_and_only_its_digest_is_stored(world):
    token, text = actions.create_token(CommandLine("tests"), world.users["viewer"], name="BI")
    assert text.startswith("fu_pat_") and len(text) == len("fu_pat_") + 43
    assert token.digest == tokens.digest(text) and len(token.digest) == 64
    assert token.prefix == text[:13]
    stored = AccessToken.objects.filter(pk=token.pk).values().get()
    assert text not in [str(value) for value in stored.values()]


def test_a_token_lasts_30_days_unless_asked_and_365_at_most(world):
    viewer = world.users["viewer"]
    before = timezone.now()
    token, _ = actions.create_token(CommandLine("tests"), viewer, name="BI")
    assert (
        datetime.timedelta(days=30)
        <= token.expires_at - before
        < datetime.timedelta(days=30, seconds=5)
    )
    year, _ = actions.create_token(CommandLine("tests"), viewer, name="BI", days=365)
    assert year.expires_at - before >= datetime.timedelta(days=365)
    for days in (366, 0, -1):
        with pytest.raises(ValidationError) as refused:
            actions.create_token(CommandLine("tests"), viewer, name="BI", days=days)
        assert refused.value.message_dict == {"days": ["Enter a number of days from 1 to 365."]}
    assert AccessToken.objects.filter(user=viewer).count() == 2


def test_a_token_is_read_only_unless_write_is_chosen(world):
    token, _ = actions.create_token(CommandLine("tests"), world.users["lead"], name="BI")
    assert token.can_write is False


def test_a_person_makes_only_their_own_tokens(world):
    with pytest.raises(PermissionDenied):
        actions.create_token(world.users["lead"], world.users["viewer"], name="theirs")
    token, _ = actions.create_token(world.users["viewer"], world.users["viewer"], name="mine")
    with pytest.raises(PermissionDenied):
        actions.revoke_token(world.users["lead"], token)
    assert AccessToken.objects.get(pk=token.pk).revoked_at is None


def test_making_and_revoking_a_token_are_in_the_audit_log_without_the_token(world):
    viewer = world.users["viewer"]
    token, text = actions.create_token(viewer, viewer, name="Power BI", days=7)
    actions.revoke_token(viewer, token)
    entries = AuditEntry.objects.filter(object_type="accounts.accesstoken").order_by("id")
    assert [(e.verb, e.actor_name) for e in entries] == [
        ("token.create", "viewer"),
        ("token.revoke", "viewer"),
    ]
    assert entries[0].changes["name"] == [None, "Power BI"]
    assert entries[0].changes["can_write"] == [None, False]
    assert text not in str(entries[0].changes) and token.digest not in str(entries[0].changes)


def test_a_request_without_a_token_gets_401_asking_for_a_bearer_token(world):
    response = Api(None).get(LIST)
    body = problem(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert body["title"] == "Unauthorized"
    assert body["detail"] == "Authentication credentials were not provided."


@pytest.mark.parametrize(
    "header",
    [
        "Bearer fu_pat_not-a-token-anyone-was-given",
        "Bearer something-else",
        "Bearer " + "fu_pat_" + "x" * 500,
        "Bearer two words",
    ],
)
def test_an_unknown_or_malformed_token_gets_401(world, header):
    response = Api(None).client.get(LIST, headers={"Authorization": header})
    problem(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_an_expired_token_gets_401(world):
    text = make_token(world.users["viewer"])
    AccessToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    body = problem(Api(text).get(LIST), 401)
    assert body["detail"] == (
        "The token is not known, has expired or was revoked. Make a new one on your account page."
    )


def test_a_revoked_token_gets_401_at_once(world):
    viewer = world.users["viewer"]
    text = make_token(viewer)
    assert Api(text).get(LIST).status_code == 200
    actions.revoke_token(viewer, AccessToken.objects.get(user=viewer))
    problem(Api(text).get(LIST), 401)


def test_the_token_of_a_deactivated_account_gets_401(world):
    viewer = world.users["viewer"]
    text = make_token(viewer)
    User.objects.filter(pk=viewer.pk).update(is_active=False)
    problem(Api(text).get(LIST), 401)


def test_ending_a_persons_last_membership_revokes_their_tokens_on_the_record(world):
    viewer = world.users["viewer"]
    first, second = make_token(viewer), make_token(viewer, name="second")
    other = make_token(world.users["contributor"])
    membership = Membership.objects.get(user=viewer)
    deactivate_member(world.users["lead"], membership)
    assert AccessToken.objects.filter(user=viewer, revoked_at__isnull=True).count() == 0
    revokes = AuditEntry.objects.filter(verb="token.revoke")
    assert [(e.actor_name, e.partnership_id) for e in revokes] == [
        ("lead", world.home.partnership.pk)
    ] * 2
    for text in (first, second):
        problem(Api(text).get(LIST), 401)
    assert Api(other).get(LIST).status_code == 200


def test_a_token_limited_to_some_addresses_works_only_from_them(world):
    viewer = world.users["viewer"]
    inside = make_token(viewer, allowed_addresses=["127.0.0.0/8"])
    elsewhere = make_token(viewer, name="office", allowed_addresses=["192.0.2.0/24", "2001:db8::1"])
    assert Api(inside).get(LIST).status_code == 200
    body = problem(Api(elsewhere).get(LIST), 403)
    assert body["detail"].startswith("This token may not be used from this address.")


def test_an_ipv4_client_seen_as_ipv6_by_a_dual_stack_server_is_its_ipv4_address(world):
    from followup.accounts.tokens import plain_address
    from followup.api.throttling import client

    token = make_token(world.users["viewer"], allowed_addresses=["192.0.2.0/24"])
    api = Api(token)
    mapped = api.client.get(LIST, headers=api.headers, REMOTE_ADDR="::ffff:192.0.2.7")
    assert mapped.status_code == 200
    other = api.client.get(LIST, headers=api.headers, REMOTE_ADDR="::ffff:198.51.100.7")
    assert other.status_code == 403
    assert str(plain_address("::ffff:192.0.2.7")) == "192.0.2.7"

    class Asked:
        META = {"REMOTE_ADDR": "::ffff:198.51.100.7"}

    # Counted as itself, not as the /64 every mapped IPv4 address shares.
    assert client(Asked()) == "198.51.100.7"


def test_an_address_that_is_not_one_is_refused_naming_it(world):
    with pytest.raises(ValidationError) as refused:
        make_token(world.users["viewer"], allowed_addresses=["192.0.2.0/24", "the office"])
    assert refused.value.message_dict == {
        "allowed_addresses": [
            "“the office” is not an IP address or network. Enter addresses such as 192.0.2.10 "
            "or 192.0.2.0/24, one a line."
        ]
    }


def test_the_last_use_is_recorded_with_its_address_at_most_once_a_minute(world):
    text = make_token(world.users["viewer"])
    token = AccessToken.objects.get()
    assert token.last_used_at is None
    Api(text).get(LIST)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and token.last_used_from == "127.0.0.1"
    Api(text).get(LIST)
    token.refresh_from_db()
    assert token.last_used_at == first
    AccessToken.objects.update(last_used_at=first - datetime.timedelta(seconds=61))
    Api(text).get(LIST)
    token.refresh_from_db()
    assert token.last_used_at > first


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_read_only_token_gets_403_for_every_unsafe_method(api, method):
    body = problem(api["lead"].request(method, LIST, {}), 403)
    assert body["detail"] == (
        "This token is read-only. Make a token with write access to change anything."
    )


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_write_token_gets_405_for_a_method_a_read_address_does_not_take(world, method):
    writer = Api(make_token(world.users["lead"], write=True))
    body = problem(writer.request(method, LIST, {}), 405)
    assert body["detail"] == f'Method "{method}" not allowed.'


def test_a_token_past_its_rate_gets_429_with_retry_after(world: World, monkeypatch):
    from followup.api.throttling import TokenRateThrottle

    clock = [1_000_000.0]  # the throttle's clock, moved by hand
    monkeypatch.setattr(TokenRateThrottle, "timer", staticmethod(lambda: clock[0]))
    text = make_token(world.users["viewer"])
    other = Api(make_token(world.users["lead"]))
    with override_settings(API_REQUESTS_PER_MINUTE=2):
        assert [Api(text).get(LIST).status_code for _ in range(2)] == [200, 200]
        response = Api(text).get(LIST)
        body = problem(response, 429)
        assert response["Retry-After"] == "60"  # both requests were made at this moment
        assert body["title"] == "Too Many Requests"
        assert other.get(LIST).status_code == 200  # counted per token
        clock[0] += 45
        assert Api(text).get(LIST)["Retry-After"] == "15"
        clock[0] += 15
        assert Api(text).get(LIST).status_code == 200  # the minute has passed


def test_an_account_that_must_set_up_a_second_factor_and_has_not_is_given_no_token(world):
    from tests import factories as f

    inspector = f.UserFactory(username="new-inspector")  # must set up a second factor first
    f.MembershipFactory(user=inspector, partnership=world.home.partnership, role="inspector")
    for actor in (CommandLine("tests"), inspector):
        with pytest.raises(ValidationError) as refused:
            actions.create_token(actor, inspector, name="BI")
        assert refused.value.messages == [
            "new-inspector must set up a second factor (an authenticator app or a security key) "
            "before they can have an API token: their role, or a partnership of theirs, requires "
            "one. They are asked to set it up when they next sign in to Followup."
        ]
    assert not AccessToken.objects.filter(user=inspector).exists()
    assert not AuditEntry.objects.filter(verb="token.create").exists()
    f.totp_authenticator(inspector)
    assert Api(make_token(inspector)).get(LIST).status_code == 200


def test_recovery_codes_alone_are_not_a_second_factor_for_a_token(world):
    from allauth.mfa.models import Authenticator

    inspector = world.users["inspector"]
    Authenticator.objects.filter(user=inspector).update(type=Authenticator.Type.RECOVERY_CODES)
    with pytest.raises(ValidationError):
        make_token(inspector)


def test_a_token_made_before_its_account_had_to_use_a_second_factor_is_refused_until_it_does(
    world,
):
    """A viewer's token, made with a password alone; then the partnership requires a second
    factor of every member. The token is refused (403, saying why) until the viewer sets one
    up, and works again after, as the pages do; an account with one is not affected."""
    from tests import factories as f

    viewer = world.users["viewer"]
    text, other = make_token(viewer), make_token(world.users["inspector"])
    assert Api(text).get(LIST).status_code == 200
    set_require_mfa(world.users["lead"], world.home.partnership, True)
    body = problem(Api(text).get(LIST), 403)
    assert body["detail"] == (
        "This token's account must set up a second factor (an authenticator app or a security "
        "key) before its tokens can be used: its role, or a partnership of its, requires one. "
        "Sign in to Followup to set it up, and the token works again."
    )
    assert AccessToken.objects.get(user=viewer).last_used_at is not None  # the first request's
    assert Api(other).get(LIST).status_code == 200
    f.totp_authenticator(viewer)
    assert Api(text).get(LIST).status_code == 200


def test_an_inspectors_token_is_refused_once_their_second_factor_is_reset(world):
    from tests import factories as f

    inspector = world.users["inspector"]
    text = make_token(inspector)
    actions.reset_second_factors(world.users["service_admin"], inspector)
    problem(Api(text).get(LIST), 403)
    f.totp_authenticator(inspector)
    assert Api(text).get(LIST).status_code == 200


def test_with_the_requirement_for_privileged_roles_off_an_inspector_may_have_a_token(
    world, settings
):
    """The demo's setting (docs/configuration.md): nobody must use a second factor for a role."""
    from tests import factories as f

    settings.REQUIRE_MFA_FOR_PRIVILEGED = False
    inspector = f.UserFactory(username="new-inspector")
    f.MembershipFactory(user=inspector, partnership=world.home.partnership, role="inspector")
    assert Api(make_token(inspector)).get(LIST).status_code == 200


def test_requests_without_a_valid_token_past_the_addresss_rate_get_429_with_retry_after(
    world: World, monkeypatch
):
    """No token and wrong tokens count alike, per address; a valid token from that address still
    works, another address has its own count, and the minute's end lets them in again."""
    from followup.api.throttling import AddressRateThrottle

    clock = [1_000_000.0]  # the throttle's clock, moved by hand
    monkeypatch.setattr(AddressRateThrottle, "timer", staticmethod(lambda: clock[0]))
    valid = make_token(world.users["viewer"])
    wrong = "fu_pat_not-a-token-anyone-was-given"
    here, there = "192.0.2.7", "192.0.2.8"
    with override_settings(API_UNAUTHENTICATED_REQUESTS_PER_MINUTE=2):
        assert Api(None, here).get(LIST).status_code == 401
        assert Api(wrong, here).get(LIST).status_code == 401
        response = Api(None, here).get(LIST)
        body = problem(response, 429)
        assert response["Retry-After"] == "60"
        assert body["title"] == "Too Many Requests"
        assert body["detail"] == (
            "Too many requests without a valid token from this address. Send a valid token "
            "(“Authorization: Bearer fu_pat_…”), or wait. Expected available in 60 seconds."
        )
        problem(Api(wrong, here).get(LIST), 429)
        assert Api(valid, here).get(LIST).status_code == 200
        assert Api(None, there).get(LIST).status_code == 401  # counted per address
        clock[0] += 45
        assert Api(None, here).get(LIST)["Retry-After"] == "15"
        clock[0] += 15
        assert Api(None, here).get(LIST).status_code == 401  # the minute has passed


def test_the_address_counted_is_the_connecting_one_never_a_forwarded_header(world: World):
    with override_settings(API_UNAUTHENTICATED_REQUESTS_PER_MINUTE=1):
        assert Api(None, "192.0.2.7").get(LIST).status_code == 401
        for forged in ("198.51.100.1", "198.51.100.2, 192.0.2.7"):
            client = Api(None, "192.0.2.7")
            client.headers["X-Forwarded-For"] = forged
            problem(client.get(LIST), 429)


def test_an_ipv6_client_is_counted_by_its_64_network(world: World):
    with override_settings(API_UNAUTHENTICATED_REQUESTS_PER_MINUTE=1):
        assert Api(None, "2001:db8:1:2::1").get(LIST).status_code == 401
        problem(Api(None, "2001:db8:1:2:ffff::9").get(LIST), 429)
        assert Api(None, "2001:db8:1:3::1").get(LIST).status_code == 401


def test_a_token_refused_for_its_address_is_counted_against_that_address(world: World):
    text = make_token(world.users["viewer"], allowed_addresses=["192.0.2.0/24"])
    with override_settings(API_UNAUTHENTICATED_REQUESTS_PER_MINUTE=1):
        problem(Api(text, "198.51.100.1").get(LIST), 403)
        problem(Api(text, "198.51.100.1").get(LIST), 429)
        assert Api(text, "192.0.2.1").get(LIST).status_code == 200


def test_the_public_schema_and_reference_pages_are_neither_counted_nor_limited(world: World):
    from followup.api import views

    views._document.cache_clear()  # its first request generates it, which asks each view
    client = Api(None)
    with override_settings(API_UNAUTHENTICATED_REQUESTS_PER_MINUTE=1):
        for _ in range(3):
            assert client.get("/api/v1/schema/").status_code == 200
            assert client.get("/api/v1/docs/").status_code == 200
        assert client.get(LIST).status_code == 401  # the first request counted
        problem(client.get(LIST), 429)


def test_deactivating_an_account_in_the_django_admin_revokes_its_tokens_on_the_record(world):
    from django.test import Client

    from tests import factories as f
    from tests.browserlike import change, submit
    from tests.core.test_admin_unchanged import admin_form

    viewer = world.users["viewer"]
    text = make_token(viewer)
    root = Client()
    root.force_login(f.superuser("root"))
    url = f"/admin/auth/user/{viewer.pk}/change/"
    sent = admin_form(root, url, "user")
    assert submit(root, url, change(sent, {"is_active": None})).status_code == 302
    assert AccessToken.objects.get(user=viewer).revoked_at is not None
    assert AuditEntry.objects.get(verb="token.revoke").actor_name == "root"
    User.objects.filter(pk=viewer.pk).update(
        is_active=True
    )  # brought back: the token stays revoked
    problem(Api(text).get(LIST), 401)


def test_a_session_neither_opens_the_api_nor_gets_the_pages_redirects_there(world):
    """A browser signed in to the pages (the reference page's "Try it out" sends its cookie) is
    not signed in to the API, and the pages' session rules (a second factor to set up, a session
    timed out) send no API request to a page."""
    from followup.accounts.middleware import SIGNED_IN_AT
    from tests import factories as f

    inspector = f.UserFactory(username="new-inspector")
    f.MembershipFactory(user=inspector, partnership=world.home.partnership, role="inspector")
    factor = f.totp_authenticator(inspector)
    text = make_token(inspector)
    factor.delete()  # a second factor to set up again, as after a reset
    browser = world.client_for(None)
    browser.force_login(inspector)
    assert browser.get("/p/home/").status_code == 302  # the pages send them to set one up
    problem(browser.get(LIST), 401)
    # The API refuses the token until then, with a problem, never a redirect to the pages.
    refused = browser.get(LIST, headers={"Authorization": f"Bearer {text}"})
    assert problem(refused, 403)["detail"] == access.TOKEN_WAITS_FOR_SECOND_FACTOR
    f.totp_authenticator(inspector)
    assert browser.get(LIST, headers={"Authorization": f"Bearer {text}"}).status_code == 200
    session = browser.session
    session[SIGNED_IN_AT] = 0  # signed in long ago: the pages would sign them out
    session.save()
    assert browser.get(LIST, headers={"Authorization": f"Bearer {text}"}).status_code == 200
