"""REFI-QDA exchange: what Followup writes validates, round-trips, and files from other tools import.

The two files in ``files/`` were written by other tools, run on this machine (see files/README.md):
``qualitative-coding-1.7.8-focus-group.qdpx`` by qualitative-coding 1.7.8 (``qc export``) and
``taguette-1.5.2-codebook.qdc`` by Taguette 1.5.2 (its codebook export).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from followup.cli import build_parser
from followup.evidence import actions
from followup.evidence.models import Case, Code, Coding, Source
from followup.evidence.refi import (
    ExchangeError,
    codebook_xml,
    project_qdpx,
    project_xml,
    schema,
    schema_problems,
)
from followup.evidence.refi_import import read_qdc, read_qdpx
from followup.lib.types import CommandLine
from tests.factories import PartnershipFactory

OPERATOR = CommandLine("tests")

FILES = Path(__file__).parent / "files"
# The project's shared reference folder: beside the checkout, or this workplace's own copy.
SHARED = next(
    (
        folder
        for folder in (
            Path(__file__).resolve().parents[3] / "shared" / "refi-qda",
            Path("/work/shared/refi-qda"),
        )
        if folder.exists()
    ),
    Path("/nonexistent"),
)


@pytest.fixture
def project(world):
    """A small but complete project: nested codes, memos, cases with attributes, any script."""
    partnership = world.home.partnership
    lead = world.users["lead"]
    wellbeing = actions.create_code(
        lead, partnership, {"name": "Wellbeing", "description": "The eight indicators"}
    )
    safe = actions.create_code(
        lead, partnership, {"name": "Safe", "parent": wellbeing, "colour": "#00703c"}
    )
    heard = actions.create_code(lead, partnership, {"name": "Listened to"})
    Code.objects.filter(pk=heard.pk).update(memo="Distinct from Respected: about being heard.")
    case = Case.objects.create(
        partnership=partnership,
        name="Respondent 7",
        attributes={"Respondent group": "Child or young person", "Age band": "12 to 15"},
        memo="Answered online",
    )
    text = (
        "Tha mi sàbhailte aig an taigh. 😊 My worker listens.\nCzuję się bezpiecznie. أشعر بالأمان"
    )
    source = actions.create_source(
        lead, partnership, {"title": "Survey answer 7", "text": text, "kind": "survey"}
    )
    Source.objects.filter(pk=source.pk).update(case=case, memo="Came in late")
    source.refresh_from_db()
    actions.code_spans(lead, source, safe, [(0, 30), (text.index("Czuję"), len(text))])
    actions.code_spans(lead, source, heard, [(text.index("My worker"), text.index("\n"))])
    actions.code_spans(lead, source, wellbeing, [(0, 30)])
    Coding.objects.filter(source=source, code=heard).update(memo="Key quote for AFI 2")
    return partnership


def canonical(partnership):
    """Everything exchanged, by name and words rather than database ids."""

    def path(code):
        return f"{path(code.parent)}/{code.name}" if code.parent else code.name

    return {
        "codes": sorted(
            (path(c), c.description, c.colour, c.memo, str(c.guid))
            for c in Code.objects.filter(partnership=partnership)
        ),
        "cases": sorted(
            (c.name, sorted(c.attributes.items()), c.memo, str(c.guid))
            for c in Case.objects.filter(partnership=partnership)
        ),
        "sources": sorted(
            (s.title, s.text, s.memo, s.case.name if s.case else None, str(s.guid))
            for s in Source.objects.filter(partnership=partnership)
        ),
        "codings": sorted(
            (c.source.title, path(c.code), c.start, c.end, c.excerpt, c.memo, str(c.guid))
            for c in Coding.objects.filter(source__partnership=partnership)
        ),
    }


def test_the_bundled_schemas_are_the_shared_refi_qda_schemas():
    if not SHARED.exists():
        pytest.skip("the shared reference folder is not beside this checkout")
    bundled = Path(schema("Project").url.removeprefix("file://")).parent
    for name in ("Codebook.xsd", "Project-mrt2019.xsd"):
        assert (bundled / name).read_bytes() == (SHARED / name).read_bytes()


def test_an_exported_codebook_and_project_validate_against_the_refi_qda_schemas(project):
    qdc = codebook_xml(project)
    assert schema_problems(qdc, "Codebook") == []
    assert schema("Codebook").is_valid(qdc.decode())
    xml, _ = project_xml(project)
    assert schema_problems(xml, "Project") == []
    assert not xml.startswith(b"\xef\xbb\xbf") and not qdc.startswith(b"\xef\xbb\xbf")
    assert b"richTextPath" not in xml


def test_a_qdpx_holds_project_qde_and_each_source_as_plain_text_in_a_lowercase_sources_folder(
    project,
):
    archive = zipfile.ZipFile(io.BytesIO(project_qdpx(project)))
    source = Source.objects.get(partnership=project, title="Survey answer 7")
    name = f"sources/{str(source.guid).upper()}.txt"
    expected = {
        f"sources/{str(s.guid).upper()}.txt" for s in Source.objects.filter(partnership=project)
    }
    assert set(archive.namelist()) == {"project.qde", *expected}
    assert len(expected) == 2  # the world's own source and this one
    assert archive.read(name).decode("utf-8") == source.text
    assert f'plainTextPath="internal://{str(source.guid).upper()}.txt"'.encode() in archive.read(
        "project.qde"
    )


def test_the_same_project_exports_to_the_same_bytes(project):
    assert project_qdpx(project) == project_qdpx(project)


def test_export_then_import_then_export_keeps_codes_sources_cases_attributes_and_codings(
    project,
):
    first = PartnershipFactory(name="First copy")
    counts = actions.import_exchange(OPERATOR, first, read_qdpx(project_qdpx(project)))
    assert counts == {"codes": 4, "sources": 2, "cases": 2, "codings": 5}
    assert canonical(first) == canonical(project)
    second = PartnershipFactory(name="Second copy")
    actions.import_exchange(OPERATOR, second, read_qdpx(project_qdpx(first)))
    assert canonical(second) == canonical(project)
    exported = project_xml(second)[0]
    assert exported.replace(b"Second copy", b"First copy") == project_xml(first)[0]
    assert schema_problems(exported, "Project") == []


def test_a_project_written_by_qualitative_coding_imports_with_its_codes_and_codings_intact(world):
    partnership = world.away.partnership
    data = (FILES / "qualitative-coding-1.7.8-focus-group.qdpx").read_bytes()
    actions.import_exchange(OPERATOR, partnership, read_qdpx(data))
    source = Source.objects.get(partnership=partnership, title="focus-group.txt")
    coded = sorted((c.code.name, c.excerpt.strip()) for c in Coding.objects.filter(source=source))
    assert coded == [
        ("healthy", "Staff: Waiting lists for mental health support are still too long."),
        (
            "included",
            "Young person: Tha mi toilichte aig an sgoil – the Gaelic class is the best bit 😊",
        ),
        (
            "respected",
            "Parent: Czuję się wysłuchana; the review meeting was the first time anyone asked me.",
        ),
        ("respected", "Young person: My worker listens to me now and I feel safe at home."),
        ("safe", "Young person: My worker listens to me now and I feel safe at home."),
        ("safe", "Young person: أشعر بالأمان في المدرسة"),
    ]


def test_a_codebook_written_by_taguette_imports_with_its_codes(world):
    partnership = world.away.partnership
    data = (FILES / "taguette-1.5.2-codebook.qdc").read_bytes()
    assert b"<Sets/>" in data  # Taguette writes an empty Sets, which the schema does not allow
    counts = actions.import_exchange(OPERATOR, partnership, read_qdc(data))
    assert counts["codes"] == 5
    names = set(Code.objects.filter(partnership=partnership).values_list("name", flat=True))
    assert {
        "Gàidhlig",
        "waiting lists",
        "wellbeing",
        "wellbeing.respected",
        "wellbeing.safe",
    } <= names
    again = actions.import_exchange(OPERATOR, partnership, read_qdc(data))
    assert again["codes"] == 0  # importing the same codebook twice adds nothing


def test_positions_in_a_file_with_crlf_endings_land_on_the_same_words_after_normalising(world):
    text = "First line.\r\nSecond line is coded.\r\n"
    start, end = text.index("Second"), text.index(".\r\n", 14)
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="crlf">
<CodeBook><Codes><Code guid="11111111-1111-1111-1111-111111111111" name="Coded" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="22222222-2222-2222-2222-222222222222" name="CRLF notes" plainTextPath="internal://a.txt">
<PlainTextSelection guid="33333333-3333-3333-3333-333333333333" startPosition="{start}" endPosition="{end}">
<Coding guid="44444444-4444-4444-4444-444444444444"><CodeRef targetGUID="11111111-1111-1111-1111-111111111111"/></Coding>
</PlainTextSelection></TextSource></Sources></Project>"""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", xml)
        archive.writestr("sources/a.txt", "\ufeff" + text)
    actions.import_exchange(OPERATOR, world.away.partnership, read_qdpx(buffer.getvalue()))
    coding = Coding.objects.get(source__title="CRLF notes")
    assert coding.source.text == "First line.\nSecond line is coded.\n"
    assert coding.excerpt == "Second line is coded"


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        (b"not xml at all", "not well-formed XML"),
        (
            b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="nope" name="A" isCodable="true"/></Codes></CodeBook>',
            "is not a GUID",
        ),
        (
            b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="11111111-1111-1111-1111-111111111111" name="A"/></Codes></CodeBook>',
            "isCodable",
        ),
        (b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"></CodeBook>', "Codes"),
    ],
)
def test_an_invalid_codebook_is_refused_with_the_schemas_complaint_and_imports_nothing(
    world, data, complaint
):
    with pytest.raises(ExchangeError) as error:
        read_qdc(data)
    assert complaint in str(error.value)
    assert "nothing was imported" in str(error.value) or "well-formed" in str(error.value)


