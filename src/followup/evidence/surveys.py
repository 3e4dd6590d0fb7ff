"""Survey import: one source per respondent, each answer a titled section, and a case per
respondent carrying the attribute columns. All or nothing: any problem imports nothing.

The file is read once, when it is staged; the upload then keeps the table (``staged_bytes``), so
the preview never reads the file again. A staged survey can be discarded, and one never imported
is purged ``FOLLOWUP_STAGED_UPLOAD_DAYS`` days after it was staged (at each new survey upload, and
by ``followup purge-uploads``). Two identical import submits are harmless: the second waits for
the first, under a lock on the upload, and is told the survey is already imported.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from followup.audit import staged
from followup.audit.log import diff, record, record_many, snapshot
from followup.evidence.limits import (
    ATTRIBUTE_NAME_CHARS,
    ATTRIBUTE_VALUE_CHARS,
    CASE_NAME_CHARS,
    SOURCE_NAME_CHARS,
    has_control,
    shown,
    too_long,
)
from followup.evidence.models import Case, Source, SurveyUpload
from followup.evidence.text import normalise
from followup.lib import storedfiles
from followup.lib.tabular import Table, TableError, read_table, staged_bytes, staged_table
from followup.lib.types import Actor
from followup.lib.uploads import UploadError, check_size
from followup.partnerships.access import AnyUser, Capability, require
from followup.partnerships.models import Partnership

MISSING = "The staged file is no longer in Followup's storage: upload the file again"


class AlreadyImported(Exception):
    """The survey was imported already (the second of two submits, say)."""


ROLES = (
    ("respondent", "Respondent id"),
    ("attribute", "Attribute (e.g. respondent group, age band)"),
    ("question", "Free-text question"),
    ("ignore", "Leave out"),
)


@dataclass
class SurveyPlan:
    respondents: list[tuple[int, str, dict[str, str], str]] = field(
        default_factory=list
    )  # line, id, attributes, text
    errors: list[str] = field(default_factory=list)


def read(upload: SurveyUpload) -> Table:
    """The staged table, read from the file once when it was staged, and kept in the storage."""
    try:
        data = storedfiles.read_bytes(upload.data)
    except FileNotFoundError:
        raise TableError(MISSING) from None
    return staged_table(data, upload.filename)


def guess_roles(table: Table) -> dict[str, str]:
    """A first guess for the preview: an id-like first column, short repeated values as
    attributes, longer text as questions. The person importing decides."""
    roles: dict[str, str] = {}
    for index, header in enumerate(table.headers):
        values = [cells.get(header, "") for _, cells in table.rows]
        filled = [v for v in values if v]
        average = sum(len(v) for v in filled) / len(filled) if filled else 0
        if index == 0 and ("id" in header.lower() or len(set(filled)) == len(filled)):
            roles[header] = "respondent"
        elif not filled:
            roles[header] = "ignore"
        elif header.rstrip().endswith("?") or average >= 40:
            roles[header] = "question"
        elif len(set(filled)) <= max(12, len(filled) // 3):
            roles[header] = "attribute"
        else:
            roles[header] = "question"
    return roles


def section(question: str, answer: str) -> str:
    return f"{question}\n{answer}"


def _numbers(numbers: list[int]) -> str:
    """Column numbers in words: "4", "2 and 3", "2, 3 and 5"."""
    words = [str(n) for n in numbers[:10]]
    if len(numbers) > 10:
        words.append(f"{len(numbers) - 10:,} more")
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def heading_problems(table: Table) -> list[str]:
    """Columns headed alike or not headed at all, in words: the table keeps one value per
    heading, so such columns would lose answers in silence. Empty if every heading differs."""
    at: dict[str, list[int]] = {}
    for number, header in enumerate(table.headers, start=1):
        at.setdefault(header, []).append(number)
    problems = []
    blank = at.pop("", [])
    for header, numbers in at.items():
        if len(numbers) > 1:
            alike = "both" if len(numbers) == 2 else "all"
            problems.append(
                f"Columns {_numbers(numbers)} are {alike} headed “{shown(header)}”: give each "
                "column its own heading"
            )
    if blank:
        has = "has" if len(blank) == 1 else "have"
        problems.append(
            f"Column{'s' if len(blank) > 1 else ''} {_numbers(blank)} {has} no heading: "
            "give each column its own heading"
        )
    return problems[:5]


def control_character(table: Table) -> str:
    """Where the table holds a control character (a null byte, say), which no page shows back:
    the first line and column, in words; empty if none does."""
    for number, header in enumerate(table.headers, start=1):
        if has_control(header):
            return (
                f"Line 1, column {number}: the heading contains a control character (a null "
                "byte, say), which Followup does not accept; remove it and upload the file again"
            )
    for line, cells in table.rows:
        for number, header in enumerate(table.headers, start=1):
            if has_control(cells.get(header, "")):
                return (
                    f"Line {line}, column {number} ({shown(header)}): the cell contains a "
                    "control character (a null byte, say), which Followup does not accept; "
                    "remove it and upload the file again"
                )
        if has_control(cells.get("\0extra", "")):
            return (
                f"Line {line}: a cell past the last heading contains a control character; "
                "remove it and upload the file again"
            )
    return ""


def plan_survey(table: Table, roles: dict[str, str], title: str = "") -> SurveyPlan:
    """What importing the table would create, with ``roles`` for its columns; ``title`` is the
    survey's, which begins each case's and source's name."""
    plan = SurveyPlan()
    ids = [h for h in table.headers if roles.get(h) == "respondent"]
    questions = [h for h in table.headers if roles.get(h) == "question"]
    attributes = [h for h in table.headers if roles.get(h) == "attribute"]
    if len(ids) != 1:
        plan.errors.append("Choose exactly one column as the respondent id")
    if not questions:
        plan.errors.append("Choose at least one column as a free-text question")
    for header in attributes:
        if len(header) > ATTRIBUTE_NAME_CHARS:
            plan.errors.append(
                too_long(
                    f"The attribute column “{shown(header)}”: its name",
                    header,
                    ATTRIBUTE_NAME_CHARS,
                )
            )
    if plan.errors:
        return plan
    # A case is named "title: id" and a source "title: respondent id".
    longest_id = min(
        CASE_NAME_CHARS - len(f"{title}: "), SOURCE_NAME_CHARS - len(f"{title}: respondent ")
    )
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        if "\0extra" in cells:
            plan.errors.append(
                f"line {line}: the row has more cells than the header row has columns"
            )
            continue
        respondent = cells.get(ids[0], "").strip()
        if not respondent:
            plan.errors.append(f"line {line}, column {ids[0]}: a respondent id is required")
            continue
        if respondent in seen:
            plan.errors.append(
                f"line {line}, column {ids[0]}: respondent {respondent!r} repeats line {seen[respondent]}"
            )
            continue
        seen[respondent] = line
        if len(respondent) > longest_id:
            plan.errors.append(
                f"line {line}, column {ids[0]}: the respondent id “{shown(respondent)}” is "
                f"{len(respondent):,} characters long; with the survey's title it may be at "
                f"most {max(longest_id, 0):,}"
            )
            continue
        long_value = next(
            (a for a in attributes if len(cells.get(a, "")) > ATTRIBUTE_VALUE_CHARS), None
        )
        if long_value is not None:
            plan.errors.append(
                f"line {line}, column {shown(long_value)}: "
                + too_long("the attribute value", cells[long_value], ATTRIBUTE_VALUE_CHARS)
            )
            continue
        answers = [(q, normalise(cells.get(q, ""))) for q in questions]
        text = "\n\n".join(section(q, a) for q, a in answers if a.strip())
        if "\x00" in text:
            plan.errors.append(f"line {line}: an answer contains a null character")
            continue
        plan.respondents.append((line, respondent, {a: cells.get(a, "") for a in attributes}, text))
    return plan


