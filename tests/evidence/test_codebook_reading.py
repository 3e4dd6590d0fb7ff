"""A REFI-QDA codebook as other tools write it: a byte-order mark and three-digit colours are
read; text that is not UTF-8, two codes with one GUID, and two siblings with one name are
refused, saying which."""

from __future__ import annotations

import pytest

from followup.evidence.refi import ExchangeError
from followup.evidence.refi_import import read_qdc

A = "11111111-1111-1111-1111-111111111111"
B = "22222222-2222-2222-2222-222222222222"


def codebook(codes: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{codes}</Codes></CodeBook>'
    ).encode()


def test_a_byte_order_mark_is_skipped_and_a_three_digit_colour_is_written_out_in_full():
    data = b"\xef\xbb\xbf" + codebook(
        f'<Code guid="{A}" name="Support" isCodable="true" color="#F0A"/>'
        f'<Code guid="{B}" name="Waiting" isCodable="true"/>'
    )
    codes = read_qdc(data).codes
    assert [(code.name, code.colour) for code in codes] == [
        ("Support", "#ff00aa"),
        ("Waiting", "#1d70b8"),
    ]


def test_a_codebook_that_is_not_utf8_text_is_refused():
    data = codebook(f'<Code guid="{A}" name="Caf\xe9" isCodable="true"/>'.replace("\xe9", "é"))
    with pytest.raises(ExchangeError, match="it is not UTF-8 text"):
        read_qdc(data.replace("é".encode(), b"\xe9"))


def test_two_codes_with_one_guid_are_refused_naming_the_second():
    data = codebook(
        f'<Code guid="{A}" name="First" isCodable="true">'
        f'<Code guid="{A}" name="Second" isCodable="true"/></Code>'
    )
    with pytest.raises(ExchangeError) as refused:
        read_qdc(data)
    assert str(refused.value) == (
        f"Two codes share the GUID {A}, so nothing was imported. The second is “Second”."
    )


def test_two_codes_with_one_name_under_one_parent_are_refused():
    data = codebook(
        f'<Code guid="{A}" name="Same" isCodable="true"/>'
        f'<Code guid="{B}" name="Same" isCodable="true"/>'
    )
    with pytest.raises(ExchangeError, match="are both called “Same”"):
        read_qdc(data)