def test_a_project_whose_coding_points_outside_its_text_imports_nothing(world):
    xml = """<Project xmlns="urn:QDA-XML:project:1.0" name="x">
<CodeBook><Codes><Code guid="11111111-1111-1111-1111-111111111111" name="A" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="22222222-2222-2222-2222-222222222222" name="Short"><PlainTextContent>Short.</PlainTextContent>
<PlainTextSelection guid="33333333-3333-3333-3333-333333333333" startPosition="2" endPosition="99">
<Coding guid="44444444-4444-4444-4444-444444444444"><CodeRef targetGUID="11111111-1111-1111-1111-111111111111"/></Coding>
</PlainTextSelection></TextSource></Sources></Project>"""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", xml)
    with pytest.raises(ExchangeError, match="from 2 to 99, outside its text of 6 characters"):
        read_qdpx(buffer.getvalue())
    assert not Source.objects.filter(title="Short").exists()


def test_a_project_imported_twice_is_refused_the_second_time(world):
    data = (FILES / "qualitative-coding-1.7.8-focus-group.qdpx").read_bytes()
    partnership = world.away.partnership
    actions.import_exchange(OPERATOR, partnership, read_qdpx(data))
    codes = Code.objects.filter(partnership=partnership).count()
    with pytest.raises(ExchangeError, match="imported before"):
        actions.import_exchange(OPERATOR, partnership, read_qdpx(data))
    assert Code.objects.filter(partnership=partnership).count() == codes