def import_survey(
    user: AnyUser,
    upload: SurveyUpload,
    roles: dict[str, str],
    *,
    collected_on: datetime.date | None = None,
) -> int:
    """Create a case and a source for every respondent with an answer; raise ValidationError
    listing every problem, and import nothing, otherwise. ``collected_on`` is when the survey
    was run: the date of every answer (a report's evidence cut-off goes by it). Raise
    ``AlreadyImported`` if the survey was imported already, even by a submit running at the same
    moment."""
    partnership: Partnership = upload.partnership
    require(user, partnership, Capability.CODE_EVIDENCE)
    if upload.imported_at is not None:
        raise AlreadyImported
    try:
        plan = plan_survey(read(upload), roles, upload.title)
    except TableError as error:
        raise ValidationError(str(error)) from None
    if plan.errors:
        raise ValidationError(plan.errors)
    with transaction.atomic():
        # The second of two submits waits here for the first, then finds the survey imported.
        locked = SurveyUpload.objects.select_for_update().filter(pk=upload.pk).first()
        if locked is None or locked.imported_at is not None:
            raise AlreadyImported
        names = {f"{upload.title}: {name}" for _, name, _, _ in plan.respondents}
        taken = set(
            Case.objects.filter(partnership=partnership, name__in=names).values_list(
                "name", flat=True
            )
        )
        if taken:
            raise ValidationError([f"Respondent {sorted(taken)[0]!r} is already imported"])
        answered = [r for r in plan.respondents if r[3].strip()]
        cases = Case.objects.bulk_create(
            [
                Case(
                    partnership=partnership,
                    name=f"{upload.title}: {respondent}",
                    attributes=attributes,
                )
                for _, respondent, attributes, _ in answered
            ],
            batch_size=2000,
        )
        sources = Source.objects.bulk_create(
            [
                Source(
                    partnership=partnership,
                    title=f"{upload.title}: respondent {respondent}",
                    kind=Source.Kind.SURVEY,
                    text=text,
                    collected_on=collected_on,
                    case=case,
                    created_by=user if isinstance(user, User) else None,
                )
                for (_, respondent, _, text), case in zip(answered, cases, strict=True)
            ],
            batch_size=2000,
        )
        made = len(answered)
        locked.imported_at = timezone.now()
        storedfiles.delete_on_commit(locked.data.storage, [locked.data.name or ""])
        locked.data = ""  # the file is deleted once this commits
        locked.save(update_fields=["imported_at", "data"])
        upload.imported_at, upload.data = locked.imported_at, locked.data
        record(user, "survey.import", upload, {"respondents": [None, made]}, partnership)
        record_many(user, "case.import", [(c, diff({}, snapshot(c))) for c in cases], partnership)
        record_many(
            user, "source.import", [(s, diff({}, snapshot(s))) for s in sources], partnership
        )
    return made


