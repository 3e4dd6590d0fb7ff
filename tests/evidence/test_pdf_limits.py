"""A PDF refused past one of the reader's limits is told which (#11): 1,999 pages sharing one
content stream of many tiny text operators were refused as "a part of it unpacks to more than
10 MB", which no part did; the stream held more words and numbers than a page's reading allows."""

from __future__ import annotations

import pytest

from followup.evidence.extract import ExtractError, extract_text
from followup.evidence.pdftext import _exceeded, text_of
from tests import hostile


def test_a_page_with_more_than_500000_words_and_numbers_is_refused_saying_so():
    """Read in this process (without the worker's 2-second limit, which a loaded machine running
    tests in parallel can reach first): the review's stream of many tiny text operators."""
    data = hostile.pdf_with_stream(b"BT /F1 1 Tf 10 10 Td (a) Tj ET\n" * 130_000)
    assert text_of(data)["error"] == (
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
