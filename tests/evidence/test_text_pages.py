"""A page of a source's text found from its pages' starts (kept, since a text never changes) is
the page a walk over the whole text finds, whatever the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from followup.evidence.text import Span, _pieces, page_starts, text_page

# Words, spaces, sentence ends, quotes after them, line breaks and words longer than a page.
PARTS = st.sampled_from(
    ["word", "a", " ", "  ", ". ", "! ", "?", "…", '." ', "’ ", "\n", "\n\n", "x" * 40, "é"]
)


def walked(text: str, number: int, characters: int, most: int) -> tuple[int, int, list[Span]]:
    """The page as one walk over the whole text cuts it: its window and its sentences."""
    pages: list[list[tuple[int, int]]] = [[]]
    for start, stop in _pieces(text, characters):
        page = pages[-1]
        if page and (len(page) >= most or stop - page[0][0] > characters):
            pages.append([])
        pages[-1].append((start, stop))
    number = max(1, min(number, len(pages)))
    begin = 0 if number == 1 else pages[number - 1][0][0]
    end = pages[number][0][0] if number < len(pages) else len(text)
    return begin, end, [Span(a, b, text[a:b]) for a, b in pages[number - 1]]


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(PARTS, max_size=80),
    characters=st.integers(min_value=3, max_value=60),
    most=st.integers(min_value=1, max_value=6),
    number=st.integers(min_value=-1, max_value=40),
)
def test_a_page_from_kept_starts_is_the_page_a_walk_over_the_whole_text_finds(
    parts: list[str], characters: int, most: int, number: int
) -> None:
    text = "".join(parts)
    starts = page_starts(text, characters=characters, most=most)
    page = text_page(text, number, characters=characters, most=most, starts=starts)
    assert page.count == len(starts)
    assert (page.start, page.end, page.sentences) == walked(text, number, characters, most)
    assert page == text_page(text, number, characters=characters, most=most)


def test_the_pages_of_a_text_begin_where_each_first_sentence_begins() -> None:
    text = "One two three. Four five.\n\nSix seven eight nine ten eleven. " * 3
    assert page_starts(text, characters=60, most=3) == [0, 60, 120]
    assert page_starts("", characters=60, most=3) == [0]
