"""A long source with many codings is shown a page at a time (#11): a million characters of
"A. " made a 99 MB page, 16,000 overlapping codings a 193 MB one. Every page of the text and of
its codings now stays under ``BOUND`` bytes, and its links reach every page, the last included."""

from __future__ import annotations

import copy
import csv
import html
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from followup.evidence import actions
from followup.evidence.models import Coding
from followup.evidence.text import sentences, text_page
from tests.core.test_upload_growth import RATIO, cpu
from tests.submissions import key

BOUND = 600_000  # bytes of HTML in any page of a source
TEXT = "A. " * 333_333  # 999,999 characters, 333,333 sentences


@pytest.fixture(scope="module")
def long_source_for_module(world_for_module, django_db_blocker):
    """Made once for the module, in the world's transaction (rolled back after the module's last
    test); a test's own writes are rolled back to a savepoint, as for the world itself."""
    assert world_for_module is not None
    lead = world_for_module.users["lead"]
    partnership = world_for_module.home.partnership
    with django_db_blocker.unblock():
        source = actions.create_source(
            lead, partnership, {"title": "Long", "kind": "document", "text": TEXT}
        )
        codes = [actions.create_code(lead, partnership, {"name": f"Theme {n}"}) for n in range(4)]
        # Made directly: an import now refuses this many (``test_coding_caps``), but a source may
        # hold them from before the limits, and the page must stay small all the same.
        Coding.objects.bulk_create(
            Coding(source=source, code=codes[k % 4], start=k % 600, end=600_000 + k)
            for k in range(16_000)
        )
    return source


@pytest.fixture
def long_source(long_source_for_module, world):
    return copy.deepcopy(long_source_for_module)


def links(page: str, label: str) -> dict[str, str]:
    """The pagination links of the navigation called ``label``: {"Page 3": url, "Next": url}."""
    nav = re.search(rf'<nav class="govuk-pagination" aria-label="{label}">(.*?)</nav>', page, re.S)
    assert nav, label
    found = {
        name: html.unescape(url)
        for url, name in re.findall(r'href="([^"]*)"[^>]*aria-label="(Page \d+)"', nav.group(1))
    }
    for rel, name in (("prev", "Previous"), ("next", "Next")):
        match = re.search(rf'href="([^"]*)" rel="{rel}"', nav.group(1))
        if match:
            found[name] = html.unescape(match.group(1))
    return found


