"""A PDF refused past one of the reader's limits is told which (#11): 1,999 pages sharing one
content stream of many tiny text operators were refused as "a part of it unpacks to more than
10 MB", which no part did; the stream held more words and numbers than a page's reading allows."""

from __future__ import annotations

import pytest

from followup.evidence.extract import ExtractError, extract_text
from followup.evidence.pdftext import _exceeded
from tests import hostile


def test_a_page_with_more_than_500000_words_and_numbers_is_refused_saying_so():
    with pytest.raises(ExtractError) as refused:
        extract_text("long.pdf", hostile.pdf_text_operators(120_000))
    assert str(refused.value) == (
        "The PDF holds more than Followup reads from one file (a page's content holds more than "
        "500,000 words and numbers to read). Save it again from the program that made it, or "
        "paste the text"
    )


def test_a_compression_bomb_is_still_refused_as_a_part_that_unpacks_too_far():
    with pytest.raises(ExtractError) as refused:
        extract_text("bomb.pdf", hostile.pdf_compression_bomb(20))
    assert "(a part of it unpacks to more than 10 MB)" in str(refused.value)


@pytest.mark.parametrize(
    ("said", "what"),
    [
        (
            "Detected cycle in /Pages hierarchy when retrieving page.",
            "refer to each other in a loop",
        ),
        ("Reached maximum number of dictionary entries.", "lists more items than Followup reads"),
        ("Declared stream length of 99 exceeds maximum allowed length.", "unpacks to more than"),
    ],
)
def test_each_of_the_readers_limits_has_its_own_words(said, what):
    assert what in _exceeded(Exception(said))
