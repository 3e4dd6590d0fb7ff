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

YES = frozenset({"yes", "y", "true", "1"})
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
    }
)
MAX_PROBLEMS = 100


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
    if not 2 <= len(words) <= 3:
        return False
    if any(normal_heading(word) in TEAM_WORDS for word in words):
        return False
    return all(NAME_WORD.match(word) for word in words)


def looks_like_chi(value: str) -> bool:
    """Ten digits whose first six are a day, month and year (DDMMYY): a CHI number."""
    if not re.fullmatch(r"\d{10}", value):
        return False
    try:
        datetime.date(2000 + int(value[4:6]), int(value[2:4]), int(value[:2]))
    except ValueError:
        return False
    return True


def _columns(table: Table) -> tuple[dict[str, str], list[str]]:
    """Each column's name by the file's own heading, and the problems of the headings."""
    found: dict[str, str] = {}
    problems = []
    for number, heading in enumerate(table.headers, start=1):
        normal = normal_heading(heading)
        shown = heading if len(heading) <= 40 else heading[:40] + "…"
        where = f"Row 1, column {number} ({shown or 'no heading'})"
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
    if looks_like_date(value):
        return f"{where}: this looks like a date (a date of birth?); expected {expected}."
    if looks_like_name(value):
        return f"{where}: this looks like a personal name; expected {expected}."
    return None


def _record_key(value: str, where: str) -> str | None:
    if not value:
        return f"{where}: expected the child's pseudonymous record key; the cell is empty."
    if looks_like_chi(value):
        return f"{where}: this looks like a CHI number; expected a pseudonymous record key."
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
    problem = _check_free_text(age_band, where("age_band"), "an age band such as 0-4, 12-15 or 16+")
    if problem is None and not AGE_BAND.fullmatch(age_band):
        problem = f"{where('age_band')}: expected an age band such as 0-4, 5-11, 12-15 or 16+."
    if problem:
        problems.append(problem)
    team = " ".join(values.get("team", "").split())
    problem = _check_free_text(team, where("team"), "the name of a team, such as Ayr North team")
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
    for line, cells in table.rows:
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
