"""The write that joins the records reading to the partnership's qualitative evidence: a sample's
moderated free-text notes made one source, for the partnership's evidence coders to code.

The notes are the inspection team's (``read_records``) until then; the source is the
partnership's evidence, read by those who hold ``read_evidence``. So the source holds only what
the pairs agreed, question by question, never a record's row or reference, its readers, or a
note that looks like it names a child (``records.returns.identifier_in_text``, checked again
here: such a note is left out and counted)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from followup.audit import writes
from followup.evidence.models import Source
from followup.evidence.text import normalise
from followup.front import queries_records
from followup.front.models import NotesSource
from followup.partnerships.access import AnyUser, Capability, require
from followup.records.models import Sample

ALREADY_MADE = (
    "Sample {number}'s notes were made a qualitative source already: “{title}”. It is kept "
    "as it was made, and a second copy would count every note twice."
)
NO_NOTES = (
    "Sample {number} has no moderated free-text notes yet: a record's notes can be made a "
    "source once its pair's inspector has recorded the agreed answers."
)
ALL_LEFT_OUT = (
    "Every one of Sample {number}'s {count} moderated notes looks like it holds something that "
    "could identify a child (a date, a postcode, a name and so on), so none can be made a source."
)


def notes_to_source(user: AnyUser, sample: Sample, data: Mapping[str, Any]) -> Source:
    """Make the sample's moderated free-text notes one qualitative source of the inspection's
    partnership (``Source.Kind.RECORDS``), titled after the inspection and the sample, and
    illustrative if the sample's return is. The inspection team does this (``read_records``),
    once a sample: a second time is refused, and the sample's row is locked while the first is
    made, so that two presses at once make one source. ``data`` is the form's, which asks
    nothing: the source is made of the notes as they are, even while some of the sample's
    records are not yet moderated (the page warns how many: their notes will never reach it)."""
    partnership = sample.frame.inspection.partnership
    require(user, partnership, Capability.READ_RECORDS)
    with transaction.atomic():
        writes.lock(sample)
        made = queries_records.notes_source_of(sample)
        if made is not None:
            raise ValidationError(
                ALREADY_MADE.format(number=sample.number, title=made.source.title)
            )
        notes = queries_records.sample_notes(sample)
        if not notes.kept:
            message = ALL_LEFT_OUT if notes.left_out else NO_NOTES
            message = message.format(number=sample.number, count=notes.left_out)
            waiting = queries_records.not_yet_moderated(sample)
            if waiting.records:
                message += " " + waiting.sentence()
            raise ValidationError(message)
        maker = user if isinstance(user, User) else None
        source = Source(
            partnership=partnership,
            title=queries_records.notes_title(sample),
            kind=Source.Kind.RECORDS,
            text=normalise(notes.text),
            is_illustrative=sample.frame.is_illustrative,
            created_by=maker,
        )
        writes.create(user, "source.create", source, partnership)
        link = NotesSource(
            sample=sample,
            source=source,
            notes=notes.kept,
            left_out=notes.left_out,
            made_by=maker,
        )
        writes.create(user, "records.notes_to_source", link, partnership)
    return source
