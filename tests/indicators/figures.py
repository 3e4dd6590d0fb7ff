"""Figures for the tenancy tests, laid on the `world` of tests/conftest.py.

Official statistics (one release) for three council areas; Homeshire's own release with its own
2024 figure; and Awayshire's own release holding what the bug of #10 let it write: figures of an
official data element for Homeshire's area (999 for 2023, 0 for 2024), beside its own 2024
figure for its own area. No reader but Awayshire may ever see those.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from followup.indicators.models import DataElement, DataValue, Period, Release, ValidationRule
from followup.indicators.periods import parse_period
from followup.partnerships.models import Area, AreaGroup

OFFICIAL = "Children's social work statistics 2024"
HOME_OWN = "Homeshire private return"
AWAY_OWN = "Awayshire private release"


def year_period(year: int) -> Period:
    """The period of a calendar year, made if it is not known yet."""
    period, _ = Period.objects.get_or_create(
        id=str(year),
        defaults={
            "kind": "year",
            "start": datetime.date(year, 1, 1),
            "end": datetime.date(year, 12, 31),
        },
    )
    return period


def put(release: Release, element: DataElement, area: Area, period: str, value: float) -> None:
    parsed = parse_period(period, element.period_kind)
    Period.objects.get_or_create(
        id=parsed.id, defaults={"kind": parsed.kind, "start": parsed.start, "end": parsed.end}
    )
    DataValue.objects.create(
        element=element, area=area, period_id=parsed.id, release=release, value=value
    )


@dataclass
class Figures:
    element: DataElement
    home: Area
    away: Area
    third: Area
    official: Release
    home_own: Release
    away_own: Release
    rule: ValidationRule


def lay_figures(world: Any) -> Figures:
    element = world.home.indicator.numerator
    home, away = world.home.partnership.area, world.away.partnership.area
    third = Area.objects.create(code="S1THRD", name="Thirdshire")
    group = AreaGroup.objects.create(code="test-councils", name="The test councils")
    group.areas.set([home, away, third])
    official = Release.objects.create(name=OFFICIAL, published_on=datetime.date(2024, 3, 1))
    home_own = Release.objects.create(name=HOME_OWN, partnership=world.home.partnership)
    away_own = Release.objects.create(name=AWAY_OWN, partnership=world.away.partnership)
    for area, period, value in [
        (home, "2022", 40),
        (home, "2023", 38),
        (away, "2022", 22),
        (away, "2023", 20),
        (third, "2023", 30),
    ]:
        put(official, element, area, period, value)
    put(home_own, element, home, "2024", 36)
    put(away_own, element, home, "2023", 999)
    put(away_own, element, home, "2024", 0)
    put(away_own, element, away, "2024", 19)
    rule = ValidationRule.objects.create(
        name="At most 500 children looked after",
        left=element.code,
        operator="<=",
        right="500",
    )
    return Figures(element, home, away, third, official, home_own, away_own, rule)


def compared_councils(indicator: Any, release: Release) -> None:
    """A family group of the indicator's area and three councils, with 2024 figures for each and
    for Scotland: Eastshire's 2 is small, and Scotland's 130 less the others gives it back. The
    comparison on the indicator's page (and the API's) must withhold both from a viewer."""
    group = AreaGroup.objects.create(code="family", name="Family group")
    others = {
        name: Area.objects.create(code=f"S12{n:06d}", name=name)
        for n, name in enumerate(["Eastshire", "Northshire", "Westshire"])
    }
    group.areas.set([indicator.area, *others.values()])
    scotland = Area.objects.create(code="S92000003", name="Scotland", kind="country")
    figures = {indicator.area: 30, others["Eastshire"]: 2, others["Northshire"]: 41}
    figures |= {others["Westshire"]: 57, scotland: 130}
    for area, value in figures.items():
        DataValue.objects.create(
            element=indicator.numerator,
            area=area,
            period=year_period(2024),
            release=release,
            value=value,
        )
