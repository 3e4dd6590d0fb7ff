"""Hostile files, made here rather than committed: each one the issue (#11) found expensive or
breaking, and the harness that measures what reading one costs.

``measure`` runs a function in a forked child (nothing it allocates stays in the test process)
and reports the processor time it took (its own and its children's, such as the PDF reader's)
and the most memory it held above what the process held before (the kernel's high-water mark,
so memory allocated by C libraries such as lxml counts too).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import resource
import struct
import sys
import time
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

CODEBOOK = b'<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
PROJECT_NS = "urn:QDA-XML:project:1.0"
MB = 1024 * 1024


def guid(n: int) -> str:
    return str(uuid.UUID(int=n + 1)).upper()


# ZIP archives written by hand, so that a large hostile one costs the test little: a block
# repeated after a full flush deflates to the same bytes each time, so it is deflated once.


@dataclass
class Entry:
    name: str
    data: bytes  # as stored: raw deflate, or the bytes themselves
    crc: int
    size: int
    method: int = zipfile.ZIP_DEFLATED


def deflated(name: str, data: bytes) -> Entry:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Entry(name, packer.compress(data) + packer.flush(), zlib.crc32(data), len(data))


def repeated(name: str, head: bytes, block: bytes, times: int, tail: bytes) -> Entry:
    """``head + block * times + tail``, deflated without ever being built."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    last = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(block) * times + len(tail)
    return Entry(name, first + again * times + last, crc, size)


def raw_zip(entries: list[Entry]) -> bytes:
    out = bytearray()
    directory = bytearray()
    for entry in entries:
        name = entry.name.encode()
        offset = len(out)
        fields = (20, 0, entry.method, 0, 0x21, entry.crc, len(entry.data), entry.size)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields, len(name), 0) + name
        out += entry.data
        directory += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, len(name), 0, 0, 0, 0, 0, offset
        )
        directory += name
    start = len(out)
    out += directory
    out += struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), start, 0
    )
    return bytes(out)


# REFI-QDA codebooks ---------------------------------------------------------------------------


