"""Reading a pre-inspection return: the columns it holds, what each cell may be, and the refusal
of anything that looks like a name, a date (of birth) or another personal identifier.

A return lists every child in the cohorts in scope, with no personal identifiers: a pseudonymous
record key, the cohort flags, the agencies holding records, an age band and a team. A column
whose heading names an identifier (name, date of birth, address, postcode, CHI number...) refuses
the file; so does a cell of the record key, the age band or the team that looks like a date or a
personal name, or a record key that looks like a CHI number (ten digits starting with a date).
Problems name the row and the column and say what was expected; they never repeat the value, so
that a name or a date uploaded by mistake is not shown again. Nothing here writes: ``read_return``
gives the checked rows, or every problem.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
from dataclasses import dataclass, field

from followup.lib.tabular import Table
from followup.records.models import Agency, Cohort

# Each column a return holds, by the name Followup gives it, and the headings taken for it
# (lower case, each run of other characters than letters and digits made one "_").
COLUMNS: dict[str, tuple[str, ...]] = {
    "record_key": ("record_key", "key", "record_id", "record_reference", "pseudonymous_key"),
    Cohort.REGISTER.value: ("child_protection_register", "cp_register", "register"),
    Cohort.INVESTIGATION.value: (
        "investigation_not_leading_to_registration",
        "investigation_not_registered",
        "investigation",
    ),
    Cohort.CARE_AND_RISK.value: ("care_and_risk_management", "care_and_risk", "crm"),
    Cohort.AT_HOME.value: ("looked_after_at_home", "at_home"),
    Agency.SOCIAL_WORK.value: ("social_work",),
    Agency.HEALTH.value: ("health",),
    Agency.EDUCATION.value: ("education",),
    Agency.POLICE.value: ("police",),
    Agency.REPORTER.value: ("childrens_reporter", "children_s_reporter", "reporter", "scra"),
    "age_band": ("age_band", "age_group"),
    "team": ("team", "team_name"),
}
HEADING = {name: headings[0] for name, headings in COLUMNS.items()}
REQUIRED = tuple(name for name in COLUMNS if name != "team")
FLAGS = (*(c.value for c in Cohort), *(a.value for a in Agency))
_BY_HEADING = {heading: name for name, headings in COLUMNS.items() for heading in headings}

# Words of a heading that name a personal identifier.
IDENTIFYING_WORDS = frozenset(
    {
        "name",
        "names",
        "forename",
        "forenames",
        "surname",
        "surnames",
        "firstname",
        "lastname",
        "fullname",
        "initials",
        "dob",
        "birth",
        "born",
        "birthday",
        "birthdate",
        "address",
        "postcode",
        "chi",
        "nhs",
        "email",
        "phone",
        "telephone",
        "mobile",
        "scn",
        "upn",
    }
)
_IDENTIFYING_PARTS = ("dateofbirth", "postcode", "surname", "forename", "firstname", "lastname")

# A tick typed in a spreadsheet is a yes too ("x", "✓").
YES = frozenset({"yes", "y", "true", "1", "x", "✓", "✔"})
NO = frozenset({"no", "n", "false", "0", ""})
RECORD_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]{0,63}")
AGE_BAND = re.compile(
    r"(\d{1,2} ?(-|–|to) ?\d{1,2}|\d{1,2} ?\+|\d{1,2} and over|under \d{1,2}|unborn|pre-birth)",
    re.IGNORECASE,
)
MONTHS = (
    r"jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?"
    r"|oct(ober)?|nov(ember)?|dec(ember)?"
)
DATE = re.compile(
    r"\b(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}"
    rf"|\d{{1,2}}(st|nd|rd|th)? ({MONTHS})\.? \d{{2,4}}|({MONTHS})\.? \d{{1,2}}(st|nd|rd|th)?,? \d{{2,4}})\b",
    re.IGNORECASE,
)
TITLE = re.compile(r"^(mr|mrs|ms|miss|mx|dr|master)\.? [a-z]", re.IGNORECASE)
NAME_WORD = re.compile(r"^(Mc|Mac|O')?[A-Z][a-z'’]+(-[A-Z][a-z'’]+)?$")
SURNAME_FIRST = re.compile(r"^[A-Z][A-Za-z'’-]+, ?[A-Z][a-z'’-]+")
INITIAL_AND_SURNAME = re.compile(r"^[A-Z]\.? ?[A-Z]?\.? [A-Z][a-z'’-]+$")
# Words that make a team's name a team's, not a person's.
TEAM_WORDS = frozenset(
    {
        "team",
        "teams",
        "north",
        "south",
        "east",
        "west",
        "central",
        "children",
        "childrens",
        "families",
        "family",
        "service",
        "services",
        "social",
        "work",
        "health",
        "education",
        "police",
        "locality",
        "area",
        "hub",
        "unit",
        "duty",
        "intake",
        "disability",
        "disabilities",
        "care",
        "protection",
        "permanence",
        "youth",
        "justice",
        "support",
        "through",
        "leaving",
        "fostering",
        "adoption",
        "residential",
        "assessment",
        "long",
        "term",
        "early",
        "years",
        "school",
        "schools",
        "office",
        "academy",
        "primary",
        "secondary",
        "high",
        "college",
        "nursery",
        "centre",
        "center",
        "house",
        "project",
        "partnership",
        "council",
        "board",
        "nhs",
        "and",
        "of",
        "throughcare",
        "aftercare",
        "kinship",
        "looked",
        "after",
        "child",
    }
)
MAX_PROBLEMS = 100
# Words of headings that are not a person's name ("CHI number", "Home address").
_HEADING_WORDS = (
    IDENTIFYING_WORDS | TEAM_WORDS | {"number", "date", "child", "first", "last", "home"}
)


class ReturnProblems(ValueError):
    """Every problem found in a return (the first ``MAX_PROBLEMS``), and how many there were."""

    def __init__(self, problems: list[str], total: int) -> None:
        self.problems = problems
        self.total = total
        super().__init__("; ".join(problems))

    def messages(self) -> list[str]:
        more = self.total - len(self.problems)
        tail = [f"... and {more} more problem{'s' if more != 1 else ''}."] if more > 0 else []
        return [*self.problems, *tail]


@dataclass
class ReturnRow:
    """A checked row of a return: its row in the file and everything but the record key, which
    is kept only as its hash."""

    row: int
    digest: str
    flags: dict[str, bool] = field(default_factory=dict)
    age_band: str = ""
    team: str = ""

    @property
    def stratum(self) -> str:
        return next(c.value for c in Cohort if self.flags[c.value])


def record_digest(key: bytes, record_key: str) -> str:
    """The hash that stands for a record key: HMAC-SHA256 with the records key, as hex."""
    return hmac.new(key, record_key.strip().encode("utf-8"), hashlib.sha256).hexdigest()


def normal_heading(heading: str) -> str:
    text = heading.lower().replace("'", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def identifying_heading(normal: str) -> bool:
    """Whether a heading (as ``normal_heading`` gives it) names a personal identifier."""
    if normal in _BY_HEADING:
        return False
    words = set(normal.split("_"))
    joined = normal.replace("_", "")
    return bool(words & IDENTIFYING_WORDS) or any(part in joined for part in _IDENTIFYING_PARTS)


def looks_like_date(value: str) -> bool:
    return DATE.search(value) is not None


def looks_like_name(value: str) -> bool:
    """Whether a free-text value looks like a person's name: a title and a word ("Mrs Kerr"),
    "Surname, Forename", an initial and a surname ("J. Kerr"), or two or three capitalised words
    none of which is a word of a team's name ("Jamie Kerr" in any case, but not "Ayr North")."""
    text = " ".join(value.split())
    if TITLE.match(text) or SURNAME_FIRST.match(text) or INITIAL_AND_SURNAME.match(text):
        return True
    words = text.title().split(" ")  # "JAMIE KERR" and "jamie kerr" are names too
    if not 2 <= len(words) <= 4:
        return False
    if any(normal_heading(word) in TEAM_WORDS for word in words):
        return False
    return all(NAME_WORD.match(word) for word in words)


