"""Two pure pieces of the front pages, tested for what they give exactly: the search results'
snippet around the first word found, and the text a sample's notes become as a source."""

from __future__ import annotations

from followup.front.queries_records import QuestionNotes, SampleNotes
from followup.front.search import snippet


def test_a_snippet_starts_at_the_word_after_its_cut_and_ends_at_the_last_space_within_its_width():
    text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    assert snippet(text, ["eleven"], width=30) == "…nine ten eleven twelve…"


def test_a_snippet_of_a_short_text_with_the_word_at_its_start_is_the_whole_text():
    assert snippet("Chronology  agreed\nby all", ["chronology"]) == "Chronology agreed by all"


def test_a_snippet_without_the_word_is_the_texts_beginning():
    assert snippet("abcdefghij " * 3, ["zzz"], width=14) == "abcdefghij…"


def test_the_notes_text_leaves_out_a_question_whose_notes_were_all_left_out():
    notes = SampleNotes(
        [
            QuestionNotes("What did the plan say?", [("Record 1", "Clear actions.")], 0),
            QuestionNotes("Was the child seen alone?", [], 2),
            QuestionNotes("Any other note?", [("Record 2", "None.")], 0),
        ]
    )
    assert notes.text == (
        "What did the plan say?\n\nRecord 1: Clear actions.\n\nAny other note?\n\nRecord 2: None.\n"
    )
    assert (notes.kept, notes.left_out) == (2, 2)
