"""Passwords are refused for being easy to guess (zxcvbn), not for the kinds of character they
hold, and the message says why and what to do."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from followup.accounts.passwords import GuessabilityValidator
from tests.conftest import DEMO_PASSWORD, PASSWORD

pytestmark = pytest.mark.django_db  # the service's own words include every partnership's name

PERSON = User(username="morag.campbell", email="morag.campbell@example.org")


def refusal(password: str, user: User = PERSON) -> str:
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    return " ".join(refused.value.messages)


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "Password1234", "qwertyuiop123"])
def test_common_and_repetitive_passwords_are_refused_as_easy_to_guess(password):
    assert refusal(password).startswith("This password would be easy to guess: ")


def test_the_refusal_says_why_and_what_to_do_in_zxcvbns_words():
    assert refusal("aaaaaaaaaaaa") == (
        'This password would be easy to guess: Repeats like "aaa" are easy to guess. Add '
        "another word or two. Uncommon words are better. Avoid repeated words and characters."
    )
    assert refusal("Password1234") == (
        "This password would be easy to guess: This is similar to a commonly used password. "
        "Add another word or two. Uncommon words are better. Capital letters do not help much."
    )


def test_a_password_made_of_the_persons_own_name_is_refused():
    assert "easy to guess" in refusal("morag.campbell2024", PERSON)


@pytest.mark.parametrize(
    "password",
    [PASSWORD, DEMO_PASSWORD, "lantern orchard pebble violin", "a sound passphrase here"],
)
def test_passphrases_of_random_words_are_accepted(password):
    validate_password(password, PERSON)


def test_capitals_digits_and_symbols_are_not_asked_for():
    validate_password("ferry thistle copper kettle", PERSON)


def test_the_minimum_score_is_the_settings():
    validator = GuessabilityValidator(min_score=4)
    with pytest.raises(ValidationError, match="easy to guess"):
        validator.validate("another one here", PERSON)
    GuessabilityValidator(min_score=3).validate("another one here", PERSON)


def test_the_validator_is_configured_from_followup_password_min_score():
    from django.conf import settings

    (entry,) = [
        v for v in settings.AUTH_PASSWORD_VALIDATORS if v["NAME"].endswith("GuessabilityValidator")
    ]
    assert entry["OPTIONS"] == {"min_score": 3}


@override_settings(
    AUTH_PASSWORD_VALIDATORS=[
        {
            "NAME": "followup.accounts.passwords.GuessabilityValidator",
            "OPTIONS": {"min_score": 1},
        }
    ]
)
def test_a_lower_minimum_lets_a_weaker_password_through():
    validate_password("tuesday walk", PERSON)


def test_a_password_shorter_than_the_minimum_is_refused_and_the_minimum_is_never_under_8(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from followup.settings_registry import setting_int

    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("k7#Qz!pW2x", PERSON)  # ten characters, hard to guess
    monkeypatch.setenv("FOLLOWUP_PASSWORD_MIN_LENGTH", "7")
    with pytest.raises(Exception, match="FOLLOWUP_PASSWORD_MIN_LENGTH"):
        setting_int("FOLLOWUP_PASSWORD_MIN_LENGTH")
