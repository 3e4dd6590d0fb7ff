"""Every write to qualitative evidence."""

from __future__ import annotations

import itertools
import re
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from followup.audit import writes
from followup.audit.log import record, record_many, snapshot
from followup.evidence.actions_exchange import AlreadyImported as AlreadyImported
from followup.evidence.actions_exchange import import_exchange as import_exchange
from followup.evidence.limits import CODE_TEXT_CHARS, too_long
from followup.evidence.models import WELLBEING_MEANINGS, Case, Code, Coding, Quote, Source
from followup.evidence.text import normalise
from followup.frameworks.models import Framework
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
    if Code.objects.filter(partnership=partnership).count() >= settings.MAX_CODES:
        raise ValidationError(
            f"The codebook has {settings.MAX_CODES:,} codes, as many as a partnership's codebook "
            "may have (FOLLOWUP_MAX_CODES): remove a code before adding another"
        )
    _check_code_text(data)
    with transaction.atomic():
        code = Code(
            partnership=partnership,
            parent=parent,
            name=data["name"],
            description=data.get("description", ""),
            colour=colour,
            origin=data.get("origin", ""),
            quality_indicator=data.get("quality_indicator"),
            memo=data.get("memo", ""),
        )
        return writes.create(user, "code.create", code, partnership)


def _check_code_text(data: dict[str, Any]) -> None:
    for field in ("description", "memo"):
        text = data.get(field) or ""
        if len(text) > CODE_TEXT_CHARS:
            raise ValidationError({field: too_long(f"The {field}", text, CODE_TEXT_CHARS)})


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
    if code.is_heading:
        raise ValidationError(
            {"code": f"“{code.name}” is a heading of the codebook: choose a code under it"}
        )
    length = len(source.text)
    for start, end in spans:
        if not 0 <= start < end <= length:
            raise ValidationError(
                f"A span must lie within the text (0 to {length}); got {start} to {end}"
            )
    user_or_none = _user(user)
    with transaction.atomic():
        taken = set(Coding.objects.filter(source=source, code=code).values_list("start", "end"))
        new = [
            Coding(source=source, code=code, start=start, end=end, created_by=user_or_none)
            for start, end in dict.fromkeys(spans)
            if (start, end) not in taken
        ]
        cap = settings.MAX_CODINGS_PER_SOURCE
        if new and Coding.objects.filter(source=source).count() + len(new) > cap:
            raise ValidationError(
                f"This source would have more than {cap:,} codings, the most a source may have "
                "(FOLLOWUP_MAX_CODINGS_PER_SOURCE): nothing was coded."
            )
        made = Coding.objects.bulk_create(new)
        record_many(
            user,
            "coding.create",
            (
                (c, {"code": [None, code.name], "start": [None, c.start], "end": [None, c.end]})
                for c in made
            ),
            source.partnership,
        )
    return made


def code_with_many(
    user: AnyUser, source: Source, codes: list[Code], spans: list[tuple[int, int]]
) -> list[Coding]:
    """Apply several codes to the same spans at once: all of them, or none if one is refused."""
    with transaction.atomic():
        return [coding for code in codes for coding in code_spans(user, source, code, spans)]


def remove_coding(user: AnyUser, coding: Coding) -> None:
    partnership = coding.source.partnership
    require(user, partnership, Capability.CODE_EVIDENCE)
    if coding.quotes.exists():
        raise ValidationError("This coding is quoted: a quote rests on it, so it stays")
    with transaction.atomic():
        record(
            user,
            "coding.delete",
            coding,
            {"code": [coding.code.name, None], "excerpt": [coding.excerpt, None]},
            partnership,
        )
        coding.delete()


