"""The account pages' forms (django-allauth's views behind Followup's adapter and templates) take
hostile values without a server error, signed out and signed in."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.core.test_no_server_errors import HOSTILE

SIGNED_OUT = {
    "account_login": ["login", "password"],
    "account_reset_password": ["email"],
}
SIGNED_IN = {
    "account_change_password": ["oldpassword", "password1", "password2"],
    "account_email": ["email", "action_add", "action_primary", "action_remove"],
    "account_reauthenticate": ["password"],
    "account_logout": ["next"],
    # Without its one-time key: tests/accounts/test_token_pages.py posts it with one.
    "accounts:token_create": ["name", "scope", "days", "allowed_addresses"],
}


@pytest.mark.parametrize("name", sorted(SIGNED_OUT))
def test_hostile_values_in_a_signed_out_account_form_never_give_a_server_error(
    world: Any, name: str
) -> None:
    client = world.client_for(None)
    for value in HOSTILE:
        data = {field: value for field in SIGNED_OUT[name]}
        assert client.post(reverse(name), data).status_code < 500, (name, value[:20])
        many = {field: [value, value] for field in SIGNED_OUT[name]}
        assert client.post(reverse(name), many).status_code < 500, (name, value[:20])


@pytest.mark.parametrize("name", sorted(SIGNED_IN))
def test_hostile_values_in_a_signed_in_account_form_never_give_a_server_error(
    world: Any, name: str
) -> None:
    for value in HOSTILE:
        client = world.client_for("viewer")  # afresh: a hostile sign-out may end the session
        data = {field: value for field in SIGNED_IN[name]}
        assert client.post(reverse(name), data).status_code < 500, (name, value[:20])


def test_hostile_keys_in_a_reset_link_never_give_a_server_error(world: Any) -> None:
    client = world.client_for(None)
    for value in HOSTILE:
        key = value.replace("/", "x")[:200] or "x"
        url = reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": key})
        assert client.get(url).status_code < 500, value[:20]
        assert client.post(url, {"password1": value, "password2": value}).status_code < 500


def test_a_password_of_128_characters_is_judged_not_refused_with_a_server_error(world: Any) -> None:
    from django.contrib.auth.password_validation import validate_password

    words = "orbit lantern mossy quiver tundra pelican saffron wobble gravel nectar hinge "
    password = (words * 2)[:128]
    assert len(password) == 128
    validate_password(password, world.users["viewer"])  # accepted, judged by its first 72


def test_a_password_made_of_a_partnerships_name_is_refused_though_zxcvbn_alone_would_pass_it(
    world: Any,
) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from zxcvbn import zxcvbn

    assert zxcvbn("Homeshire2026!")["score"] == 4  # strong to a guesser who knows nothing of us
    with pytest.raises(ValidationError, match="easy to guess"):
        validate_password("Homeshire2026!", world.users["viewer"])
