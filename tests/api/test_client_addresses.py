"""What the API does with a client whose address it cannot read (``REMOTE_ADDR`` empty, as
behind a Unix socket, or not an address at all), and with a token that is not plain ASCII.

A token limited to some addresses is refused to such a client (its address matches none of
them); requests without a valid token from such clients are all counted as one client; a
token with a byte that is not ASCII is refused as a token nobody was given."""

from __future__ import annotations

from django.test import override_settings

from followup.accounts.models import AccessToken
from tests.api.conftest import Api, make_token, problem

LIST = "/api/v1/partnerships/"
REFUSED = "The token is not known, has expired or was revoked. Make a new one on your account page."


def test_a_token_limited_to_some_addresses_is_refused_to_a_client_with_no_readable_address(world):
    viewer = world.users["viewer"]
    limited = make_token(viewer, allowed_addresses=["0.0.0.0/0", "::/0"])  # every address
    unlimited = make_token(viewer, name="anywhere")
    for unreadable in ("", "unix:/run/followup.sock", "192.0.2"):
        body = problem(Api(limited, unreadable).get(LIST), 403)
        assert body["detail"] == (
            "This token may not be used from this address. Use it from an address it allows, "
            "or make a token for this one."
        ), unreadable
        assert Api(unlimited, unreadable).get(LIST).status_code == 200, unreadable
    assert AccessToken.objects.get(name="tests").last_used_at is None  # refused: never used
    assert Api(limited, "192.0.2.7").get(LIST).status_code == 200
    assert Api(limited, "2001:db8::7").get(LIST).status_code == 200
    assert AccessToken.objects.get(name="tests").last_used_from == "192.0.2.7"


def test_clients_with_no_readable_address_share_one_count_of_requests_without_a_token(world):
    with override_settings(API_UNAUTHENTICATED_REQUESTS_PER_MINUTE=1):
        problem(Api(None, "").get(LIST), 401)
        response = Api(None, "unix:/run/followup.sock").get(LIST)
        body = problem(response, 429)
        assert body["detail"].startswith(
            "Too many requests without a valid token from this address."
        )
        assert response["Retry-After"] == "60"
        problem(Api(None, "").get(LIST), 429)
        problem(Api(None, "192.0.2.7").get(LIST), 401)  # a readable address has its own count


def test_a_token_with_a_byte_that_is_not_ascii_is_refused_as_unknown_and_counted(world):
    text = make_token(world.users["viewer"])
    client = Api(None).client
    garbled = f"Bearer {text[:-1]}é"
    response = client.get(LIST, headers={"Authorization": garbled})
    body = problem(response, 401)
    assert body["detail"] == REFUSED
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert AccessToken.objects.get().last_used_at is None
    with override_settings(API_UNAUTHENTICATED_REQUESTS_PER_MINUTE=1):
        # The refusal above was counted against the address: the next one is past the limit.
        problem(client.get(LIST, headers={"Authorization": garbled}), 429)
        assert Api(text).get(LIST).status_code == 200