def stage_survey(
    user: AnyUser, partnership: Partnership, *, title: str, filename: str, data: bytes
) -> SurveyUpload:
    """Read the file once and keep its table for the preview (never the file itself)."""
    require(user, partnership, Capability.CODE_EVIDENCE)
    purge_expired_surveys(user)
    try:
        check_size(len(data))
        table = read_table(data, filename)
    except UploadError as error:
        raise ValidationError({"file": str(error)}) from None
    except TableError as error:
        raise ValidationError({"file": f"The file cannot be read: {error}"}) from None
    if not table.rows:
        raise ValidationError({"file": "The file has a header row but no answers"})
    control = control_character(table)
    if control:
        raise ValidationError({"file": control})
    headings = heading_problems(table)
    if headings:
        raise ValidationError({"file": headings})
    upload = SurveyUpload(
        partnership=partnership,
        created_by=user if isinstance(user, User) else None,
        title=title,
        filename=filename[:255],
    )
    stored = storedfiles.stage(upload.data, staged_bytes(table))
    try:
        with transaction.atomic():
            upload.save()
            record(
                user, "survey.upload", upload, {"filename": [None, upload.filename]}, partnership
            )
    except BaseException:
        storedfiles.delete_now(upload.data.storage, [stored])
        raise
    return upload


def discard_survey(user: AnyUser, upload: SurveyUpload) -> None:
    """Forget a staged survey that will not be imported."""
    require(user, upload.partnership, Capability.CODE_EVIDENCE)
    staged.discard(
        user,
        upload,
        done="imported_at",
        verb="survey.discard",
        imported="This survey has been imported, so there is nothing to discard.",
    )


def purge_expired_surveys(actor: Actor, now: datetime.datetime | None = None) -> int:
    """Delete staged surveys never imported and older than ``FOLLOWUP_STAGED_UPLOAD_DAYS``. The
    actor is whoever's upload or command set the purge going."""
    return staged.purge_expired(
        actor, SurveyUpload, done="imported_at", verb="survey.purge", now=now
    )


def roles_from(post: Any, headers: list[str]) -> dict[str, str]:
    valid = {value for value, _ in ROLES}
    return {
        h: (post.get(f"role-{i}") if post.get(f"role-{i}") in valid else "ignore")
        for i, h in enumerate(headers)
    }