def _descendants(code: Code) -> set[int]:
    found: set[int] = set()
    frontier = [code.pk]
    while frontier:
        children = list(Code.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        found.update(children)
        frontier = children
    return found


CODE_EDITS = ("name", "parent", "description", "colour", "memo", "recommendations")
CASE_EDITS = ("name", "attributes", "memo")
SOURCE_EDITS = ("case", "memo")
CODING_EDITS = ("code", "start", "end", "memo")


def update_code(
    user: AnyUser, code: Code, data: dict[str, Any], *, version: str | None = None
) -> Code:
    """Rename, describe, recolour or move a code. Its codings stay exactly where they are.
    ``version`` is the edit form's (see ``audit.writes.update``)."""
    partnership = code.partnership
    require(user, partnership, Capability.CODE_EVIDENCE)
    parent = data.get("parent", code.parent)
    if parent is not None:
        if parent.partnership_id != partnership.pk:
            raise ValidationError({"parent": "Choose a code of this partnership's codebook"})
        if parent.pk == code.pk or parent.pk in _descendants(code):
            raise ValidationError(
                {"parent": "A code cannot go inside itself or one of its own codes"}
            )
    name = data.get("name", code.name)
    _check_code_text(data)
    if (
        Code.objects.filter(partnership=partnership, parent=parent, name=name)
        .exclude(pk=code.pk)
        .exists()
    ):
        raise ValidationError({"name": "A code with this name is already there"})
    colour = data.get("colour", code.colour)
    if not _COLOUR.match(colour):
        raise ValidationError(
            {"colour": "Enter a colour as # and six hexadecimal digits, like #1d70b8"}
        )
    fields = {
        "name": name,
        "parent": parent,
        "description": data.get("description", code.description),
        "colour": colour,
        "memo": data.get("memo", code.memo),
    }
    m2m = {}
    if "recommendations" in data:
        recommendations = list(data["recommendations"])
        if any(r.inspection.partnership_id != partnership.pk for r in recommendations):
            raise ValidationError(
                {"recommendations": "Choose recommendations made to this partnership"}
            )
        m2m["recommendations"] = recommendations
    with transaction.atomic():
        return writes.update(
            user, "code.update", code, partnership, fields, m2m=m2m, version=version
        )


def _as_deleted(code: Code) -> dict[str, list[Any]]:
    """A code's entry when it goes: every value it held, its links (recommendations, quality
    indicator, parent) included, old value to nothing."""
    return {
        name: [value, None]
        for name, value in snapshot(code).items()
        if value not in (None, "", [], {}) and name != "partnership"
    }


def merge_codes(user: AnyUser, code: Code, into: Code) -> Code:
    """Move every coding and child of ``code`` to ``into``, then delete ``code``. A span coded
    with both keeps one coding; every coded span keeps its exact words. Each coding moved or
    removed, each quote and child code moved, and the code's own values and links are recorded."""
    partnership = code.partnership
    require(user, partnership, Capability.CODE_EVIDENCE)
    if into.partnership_id != partnership.pk or into.pk == code.pk or into.pk in _descendants(code):
        raise ValidationError(
            {"into": "Choose another code of this codebook, not one inside this code"}
        )
    with transaction.atomic():
        moved: list[tuple[Coding, dict[str, list[Any]]]] = []
        requoted: list[tuple[Quote, dict[str, list[Any]]]] = []
        for coding in list(Coding.objects.filter(code=code).select_related("source")):
            same = Coding.objects.filter(
                source_id=coding.source_id, code=into, start=coding.start, end=coding.end
            ).first()
            if same is not None:
                for quote in coding.quotes.all():  # a quote stays on the same words
                    requoted.append((quote, {"coding": [str(coding), str(same)]}))
                coding.quotes.update(coding=same)
                record(
                    user,
                    "coding.delete",
                    coding,
                    {
                        "code": [code.name, None],
                        "excerpt": [coding.excerpt, None],
                        "kept_as": [None, f"coding {same.pk} ({into.name})"],
                    },
                    partnership,
                )
                coding.delete()
            else:
                coding.code = into
                coding.save(update_fields=["code"])
                moved.append((coding, {"code": [code.name, into.name]}))
        record_many(user, "coding.update", moved, partnership)
        record_many(user, "quote.update", requoted, partnership)
        for child in list(Code.objects.filter(parent=code)):
            if Code.objects.filter(partnership=partnership, parent=into, name=child.name).exists():
                merge_codes(
                    user,
                    child,
                    Code.objects.get(partnership=partnership, parent=into, name=child.name),
                )
            else:
                child.parent = into
                child.save(update_fields=["parent"])
                record(user, "code.update", child, {"parent": [code.name, into.name]}, partnership)
        record(
            user,
            "code.merge",
            into,
            {"merged": [code.name, into.name], "codings_moved": [None, len(moved)]},
            partnership,
        )
        record(
            user,
            "code.delete",
            code,
            {
                **_as_deleted(code),
                "merged_into": [None, into.name],
                "merged_into_id": [None, into.pk],
            },
            partnership,
        )
        code.delete()
        return into


def delete_code(user: AnyUser, code: Code, *, confirmed: bool) -> None:
    """Delete a code and its codings; one that is used or has codes inside it needs confirming.
    Each coding removed, and the code's own values and links, are recorded."""
    partnership = code.partnership
    require(user, partnership, Capability.CODE_EVIDENCE)
    if Code.objects.filter(parent=code).exists():
        raise ValidationError("Move or merge the codes inside this code first")
    used = Coding.objects.filter(code=code).count()
    if Coding.objects.filter(code=code, quotes__isnull=False).exists():
        raise ValidationError(
            "Some of this code's codings are quoted, so the code stays; merge it into another code instead"
        )
    if used and not confirmed:
        raise ValidationError(
            {
                "confirm": f"This code is used {used} time{'s' if used != 1 else ''}: confirm that its codings go too"
            }
        )
    with transaction.atomic():
        codings = list(Coding.objects.filter(code=code).select_related("source").order_by("pk"))
        record_many(
            user,
            "coding.delete",
            ((c, {"code": [code.name, None], "excerpt": [c.excerpt, None]}) for c in codings),
            partnership,
        )
        record(
            user,
            "code.delete",
            code,
            {**_as_deleted(code), "codings_removed": [used, None]},
            partnership,
        )
        Coding.objects.filter(code=code).delete()
        code.delete()


def redactions_from(excerpt: str, lines: str) -> list[list[Any]]:
    """Redactions from lines of "words | label": every occurrence of the words is hidden."""
    found: list[list[Any]] = []
    for number, line in enumerate((raw for raw in lines.splitlines() if raw.strip()), start=1):
        words, _, label = line.partition("|")
        words, label = words.strip(), (label.strip() or "redacted")
        if not words:
            raise ValidationError({"redact": f"Line {number}: give the words to hide before the |"})
        if not re.fullmatch(r"[\w .'-]{1,40}", label):
            raise ValidationError(
                {"redact": f"Line {number}: a label is up to 40 letters, like name or school"}
            )
        start = excerpt.find(words)
        if start < 0:
            raise ValidationError({"redact": f"Line {number}: “{words}” is not in the excerpt"})
        while start >= 0:
            found.append([start, start + len(words), label])
            start = excerpt.find(words, start + len(words))
    found.sort()
    for (_, end, _), (start, _, _) in itertools.pairwise(found):
        if start < end:
            raise ValidationError(
                {"redact": "Two of the hidden passages overlap; hide the longer one only"}
            )
    return found


def propose_quote(user: AnyUser, coding: Coding, data: dict[str, Any]) -> Quote:
    """Propose a coded excerpt as a quote, with the words to hide; it needs approval to be used."""
    partnership = coding.source.partnership
    require(user, partnership, Capability.CODE_EVIDENCE)
    redactions = redactions_from(coding.excerpt, data.get("redact", ""))
    recommendations = list(data.get("recommendations", []))
    indicators = list(data.get("quality_indicators", []))
    frameworks = set(partnership.inspections.values_list("framework_id", flat=True))
    if any(qi.framework_id not in frameworks for qi in indicators):
        raise ValidationError(
            {"quality_indicators": "Choose quality indicators of this partnership's inspections"}
        )
    if any(r.inspection.partnership_id != partnership.pk for r in recommendations):
        raise ValidationError(
            {"recommendations": "Choose recommendations made to this partnership"}
        )
    with transaction.atomic():
        quote = Quote(coding=coding, redactions=redactions, proposed_by=_user(user))
        return writes.create(
            user,
            "quote.propose",
            quote,
            partnership,
            m2m={"recommendations": recommendations, "quality_indicators": indicators},
        )


def approve_quote(user: AnyUser, quote: Quote) -> Quote:
    """Approve a quote for publication: a lead officer's or an inspector's decision."""
    partnership = quote.coding.source.partnership
    require(user, partnership, Capability.APPROVE_QUOTES)
    if quote.status == Quote.Status.APPROVED:
        return quote
    from django.utils import timezone

    with transaction.atomic():
        return writes.update(
            user,
            "quote.approve",
            quote,
            partnership,
            {
                "status": Quote.Status.APPROVED,
                "approved_by": _user(user),
                "approved_at": timezone.now(),
            },
        )


def _check_span(source: Source, start: int, end: int) -> None:
    if not 0 <= start < end <= len(source.text):
        raise ValidationError(
            {
                "end": f"A span must lie within the text (0 to {len(source.text)}); got {start} to {end}"
            }
        )


def update_coding(
    user: AnyUser, coding: Coding, data: dict[str, Any], *, version: str | None = None
) -> Coding:
    """Change a coding's code, its span or its memo. A quoted coding keeps its words."""
    source = coding.source
    partnership = source.partnership
    require(user, partnership, Capability.CODE_EVIDENCE)
    code = data.get("code", coding.code)
    start, end = data.get("start", coding.start), data.get("end", coding.end)
    if code.partnership_id != partnership.pk:
        raise ValidationError({"code": "Choose a code of this partnership's codebook"})
    if code.pk != coding.code_id and code.is_heading:
        raise ValidationError(
            {"code": f"“{code.name}” is a heading of the codebook: choose a code under it"}
        )
    _check_span(source, start, end)
    if (start, end) != (coding.start, coding.end) and coding.quotes.exists():
        raise ValidationError({"start": "This coding is quoted, so its words cannot change"})
    if (
        Coding.objects.filter(source=source, code=code, start=start, end=end)
        .exclude(pk=coding.pk)
        .exists()
    ):
        raise ValidationError({"code": "These words already carry this code"})
    fields = {"code": code, "start": start, "end": end, "memo": data.get("memo", coding.memo)}
    with transaction.atomic():
        return writes.update(user, "coding.update", coding, partnership, fields, version=version)


def update_source_details(
    user: AnyUser, source: Source, data: dict[str, Any], *, version: str | None = None
) -> Source:
    """Attach a source to a case, or change its memo. Its text never changes."""
    partnership = source.partnership
    require(user, partnership, Capability.CODE_EVIDENCE)
    case = data.get("case")
    if case is not None and case.partnership_id != partnership.pk:
        raise ValidationError({"case": "Choose a case of this partnership"})
    with transaction.atomic():
        return writes.update(
            user,
            "source.update",
            source,
            partnership,
            {"case": case, "memo": data.get("memo", "")},
            version=version,
        )


def save_case(
    user: AnyUser,
    partnership: Partnership,
    case: Case | None,
    data: dict[str, Any],
    *,
    version: str | None = None,
) -> Case:
    """Create a case, or change one's name, attributes and memo."""
    require(user, partnership, Capability.CODE_EVIDENCE)
    name = data["name"].strip()
    others = Case.objects.filter(partnership=partnership, name=name)
    if case is not None:
        others = others.exclude(pk=case.pk)
    if others.exists():
        raise ValidationError({"name": "A case with this name is already there"})
    fields = {"name": name, "attributes": data["attributes"], "memo": data.get("memo", "")}
    with transaction.atomic():
        if case is None:
            return writes.create(
                user, "case.create", Case(partnership=partnership, **fields), partnership
            )
        return writes.update(user, "case.update", case, partnership, fields, version=version)


def add_qi_codes(user: AnyUser, partnership: Partnership, framework: Framework) -> list[Code]:
    """The framework's quality indicators as codes, nested as the framework nests them, each
    linked to its QI. Codes already there are left alone."""
    require(user, partnership, Capability.CODE_EVIDENCE)
    if not partnership.inspections.filter(framework=framework).exists():
        raise ValidationError("Choose the framework of one of this partnership's inspections")
    made: list[Code] = []
    with transaction.atomic():
        top = Code.objects.filter(
            partnership=partnership, parent=None, origin="qi", name=framework.name[:200]
        ).first() or create_code(
            user,
            partnership,
            {
                "name": framework.name[:200],
                "description": f"The quality indicators of {framework.name}.",
                "origin": "qi",
                "colour": "#0b0c0c",
            },
        )
        placed: dict[int, Code] = {}
        indicators = framework.indicators.order_by("pk")
        for qi in sorted(indicators, key=lambda q: (q.parent_id is not None, q.pk)):
            parent = placed.get(qi.parent_id, top) if qi.parent_id else top
            name = f"{qi.ref_id} {qi.name}".strip()[:200]
            code = (
                Code.objects.filter(partnership=partnership, quality_indicator=qi).first()
                or Code.objects.filter(partnership=partnership, parent=parent, name=name).first()
            )
            if code is None:
                code = create_code(
                    user,
                    partnership,
                    {
                        "name": name,
                        "description": qi.description,
                        "parent": parent,
                        "origin": "qi",
                        "quality_indicator": qi,
                        "colour": "#4c2c92",
                    },
                )
                made.append(code)
            placed[qi.pk] = code
    return made
