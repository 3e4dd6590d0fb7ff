"""Every hostile file of issue #11, made by a generator in tests/hostile.py: refused with a clear
message, never a server error, on the web and on the command line, within 2 seconds of processor
time and 200 MB of memory.

Time and memory are measured where they are spent, in the reader each path calls, run in a
forked child (``hostile.measure``): processor time (the reader's and its children's, such as the
PDF worker's) rather than wall time, so a loaded machine does not make the test flaky, and the
kernel's high-water mark of memory, so memory that C libraries allocate counts too. The PDF
worker, a process of its own, reports its own high-water mark.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from followup.cli import build_parser
from followup.evidence import docxtext
from followup.evidence.extract import ExtractError, extract_text
from followup.evidence.models import Code, Source, SurveyUpload
from followup.evidence.refi import ExchangeError
from followup.evidence.refi_import import read_qdc, read_qdpx
from followup.indicators.models import ImportUpload
from followup.lib.tabular import TableError, read_table
from tests import hostile, hostile_tables
from tests.submissions import key

SECONDS = 2.0
MEGABYTES = 200.0


def _qdc(data: bytes) -> Any:
    return read_qdc(data)


def _qdpx(data: bytes) -> Any:
    return read_qdpx(data)


def _docx(data: bytes) -> Any:
    return extract_text("hostile.docx", data)


def _pdf(data: bytes) -> Any:
    return extract_text("hostile.pdf", data)


def _xlsx(data: bytes) -> Any:
    return read_table(data, "hostile.xlsx")


def _csv(data: bytes) -> Any:
    return read_table(data, "hostile.csv")


# name: (generator, file name, reader, words the refusal must contain)
FILES: dict[str, tuple[Callable[[], bytes], str, Callable[[bytes], Any], str]] = {
    "qdc-quadratic-regex-96kb": (
        lambda: hostile.qdc_quadratic_sets(96_000),
        "codebook.qdc",
        _qdc,
        "not well-formed XML",
    ),
    "qdc-quadratic-regex-1mb": (
        lambda: hostile.qdc_quadratic_sets(1_000_000),
        "codebook.qdc",
        _qdc,
        "not well-formed XML",
    ),
    "qdc-nested-480": (lambda: hostile.qdc_nested(480), "codebook.qdc", _qdc, "64 levels deep"),
    "qdc-nested-950": (lambda: hostile.qdc_nested(950), "codebook.qdc", _qdc, "64 levels deep"),
    "qdc-billion-laughs": (hostile.qdc_billion_laughs, "codebook.qdc", _qdc, "document type"),
    "qdpx-memory-bomb": (
        hostile.qdpx_memory_bomb,
        "project.qdpx",
        _qdpx,
        "unpacks to more than Followup reads",
    ),
    "qdpx-bad-crc": (
        hostile.qdpx_bad_crc,
        "project.qdpx",
        _qdpx,
        "its checksum does not match its contents",
    ),
    "qdpx-lying-size": (hostile.qdpx_lying_size, "project.qdpx", _qdpx, "is damaged"),
    "qdpx-lying-big-size": (
        hostile.qdpx_lying_big_size,
        "project.qdpx",
        _qdpx,
        "unpacks to more than Followup reads",
    ),
    "qdpx-deflate64": (hostile.qdpx_deflate64, "project.qdpx", _qdpx, "compression method"),
    "qdpx-encrypted": (hostile.qdpx_encrypted, "project.qdpx", _qdpx, "encrypted"),
    "qdpx-two-sources-one-guid": (
        hostile.qdpx_two_sources_one_guid,
        "project.qdpx",
        _qdpx,
        "Two sources share the GUID",
    ),
    "qdpx-null-character": (
        hostile.qdpx_null_character,
        "project.qdpx",
        _qdpx,
        "contains a null character",
    ),
    "qdpx-15-mb-source-name": (
        hostile.qdpx_long_source_name,
        "project.qdpx",
        _qdpx,
        "is 15,000,000 characters long; Followup keeps at most 300",
    ),
    "qdpx-60000-entries": (hostile.qdpx_many_entries, "project.qdpx", _qdpx, "holds 60,000 files"),
    "docx-31-million-characters": (
        hostile.docx_huge_paragraph,
        "notes.docx",
        _docx,
        "unpacks to more than Followup reads",
    ),
    "pdf-compression-bomb": (
        hostile.pdf_compression_bomb,
        "notes.pdf",
        _pdf,
        "unpacks to more than 10 MB",
    ),
    "xlsx-million-rows": (
        hostile.xlsx_million_rows,
        "survey.xlsx",
        _xlsx,
        "unpacks to more than Followup reads",
    ),
    "xlsx-undefined-entity": (
        hostile.xlsx_undefined_entity,
        "survey.xlsx",
        _xlsx,
        "not a readable XLSX workbook",
    ),
    "xlsx-not-a-workbook": (
        hostile.xlsx_not_a_workbook,
        "survey.xlsx",
        _xlsx,
        "not a readable XLSX workbook: it is damaged, or not a workbook",
    ),
    "xlsx-cut-short": (
        hostile.xlsx_cut_short,
        "survey.xlsx",
        _xlsx,
        "The file is not an XLSX workbook: it is not a ZIP archive",
    ),
    "docx-600000-runs": (
        lambda: hostile.docx_runs(600_000),
        "notes.docx",
        _docx,
        "The Word document has more than 500,000 XML elements",
    ),
    "docx-not-a-document": (
        hostile.docx_not_a_document,
        "notes.docx",
        _docx,
        "could not be read as a Word (.docx) document: it is damaged",
    ),
    "xlsx-300000-fonts": (
        hostile_tables.xlsx_styles_bomb,
        "survey.xlsx",
        _xlsx,
        "the workbook's styles part holds more than 50,000 entries; save the sheet as CSV, or "
        "remove unused styles",
    ),
    "xlsx-800000-shared-strings": (
        hostile_tables.xlsx_shared_strings_bomb,
        "survey.xlsx",
        _xlsx,
        "the workbook's shared strings part holds more than 240,000 entries; save the sheet as CSV",
    ),
    "csv-18-mb-one-line": (
        hostile_tables.csv_one_line,
        "survey.csv",
        _csv,
        "line 1 has 9,437,184 columns; Followup reads at most 1,000",
    ),
    "csv-18-mb-unclosed-quote": (
        hostile_tables.csv_unclosed_quote,
        "survey.csv",
        _csv,
        "line 2: a cell is longer than 131,072 characters, or its quotes are unbalanced",
    ),
    "xlsx-billion-laughs": (
        hostile.xlsx_billion_laughs,
        "survey.xlsx",
        _xlsx,
        "not a readable XLSX workbook",
    ),
}

_made: dict[str, bytes] = {}


def made(name: str) -> bytes:
    """Each hostile file, made once per test process."""
    if name not in _made:
        _made[name] = FILES[name][0]()
    return _made[name]


# Files whose refusal, read in the test process (the pages' tests), is read past a lower limit
# of the same check, from a file that passes it as the hostile one passes the real limit: (the
# module, its limit's name, the lower limit, the smaller file, the words of its refusal). Under
# coverage's tracer each XML element the Word reader counts is a traced call: the 600,000-run
# document took 10 to 14 s in each test that read it so, for the same code path and the same
# refusal. The real limit and the real file are read by the reader's test, untraced.
LOWER: dict[str, tuple[Any, str, int, Callable[[], bytes], str]] = {
    "docx-600000-runs": (
        docxtext,
        "MAX_DOCX_ELEMENTS",
        10_000,
        lambda: hostile.docx_runs(20_000),
        "The Word document has more than 10,000 XML elements",
    ),
}
_made_lower: dict[str, bytes] = {}


@pytest.fixture
def read_here(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], tuple[bytes, str]]:
    """The file to read in the test process for a hostile file of ``FILES``, and the words its
    refusal must contain: the file itself, or where ``LOWER`` has it, the smaller file with its
    check's limit lowered for the test."""

    def read(name: str) -> tuple[bytes, str]:
        if name not in LOWER:
            return made(name), FILES[name][3]
        module, limit, value, make, words = LOWER[name]
        monkeypatch.setattr(module, limit, value)
        if name not in _made_lower:
            _made_lower[name] = make()
        return _made_lower[name], words

    return read


