"""How the API reads a request's body, the same at both of its writes (an action's update and
the data values): strict JSON, with a key given twice refused rather than the last one kept, and
UTF-8 only, any other charset refused with 415 rather than decoded as something else."""

from __future__ import annotations

import json
from typing import Any

import pytest

from followup.audit.models import AuditEntry
from followup.indicators.models import DataValue
from followup.plans.models import ActionUpdate
from tests.api.conftest import Api, declared, make_token, problem
from tests.api.test_action_updates import GOOD, url
from tests.api.test_data_value_sets import CSV, URL
from tests.conftest import World

READ = "The request's body could not be read: it is listed with the field it is about."
UPDATE = json.dumps(GOOD)
VALUE = (
    '{"area_code": "S1HOME", "period": "2022", "data_element": "children_looked_after", '
    '"value": 40, "note": "café"}'
)
VALUES = f'{{"dataValues": [{VALUE}]}}'


@pytest.fixture
def lead(world: World) -> Api:
    return Api(make_token(world.users["lead"], write=True))


def post(api: Api, address: str, body: bytes, content_type: str, **extra: Any) -> Any:
    return api.client.generic(
        "POST", address, body, content_type=content_type, headers=api.headers, **extra
    )


def written() -> tuple[int, int, int]:
    return ActionUpdate.objects.count(), DataValue.objects.count(), AuditEntry.objects.count()


def body_problem(response: Any) -> str:
    """The one problem of a body that could not be read."""
    found = problem(response, 400)
    assert found["detail"] == READ
    assert [e["field"] for e in found["errors"]] == ["body"]
    return str(found["errors"][0]["detail"])


# Duplicate keys


def test_a_key_given_twice_in_an_update_is_400_naming_it_and_nothing_is_added(world, lead):
    before = written()
    sent = UPDATE.removesuffix("}") + ', "note": "Not done."}'
    response = post(lead, url(world), sent.encode(), "application/json")
    assert body_problem(response) == (
        "The body is not JSON: the key “note” is given more than once in one object."
    )
    assert written() == before


@pytest.mark.parametrize(
    ("sent", "key"),
    [
        (
            VALUES.replace('"value": 40', '"value": 40, "value": 41'),
            "value",
        ),
        (VALUES.replace("{", '{"dataValues": [], ', 1), "dataValues"),
        ('{"dataValues": [{"note": {"a": 1, "a": 2}}]}', "a"),
    ],
)
def test_a_key_given_twice_in_the_data_values_is_400_naming_it_and_nothing_is_imported(
    world, lead, sent, key
):
    before = written()
    response = post(lead, URL + "?release=R", sent.encode(), "application/json")
    assert body_problem(response) == (
        f"The body is not JSON: the key “{key}” is given more than once in one object."
    )
    assert written() == before


def test_a_long_duplicated_key_is_named_by_its_first_50_characters(world, lead):
    key = "k" * 80
    sent = f'{{"{key}": 1, "{key}": 2}}'
    response = post(lead, url(world), sent.encode(), "application/json")
    assert body_problem(response) == (
        f"The body is not JSON: the key “{'k' * 50}” is given more than once in one object."
    )


# JSON read alike at both writes

SAME = [
    (b'{"on": NaN}', "The body is not JSON: NaN is not a JSON number."),
    (b'{"on": -Infinity}', "The body is not JSON: -Infinity is not a JSON number."),
    (b"[" * 100_000 + b"]" * 100_000, "The body nests too deeply: send a JSON object."),
    (b'{"on": "caf\xe9"}', "The body is not UTF-8 text (byte 12): send JSON in UTF-8."),
]


@pytest.mark.parametrize(("sent", "reason"), SAME)
def test_the_update_and_the_data_values_refuse_the_same_json_with_the_same_words(
    world, lead, sent, reason
):
    before = written()
    for address in (url(world), URL + "?release=R"):
        assert body_problem(post(lead, address, sent, "application/json")) == reason
    assert written() == before


