"""A body over the limit of the API address asked is refused with 413, a problem naming that
limit, whichever check found it too large and before anything reads it. An update's body just
over the request limit was told "send at most 20 MB", a limit it never had, and data values sent
with a token whose scheme was not spelt "Bearer" were held to a form's limit."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

from tests.api.conftest import (
    SMALL_FORM_BYTES,
    Api,
    a_small_form_limit,
    declared,
    make_token,
    problem,
)
from tests.api.test_action_updates import GOOD, url
from tests.api.test_data_value_sets import CSV, URL
from tests.conftest import World

MB = 1024 * 1024
FORM_LIMIT = "2.5 MB (2,621,440 bytes)"
UPLOAD_LIMIT = "20 MB (20,971,520 bytes)"
UPDATE = json.dumps(GOOD)


@pytest.fixture
def lead(world: World) -> Api:
    return Api(make_token(world.users["lead"], write=True))


FORM = f"The request's body is too large: this address takes at most {FORM_LIMIT}."
UPLOAD = (
    f"The request's body is too large: this address takes at most {UPLOAD_LIMIT}. "
    "Send the data in parts."
)
WITHOUT_TOKEN = (
    f"The request's body is too large: without a token this address takes at most "
    f"{FORM_LIMIT}, with one {UPLOAD_LIMIT}."
)
JUST_OVER = {
    "the form limit": 2_621_440 + 1,
    "the upload limit": 20 * MB + 1,
    "the request limit": 20 * MB + 256 * 1024 + 1,
}


@pytest.mark.parametrize("over", sorted(JUST_OVER))
def test_an_update_just_over_any_limit_is_413_naming_the_form_limit_which_applies(
    world, lead, over
):
    response = declared(lead, url(world), JUST_OVER[over], "application/json")
    assert problem(response, 413)["detail"] == FORM


@pytest.mark.parametrize("over", ["the upload limit", "the request limit"])
def test_data_values_just_over_the_upload_limit_are_413_naming_it(world, lead, over):
    response = declared(lead, URL, JUST_OVER[over], "text/csv")
    assert problem(response, 413)["detail"] == UPLOAD


@pytest.mark.parametrize("over", sorted(JUST_OVER))
def test_data_values_without_a_token_over_the_form_limit_are_413_naming_both_limits(db, over):
    response = declared(Api(None), URL, JUST_OVER[over], "text/csv")
    assert problem(response, 413)["detail"] == WITHOUT_TOKEN


def test_a_read_address_posted_too_much_is_413_naming_the_form_limit(lead):
    response = declared(lead, "/api/v1/partnerships/", JUST_OVER["the form limit"], "text/csv")
    assert problem(response, 413)["detail"] == FORM


def test_an_update_at_the_form_limit_is_read(world, lead):
    note = "x" * (2_621_440 - len(UPDATE.replace('"Done."', '""')))
    sent = UPDATE.replace('"Done."', f'"{note}"').encode()
    assert len(sent) == 2_621_440
    response = lead.client.post(url(world), sent, "application/json", headers=lead.headers)
    assert problem(response, 400)["errors"] == [
        {
            "field": "note",
            "detail": f"Ensure this value has at most 5000 characters (it has {len(note)}).",
        }
    ]


def test_data_values_over_the_form_limit_are_read_whatever_case_the_token_scheme_is_in(world, lead):
    """It was refused with 413 when the scheme was not spelt "Bearer", which the API takes in
    any case. The form limit is lowered so that a body over it is small (``a_small_form_limit``)."""
    big = CSV + "\n" * SMALL_FORM_BYTES
    token = lead.headers["Authorization"].removeprefix("Bearer ")
    with a_small_form_limit():
        for scheme in ("Bearer", "bearer", "BEARER"):
            response = lead.client.post(
                URL + "?release=R&dryRun=true",
                big.encode(),
                content_type="text/csv",
                headers={"Authorization": f"{scheme} {token}"},
            )
            assert response.status_code == 200, (scheme, response.content[:200])
        # Without the token, the same body is over the form limit.
        refused = lead.client.post(URL + "?release=R&dryRun=true", big.encode(), "text/csv")
        assert problem(refused, 413)["detail"] == (
            "The request's body is too large: without a token this address takes at most "
            f"0 MB ({SMALL_FORM_BYTES:,} bytes), with one {UPLOAD_LIMIT}."
        )


def test_a_smaller_upload_setting_is_named_in_the_message(world, lead):
    with override_settings(MAX_UPLOAD_BYTES=3 * MB, MAX_REQUEST_BYTES=3 * MB + 256 * 1024):
        response = declared(lead, URL, 3 * MB + 1, "text/csv")
        assert problem(response, 413)["detail"] == (
            "The request's body is too large: this address takes at most 3 MB (3,145,728 bytes). "
            "Send the data in parts."
        )