def test_each_lowered_limit_is_the_real_one_scaled_down_with_the_same_refusal():
    """What ``LOWER`` reads in the test process is the hostile file's refusal with only the
    limit's figure changed: the real refusal, with the real limit, is the reader's test's."""
    for name, (module, limit, value, _, words) in LOWER.items():
        real = getattr(module, limit)
        assert value < real
        assert words.replace(f"{value:,}", f"{real:,}") == FILES[name][3]


# Python's names for what went wrong, which no message may show: a person reading one learns
# nothing from "BadZipFile" or "KeyError".
PYTHON_WORDS = re.compile(
    r"\b(\w*Error|\w*Exception|BadZipFile|StopIteration|Traceback|errno|codec)\b"
)
# What a reader refuses a file with: a ValueError, which each page and command tells in words.
REFUSALS: dict[str, type[ValueError]] = {
    error.__name__: error for error in (ExchangeError, ExtractError, TableError)
}


def test_every_refusal_is_a_value_error():
    assert all(issubclass(error, ValueError) for error in REFUSALS.values())


@pytest.mark.parametrize("name", sorted(FILES))
def test_each_hostile_file_is_refused_by_its_reader_in_plain_words_within_2_seconds_and_200_mb(
    name,
):
    """The reader, run in a forked child of the test process, refuses the file with a
    ValueError whose message says why in words, names no Python exception and quotes none's
    message (the child reports the refusal's type and message as the reader raised them)."""
    _, _, reader, words = FILES[name]
    data = made(name)
    cost = hostile.measure(lambda: reader(data))
    kind, _, message = cost.outcome.partition(": ")
    assert words in message, cost.outcome
    assert kind in REFUSALS, cost.outcome
    assert PYTHON_WORDS.findall(message) == [], cost.outcome
    assert cost.cpu < SECONDS, cost
    assert cost.memory < MEGABYTES, cost
    if name.startswith("pdf"):
        # The PDF worker's own memory. The kernel's ru_maxrss for a child counts the memory of
        # the process that started it (the test's) as well, so the worker reports its own
        # high-water mark, of the address space exec gave it.
        worker = subprocess.run(
            [sys.executable, "-m", "followup.evidence.pdftext"],
            input=data,
            capture_output=True,
            timeout=30,
            check=False,
        )
        assert worker.returncode == 0, worker
        assert json.loads(worker.stdout)["peak_mb"] < MEGABYTES, worker.stdout[:200]