def looks_like_chi(value: str) -> bool:
    """Ten digits whose first six are a day, month and year (DDMMYY): a CHI number, written
    with or without spaces or hyphens."""
    digits = re.sub(r"[ -]", "", value)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    return _a_date(int(digits[:2]), int(digits[2:4]), 2000 + int(digits[4:6]))


def _a_date(day: int, month: int, year: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def looks_like_compact_date(value: str) -> bool:
    """Eight digits that are a date of this century or the last, as YYYYMMDD or DDMMYYYY."""
    if not re.fullmatch(r"\d{8}", value):
        return False
    year, month, day = int(value[:4]), int(value[4:6]), int(value[6:])
    if 1900 <= year <= 2100 and _a_date(day, month, year):
        return True
    day, month, year = int(value[:2]), int(value[2:4]), int(value[4:])
    return 1900 <= year <= 2100 and _a_date(day, month, year)


# A National Insurance number (two letters, six digits, a letter from A to D).
NI_NUMBER = re.compile(r"[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]", re.IGNORECASE)


def _shown(heading: str, normal: str) -> str:
    """A heading as a refusal may repeat it: in full if Followup knows it, or if it is short, with
    no digit and nothing like a name; otherwise not at all, since it may be a child's name, date
    of birth or CHI number where the heading should be (a file without its heading row)."""
    if not heading:
        return "no heading"
    if normal in _BY_HEADING:
        return heading
    if len(heading) > 40 or re.search(r"\d", heading):
        return "heading not shown"
    if looks_like_name(heading) and not set(normal.split("_")) <= _HEADING_WORDS:
        return "heading not shown"
    return heading


def _columns(table: Table) -> tuple[dict[str, str], list[str]]:
    """Each column's name by the file's own heading, and the problems of the headings."""
    found: dict[str, str] = {}
    problems = []
    for number, heading in enumerate(table.headers, start=1):
        normal = normal_heading(heading)
        where = f"Row 1, column {number} ({_shown(heading, normal)})"
        if not normal:
            if any(cells.get(heading) for _, cells in table.rows):
                problems.append(f"{where}: expected a heading for a column that holds values.")
            continue
        if identifying_heading(normal):
            problems.append(
                f"{where}: this looks like a personal identifier (a name, a date of birth, an "
                "address, a postcode or a CHI number); expected none: a pre-inspection return "
                "holds no personal identifiers. Remove the column and upload the file again."
            )
        elif normal not in _BY_HEADING:
            problems.append(
                f"{where}: expected only the columns of a pre-inspection return ("
                + ", ".join(HEADING.values())
                + "): leave this one out."
            )
        elif _BY_HEADING[normal] in found.values():
            problems.append(f"{where}: expected one {HEADING[_BY_HEADING[normal]]} column only.")
        else:
            found[heading] = _BY_HEADING[normal]
    missing = [HEADING[name] for name in REQUIRED if name not in found.values()]
    if missing:
        problems.append(
            "Row 1: expected the column"
            + ("s " if len(missing) > 1 else " ")
            + ", ".join(missing)
            + "."
        )
    return found, problems


def _check_free_text(value: str, where: str, expected: str) -> str | None:
    if looks_like_date(value) or looks_like_compact_date(value):
        return f"{where}: this looks like a date (a date of birth?); expected {expected}."
    if looks_like_name(value):
        return f"{where}: this looks like a personal name; expected {expected}."
    return None


# An age band a spreadsheet has turned into a date: "5-11" becomes 5 November of the year it was
# typed, shown as 05-Nov, Nov-05 or, read from a workbook, 2026-11-05. A date of an earlier year
# is more likely a date of birth, and is refused as one.
_EXCEL_DATE = re.compile(rf"\d{{1,2}}[ -]({MONTHS})|({MONTHS})[ -]\d{{1,4}}", re.IGNORECASE)
_ISO_DATE = re.compile(r"(\d{4})-\d{2}-\d{2}")


def _age_band_as_a_date(value: str, where: str) -> str | None:
    text = value.strip()
    iso = _ISO_DATE.fullmatch(text)
    recent = iso is not None and int(iso.group(1)) >= datetime.date.today().year - 1
    if not (_EXCEL_DATE.fullmatch(text) or recent):
        return None
    return (
        f"{where}: this looks like an age band a spreadsheet turned into a date (Excel makes 5-11 "
        "into 5 November); expected an age band such as 0-4, 5-11, 12-15 or 16+. Format the "
        "age_band column as Text, type the bands again and save the file."
    )


def _record_key(value: str, where: str) -> str | None:
    if not value:
        return f"{where}: expected the child's pseudonymous record key; the cell is empty."
    if looks_like_chi(value):
        return f"{where}: this looks like a CHI number; expected a pseudonymous record key."
    if NI_NUMBER.fullmatch(value):
        return (
            f"{where}: this looks like a National Insurance number; expected a pseudonymous "
            "record key."
        )
    if not re.search(r"\d", value):
        return (
            f"{where}: a record key with no digit may be a name; expected a pseudonymous record "
            "key with a number in it, such as SA-0001."
        )
    problem = _check_free_text(value, where, "a pseudonymous record key")
    if problem is None and not RECORD_KEY.fullmatch(value):
        return (
            f"{where}: expected a pseudonymous record key of up to 64 letters, digits, hyphens, "
            "dots, slashes and underscores."
        )
    return problem


def _row(
    line: int, cells: dict[str, str], columns: dict[str, str], key: bytes, problems: list[str]
) -> ReturnRow | None:
    """One row checked, or None with its problems added to ``problems``."""
    before = len(problems)
    if "\0extra" in cells:
        problems.append(f"Row {line}: expected no values beyond the last heading.")
    values = {name: cells.get(heading, "") for heading, name in columns.items()}

    def where(name: str) -> str:
        return f"Row {line}, column {HEADING[name]}"

    problem = _record_key(values.get("record_key", ""), where("record_key"))
    if problem:
        problems.append(problem)
    flags = {}
    for name in FLAGS:
        text = values.get(name, "").strip().lower()
        if text not in YES | NO:
            problems.append(f"{where(name)}: expected yes or no (or blank for no).")
        flags[name] = text in YES
    if not any(flags[c.value] for c in Cohort):
        problems.append(
            f"Row {line}: expected at least one cohort marked yes ("
            + ", ".join(HEADING[c.value] for c in Cohort)
            + ")."
        )
    age_band = values.get("age_band", "")
    problem = _age_band_as_a_date(age_band, where("age_band")) or _check_free_text(
        age_band, where("age_band"), "an age band such as 0-4, 12-15 or 16+"
    )
    if problem is None and not AGE_BAND.fullmatch(age_band):
        problem = f"{where('age_band')}: expected an age band such as 0-4, 5-11, 12-15 or 16+."
    if problem:
        problems.append(problem)
    team = " ".join(values.get("team", "").split())
    problem = _check_free_text(
        team,
        where("team"),
        "the name of a team, such as Ayr North team (a name with a word such as team, locality "
        "or service in it is never taken for a person's)",
    )
    if problem is None and len(team) > 100:
        problem = f"{where('team')}: expected a team's name of at most 100 characters."
    if problem:
        problems.append(problem)
    if len(problems) > before:
        return None
    digest = record_digest(key, values["record_key"])
    return ReturnRow(line, digest, flags, " ".join(age_band.split()), team)


def read_return(table: Table, key: bytes) -> list[ReturnRow]:
    """The checked rows of a return, or ``ReturnProblems`` naming every problem."""
    columns, problems = _columns(table)
    if problems:
        raise ReturnProblems(problems[:MAX_PROBLEMS], len(problems))
    if not table.rows:
        raise ReturnProblems(["Row 2: expected a row for each child; the file has none."], 1)
    rows: list[ReturnRow] = []
    seen: dict[str, int] = {}
    for index, (_, cells) in enumerate(table.rows):
        # The row as a spreadsheet shows the file, which is how the partnership finds the child.
        line = table.sheet_row(index)
        checked = _row(line, cells, columns, key, problems)
        if checked is None:
            continue
        if checked.digest in seen:
            problems.append(
                f"Row {line}, column record_key: the same record key as row "
                f"{seen[checked.digest]}; expected each child once."
            )
            continue
        seen[checked.digest] = line
        rows.append(checked)
    if problems:
        raise ReturnProblems(problems[:MAX_PROBLEMS], len(problems))
    return rows


# A UK postcode (KA7 1AA) anywhere in a text; an email address; a UK telephone number; a title
# and a surname ("Mrs Kerr"); a house number and a street ("12 High Street").
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"(?<!\d)(\+44 ?|0)\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}(?!\d)")
TITLED = re.compile(r"\b(Mr|Mrs|Ms|Miss|Mx|Dr)\.? [A-Z][a-z'’-]+")
STREET = re.compile(
    r"\b\d+[A-Za-z]? [A-Z][a-z]+ (Street|Road|Avenue|Drive|Lane|Crescent|Place|Court|Gardens|"
    r"Terrace|Way|Close|View|Park|Square|Wynd|Brae)\b"
)
_DIGIT_RUN = re.compile(r"\d[\d -]{6,}\d")


