"""The demo's performance data: public statistics imported through the importer.

Each publication is a release. Releases are imported in the order they were published (by the
latest date each one covers; ties in file order), so a later publication's changed figure is a
revision and both figures stay retrievable.
"""

from __future__ import annotations

import csv
from collections import OrderedDict
from pathlib import Path
from typing import Any

from followup.indicators.importer import apply_import, plan_import
from followup.indicators.models import DataElement, ValidationRule
from followup.lib.tabular import Table
from followup.lib.types import Actor
from followup.partnerships.actions_geography import bring_areas_up_to_date
from followup.partnerships.models import Area, AreaGroup

DATA = Path(__file__).resolve().parent / "data"
TIDY = ["area_code", "period", "data_element", "value", "status", "note"]

ELEMENTS = [
    # code, name, period kind, is a count, source
    (
        "looked_after_total",
        "Children looked after (snapshot)",
        "day",
        True,
        "Children's Social Work Statistics, Scottish Government",
    ),
    (
        "cp_register",
        "Children on the child protection register (snapshot)",
        "day",
        True,
        "Children's Social Work Statistics, Scottish Government",
    ),
    (
        "cp_register_and_looked_after",
        "Children both looked after and on the child protection register",
        "day",
        True,
        "Children's Social Work Statistics, Scottish Government",
    ),
    (
        "cp_registrations",
        "Registrations on the child protection register during the year",
        "statistical_year",
        True,
        "Children's Social Work Statistics, Scottish Government",
    ),
    (
        "looked_after_community",
        "Children looked after in the community at 31 July",
        "day",
        True,
        "LGBF data file (Improvement Service), January 2022",
    ),
    (
        "looked_after_residential",
        "Children looked after in residential care at 31 July",
        "day",
        True,
        "LGBF data file (Improvement Service), January 2022",
    ),
    (
        "lgbf_chn9",
        "CHN9: % of looked-after children looked after in the community",
        "day",
        False,
        "LGBF data file (Improvement Service), January 2022",
    ),
    (
        "looked_after_community_and_residential",
        "Children looked after at 31 July (community plus residential; derived)",
        "day",
        True,
        "Derived: the sum of the two counts published in the LGBF data file (Improvement Service), "
        "January 2022. Not itself a published figure.",
    ),
    (
        "lgbf_chn22",
        "CHN22: % of child protection re-registrations within 18 months",
        "statistical_year",
        False,
        "LGBF data file (Improvement Service), January 2022",
    ),
    (
        "lgbf_chn23",
        "CHN23: % of looked-after children with more than one placement in the year",
        "statistical_year",
        False,
        "LGBF data file (Improvement Service), January 2022",
    ),
]
# Derived data elements: worked out from their parts on every read, never imported.
FORMULAS = {
    "looked_after_community_and_residential": "looked_after_community + looked_after_residential"
}
RULES = [
    (
        "On the register and looked after, within all on the register",
        "cp_register_and_looked_after",
        "<=",
        "cp_register",
    ),
    ("CHN9 is a percentage (at most 100)", "lgbf_chn9", "<=", "100"),
    ("CHN22 is a percentage (at most 100)", "lgbf_chn22", "<=", "100"),
    ("CHN23 is a percentage (at most 100)", "lgbf_chn23", "<=", "100"),
    (
        "Community plus residential is the total",
        "looked_after_community + looked_after_residential",
        "==",
        "looked_after_community_and_residential",
    ),
]
CP_MEASURES = {
    "children on child protection register": "cp_register",
    "children both looked after and on register": "cp_register_and_looked_after",
    "registrations during year": "cp_registrations",
}
LGBF_MEASURES = {
    "looked_after_community_count": "looked_after_community",
    "looked_after_residential_count": "looked_after_residential",
    "lgbf_CHN9_pct_looked_after_in_community": "lgbf_chn9",
    "lgbf_CHN22_pct_child_protection_reregistrations_within_18_months": "lgbf_chn22",
    "lgbf_CHN23_pct_looked_after_more_than_one_placement_in_year": "lgbf_chn23",
    "looked_after_total_count_DERIVED_community_plus_residential": "looked_after_community_and_residential",
}
LGBF_RELEASE = (
    "Local Government Benchmarking Framework data file (Improvement Service, January 2022)"
)


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _period(text: str) -> str:
    """'2012-08-01/2013-07-31' (a statistical year) becomes SY2012-13; dates stay dates."""
    if "/" in text:
        start, _ = text.split("/")
        year = int(start[:4])
        return f"SY{year}-{(year + 1) % 100:02d}"
    return text


