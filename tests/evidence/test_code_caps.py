"""How many codes a partnership's codebook may hold, and how long a code's description and memo
may be (#11): a REFI-QDA file over either is refused whole, on the web and the command line,
with a message naming the limit or the code; adding a code on the page stops at the same limit."""

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
from followup.evidence.models import Code
from followup.evidence.refi import ExchangeError
from followup.evidence.refi_import import read_qdc, read_qdpx
from tests import hostile
from tests.hostile import CODEBOOK, guid
from tests.submissions import key


def run(*argv: str) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


def post(world: Any, name: str, data: bytes) -> tuple[str, float]:
    client = world.client_for("contributor")
    start = time.process_time()
    response = client.post(
        reverse("evidence:exchange", args=["home"]), {"file": SimpleUploadedFile(name, data)}
    )
    spent = time.process_time() - start
    assert response.status_code in {200, 302}
    return html.unescape(response.content.decode()), spent


def bare_codes(count: int) -> bytes:
    """A codebook of ``count`` codes without descriptions, as the hostile reviewer's was."""
    codes = "".join(f'<Code guid="{guid(i)}" name="C{i}" isCodable="true"/>' for i in range(count))
    return CODEBOOK + f"<Codes>{codes}</Codes></CodeBook>".encode()


TOO_MANY = (
    "Too many codes, so nothing was imported: this file has 40,000, and a partnership's codebook "
    "may have at most 1,000 (FOLLOWUP_MAX_CODES)."
)


def test_a_codebook_of_40000_codes_is_refused_on_the_web_naming_the_limit(world):
    before = Code.objects.count()
    page, spent = post(world, "codes.qdc", bare_codes(40_000))
    assert TOO_MANY in page
    assert Code.objects.count() == before
    assert spent < hostile.budget(2.0), spent


def test_a_codebook_of_40000_codes_is_refused_on_the_command_line_in_bounded_time(
    world, tmp_path, capsys
):
    path = tmp_path / "codes.qdc"
    path.write_bytes(bare_codes(40_000))
    before = Code.objects.count()
    cost = hostile.measure(lambda: read_qdc(path.read_bytes()))
    assert cost.outcome == f"ExchangeError: {TOO_MANY}"
    assert cost.cpu < 2.0, cost
    assert cost.memory < 200, cost
    assert run("import-qdc", str(path), "--partnership", "home") == 1
    err = capsys.readouterr().err
    assert f"import-qdc: {path}: {TOO_MANY}" in err
    assert "Traceback" not in err
    assert Code.objects.count() == before


def test_a_project_with_more_codes_than_the_limit_is_refused(settings):
    settings.MAX_CODES = 2
    codes = "".join(f'<Code guid="{guid(c)}" name="C{c}" isCodable="true"/>' for c in range(3))
    xml = (
        f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{hostile.PROJECT_NS}" name="x">'
        f"<CodeBook><Codes>{codes}</Codes></CodeBook></Project>"
    )
    with pytest.raises(ExchangeError) as refused:
        read_qdpx(hostile.qdpx({"project.qde": xml.encode()}))
    assert str(refused.value) == (
        "Too many codes, so nothing was imported: this file has 3, and a partnership's codebook "
        "may have at most 2 (FOLLOWUP_MAX_CODES)."
    )


def test_an_import_that_would_take_the_codebook_past_the_limit_is_refused_whole(world, settings):
    partnership = world.home.partnership
    held = Code.objects.filter(partnership=partnership).count()
    settings.MAX_CODES = held + 2
    page, _ = post(world, "codes.qdc", hostile.qdc_codes(3))
    assert (
        f"Too many codes, so nothing was imported: this file would add 3 codes to the {held:,} in "
        f"the codebook, and a partnership's codebook may have at most {held + 2:,} "
        "(FOLLOWUP_MAX_CODES)."
    ) in page
    assert Code.objects.filter(partnership=partnership).count() == held
    page, _ = post(world, "codes.qdc", hostile.qdc_codes(2))
    assert Code.objects.filter(partnership=partnership).count() == held + 2


def test_adding_a_code_on_the_page_stops_at_the_limit(world, settings):
    partnership = world.home.partnership
    lead = world.users["lead"]
    settings.MAX_CODES = Code.objects.filter(partnership=partnership).count() + 1
    actions.create_code(lead, partnership, {"name": "Last one"})
    with pytest.raises(ValidationError) as refused:
        actions.create_code(lead, partnership, {"name": "One too many"})
    assert refused.value.messages == [
        f"The codebook has {settings.MAX_CODES:,} codes, as many as a partnership's codebook "
        "may have (FOLLOWUP_MAX_CODES): remove a code before adding another"
    ]
    client = world.client_for("lead")
    response = client.post(
        reverse("evidence:codebook", args=["home"]),
        {**key(client), "name": "Still too many", "colour": "#1d70b8"},
    )
    assert "as many as a partnership&#x27;s codebook" in response.content.decode()
    assert not Code.objects.filter(name__in=["One too many", "Still too many"]).exists()


def codebook_with(description: str = "", memo_note: str = "") -> bytes:
    return (
        CODEBOOK
        + (
            f'<Codes><Code guid="{guid(0)}" name="Long" isCodable="true">'
            f"<Description>{description}</Description></Code></Codes></CodeBook>"
        ).encode()
    )


def test_a_14_mb_code_description_is_refused_naming_the_code():
    with pytest.raises(ExchangeError) as refused:
        read_qdc(codebook_with("d" * 14_000_000))
    assert str(refused.value) == (
        "The description of the code “Long” is 14,000,000 characters long; Followup keeps at "
        "most 10,000. Shorten it and try again. Nothing was imported."
    )


def test_a_code_description_of_10000_characters_is_kept_whole():
    assert read_qdc(codebook_with("d" * 10_000)).codes[0].description == "d" * 10_000


def test_a_code_memo_over_10000_characters_in_a_project_is_refused_naming_the_code():
    note = guid(9)
    xml = (
        f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{hostile.PROJECT_NS}" name="x">'
        f'<CodeBook><Codes><Code guid="{guid(0)}" name="Noted" isCodable="true">'
        f'<NoteRef targetGUID="{note}"/></Code></Codes></CodeBook>'
        f'<Notes><Note guid="{note}" name="n"><PlainTextContent>{"m" * 10_001}'
        "</PlainTextContent></Note></Notes></Project>"
    )
    with pytest.raises(ExchangeError) as refused:
        read_qdpx(hostile.qdpx({"project.qde": xml.encode()}))
    assert str(refused.value) == (
        "The memo of the code “Noted” is 10,001 characters long; Followup keeps at most 10,000. "
        "Shorten it and try again. Nothing was imported."
    )


def test_a_code_description_over_the_limit_is_refused_on_the_page(world):
    partnership = world.home.partnership
    with pytest.raises(ValidationError) as refused:
        actions.create_code(
            world.users["lead"], partnership, {"name": "Wordy", "description": "w" * 10_001}
        )
    assert refused.value.message_dict == {
        "description": [
            "The description is 10,001 characters long; Followup keeps at most 10,000. "
            "Shorten it and try again"
        ]
    }


def test_the_demo_codebook_fits_within_the_limit(world):
    from django.conf import settings as configured

    assert configured.MAX_CODES == 1_000
    assert Code.objects.filter(partnership=world.home.partnership).count() < 1_000