def identifier_in_text(text: str) -> str | None:
    """What in a free text (a reason, a note, a file's name) looks like a child's identifier: a
    date (of birth?), a CHI or National Insurance number, a postcode, an email address, a
    telephone number, a house number and street, or a title and a surname; None if nothing does.
    A first name and surname cannot be told from other words in a sentence: the forms ask for
    none, and say so."""
    if DATE.search(text) or any(looks_like_compact_date(w) for w in re.findall(r"\d{8}", text)):
        return "a date (a date of birth?)"
    if any(looks_like_chi(run.strip()) for run in _DIGIT_RUN.findall(text)):
        return "a CHI number"
    if any(NI_NUMBER.fullmatch(w) for w in re.findall(r"[A-Za-z0-9]{9}", text)):
        return "a National Insurance number"
    if POSTCODE.search(text):
        return "a postcode"
    if EMAIL.search(text):
        return "an email address"
    if PHONE.search(text):
        return "a telephone number"
    if STREET.search(text):
        return "an address"
    if TITLED.search(text):
        return "a person's name"
    return None


def stored_filename(name: str) -> str:
    """The uploaded file's name as it is kept and shown: as given, unless it may name a child
    (a name, a date, a CHI number: "Jamie Kerr 04-03-2012.csv"); then a plain one."""
    stem, dot, extension = name.rpartition(".")
    stem = stem if dot else name
    words = re.sub(r"[_.]+", " ", stem)
    if identifier_in_text(words) or looks_like_name(words) or re.search(r"\d{6,}", words):
        return f"pre-inspection return.{extension.lower()}" if dot else "pre-inspection return"
    return name[:255]
