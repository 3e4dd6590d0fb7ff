"""Numbers in a query string are read without int() of the whole string (#11): a page number of
5,000 digits was a server error ("Exceeds the limit (4300 digits) for integer string
conversion"), and "²" passes str.isdigit() but not int()."""

from __future__ import annotations

import pytest
from django.urls import reverse

from followup.evidence import actions
from followup.web.paging import PAST_THE_END, whole_number

LONG = "7" * 5_000


@pytest.mark.parametrize(
    ("value", "most", "expected"),
    [
        ("12", 100, 12),
        ("0", 100, 0),
        ("101", 100, None),
        (LONG, 10**9, None),
        ("²", 100, None),
        ("٣", 100, None),
        ("-1", 100, None),
        (" 1", 100, None),
        ("", 100, None),
    ],
)
def test_whole_number_reads_ascii_digits_up_to_the_most_only(value, most, expected):
    assert whole_number(value, most) == expected


@pytest.fixture
def source(world):
    lead = world.users["lead"]
    return actions.create_source(
        lead, world.home.partnership, {"title": "Pages", "kind": "document", "text": "A. " * 7_000}
    )


def test_a_page_number_of_5000_digits_shows_the_last_page_of_a_source(world, source):
    client = world.client_for("lead")
    url = reverse("evidence:source", args=["home", source.pk])
    response = client.get(f"{url}?page={LONG}&codings={LONG}")
    assert response.status_code == 200
    assert "Page 35 of 35 of the text" in response.content.decode()
    assert PAST_THE_END == 10**9


def test_a_page_number_in_other_digits_shows_the_first_page_of_a_source(world, source):
    client = world.client_for("lead")
    url = reverse("evidence:source", args=["home", source.pk])
    response = client.get(f"{url}?page=²")
    assert response.status_code == 200
    assert "Page 1 of 35 of the text" in response.content.decode()


def test_a_page_or_code_of_5000_digits_on_the_excerpts_page_is_not_an_error(world, source):
    client = world.client_for("lead")
    url = reverse("evidence:excerpts", args=["home"])
    for query in (f"?page={LONG}", f"?code={LONG}", f"?code={LONG}&page={LONG}", "?code=²"):
        assert client.get(url + query).status_code == 200, query


def test_a_recommendation_or_indicator_of_5000_digits_on_the_dashboard_is_not_an_error(world):
    client = world.client_for("lead")
    url = reverse("indicators:dashboard", args=["home"])
    for query in (f"?recommendation={LONG}", f"?qi={LONG}", "?qi=²", "?qi=" + "9" * 30):
        assert client.get(url + query).status_code == 200, query


def test_a_code_id_of_5000_digits_posted_to_a_source_is_refused_in_plain_words(world, source):
    from tests.submissions import key

    client = world.client_for("lead")
    url = reverse("evidence:source", args=["home", source.pk])
    response = client.post(
        url, {**key(client), "spans": ["0-2"], "codes": [LONG], "apply": "sentences"}
    )
    assert response.status_code == 200
    assert "Choose codes from the list" in response.content.decode()
