"""A REFI-QDA file's names and attributes longer than Followup keeps are refused with a message
naming the item and the field, never cut short in silence; nothing is imported."""

from __future__ import annotations

import pytest

from followup.evidence.refi import ExchangeError
from followup.evidence.refi_import import read_qdc, read_qdpx
from tests import hostile
from tests.hostile import CODEBOOK, guid

SOURCE = guid(1)
CASE = guid(2)
VARIABLE = guid(3)


def project(*, source_name: str = "Interview", case: str = "", variable: str = "Group") -> bytes:
    cases = (
        f'<Variables><Variable guid="{VARIABLE}" name="{variable}" typeOfVariable="Text"/>'
        f'</Variables><Cases><Case guid="{CASE}" name="Family A">{case}'
        f'<SourceRef targetGUID="{SOURCE}"/></Case></Cases>'
    )
    xml = (
        f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{hostile.PROJECT_NS}" name="x">'
        f'<CodeBook><Codes><Code guid="{guid(0)}" name="A" isCodable="true"/></Codes></CodeBook>'
        f'{cases}<Sources><TextSource guid="{SOURCE}" name="{source_name}">'
        "<PlainTextContent>Staff listen.</PlainTextContent></TextSource></Sources></Project>"
    )
    return hostile.qdpx({"project.qde": xml.encode()})


def value(text: str) -> str:
    return f'<VariableValue><VariableRef targetGUID="{VARIABLE}"/><TextValue>{text}</TextValue></VariableValue>'


def refusal(data: bytes) -> str:
    with pytest.raises(ExchangeError) as refused:
        read_qdpx(data)
    return str(refused.value)


def test_a_project_within_every_limit_keeps_its_names_and_attributes_whole():
    found = read_qdpx(project(source_name="s" * 300, case=value("v" * 200), variable="g" * 100))
    assert [s.name for s in found.sources] == ["s" * 300]
    assert [c.attributes for c in found.cases] == [{"g" * 100: "v" * 200}]


def test_a_15_mb_source_name_is_refused_not_cut_short():
    assert refusal(project(source_name="n" * 15_000_000)) == (
        f"The name of the source “{'n' * 60}…” (GUID {SOURCE}) is 15,000,000 characters long; "
        "Followup keeps at most 300. Shorten it and try again. Nothing was imported."
    )


def test_a_source_name_of_301_characters_is_refused():
    assert "is 301 characters long; Followup keeps at most 300" in refusal(
        project(source_name="n" * 301)
    )


def test_a_case_attribute_value_of_100000_characters_is_refused_naming_case_and_attribute():
    assert refusal(project(case=value("v" * 100_000))) == (
        "The case “Family A”, attribute “Group”: its value is 100,000 characters long; "
        "Followup keeps at most 200. Shorten it and try again. Nothing was imported."
    )


def test_a_case_attribute_name_of_100000_characters_is_refused_naming_the_case():
    assert refusal(project(case=value("x"), variable="g" * 100_000)) == (
        "The case “Family A” has an attribute whose name is 100,000 characters long; "
        "Followup keeps at most 100. Shorten it and try again. Nothing was imported."
    )


def test_a_codebook_code_name_of_201_characters_is_refused_not_cut_short():
    data = (
        CODEBOOK
        + (
            f'<Codes><Code guid="{guid(0)}" name="{"c" * 201}" isCodable="true"/></Codes>'
            "</CodeBook>"
        ).encode()
    )
    with pytest.raises(ExchangeError) as refused:
        read_qdc(data)
    assert str(refused.value) == (
        f"The name of the code “{'c' * 60}…” (GUID {guid(0)}) is 201 characters long; "
        "Followup keeps at most 200. Shorten it and try again. Nothing was imported."
    )