def get(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert len(response.content) < BOUND, (url, len(response.content))
    return response.content.decode()


def test_every_page_of_a_long_source_with_many_codings_is_small_and_reaches_the_last(
    world, long_source
):
    client = world.client_for("lead")
    url = reverse("evidence:source", args=["home", long_source.pk])
    first = get(client, url)
    assert "Page 1 of 1667 of the text: characters 0 to 600 of 999999." in first
    text_links = links(first, "Pages of the text")
    assert sorted(text_links) == ["Next", "Page 1", "Page 1667", "Page 2"]
    assert first.count('name="spans" type="checkbox"') == 200
    # Every coding overlaps the first 600 characters: 100 of them a page, in 160 pages.
    assert "16000 codings: page 1 of 160." in first
    assert sorted(links(first, "Pages of the codings")) == ["Next", "Page 1", "Page 160", "Page 2"]

    last = get(client, url + text_links["Page 1667"])
    assert "Page 1667 of 1667 of the text: characters 999600 to 999999 of 999999." in last
    assert last.count('name="spans" type="checkbox"') == 133
    assert 'value="999996-999998"' in last  # the last sentence
    assert "Next<span" not in last
    assert sorted(links(last, "Pages of the text")) == [
        "Page 1",
        "Page 1666",
        "Page 1667",
        "Previous",
    ]

    second = get(client, url + text_links["Next"])
    assert "Page 2 of 1667 of the text: characters 600 to 1200 of 999999." in second
    assert 'value="600-602"' in second

    last_codings = get(client, url + links(first, "Pages of the codings")["Page 160"])
    assert "16000 codings: page 160 of 160." in last_codings
    assert last_codings.count('<tr class="govuk-table__row">') == 1 + 100
    # Each coding covers about 600,000 characters; the table shows the first 300 of each.
    assert re.search(r"\(the first 300 of 6\d{5} characters\)", last_codings)


def test_a_page_past_the_last_or_not_a_number_shows_the_last_or_the_first(world, long_source):
    client = world.client_for("lead")
    url = reverse("evidence:source", args=["home", long_source.pk])
    assert "Page 1667 of 1667" in get(client, url + "?page=99999")
    assert "Page 1 of 1667" in get(client, url + "?page=many")
    assert "16000 codings: page 160 of 160." in get(client, url + "?codings=999")


def test_a_reader_who_does_not_code_gets_the_same_bounded_pages(world, long_source):
    client = world.client_for("inspector")
    url = reverse("evidence:source", args=["home", long_source.pk])
    first = get(client, url)
    assert "Page 1 of 1667 of the text" in first
    assert 'name="spans"' not in first
    assert "Page 1667 of 1667" in get(client, url + links(first, "Pages of the text")["Page 1667"])


def test_sentences_ticked_on_a_later_page_are_coded_and_the_page_comes_back(
    world, long_source, settings
):
    settings.MAX_CODINGS_PER_SOURCE = 20_000
    client = world.client_for("lead")
    url = reverse("evidence:source", args=["home", long_source.pk])
    code = long_source.partnership.codes.get(name="Theme 0")
    response = client.post(
        f"{url}?page=3",
        {
            **key(client),
            "spans": ["1200-1202", "1203-1205"],
            "codes": [code.pk],
            "apply": "sentences",
        },
    )
    assert response.status_code == 302, re.findall(r"<li>.*", response.content.decode())
    assert response["Location"] == f"{url}?page=3"
    assert list(
        Coding.objects.filter(source=long_source, start__gte=1200).values_list("start", "end")
    ) == [(1200, 1202), (1203, 1205)]
    # A sentence of another page is not one the form on page 3 offers.
    refused = client.post(
        f"{url}?page=3", {**key(client), "spans": ["0-2"], "codes": [code.pk], "apply": "sentences"}
    )
    assert refused.status_code == 200
    assert re.findall(r"<li>(.*)</li>", refused.content.decode()) == [
        '<a href="#id_spans_0">Choose sentences to code from the list</a>'
    ]
    assert not Coding.objects.filter(source=long_source, start=0, end=2).exists()


def test_pages_of_a_text_hold_every_sentence_once_in_order():
    text = "One two three. Four five.\n\nSix seven eight nine ten eleven. " * 10
    first = text_page(text, 1, characters=60, most=3)
    pages = [text_page(text, n, characters=60, most=3) for n in range(1, first.count + 1)]
    assert [s for page in pages for s in page.sentences] == sentences(text)
    assert [(page.start, page.end) for page in pages] == [(60 * n, 60 * n + 60) for n in range(10)]


def test_a_sentence_longer_than_a_page_is_cut_at_a_space_or_else_at_the_page_length():
    words = "word " * 5 + "x" * 30
    first = text_page(words, 1, characters=25, most=100)
    assert first.count == 3
    pages = [text_page(words, n, characters=25, most=100) for n in (1, 2, 3)]
    assert [[s.text for s in page.sentences] for page in pages] == [
        ["word word word word word"],
        ["x" * 25],
        ["x" * 5],
    ]
    assert [(page.start, page.end) for page in pages] == [(0, 25), (25, 50), (50, 55)]


def test_four_times_the_text_takes_less_than_eight_times_as_long_to_page():
    """The last page costs most: the whole text is walked to count the pages."""

    def work(n: int) -> Callable[[], Any]:
        text = ("A. " * n)[:n]
        return lambda: text_page(text, 10**8)

    for n in (250_000,):
        small, large = cpu(work(n)), cpu(work(4 * n))
        assert large < RATIO * max(small, 0.005), (small, large)


def test_four_times_the_sentences_take_less_than_eight_times_as_long_to_find():
    def work(n: int) -> Callable[[], Any]:
        text = ("A. " * n)[:n]
        return lambda: sentences(text)

    small, large = cpu(work(60_000)), cpu(work(240_000))
    assert large < RATIO * max(small, 0.005), (small, large)


def test_every_page_of_excerpts_is_small_and_reaches_the_last(world, long_source):
    client = world.client_for("lead")
    code = long_source.partnership.codes.get(name="Theme 1")
    url = reverse("evidence:excerpts", args=["home"]) + f"?code={code.pk}"
    first = get(client, url)
    assert "4,000 excerpts: page 1 of 20, 1 to 200." in first
    assert first.count('<blockquote class="followup-excerpt govuk-body">') == 200
    assert "(the first 1000 characters: the whole passage is on its source" in first
    pages = links(first, "Pages of excerpts")
    assert sorted(pages) == ["Next", "Page 1", "Page 2", "Page 20"]
    assert pages["Page 20"] == f"?code={code.pk}&page=20"
    last = get(client, reverse("evidence:excerpts", args=["home"]) + pages["Page 20"])
    assert "4,000 excerpts: page 20 of 20, 3,801 to 4,000." in last
    assert last.count('<blockquote class="followup-excerpt govuk-body">') == 200
    # The download links carry the filter, not the page.
    assert f'excerpts.csv?code={code.pk}"' in last


def test_the_excerpts_download_streams_every_passage_whole(world):
    lead = world.users["lead"]
    partnership = world.home.partnership
    words = "Support came late but it came. " * 200  # 6,200 characters
    source = actions.create_source(
        lead, partnership, {"title": "Whole", "kind": "document", "text": words}
    )
    code = actions.create_code(lead, partnership, {"name": "Late support"})
    actions.code_spans(lead, source, code, [(0, 6_199), (31, 61)])
    client = world.client_for("lead")
    page = get(client, reverse("evidence:excerpts", args=["home"]) + f"?code={code.pk}")
    assert "2 excerpts. " in page
    assert "(the first 1000 characters" in page
    response = client.get(
        reverse("evidence:excerpts_download", args=["home", "csv"]) + f"?code={code.pk}"
    )
    assert response.streaming
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert [(row[0], row[1], row[-3], row[-2], row[-1]) for row in rows[1:]] == [
        ("Late support", "Whole", "0", "6199", words[:6199]),
        ("Late support", "Whole", "31", "61", "Support came late but it came."),
    ]


def test_the_pages_of_one_long_coding_show_its_first_thousand_characters(world, long_source):
    client = world.client_for("lead")
    coding = Coding.objects.filter(source=long_source).order_by("pk").first()
    assert coding is not None
    for url in (
        reverse("evidence:coding_edit", args=["home", coding.pk]),
        reverse("evidence:quote_create", args=["home", coding.pk]),
    ):
        page = get(client, url)
        assert f"“{TEXT[:1000]}…”" in page