def test_an_empty_json_body_is_400_at_both_writes(world, lead):
    missing = problem(post(lead, url(world), b"", "application/json"), 400)
    assert {e["field"] for e in missing["errors"]} == {"on", "status", "rating", "note"}
    response = post(lead, URL, b"", "", CONTENT_TYPE="application/json")
    assert body_problem(response) == (
        "The body is not JSON: Expecting value: line 1 column 1 (char 0)."
    )


def test_a_utf8_byte_order_mark_before_json_is_skipped_at_both_writes(world, lead):
    bom = b"\xef\xbb\xbf"
    assert post(lead, url(world), bom + UPDATE.encode(), "application/json").status_code == 201
    response = post(lead, URL + "?release=R", bom + VALUES.encode(), "application/json")
    assert response.status_code == 200, response.content


def test_deep_nesting_sent_as_an_update_was_a_server_error_and_is_now_400(world, lead):
    response = post(lead, url(world), b"[" * 100_000 + b"]" * 100_000, "application/json")
    assert body_problem(response) == "The body nests too deeply: send a JSON object."


# Charset

ACCEPTED = ["", "; charset=utf-8", "; charset=UTF-8", '; charset="utf-8"', "; charset=us-ascii"]


@pytest.mark.parametrize("charset", ACCEPTED)
def test_utf8_or_us_ascii_or_no_charset_is_read_at_both_writes_and_as_csv(world, lead, charset):
    ascii_only = charset.endswith("us-ascii")
    update = {**GOOD, "note": "Done." if ascii_only else "Fait, café."}
    sent = json.dumps(update, ensure_ascii=ascii_only).encode()
    response = post(lead, url(world), sent, "application/json" + charset)
    assert response.status_code == 201, response.content
    assert json.loads(response.content)["note"] == update["note"]
    values = VALUES.replace("café", "cafe") if ascii_only else VALUES
    dry = URL + "?release=R&dryRun=true"
    assert post(lead, dry, values.encode(), "application/json" + charset).status_code == 200
    assert post(lead, dry, CSV.encode(), "text/csv" + charset).status_code == 200


REFUSED = [
    ("latin-1", "latin-1"),
    ("ISO-8859-1", "iso-8859-1"),
    ("windows-1252", "cp1252"),
    ("utf-16", "utf-16"),
    ("utf-8-sig", "utf-8-sig"),
]


@pytest.mark.parametrize(("charset", "codec"), REFUSED)
def test_any_other_charset_is_415_asking_for_utf8_at_both_writes_and_as_csv(
    world, lead, charset, codec
):
    before = written()
    refusal = (
        f"Send the body as UTF-8, with charset=utf-8 or no charset: Followup does not read "
        f"“{charset}”."
    )
    update = json.dumps({**GOOD, "note": "café"}, ensure_ascii=False).encode(codec)
    response = post(lead, url(world), update, f"application/json; charset={charset}")
    assert problem(response, 415)["detail"] == refusal
    for body, kind in ((VALUES, "application/json"), (CSV, "text/csv")):
        response = post(lead, URL + "?release=R", body.encode(codec), f"{kind}; charset={charset}")
        assert problem(response, 415)["detail"] == refusal
    assert written() == before


def test_an_unknown_charset_is_415_not_read_as_utf8(world, lead):
    response = post(lead, url(world), UPDATE.encode(), "application/json; charset=klingon")
    assert problem(response, 415)["detail"] == (
        "Send the body as UTF-8, with charset=utf-8 or no charset: Followup does not read "
        "“klingon”."
    )


def test_a_charset_is_refused_before_the_body_is_read(world, lead):
    for address, kind in ((url(world), "application/json"), (URL, "text/csv")):
        response = declared(lead, address, 100, f"{kind}; charset=latin-1")
        assert problem(response, 415)["detail"].startswith("Send the body as UTF-8")
