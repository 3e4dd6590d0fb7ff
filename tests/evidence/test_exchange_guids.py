"""A REFI-QDA file's GUIDs, schema complaints and memos (#11): a GUID two items share is refused
naming both, the schema check's complaint comes after a plain sentence with any value it quotes
cut short, and a memo for a code already in the codebook is imported or said to be left out."""

from __future__ import annotations

import pytest

from followup.evidence import actions
from followup.evidence.models import Code
from followup.evidence.refi import ExchangeError
from followup.evidence.refi_import import import_summary, read_qdpx
from followup.lib.types import CommandLine
from tests import hostile
from tests.hostile import guid

OPERATOR = CommandLine("tests")
NOTE = guid(90)


def project(
    *,
    code: str = guid(0),
    source: str = guid(1),
    case: str = guid(2),
    extra: str = "",
    after: str = "",
) -> bytes:
    xml = (
        f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{hostile.PROJECT_NS}" name="x">'
        f'<CodeBook><Codes><Code guid="{code}" name="Support" isCodable="true">'
        f'<NoteRef targetGUID="{NOTE}"/></Code></Codes></CodeBook>'
        f'<Cases><Case guid="{case}" name="Family A"><SourceRef targetGUID="{source}"/></Case>'
        f'</Cases><Sources><TextSource guid="{source}" name="Interview">{extra}'
        "<PlainTextContent>Staff listen.</PlainTextContent></TextSource></Sources>"
        f'<Notes><Note guid="{NOTE}" name="n"><PlainTextContent>Use for help given.'
        f"</PlainTextContent></Note></Notes>{after}</Project>"
    )
    return hostile.qdpx({"project.qde": xml.encode()})


def refusal(data: bytes) -> str:
    with pytest.raises(ExchangeError) as refused:
        read_qdpx(data)
    return str(refused.value)


def test_a_code_and_a_source_sharing_a_guid_are_refused_naming_both():
    assert refusal(project(code=guid(7), source=guid(7))) == (
        f"The GUID {guid(7)} is used twice, by the code “Support” and the source “Interview”; "
        "each item needs a GUID of its own. Nothing was imported."
    )


def test_a_source_and_a_case_sharing_a_guid_are_refused_naming_both():
    assert refusal(project(source=guid(8), case=guid(8))) == (
        f"The GUID {guid(8)} is used twice, by the source “Interview” and the case “Family A”; "
        "each item needs a GUID of its own. Nothing was imported."
    )


def test_a_schema_complaint_begins_with_a_plain_sentence_and_keeps_the_detail():
    data = project(after="<Bogus/>")
    assert refusal(data) == (
        "This is not a valid REFI-QDA project file, so nothing was imported. At /Project (name "
        "“x”), an element is there that the REFI-QDA format does not allow in that place. The "
        "schema check says: Unexpected child with tag 'Bogus' at position 5."
    )


def test_a_5000_digit_position_is_echoed_back_cut_short():
    selection = (
        f'<PlainTextSelection guid="{guid(5)}" startPosition="{"1" * 5_000}" endPosition="3">'
        "</PlainTextSelection>"
    )
    message = refusal(project(extra=selection))
    assert "an attribute has a value the REFI-QDA format does not allow" in message
    assert f"attribute startPosition='{'1' * 40}…'" in message
    assert "1" * 41 not in message
    assert len(message) < 700


def test_a_memo_for_a_code_reused_by_name_is_given_to_it_when_it_has_none(world):
    partnership = world.away.partnership
    Code.objects.create(partnership=partnership, name="Support", colour="#1d70b8")
    found = read_qdpx(project())
    counts = actions.import_exchange(OPERATOR, partnership, found)
    assert counts["codes"] == 0
    assert Code.objects.get(partnership=partnership, name="Support").memo == "Use for help given."
    assert (
        import_summary(counts, found.warnings) == "Imported 0 codes, 1 source, 1 case, 0 codings."
    )


def test_a_code_reused_by_name_keeps_its_own_memo_and_the_summary_says_so(world):
    partnership = world.away.partnership
    Code.objects.create(partnership=partnership, name="Support", colour="#1d70b8", memo="Ours.")
    found = read_qdpx(project())
    counts = actions.import_exchange(OPERATOR, partnership, found)
    assert Code.objects.get(partnership=partnership, name="Support").memo == "Ours."
    assert import_summary(counts, found.warnings) == (
        "Imported 0 codes, 1 source, 1 case, 0 codings. Note: the code “Support” was in the "
        "codebook already with a memo of its own, so it was kept as it was and the file's memo "
        "for it left out."
    )
