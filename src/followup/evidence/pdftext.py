"""Take the text of a PDF given on standard input, within limits; print JSON on standard output.

Run by ``extract._pdf`` as ``python -m followup.evidence.pdftext``, in a process of its own: the
operating system stops it after ``PDF_CPU_SECONDS`` of processor time or ``PDF_MEMORY_MB`` of
memory, whatever the PDF does, and pypdf's own limits on streams are lowered too. It imports pypdf
only (never Django), so it starts quickly.

Output: ``{"text": "...", "peak_mb": N}`` or ``{"error": "the reason in plain words", "peak_mb":
N}``, where ``peak_mb`` is the process's own high-water mark of memory (``VmHWM``: the address
space exec gave it, so not the memory of the process that started it).
"""

from __future__ import annotations

import io
import json
import resource
import sys
from typing import Any

CPU_SECONDS = 2
MEMORY_BYTES = 512 * 1024 * 1024
MAX_PAGES = 2_000
MAX_TEXT_CHARS = 1_000_000  # as lib.uploads.MAX_TEXT_CHARS (a test checks they agree)
# pypdf's limits, lowered from its defaults (75 MB a stream) to what one page of text needs.
STREAM_BYTES = 10 * 1024 * 1024
STREAM_TOKENS = 500_000  # words and numbers of one content stream (one page's drawing)
XFORM_INVOCATIONS = 200  # forms (reused parts) one page's text draws; past it they are skipped
AGAIN = "Save it again from the program that made it, or paste the text"


def _exceeded(error: Exception) -> str:
    """What pypdf's limit ``error`` says was passed, in plain words: each limit is its own."""
    said = str(error).lower()
    if "token" in said:
        what = f"a page's content holds more than {STREAM_TOKENS:,} words and numbers to read"
    elif "cycl" in said or "loop" in said:
        what = "its parts refer to each other in a loop"
    elif "element" in said or "entries" in said:
        what = "a part of it lists more items than Followup reads"
    else:
        what = f"a part of it unpacks to more than {STREAM_BYTES // (1024 * 1024)} MB"
    return f"The PDF holds more than Followup reads from one file ({what}). {AGAIN}"


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def text_of(data: bytes) -> dict[str, str]:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError, PyPdfError

    limits: dict[str, Any] = {
        "maximum_declared_stream_length": STREAM_BYTES,
        "array_based_stream_maximum_output_length": STREAM_BYTES,
        "lzw_maximum_output_length": STREAM_BYTES,
        "run_length_maximum_output_length": STREAM_BYTES,
        "zlib_maximum_output_length": STREAM_BYTES,
        "image_maximum_buffer_size": STREAM_BYTES,
        "jbig2_maximum_output_length": STREAM_BYTES,
        "stream_parsing_work_maximum_count": STREAM_TOKENS,
        "xform_maximum_invocations_per_extraction": XFORM_INVOCATIONS,
        "jbig2dec_binary": None,
    }
    try:
        with apply_configuration(**limits):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                return {"error": "The PDF is protected by a password; save an unprotected copy"}
            if len(reader.pages) > MAX_PAGES:
                return {
                    "error": f"The PDF has more than {MAX_PAGES:,} pages; split it into "
                    "smaller sources"
                }
            pages: list[str] = []
            chars = 0
            for page in reader.pages:
                text = (page.extract_text() or "").strip()
                chars += len(text) + 2
                if chars > MAX_TEXT_CHARS + 2:
                    return {
                        "error": f"The PDF holds more than {MAX_TEXT_CHARS:,} characters of "
                        "text; split it into smaller sources"
                    }
                if text:
                    pages.append(text)
    except LimitReachedError as error:
        return {"error": _exceeded(error)}
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        OSError,
        AttributeError,
        IndexError,
        RecursionError,
        ZeroDivisionError,
        UnicodeError,
        AssertionError,
    ):
        return {"error": "The file could not be read as a PDF"}
    text = "\n\n".join(pages)
    if not text.strip():
        return {
            "error": "The PDF has no text to take: it may be a scan. Run it through text "
            "recognition, or paste the text"
        }
    return {"text": text}


def peak_mb() -> float:
    """This process's high-water mark of resident memory, in megabytes (0 where unknown)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main() -> int:
    _limit()
    data = sys.stdin.buffer.read()
    try:
        answer: dict[str, Any] = dict(text_of(data))
    except MemoryError:
        return 3
    answer["peak_mb"] = round(peak_mb(), 1)
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