def _national() -> OrderedDict[str, list[list[str]]]:
    releases: OrderedDict[str, list[list[str]]] = OrderedDict()
    for row in _rows("scotland_looked_after_totals.csv"):
        releases.setdefault(row["source_title"], []).append(
            [
                "S92000003",
                row["reference_date"],
                "looked_after_total",
                row["total_looked_after"],
                row["figure_status"],
                row["source_url"],
            ]
        )
    for row in _rows("scotland_child_protection.csv"):
        releases.setdefault(row["source_title"], []).append(
            [
                "S92000003",
                _period(row["reference_date_or_period"]),
                CP_MEASURES[row["measure"]],
                row["value"],
                row["figure_status"],
                row["notes"],
            ]
        )
    # Publication order: by the latest period each release covers (ties keep file order).
    order = sorted(
        releases,
        key=lambda name: max(r[1].replace("SY", "")[:4] + r[1][-5:] for r in releases[name]),
    )
    return OrderedDict((name, releases[name]) for name in order)


def _lgbf() -> list[list[str]]:
    """The LGBF rows, but not the file's derived totals: Followup works those out from their parts
    (``looked_after_community_and_residential`` has a formula), and no file may give them."""
    rows = []
    for row in _rows("council_looked_after.csv"):
        if "DERIVED" in row["measure"]:
            continue
        element = LGBF_MEASURES[row["measure"]]
        rows.append([row["area_code"], row["reference_date"], element, row["value"], "", ""])
    for row in _rows("council_child_protection_and_placement_lgbf.csv"):
        rows.append(
            [
                row["area_code"],
                "SY" + row["lgbf_year_label"],
                LGBF_MEASURES[row["measure"]],
                row["value"],
                "",
                "",
            ]
        )
    return rows


def _import(
    actor: Actor, release: str, rows: list[list[str]], source_url: str = ""
) -> dict[str, int]:
    table = Table(TIDY, [(i + 2, dict(zip(TIDY, row, strict=True))) for i, row in enumerate(rows)])
    plan = plan_import(table, release=release)
    if not plan.ok:
        raise ValueError(
            f"demo data for {release!r} did not import: " + "; ".join(map(str, plan.errors[:5]))
        )
    return apply_import(plan, actor=actor, source_url=source_url)


def load_statistics(actor: Actor) -> dict[str, Any]:
    """Areas, data elements, rules and every public release, imported as the actor. Idempotent."""
    # The official areas come from the register every installation loads (followup setup).
    bring_areas_up_to_date(actor)
    names = {row["area_code"] for row in _rows("council_looked_after.csv")}
    councils, _ = AreaGroup.objects.update_or_create(
        code="scottish-councils",
        defaults={
            "name": "All 32 Scottish councils",
            "description": "Every council area in Scotland.",
        },
    )
    councils.areas.set(Area.objects.filter(code__in=[c for c in names if c != "S92000003"]))
    for code, name, kind, is_count, source in ELEMENTS:
        DataElement.objects.update_or_create(
            code=code,
            partnership=None,
            defaults={
                "name": name,
                "period_kind": kind,
                "is_count": is_count,
                "source": source,
                "formula": FORMULAS.get(code, ""),
            },
        )
    for name, left, op, right in RULES:
        ValidationRule.objects.update_or_create(
            name=name, partnership=None, defaults={"left": left, "operator": op, "right": right}
        )
    counts: dict[str, Any] = {}
    urls = {
        row["source_title"]: row["source_url"]
        for name in ("scotland_looked_after_totals.csv", "scotland_child_protection.csv")
        for row in _rows(name)
    }
    for release, rows in _national().items():
        counts[release] = _import(actor, release, rows, urls.get(release, "")[:500])
    counts[LGBF_RELEASE] = _import(actor, LGBF_RELEASE, _lgbf())
    return counts
