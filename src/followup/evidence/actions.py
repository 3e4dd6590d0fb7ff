"""Every write to qualitative evidence."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from followup.audit.log import record
from followup.core import writes
from followup.evidence.models import WELLBEING_MEANINGS, Code, Coding, Source
from followup.evidence.text import normalise
from followup.partnerships.access import AnyUser, Capability, require
from followup.partnerships.models import Partnership

WELLBEING_COLOURS = [
    "#1d70b8",
    "#00703c",
    "#4c2c92",
    "#d4351c",
    "#f47738",
    "#5694ca",
    "#85994b",
    "#912b88",
]
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _user(user: AnyUser) -> User | None:
    return user if isinstance(user, User) else None


def create_source(user: AnyUser, partnership: Partnership, data: dict[str, Any]) -> Source:
    """A source from text, normalised once (NFC, \\n line endings) and never changed afterwards."""
    require(user, partnership, Capability.CODE_EVIDENCE)
    text = normalise(data["text"])
    if not text.strip():
        raise ValidationError({"text": "Enter the text of the source"})
    with transaction.atomic():
        source = Source(
            partnership=partnership,
            title=data["title"],
            kind=data.get("kind") or Source.Kind.DOCUMENT,
            text=text,
            collected_on=data.get("collected_on"),
            is_illustrative=data.get("is_illustrative", False),
            created_by=_user(user),
        )
        return writes.create(user, "source.create", source, partnership)


def create_code(user: AnyUser, partnership: Partnership, data: dict[str, Any]) -> Code:
    require(user, partnership, Capability.CODE_EVIDENCE)
    parent = data.get("parent")
    if parent is not None and parent.partnership_id != partnership.pk:
        raise ValidationError({"parent": "Choose a code of this partnership's codebook"})
    colour = data.get("colour") or "#1d70b8"
    if not _COLOUR.match(colour):
        raise ValidationError(
            {"colour": "Enter a colour as # and six hexadecimal digits, like #1d70b8"}
        )
    if Code.objects.filter(partnership=partnership, parent=parent, name=data["name"]).exists():
        raise ValidationError({"name": "A code with this name is already there"})
    with transaction.atomic():
        code = Code(
            partnership=partnership,
            parent=parent,
            name=data["name"],
            description=data.get("description", ""),
            colour=colour,
            origin=data.get("origin", ""),
        )
        return writes.create(user, "code.create", code, partnership)


def add_wellbeing_codes(user: AnyUser, partnership: Partnership) -> list[Code]:
    """The eight wellbeing indicators (SHANARRI) under one parent code, with their meanings.
    Codes already there are left alone."""
    require(user, partnership, Capability.CODE_EVIDENCE)
    with transaction.atomic():
        parent = Code.objects.filter(
            partnership=partnership, parent=None, origin="wellbeing"
        ).first()
        if parent is None:
            parent = create_code(
                user,
                partnership,
                {
                    "name": "Wellbeing indicators (SHANARRI)",
                    "description": "The eight wellbeing indicators of Getting it right for every child.",
                    "origin": "wellbeing",
                    "colour": "#0b0c0c",
                },
            )
        made = []
        for (name, meaning), colour in zip(
            WELLBEING_MEANINGS.items(), WELLBEING_COLOURS, strict=True
        ):
            if not Code.objects.filter(partnership=partnership, parent=parent, name=name).exists():
                made.append(
                    create_code(
                        user,
                        partnership,
                        {
                            "name": name,
                            "description": meaning,
                            "parent": parent,
                            "colour": colour,
                            "origin": "wellbeing",
                        },
                    )
                )
        return made


def code_spans(
    user: AnyUser, source: Source, code: Code, spans: list[tuple[int, int]]
) -> list[Coding]:
    """Apply a code to spans of a source (code-point offsets); spans already coded are skipped."""
    require(user, source.partnership, Capability.CODE_EVIDENCE)
    if code.partnership_id != source.partnership_id:
        raise ValidationError({"code": "Choose a code of this partnership's codebook"})
    length = len(source.text)
    for start, end in spans:
        if not 0 <= start < end <= length:
            raise ValidationError(
                f"A span must lie within the text (0 to {length}); got {start} to {end}"
            )
    made = []
    with transaction.atomic():
        for start, end in spans:
            if Coding.objects.filter(source=source, code=code, start=start, end=end).exists():
                continue
            coding = Coding(source=source, code=code, start=start, end=end, created_by=_user(user))
            made.append(writes.create(user, "coding.create", coding, source.partnership))
    return made


def remove_coding(user: AnyUser, coding: Coding) -> None:
    partnership = coding.source.partnership
    require(user, partnership, Capability.CODE_EVIDENCE)
    with transaction.atomic():
        record(
            user,
            "coding.delete",
            coding,
            {"code": [coding.code.name, None], "excerpt": [coding.excerpt, None]},
            partnership,
        )
        coding.delete()
