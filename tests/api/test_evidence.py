"""The codebook and approved quotes through the API, as a viewer's pages show them."""

from __future__ import annotations

from followup.evidence.models import Code, Quote
from tests.api.conftest import problem

CODES = "/api/v1/partnerships/home/codes/"
QUOTES = "/api/v1/partnerships/home/quotes/"


def test_the_codebook_in_tree_order_with_counts_only_for_those_who_read_the_evidence(api, world):
    parent = world.home.code
    child = Code.objects.create(partnership=world.home.partnership, name="A child", parent=parent)
    lead = api["lead"].json(CODES)["results"]
    assert [(c["id"], c["depth"], c["parent"], c["codings"]) for c in lead] == [
        (parent.pk, 0, None, 1),
        (child.pk, 1, parent.pk, 0),
    ]
    viewer = api["viewer"].json(CODES)["results"]
    assert [(c["id"], c["codings"]) for c in viewer] == [(parent.pk, None), (child.pk, None)]


def test_only_approved_quotes_are_listed_as_published(api, world):
    assert api["lead"].json(QUOTES)["results"] == []  # proposed, not yet approved
    Quote.objects.filter(pk=world.home.quote.pk).update(status=Quote.Status.APPROVED)
    quotes = api["viewer"].json(QUOTES)["results"]
    assert [(q["id"], q["text"], q["code"]["name"]) for q in quotes] == [
        (world.home.quote.pk, "Staff in [place] feel supported.", "Support in Homeshire")
    ]
    assert "Homeshire feel" not in str(quotes)


def test_outsider_token_gets_404_for_homeshires_codes_and_quotes(api, world):
    Quote.objects.update(status=Quote.Status.APPROVED)
    for path in (CODES, QUOTES):
        problem(api["outsider"].get(path), 404)
    away = api["outsider"].json("/api/v1/partnerships/away/quotes/")["results"]
    assert [q["id"] for q in away] == [world.away.quote.pk]