def _upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(FILES[name][1], made(name) if data is None else data)


def _post(client: Any, url: str, data: dict[str, Any]) -> Any:
    """The page's answer. What the refusal costs is measured where it is spent, in the reader,
    in a forked child (``test_each_hostile_file_is_refused_by_its_reader_in_plain_words_within_2_seconds_and_200_mb``):
    timed here, in a test worker that has run thousands of tests before, the 600,000-run
    document's refusal took 7 to 9 processor-seconds in CI's PostgreSQL run against 0.6 in a
    fresh process, with the cycle collector paused too, for a cause not yet found (#12)."""
    return client.post(url, data)


def _refused_on_the_page(response: Any, name: str, words: str | None = None) -> None:
    assert response.status_code == 200, (name, response.status_code)
    assert (words or FILES[name][3]) in html.unescape(response.content.decode()), name


@pytest.mark.parametrize("name", sorted(n for n in FILES if n.startswith(("qdc", "qdpx"))))
def test_each_hostile_refi_qda_file_is_refused_on_the_exchange_page(world, name):
    url = reverse("evidence:exchange", args=["home"])
    codes, sources = Code.objects.count(), Source.objects.count()
    response = _post(world.client_for("contributor"), url, {"file": _upload(name)})
    _refused_on_the_page(response, name)
    assert (Code.objects.count(), Source.objects.count()) == (codes, sources)


