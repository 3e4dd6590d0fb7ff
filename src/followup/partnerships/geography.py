"""The official geography of Scotland that ships with Followup: the register file
``data/scotland_geography.csv`` (the country, the council areas and the NHS boards, with the
codes they replaced), read and checked here. ``actions_geography.bring_areas_up_to_date`` loads
it; ``followup setup`` runs that on every installation and upgrade."""

from __future__ import annotations

import csv
import datetime
import re
from dataclasses import dataclass
from pathlib import Path

REGISTER = Path(__file__).resolve().parent / "data" / "scotland_geography.csv"
COLUMNS = ["code", "name", "kind", "valid_from", "valid_to", "successor"]
KINDS = {"country", "council", "health_board"}
CODE = re.compile(r"^S\d{8}$")


class RegisterError(ValueError):
    """The register file is not as Followup expects; the message names the line and column."""


@dataclass(frozen=True)
class RegisterArea:
    code: str
    name: str
    kind: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    successor: str


def _date(text: str, where: str) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise RegisterError(
            f"{where}: expected a date YYYY-MM-DD or nothing, got {text!r}"
        ) from None


def read_register(path: Path = REGISTER) -> list[RegisterArea]:
    """Every area of the register file, in its order. Lines starting with '#' are its header
    (source, licence, version). Raises ``RegisterError`` naming the first problem."""
    lines = [
        (number, line)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.strip() and not line.startswith("#")
    ]
    if not lines or next(csv.reader([lines[0][1]])) != COLUMNS:
        raise RegisterError(f"{path.name}: expected the columns {','.join(COLUMNS)} first")
    areas: list[RegisterArea] = []
    for number, line in lines[1:]:
        cells = next(csv.reader([line]))
        where = f"{path.name} line {number}"
        if len(cells) != len(COLUMNS):
            raise RegisterError(f"{where}: expected {len(COLUMNS)} columns, got {len(cells)}")
        row = dict(zip(COLUMNS, (cell.strip() for cell in cells), strict=True))
        if not CODE.match(row["code"]):
            raise RegisterError(f"{where}: expected a code such as S12000028, got {row['code']!r}")
        if row["kind"] not in KINDS:
            raise RegisterError(
                f"{where}: expected a kind of {', '.join(sorted(KINDS))}, got {row['kind']!r}"
            )
        if not row["name"]:
            raise RegisterError(f"{where}: expected a name")
        area = RegisterArea(
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            valid_from=_date(row["valid_from"], f"{where}, valid_from"),
            valid_to=_date(row["valid_to"], f"{where}, valid_to"),
            successor=row["successor"],
        )
        if area.valid_from and area.valid_to and area.valid_to < area.valid_from:
            raise RegisterError(f"{where}: valid_to is before valid_from")
        areas.append(area)
    codes = [area.code for area in areas]
    for area in areas:
        if codes.count(area.code) > 1:
            raise RegisterError(f"{path.name}: the code {area.code} is given twice")
        if area.successor and area.successor not in codes:
            raise RegisterError(
                f"{path.name}: {area.code}'s successor {area.successor} is not in the register"
            )
        if area.successor and not area.valid_to:
            raise RegisterError(f"{path.name}: {area.code} has a successor but no valid_to")
    return areas
