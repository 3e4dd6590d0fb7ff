"""How many codings a source and an import may hold (#11): a REFI-QDA file with more is refused
whole, on the web and the command line, with a message naming the source and the limit; coding
on the source page stops at the same limit."""

from __future__ import annotations

import html
import time
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from followup.cli import build_parser
from followup.evidence import actions
from followup.evidence.models import Case, Code, Coding, Source
from tests import hostile


def qdpx_overlapping(codings: int, sources: int = 1, length: int = 2_000) -> bytes:
    """A project of ``sources`` text sources of ``length`` characters, each with ``codings``
    codings of four codes, every one overlapping every other (the hostile reviewer's file had
    16,000 in one source). Codes, sources, selections and codings have GUIDs of their own."""
    codes = "".join(
        f'<Code guid="{hostile.guid(5_000_000 + c)}" name="Code {c}" isCodable="true"/>'
        for c in range(4)
    )
    half = length // 2
    parts = []
    for number in range(1, sources + 1):
        spans = "".join(
            f'<PlainTextSelection guid="{hostile.guid(10_000_000 + number * 100_000 + k)}" '
            f'startPosition="{k % half}" endPosition="{k % half + half}"><Coding guid="'
            f'{hostile.guid(20_000_000 + number * 100_000 + k)}"><CodeRef targetGUID="'
            f'{hostile.guid(5_000_000 + k % 4)}"/></Coding></PlainTextSelection>'
            for k in range(codings)
        )
        parts.append(
            f'<TextSource guid="{hostile.guid(number)}" name="Interview {number}" '
            f'plainTextPath="internal://{hostile.guid(number)}.txt">{spans}</TextSource>'
        )
    xml = (
        f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{hostile.PROJECT_NS}" name="x">'
        f"<CodeBook><Codes>{codes}</Codes></CodeBook><Sources>{''.join(parts)}</Sources></Project>"
    )
    texts = {
        f"sources/{hostile.guid(n)}.txt": ("Words. " * length)[:length].encode()
        for n in range(1, sources + 1)
    }
    return hostile.qdpx({"project.qde": xml.encode(), **texts})


def run(*argv: str) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


def counts() -> tuple[int, int, int, int]:
    return (
        Code.objects.count(),
        Source.objects.count(),
        Case.objects.count(),
        Coding.objects.count(),
    )


def post_project(world: Any, data: bytes) -> tuple[str, float]:
    client = world.client_for("contributor")
    start = time.process_time()
    response = client.post(
        reverse("evidence:exchange", args=["home"]),
        {"file": SimpleUploadedFile("project.qdpx", data)},
    )
    spent = time.process_time() - start
    assert response.status_code in {200, 302}
    return html.unescape(response.content.decode()), spent


PER_SOURCE = (
    "Too many codings in a source, so nothing was imported: “Interview 1” has 16,000. A source "
    "may have at most 2,000 codings (FOLLOWUP_MAX_CODINGS_PER_SOURCE)."
)


def test_a_project_with_16000_overlapping_codings_in_a_source_is_refused_on_the_web(world):
    before = counts()
    page, spent = post_project(world, qdpx_overlapping(16_000))
    assert PER_SOURCE in page
    assert counts() == before
    assert spent < hostile.budget(2.0), spent


def test_a_project_with_16000_overlapping_codings_is_refused_on_the_command_line(
    world, tmp_path, capsys
):
    path = tmp_path / "project.qdpx"
    path.write_bytes(qdpx_overlapping(16_000))
    before = counts()
    start = time.process_time()
    status = run("import-qdpx", str(path), "--partnership", "home")
    spent = time.process_time() - start
    err = capsys.readouterr().err
    assert status == 1
    assert f"import-qdpx: {path}: {PER_SOURCE}" in err
    assert "Traceback" not in err
    assert counts() == before
    assert spent < hostile.budget(2.0), spent


def test_the_refusal_names_each_source_over_the_limit_and_how_many_more(world, settings):
    settings.MAX_CODINGS_PER_SOURCE = 3
    page, _ = post_project(world, qdpx_overlapping(4, sources=7))
    assert (
        "Too many codings in a source, so nothing was imported: “Interview 1” has 4; “Interview "
        "2” has 4; “Interview 3” has 4; “Interview 4” has 4; “Interview 5” has 4 (and 2 more "
        "sources). A source may have at most 3 codings (FOLLOWUP_MAX_CODINGS_PER_SOURCE)."
    ) in page
    assert Source.objects.filter(title__startswith="Interview").count() == 0