def test_a_contributor_imports_a_project_on_the_exchange_page_and_sees_what_came_in(world):
    client = world.client_for("contributor")
    data = (FILES / "qualitative-coding-1.7.8-focus-group.qdpx").read_bytes()
    upload = io.BytesIO(data)
    upload.name = "focus.qdpx"
    response = client.post(
        reverse("evidence:exchange", args=["home"]), {"file": upload}, follow=True
    )
    assert "Imported 4 codes, 1 source, 6 codings." in response.content.decode()


def test_the_exchange_page_shows_a_bad_file_as_an_error_on_the_file_field(world):
    client = world.client_for("contributor")
    upload = io.BytesIO(b"<CodeBook/>")
    upload.name = "broken.qdc"
    response = client.post(reverse("evidence:exchange", args=["home"]), {"file": upload})
    assert response.status_code == 200
    assert "not a valid REFI-QDA codebook file" in response.content.decode()


def test_the_codebook_and_project_download_from_the_exchange_page(world, project):
    client = world.client_for("contributor")
    qdc = client.get(reverse("evidence:export_qdc", args=["home"]))
    assert qdc["Content-Disposition"] == 'attachment; filename="home-codebook.qdc"'
    assert schema_problems(qdc.content, "Codebook") == []
    qdpx = client.get(reverse("evidence:export_qdpx", args=["home"]))
    assert zipfile.ZipFile(io.BytesIO(qdpx.content)).read("project.qde")


def run(*argv: str) -> int:
    """A command as ``followup`` runs it, without its setup (the test database is ready)."""
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


def test_the_command_line_exports_and_imports_a_project(world, project, tmp_path, capsys):
    out = tmp_path / "home.qdpx"
    assert run("export-qdpx", "--partnership", "home", "-o", str(out)) == 0
    PartnershipFactory(slug="copy")
    assert run("import-qdpx", str(out), "--partnership", "copy") == 0
    assert "Imported 4 codes, 2 sources, 2 cases, 5 codings." in capsys.readouterr().out
    assert run("import-qdc", str(out), "--partnership", "copy") == 1
    assert "not well-formed XML" in capsys.readouterr().err