@pytest.mark.parametrize("name", sorted(n for n in FILES if n.startswith(("docx", "pdf"))))
def test_each_hostile_document_is_refused_on_the_add_a_source_page(world, name, read_here):
    url = reverse("evidence:source_create", args=["home"])
    content, words = read_here(name)
    data = {"title": "Hostile", "kind": "document", "file": _upload(name, content)}
    sources = Source.objects.count()
    response = _post(world.client_for("contributor"), url, data)
    _refused_on_the_page(response, name, words)
    assert Source.objects.count() == sources


@pytest.mark.parametrize("name", sorted(n for n in FILES if n.startswith(("xlsx", "csv"))))
def test_each_hostile_workbook_is_refused_on_both_upload_pages_and_nothing_is_staged(world, name):
    surveys, uploads = SurveyUpload.objects.count(), ImportUpload.objects.count()
    client = world.client_for("lead")
    response = _post(
        client,
        reverse("evidence:survey_upload", args=["home"]),
        {**key(client), "title": "Hostile", "file": _upload(name)},
    )
    _refused_on_the_page(response, name)
    response = _post(
        client,
        reverse("indicators:upload", args=["home"]),
        {"release": "Hostile", "file": _upload(name)},
    )
    _refused_on_the_page(response, name)
    assert (SurveyUpload.objects.count(), ImportUpload.objects.count()) == (surveys, uploads)


def run(*argv: str) -> int:
    """A command as ``followup`` runs it, without its setup (the test database is ready)."""
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


COMMANDS = {".qdc": "import-qdc", ".qdpx": "import-qdpx"}
# Within the command line's larger caps (its operator chooses the file): refused on the web only.
WEB_ONLY = {"xlsx-800000-shared-strings"}


@pytest.mark.parametrize(
    "name",
    sorted(n for n in FILES if n.startswith(("qdc", "qdpx", "xlsx", "csv")) and n not in WEB_ONLY),
)
def test_each_hostile_file_is_refused_on_the_command_line_with_the_reason(
    world, name, tmp_path, capsys
):
    path = tmp_path / FILES[name][1]
    path.write_bytes(made(name))
    suffix = path.suffix
    start = time.process_time()
    if suffix in {".xlsx", ".csv"}:
        status = run("import-data", str(path), "--release", "Hostile")
    else:
        status = run(COMMANDS[suffix], str(path), "--partnership", "home")
    spent = time.process_time() - start
    err = capsys.readouterr().err
    assert status == 1
    assert FILES[name][3] in err, err
    assert "Traceback" not in err
    assert spent < hostile.budget(SECONDS), spent


def test_a_staged_upload_whose_file_cannot_be_read_shows_why_and_can_be_discarded(world):
    """An upload staged before files were read once (it holds the file itself) that turns out to
    be hostile: its preview says why, and the discard button forgets it."""
    staged = SurveyUpload.objects.create(
        partnership=world.home.partnership,
        title="Old survey",
        filename="survey.xlsx",
        data=ContentFile(made("xlsx-undefined-entity"), name="survey.xlsx"),
    )
    client = world.client_for("contributor")
    url = reverse("evidence:survey_preview", args=["home", staged.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    assert "This file cannot be imported" in text and "not a readable XLSX workbook" in text
    assert client.post(url, {"role-0": "respondent"}).status_code == 200
    discard = reverse("evidence:survey_discard", args=["home", staged.pk])
    assert f'action="{discard}"' in text
    assert client.post(discard).status_code == 302
    assert not SurveyUpload.objects.filter(pk=staged.pk).exists()
    assert client.get(url).status_code == 404


def test_an_old_staged_data_file_that_cannot_be_read_shows_why_and_can_be_discarded(world):
    staged = ImportUpload.objects.create(
        partnership=world.home.partnership,
        filename="figures.xlsx",
        data=ContentFile(made("xlsx-undefined-entity"), name="figures.xlsx"),
        release="Old",
    )
    client = world.client_for("editor")
    url = reverse("indicators:upload_preview", args=["home", staged.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "not a readable XLSX workbook" in html.unescape(page.content.decode())
    assert client.post(url).status_code == 200
    assert (
        client.post(reverse("indicators:upload_discard", args=["home", staged.pk])).status_code
        == 302
    )
    assert not ImportUpload.objects.filter(pk=staged.pk).exists()