def qdc_quadratic_sets(size: int) -> bytes:
    """What took 13 s at 96 KB: an opened ``<Sets`` never closed, many times over, which the old
    regular expression scanned to the end of the file from each one."""
    return CODEBOOK + b"<Codes/>" + b"<Sets " * (size // 6) + b"</CodeBook>"


def qdc_sets_in_comment(size: int) -> bytes:
    """The same shape inside a comment, so the file is well-formed and read to its end."""
    code = f'<Code guid="{guid(0)}" name="A" isCodable="true"/>'.encode()
    return (
        CODEBOOK + b"<Codes>" + code + b"</Codes><!--" + b"<Sets " * (size // 6) + b"--></CodeBook>"
    )


def qdc_nested(depth: int) -> bytes:
    """Codes nested ``depth`` levels deep (480 to 950 gave a server error)."""
    opening = "".join(f'<Code guid="{guid(i)}" name="C{i}" isCodable="true">' for i in range(depth))
    return CODEBOOK + f"<Codes>{opening}{'</Code>' * depth}</Codes></CodeBook>".encode()


def qdc_codes(count: int) -> bytes:
    """A valid codebook of ``count`` codes, each with a description."""
    codes = "".join(
        f'<Code guid="{guid(i)}" name="Code {i}" isCodable="true"><Description>About {i}'
        "</Description></Code>"
        for i in range(count)
    )
    return CODEBOOK + f"<Codes>{codes}</Codes></CodeBook>".encode()


def qdc_billion_laughs() -> bytes:
    entities = '<!ENTITY a "lol">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE CodeBook [{entities}]>'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        f'<Code guid="{guid(1)}" name="&j;" isCodable="true"/></Codes></CodeBook>'
    ).encode()


# REFI-QDA projects ----------------------------------------------------------------------------


def project_qde(sources: list[tuple[int, str]], selections: int = 0, inline: str = "") -> str:
    """A project with one code and the given text sources (GUID number, plainTextPath)."""
    parts = []
    for number, path in sources:
        spans = "".join(
            f'<PlainTextSelection guid="{guid(10_000_000 + number * 1_000_000 + k)}" '
            f'startPosition="{k}" endPosition="{k + 1}"><Coding guid="'
            f'{guid(20_000_000 + number * 1_000_000 + k)}"><CodeRef targetGUID="{guid(0)}"/>'
            "</Coding></PlainTextSelection>"
            for k in range(selections)
        )
        content = f"<PlainTextContent>{inline}</PlainTextContent>" if inline else ""
        where = f' plainTextPath="{path}"' if path else ""
        parts.append(
            f'<TextSource guid="{guid(number)}" name="Source {number}"{where}>{content}'
            f"{spans}</TextSource>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{PROJECT_NS}" name="x">'
        f'<CodeBook><Codes><Code guid="{guid(0)}" name="A" isCodable="true"/></Codes></CodeBook>'
        f"<Sources>{''.join(parts)}</Sources></Project>"
    )


def qdpx(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def qdpx_memory_bomb(sources: int = 3, megabytes: int = 190) -> bytes:
    """What took 1.8 GB at 624 KB: sources of a few hundred kilobytes that unpack to 190 MB each
    (within the old 200 MB check of the declared sizes)."""
    xml = project_qde([(i, f"internal://{guid(i)}.txt") for i in range(sources)])
    entries = [deflated("project.qde", xml.encode())]
    entries += [
        repeated(f"sources/{guid(i)}.txt", b"", b"a" * MB, megabytes, b"") for i in range(sources)
    ]
    return raw_zip(entries)


def _patched(data: bytes, name: str, change: Callable[[bytearray, int, int], None]) -> bytes:
    """The archive with the local header and directory record of ``name`` changed in place:
    ``change(archive, local header offset, directory record offset)``."""
    out = bytearray(data)
    end = out.rfind(b"PK\x05\x06")
    entries, _, record = struct.unpack_from("<HLL", out, end + 10)
    for _ in range(entries):
        name_length, extra, comment = struct.unpack_from("<3H", out, record + 28)
        local = struct.unpack_from("<L", out, record + 42)[0]
        if out[record + 46 : record + 46 + name_length] == name.encode():
            change(out, local, record)
            return bytes(out)
        record += 46 + name_length + extra + comment
    raise KeyError(name)


def _small_project() -> bytes:
    text = "Staff feel supported. " * 200
    return qdpx(
        {
            "project.qde": project_qde([(1, f"internal://{guid(1)}.txt")]).encode(),
            f"sources/{guid(1)}.txt": text.encode(),
        }
    )


def qdpx_bad_crc() -> bytes:
    def change(out: bytearray, local: int, central: int) -> None:
        for at in (local + 14, central + 16):
            out[at] ^= 0xFF

    return _patched(_small_project(), f"sources/{guid(1)}.txt", change)


def qdpx_lying_size() -> bytes:
    """A source that says it unpacks to 10 bytes, and unpacks to 4,400."""

    def change(out: bytearray, local: int, central: int) -> None:
        struct.pack_into("<L", out, local + 22, 10)
        struct.pack_into("<L", out, central + 24, 10)

    return _patched(_small_project(), f"sources/{guid(1)}.txt", change)


def qdpx_lying_big_size() -> bytes:
    """A source that says it unpacks to 4 GB."""

    def change(out: bytearray, local: int, central: int) -> None:
        struct.pack_into("<L", out, local + 22, 0xFFFFFFF0)
        struct.pack_into("<L", out, central + 24, 0xFFFFFFF0)

    return _patched(_small_project(), f"sources/{guid(1)}.txt", change)


def qdpx_deflate64() -> bytes:
    def change(out: bytearray, local: int, central: int) -> None:
        struct.pack_into("<H", out, local + 8, 9)
        struct.pack_into("<H", out, central + 10, 9)

    return _patched(_small_project(), f"sources/{guid(1)}.txt", change)


def qdpx_encrypted() -> bytes:
    def change(out: bytearray, local: int, central: int) -> None:
        out[local + 6] |= 0x1
        out[central + 8] |= 0x1

    return _patched(_small_project(), f"sources/{guid(1)}.txt", change)


def qdpx_two_sources_one_guid() -> bytes:
    xml = project_qde([(1, ""), (1, "")], inline="Staff feel supported.")
    return qdpx({"project.qde": xml.encode()})


def qdpx_null_character() -> bytes:
    return qdpx(
        {
            "project.qde": project_qde([(1, f"internal://{guid(1)}.txt")]).encode(),
            f"sources/{guid(1)}.txt": b"Staff \x00 feel supported.",
        }
    )


def qdpx_long_source_name(characters: int = 15_000_000) -> bytes:
    """A source named with 15 million characters (once cut short to 300 in silence)."""
    xml = project_qde([(1, "")], inline="Staff listen.")
    xml = xml.replace('name="Source 1"', f'name="{"n" * characters}"')
    return qdpx({"project.qde": xml.encode()})


def qdpx_many_entries(count: int = 60_000) -> bytes:
    """More entries than any project has: each one would cost ``zipfile`` an object."""
    return raw_zip([Entry(f"{i}", b"", 0, 0, zipfile.ZIP_STORED) for i in range(count)])


def qdpx_positions(length: int) -> bytes:
    """A source with CRLF endings and decomposed accents (so its positions must be mapped to the
    normalised text) and one selection per ten characters: the old mapping normalised the text
    up to each position again, which grows with the square of the text."""
    text = ("Cafe\u0301 line\r\n" * (length // 12 + 1))[:length]
    xml = project_qde([(1, f"internal://{guid(1)}.txt")], selections=length // 10)
    return qdpx({"project.qde": xml.encode(), f"sources/{guid(1)}.txt": text.encode()})


# Word, PDF ------------------------------------------------------------------------------------

WORD_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)
WORD_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    b"</Relationships>"
)
W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_with_body(chunks: Callable[[], Any]) -> bytes:
    """A minimal Word file whose body is written chunk by chunk (so a large one is cheap)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", WORD_TYPES)
        archive.writestr("_rels/.rels", WORD_RELS)
        with archive.open("word/document.xml", "w") as member:
            member.write(b'<?xml version="1.0" encoding="UTF-8"?><w:document ' + W + b"><w:body>")
            for chunk in chunks():
                member.write(chunk)
            member.write(b"</w:body></w:document>")
    return buffer.getvalue()


def docx_huge_paragraph(characters: int = 31_000_000) -> bytes:
    """What became a 31-million-character source at 72 KB: one paragraph of repeated text."""

    def chunks() -> Any:
        yield b"<w:p><w:r><w:t>"
        block = b"a" * MB
        for _ in range(characters // MB):
            yield block
        yield b"</w:t></w:r></w:p>"

    return docx_with_body(chunks)


def docx_runs(count: int, tail: bytes = b"</w:p>") -> bytes:
    """One paragraph of ``count`` empty runs: many elements, no text (``tail`` ends it)."""

    def chunks() -> Any:
        yield b"<w:p>"
        for _ in range(count // 10_000):
            yield b"<w:r/>" * 10_000
        yield tail

    return docx_with_body(chunks)


def docx_paragraphs(count: int) -> bytes:
    def chunks() -> Any:
        yield b"<w:p><w:r><w:t>Staff feel supported.</w:t></w:r></w:p>" * count

    return docx_with_body(chunks)


def pdf_with_stream(stream: bytes, *, compressed: bool = False) -> bytes:
    """A one-page PDF whose content stream is ``stream`` (already deflated if ``compressed``)."""
    extra = b" /Filter /FlateDecode" if compressed else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length "
        + str(len(stream)).encode()
        + extra
        + b" >>\nstream\n"
        + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def pdf_compression_bomb(megabytes: int = 200) -> bytes:
    """A page whose content stream is a few hundred kilobytes deflated and 200 MB inflated."""
    block = b"0 0 Td " * (MB // 7)
    entry = repeated("", b"", block, megabytes, b"")
    adler = 1
    for _ in range(megabytes):
        adler = zlib.adler32(block, adler)
    stream = b"\x78\x9c" + entry.data + struct.pack(">L", adler)
    return pdf_with_stream(stream, compressed=True)


def pdf_text_operators(count: int) -> bytes:
    body = b"BT /F1 12 Tf 72 720 Td " + b"(Staff feel supported.) Tj 0 -1 Td " * count + b"ET"
    return pdf_with_stream(body)


# Workbooks ------------------------------------------------------------------------------------

XLSX_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
XLSX_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    b"</Relationships>"
)
XLSX_BOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
XLSX_BOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b"</Relationships>"
)
SPREADSHEET_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET_OPEN = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_CLOSE = b"</sheetData></worksheet>"


def xlsx_with_sheet(chunks: Callable[[], Any], prolog: bytes = b"") -> bytes:
    """A minimal workbook whose one sheet's rows are written chunk by chunk."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", XLSX_TYPES)
        archive.writestr("_rels/.rels", XLSX_RELS)
        archive.writestr("xl/workbook.xml", XLSX_BOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", XLSX_BOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            member.write(prolog or SHEET_OPEN)
            for chunk in chunks():
                member.write(chunk)
            member.write(SHEET_CLOSE)
    return buffer.getvalue()


def _row(cells: list[str]) -> bytes:
    inner = "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in cells)
    return f"<row>{inner}</row>".encode()


XLSX_PARTS = (
    ("[Content_Types].xml", XLSX_TYPES),
    ("_rels/.rels", XLSX_RELS),
    ("xl/workbook.xml", XLSX_BOOK),
    ("xl/_rels/workbook.xml.rels", XLSX_BOOK_RELS),
)


def xlsx_rows(count: int) -> bytes:
    """A survey of ``count`` respondents (a header row, then three cells a row)."""
    head = SHEET_OPEN + _row(["id", "group", "What helps?"])
    block = _row(["R", "Staff", "Good supervision"]) * 1000
    rest = _row(["R", "Staff", "Good supervision"]) * (count % 1000) + SHEET_CLOSE
    sheet = repeated("xl/worksheets/sheet1.xml", head, block, count // 1000, rest)
    return raw_zip([deflated(name, data) for name, data in XLSX_PARTS] + [sheet])


def xlsx_million_rows() -> bytes:
    """What took 42 s and 646 MB: a workbook of a million rows."""
    return xlsx_rows(1_000_000)


def xlsx_far_row() -> bytes:
    """One cell in the last row a sheet may have: a million empty rows come before it."""

    def chunks() -> Any:
        yield _row(["id", "group", "What helps?"])
        yield b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'

    return xlsx_with_sheet(chunks)


def xlsx_undefined_entity() -> bytes:
    """A sheet with an undefined entity (after which the old staged preview was a 500 for ever)."""

    def chunks() -> Any:
        yield _row(["id", "group", "What helps?"])
        yield b'<row><c t="inlineStr"><is><t>&undefined;</t></is></c></row>'

    return xlsx_with_sheet(chunks)


def xlsx_billion_laughs() -> bytes:
    entities = b'<!ENTITY a "lol">' + b"".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9)
    )
    prolog = b'<?xml version="1.0"?><!DOCTYPE worksheet [' + entities + b"]>" + SHEET_OPEN[38:]

    def chunks() -> Any:
        yield _row(["id", "group", "What helps?"])
        yield b'<row><c t="inlineStr"><is><t>&j;</t></is></c></row>'

    return xlsx_with_sheet(chunks, prolog=prolog)


def zip_of_text(name: str) -> bytes:
    """A sound ZIP archive holding one text file: not a workbook, nor a Word document."""
    return raw_zip([deflated(name, b"hello")])


def xlsx_not_a_workbook() -> bytes:
    return zip_of_text("hello.txt")


def docx_not_a_document() -> bytes:
    return zip_of_text("word/hello.txt")


def xlsx_cut_short() -> bytes:
    """A workbook cut off half-way: its directory is gone."""
    data = xlsx_rows(10)
    return data[: len(data) // 2]


# Measuring ------------------------------------------------------------------------------------


@dataclass
class Cost:
    cpu: float  # seconds of processor time, the reader's process and its children
    wall: float
    memory: float  # megabytes held above what the process held before (high-water mark)
    child_memory: float  # megabytes: ru_maxrss of children, which counts the parent's memory too
    outcome: str  # "ok" or the exception's class and message


def _status(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])  # kB
    return 0


@contextlib.contextmanager
def untraced() -> Iterator[None]:
    """Coverage's tracer taken off this thread while a test times work: tracing every line makes
    Python two to three times slower, and a budget of seconds or a ratio of two timings is about
    the code, not the tracer. The code timed is covered by the tests of its behaviour. (The
    tracer itself is set aside and put back, which is all a timing needs: no measurement is
    stopped and started again.)"""
    tracer = sys.gettrace()
    sys.settrace(None)
    try:
        yield
    finally:
        sys.settrace(tracer)


def budget(seconds: float) -> float:
    """A processor-time budget for work timed in the test process itself: as given, checked
    where no tracer watches (the PostgreSQL run and a plain pytest run); none while coverage's
    tracer does (the suite's SQLite run). Tracing every line makes callback-heavy code, such as
    an XML parser's handlers, ten times slower or more, so a traced timing measured the tracer
    and the machine, not the code. ``measure`` needs no allowance: its child runs untraced."""
    return seconds if sys.gettrace() is None else math.inf


def measure(function: Callable[[], Any]) -> Cost:
    """Run ``function`` in a forked child, untraced, and say what it cost."""
    with untraced():
        return _measure(function)


def _measure(function: Callable[[], Any]) -> Cost:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, report, and leave without running any cleanup
        os.close(read)
        try:
            with open("/proc/self/clear_refs", "w") as refs:
                refs.write("5")  # start the high-water mark from here
        except OSError:
            pass
        base = _status("VmRSS")
        start, cpu = time.perf_counter(), time.process_time()
        try:
            function()
            outcome = "ok"
        except BaseException as error:
            outcome = f"{type(error).__name__}: {error}"
        wall = time.perf_counter() - start
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        report = {
            "cpu": time.process_time() - cpu + children.ru_utime + children.ru_stime,
            "wall": wall,
            "memory": max(0, _status("VmHWM") - base) / 1024,
            "child_memory": children.ru_maxrss / 1024,
            "outcome": outcome,
        }
        os.write(write, json.dumps(report).encode())
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    return Cost(**json.loads(b"".join(chunks)))