def test_a_project_with_more_codings_than_an_import_may_hold_is_refused_whole(
    world, settings, tmp_path, capsys
):
    settings.MAX_CODINGS_PER_IMPORT = 30
    data = qdpx_overlapping(10, sources=4)
    before = counts()
    message = (
        "Too many codings, so nothing was imported: this file has 40, and one import may have at "
        "most 30 (FOLLOWUP_MAX_CODINGS_PER_IMPORT). Import its sources in smaller files."
    )
    page, _ = post_project(world, data)
    assert message in page
    path = tmp_path / "project.qdpx"
    path.write_bytes(data)
    assert run("import-qdpx", str(path), "--partnership", "home") == 1
    assert message in capsys.readouterr().err
    assert counts() == before


def test_a_project_at_both_limits_imports(world, settings):
    settings.MAX_CODINGS_PER_SOURCE = 10
    settings.MAX_CODINGS_PER_IMPORT = 30
    page, _ = post_project(world, qdpx_overlapping(10, sources=3))
    assert "Too many codings" not in page
    assert Coding.objects.filter(source__title__startswith="Interview").count() == 30


@pytest.fixture
def source(world):
    lead = world.users["lead"]
    partnership = world.home.partnership
    made = actions.create_source(
        lead, partnership, {"title": "Notes", "kind": "document", "text": "One. Two. Three."}
    )
    return lead, made, actions.create_code(lead, partnership, {"name": "Capped"})


def test_coding_beyond_the_limit_on_the_source_page_is_refused_and_codes_nothing(source, settings):
    lead, made, code = source
    settings.MAX_CODINGS_PER_SOURCE = 2
    actions.code_spans(lead, made, code, [(0, 4)])
    with pytest.raises(ValidationError) as refused:
        actions.code_spans(lead, made, code, [(5, 9), (10, 16)])
    assert refused.value.messages == [
        "This source would have more than 2 codings, the most a source may have "
        "(FOLLOWUP_MAX_CODINGS_PER_SOURCE): nothing was coded."
    ]
    assert list(made.codings.values_list("start", "end")) == [(0, 4)]
    assert [(c.start, c.end) for c in actions.code_spans(lead, made, code, [(5, 9)])] == [(5, 9)]


def test_coding_words_already_coded_at_the_limit_is_not_refused(source, settings):
    lead, made, code = source
    settings.MAX_CODINGS_PER_SOURCE = 1
    actions.code_spans(lead, made, code, [(0, 4)])
    assert actions.code_spans(lead, made, code, [(0, 4)]) == []


def test_the_documentation_states_the_limits_the_code_uses():
    from pathlib import Path

    from django.conf import settings as configured

    from followup.evidence import views_analysis, views_source
    from followup.evidence.text import PAGE_CHARACTERS, PAGE_SENTENCES

    docs = Path(__file__).resolve().parents[2] / "docs"
    security = (docs / "security.md").read_text()
    uploads = security.split("## Uploads", 1)[1].split("\n## ", 1)[0]
    row = next(line for line in uploads.splitlines() if line.startswith("| Codings |"))
    assert f"{configured.MAX_CODINGS_PER_SOURCE:,} in one source" in row
    assert f"{configured.MAX_CODINGS_PER_IMPORT:,} in one REFI-QDA import" in row
    pages = security.split("## Large evidence", 1)[1].split("\n## ", 1)[0]
    for number in (
        f"at most {PAGE_CHARACTERS:,} characters of its text in at most {PAGE_SENTENCES}",
        f"at most\n{views_source.CODINGS_PER_PAGE} at a time",
        f"first {views_source.EXCERPT_SHOWN} characters",
        f"at most {views_analysis.EXCERPTS_PER_PAGE}\nexcerpts",
        f"first {views_analysis.EXCERPT_SHOWN:,} characters",
    ):
        assert number in pages, number
    # The settings table is generated from the registry (make docs): its default column.
    configuration = (docs / "configuration.md").read_text().splitlines()
    for variable, value in (
        ("FOLLOWUP_MAX_CODINGS_PER_SOURCE", configured.MAX_CODINGS_PER_SOURCE),
        ("FOLLOWUP_MAX_CODINGS_PER_IMPORT", configured.MAX_CODINGS_PER_IMPORT),
    ):
        row = next(line for line in configuration if line.startswith(f"| `{variable}` |"))
        assert row.split(" | ")[2] == f"`{value}`", row


def test_reading_the_16000_codings_project_is_refused_within_2_seconds_and_200_mb():
    from followup.evidence.refi_import import read_qdpx

    data = qdpx_overlapping(16_000)
    cost = hostile.measure(lambda: read_qdpx(data))
    assert cost.outcome == f"ExchangeError: {PER_SOURCE}"
    assert cost.cpu < 2.0, cost
    assert cost.memory < 200.0, cost
