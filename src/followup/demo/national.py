"""Synthetic national-size data, for measuring Followup at the size of a national service.

Everything made here is fictional, and says so: one synthetic partnership for each council
area (``Partnership.is_fictional``; the council areas' official codes and names are public),
with members, a published inspection (evaluations and recommendations), an improvement plan
(actions and their updates), indicators on official-shaped synthetic statistics released year by
year, and coded qualitative evidence with approved quotes linked to the recommendations.

At full scale (``Scale()``): 32 partnerships, 10 years (2016 to 2025), 200 data elements (150
monthly, 50 quarterly) with a value for every council area and Scotland in every period, in one
release a year that also publishes the year before again (most figures confirmed, one in five
revised), as the importer would store them: 1,254,000 values. Each partnership has 200
indicators, one per data element, on its own area (some as a percentage of a population
element), and 50,000 codings share out across the partnerships' sources.

The same seed and scale give the same data every time: every random choice comes from a
generator seeded with the seed and what is being made, never from database ids, and
``fingerprint`` hashes the content (without ids and the times rows were written), so two runs
can be compared. Rows are written directly in batches (PostgreSQL's COPY for the values and
codings), not through the actions: nothing here is anyone's work, so the audit log records one
entry for the whole generation. The graph is kept valid as the actions would keep it
(``tests/demo/test_national.py`` checks it with ``full_clean`` and the importer).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from followup.audit.log import record_command
from followup.demo.national_evidence import create_evidence
from followup.demo.national_plan import create_inspections, create_plans
from followup.demo.synthetic import copy_rows, rng_for
from followup.frameworks.library import load_library
from followup.frameworks.models import Framework
from followup.indicators.models import (
    WELLBEING,
    DataElement,
    DataValue,
    Indicator,
    Period,
    Release,
)
from followup.indicators.periods import parse_period
from followup.indicators.scope import own_releases, visible_values
from followup.inspections.models import Evaluation, Recommendation
from followup.lib.types import CommandLine
from followup.partnerships.models import Area, AreaGroup, Membership, Organisation, Partnership
from followup.plans.models import ActionUpdate

# Bump when the generator's output changes, so that a stored copy made by an older one is not
# taken for the same data.
VERSION = 1
DEFAULT_SEED = 14
SLUG_PREFIX = "synthetic-"
USER_PREFIX = "synthetic-"
RELEASE_PREFIX = "Synthetic national statistics"
ELEMENT_PREFIX = "synthetic_"
FRAMEWORK = "urn:followup:framework:ci-children-2012"
SCOTLAND = ("S92000003", "Scotland")
ROLES = ("lead", "editor", "viewer", "inspector")

# The 32 council areas of Scotland, with their official (public) codes.
COUNCILS = [
    ("S12000033", "Aberdeen City"),
    ("S12000034", "Aberdeenshire"),
    ("S12000041", "Angus"),
    ("S12000035", "Argyll and Bute"),
    ("S12000036", "City of Edinburgh"),
    ("S12000005", "Clackmannanshire"),
    ("S12000006", "Dumfries and Galloway"),
    ("S12000042", "Dundee City"),
    ("S12000008", "East Ayrshire"),
    ("S12000045", "East Dunbartonshire"),
    ("S12000010", "East Lothian"),
    ("S12000011", "East Renfrewshire"),
    ("S12000014", "Falkirk"),
    ("S12000047", "Fife"),
    ("S12000049", "Glasgow City"),
    ("S12000017", "Highland"),
    ("S12000018", "Inverclyde"),
    ("S12000019", "Midlothian"),
    ("S12000020", "Moray"),
    ("S12000013", "Na h-Eileanan Siar"),
    ("S12000021", "North Ayrshire"),
    ("S12000050", "North Lanarkshire"),
    ("S12000023", "Orkney Islands"),
    ("S12000048", "Perth and Kinross"),
    ("S12000038", "Renfrewshire"),
    ("S12000026", "Scottish Borders"),
    ("S12000027", "Shetland Islands"),
    ("S12000028", "South Ayrshire"),
    ("S12000029", "South Lanarkshire"),
    ("S12000030", "Stirling"),
    ("S12000039", "West Dunbartonshire"),
    ("S12000040", "West Lothian"),
]


@dataclass(frozen=True)
class Scale:
    """How much to make. The default is the national size of issue #14."""

    partnerships: int = 32
    years: int = 10
    elements: int = 200
    codings: int = 50_000
    first_year: int = 2016
    recommendations: int = 6
    actions: int = 12
    sources_per_partnership: int = 50

    def __post_init__(self) -> None:
        if not 1 <= self.partnerships <= len(COUNCILS):
            raise ValueError(f"partnerships: expected 1 to {len(COUNCILS)}")
        if self.years < 1 or self.elements < 1 or self.codings < 0:
            raise ValueError("years and elements: expected at least 1; codings at least 0")

    @property
    def monthly(self) -> int:
        """Data elements with monthly figures (three in four); the rest are quarterly."""
        return max(1, (self.elements * 3) // 4)

    @property
    def values(self) -> int:
        """How many values the scale makes: every area (the councils and Scotland) in every
        period, each year's release also giving the year before again."""
        quarterly = self.elements - self.monthly
        per_year = self.monthly * 12 + quarterly * 4
        return (self.partnerships + 1) * per_year * (2 * self.years - 1)

    def describe(self) -> str:
        return (
            f"{self.partnerships} partnerships × {self.years} years × {self.elements} indicators "
            f"({self.values:,} values), {self.codings:,} codings"
        )


Progress = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    return None


def marker(seed: int, scale: Scale) -> str:
    """What the first synthetic partnership's description ends with: the generator's version,
    seed and scale, so that a run can tell whether the stored data is the data it would make."""
    return f"[generator {VERSION}, seed {seed}, {scale!r}]"


def generated_marker() -> str | None:
    """The marker of the synthetic national data in the database, if any."""
    first = (
        Partnership.objects.filter(slug__startswith=SLUG_PREFIX, is_fictional=True)
        .order_by("slug")
        .values_list("description", flat=True)
        .first()
    )
    if first is None:
        return None
    return first[first.rfind("[") :] if "[" in first else ""


def generate(
    seed: int = DEFAULT_SEED, scale: Scale | None = None, progress: Progress | None = None
) -> dict[str, int]:
    """Make the synthetic national data, in one transaction; return how many of each were made.

    Refuses (ValueError, having changed nothing) when synthetic national data is already there:
    ``remove`` it first."""
    scale = scale or Scale()
    progress = progress or _quiet
    if generated_marker() is not None:
        raise ValueError(
            "synthetic national data is already in this database: remove it first "
            "(followup.demo.national.remove)"
        )
    operator = CommandLine("national generator")
    with transaction.atomic():
        load_library(operator)
        framework = Framework.objects.filter(urn=FRAMEWORK).order_by("-version").first()
        if framework is None:
            raise ValueError(f"the framework {FRAMEWORK} is not in the library")
        areas, scotland = _areas(scale)
        partnerships = _partnerships(seed, scale, areas)
        progress("people", 0, 1)
        users = _members(partnerships)
        progress("people", 1, 1)
        recommendations = create_inspections(seed, scale, partnerships, framework, progress)
        create_plans(seed, scale, partnerships, recommendations, progress)
        elements, periods = _elements_and_periods(seed, scale)
        counts = _values(seed, scale, elements, periods, [*areas, scotland], progress)
        _indicators(seed, scale, partnerships, elements, recommendations, progress)
        evidence = create_evidence(seed, scale, partnerships, recommendations, users, progress)
        counts.update(evidence)
        counts["partnerships"] = len(partnerships)
        record_command(
            operator,
            "national.generate",
            changes={"seed": [None, seed], "scale": [None, scale.describe()]},
        )
    return counts


def remove(progress: Progress | None = None) -> None:
    """Remove every synthetic partnership, user, release and data element this module made."""
    progress = progress or _quiet
    with transaction.atomic():
        releases = own_releases(None).filter(name__startswith=RELEASE_PREFIX)
        progress("removing", 0, 1)
        # Django's delete without collecting the million rows first: nothing points at a value.
        values = visible_values(None).filter(release__in=releases)
        values._raw_delete(values.db)
        Partnership.objects.filter(slug__startswith=SLUG_PREFIX, is_fictional=True).delete()
        releases.delete()
        DataElement.objects.filter(
            partnership__isnull=True, code__startswith=ELEMENT_PREFIX
        ).delete()
        User.objects.filter(username__startswith=USER_PREFIX).delete()
        progress("removing", 1, 1)


def _areas(scale: Scale) -> tuple[list[Area], Area]:
    """The council areas (created if missing; an area already there is used as it is), Scotland,
    and the group of all 32 councils that benchmarks compare with."""
    found = {a.code: a for a in Area.objects.all()}
    for code, name in [*COUNCILS, SCOTLAND]:
        if code not in found:
            kind = Area.Kind.COUNTRY if code == SCOTLAND[0] else Area.Kind.COUNCIL
            found[code] = Area.objects.create(code=code, name=name, kind=kind)
    group, _ = AreaGroup.objects.get_or_create(
        code="scottish-councils",
        defaults={
            "name": "All 32 Scottish councils",
            "description": "Every council area in Scotland.",
        },
    )
    group.areas.add(*(found[code] for code, _ in COUNCILS))
    return [found[code] for code, _ in COUNCILS[: scale.partnerships]], found[SCOTLAND[0]]


def _partnerships(seed: int, scale: Scale, areas: list[Area]) -> list[Partnership]:
    made = Partnership.objects.bulk_create(
        Partnership(
            slug=f"{SLUG_PREFIX}{i + 1:02d}",
            name=f"{area.name} synthetic partnership (fictional)",
            area=area,
            is_fictional=True,
            description=(
                "Synthetic data for measuring Followup at national size: nothing here is real. "
                + (marker(seed, scale) if i == 0 else "")
            ),
        )
        for i, area in enumerate(areas)
    )
    organisations = [
        Organisation(
            partnership=p, name=f"{p.area.name if p.area else ''} {what} (fictional)", kind=kind
        )
        for p in made
        for what, kind in (
            ("Council", "council"),
            ("NHS board", "health"),
            ("Police division", "police"),
            ("Third sector forum", "third_sector"),
        )
    ]
    Organisation.objects.bulk_create(organisations)
    return made


def _members(partnerships: list[Partnership]) -> dict[int, dict[str, User]]:
    """A lead, an editor, a viewer and an inspector for each partnership. They cannot sign in
    with a password (none is set): a benchmark signs them in directly."""
    users = User.objects.bulk_create(
        User(username=f"{p.slug}-{role}", password="!", email="")
        for p in partnerships
        for role in ROLES
    )
    by_name = {u.username: u for u in users}
    Membership.objects.bulk_create(
        Membership(user=by_name[f"{p.slug}-{role}"], partnership=p, role=role)
        for p in partnerships
        for role in ROLES
    )
    return {p.pk: {role: by_name[f"{p.slug}-{role}"] for role in ROLES} for p in partnerships}


@dataclass(frozen=True)
class Element:
    """A synthetic data element as the generator sees it."""

    index: int
    pk: int
    code: str
    kind: str
    is_count: bool
    population: int | None  # the index of its population element, for a percentage


def _element_shape(index: int, scale: Scale) -> tuple[str, bool, int | None]:
    """Period kind, whether a count, and the population (denominator) element of a percentage.
    The last element of each kind is a population count; every third of the others is a rate,
    and every seventh a count shown as a percentage of the population of its kind."""
    monthly = index < scale.monthly
    kind = "month" if monthly else "quarter"
    last = scale.monthly - 1 if monthly else scale.elements - 1
    if index == last:
        return kind, True, None
    if index % 3 == 1:
        return kind, False, None
    return kind, True, (last if index % 7 == 0 and last != index else None)


def _elements_and_periods(seed: int, scale: Scale) -> tuple[list[Element], list[Period]]:
    shapes = [_element_shape(i, scale) for i in range(scale.elements)]
    made = DataElement.objects.bulk_create(
        DataElement(
            code=f"{ELEMENT_PREFIX}{i + 1:03d}",
            name=f"Synthetic measure {i + 1} ({'rate' if not is_count else 'count'}, {kind}ly)",
            period_kind=kind,
            is_count=is_count,
            source="Synthetic national statistics (fictional), made by followup.demo.national.",
        )
        for i, (kind, is_count, _) in enumerate(shapes)
    )
    elements = [
        Element(i, e.pk, e.code, kind, is_count, population)
        for i, (e, (kind, is_count, population)) in enumerate(zip(made, shapes, strict=True))
    ]
    ids = [f"{y}-{m:02d}" for y in _years(scale) for m in range(1, 13)]
    ids += [f"{y}Q{q}" for y in _years(scale) for q in range(1, 5)]
    parsed = [parse_period(i) for i in ids]
    Period.objects.bulk_create(
        [Period(id=p.id, kind=p.kind, start=p.start, end=p.end) for p in parsed],
        ignore_conflicts=True,
    )
    return elements, list(Period.objects.filter(id__in=ids))


def _years(scale: Scale) -> range:
    return range(scale.first_year, scale.first_year + scale.years)


def _series(
    seed: int, element: Element, area: str, count: int, population: bool = False
) -> list[float]:
    """One area's figures for one element, first as published: a level, a trend, a season and
    noise; some series shift part-way, so that charts have something to find."""
    rng = rng_for(seed, "series", element.code, area)
    level = rng.uniform(2_000, 9_000) if population else rng.uniform(20, 400)
    if not element.is_count:
        level = rng.uniform(20, 80)
    trend = rng.uniform(-0.004, 0.004) * level
    shift_at = rng.randrange(count // 2, count) if rng.random() < 0.3 and count > 4 else count
    shift = rng.uniform(-0.25, 0.25) * level
    figures = []
    for t in range(count):
        season = 0.05 * level * (1 if (t % 12) in (10, 11, 0) else 0)
        x = (
            level
            + trend * t
            + season
            + rng.gauss(0, 0.06 * level)
            + (shift if t >= shift_at else 0)
        )
        figures.append(
            round(min(max(x, 0.0), 100.0), 1) if not element.is_count else float(max(round(x), 0))
        )
    return figures


def _values(
    seed: int,
    scale: Scale,
    elements: list[Element],
    periods: list[Period],
    areas: list[Area],
    progress: Progress,
) -> dict[str, int]:
    """One official release a year: that year's figures (provisional), and the year before's
    again (confirmed, or one in five revised), for every council area and Scotland (the sum of
    its councils' counts, the mean of their rates)."""
    years = list(_years(scale))
    releases = own_releases(None).bulk_create(
        Release(
            name=f"{RELEASE_PREFIX} {year} (fictional)",
            published_on=datetime.date(year + 1, 3, 31),
            note="Synthetic figures for measuring Followup; nothing here is real.",
        )
        for year in years
    )
    by_kind: dict[str, list[Period]] = {}
    for p in sorted(periods, key=lambda p: p.start):
        by_kind.setdefault(p.kind, []).append(p)
    councils = [a for a in areas if a.code != SCOTLAND[0]]
    scotland = next(a for a in areas if a.code == SCOTLAND[0])
    populations = {e.population for e in elements if e.population is not None}

    def rows() -> Iterator[tuple[Any, ...]]:
        for element in elements:
            kind_periods = by_kind[element.kind]
            per_year = len(kind_periods) // len(years)
            first: dict[int, list[float]] = {}
            for area in councils:
                first[area.pk] = _series(
                    seed, element, area.code, len(kind_periods), element.index in populations
                )
            total = [sum(col) for col in zip(*first.values(), strict=True)]
            first[scotland.pk] = (
                total if element.is_count else [round(t / len(councils), 1) for t in total]
            )
            for area_id, figures in first.items():
                rng = rng_for(seed, "revisions", element.code, area_id)
                for y, release in enumerate(releases):
                    for t in range(y * per_year, (y + 1) * per_year):
                        yield (
                            element.pk,
                            area_id,
                            kind_periods[t].id,
                            release.pk,
                            figures[t],
                            "provisional",
                            "",
                        )
                    if y == 0:
                        continue
                    for t in range((y - 1) * per_year, y * per_year):
                        value = figures[t]
                        if rng.random() < 0.2:
                            value = value + (1.0 if element.is_count else 0.1)
                        yield (
                            element.pk,
                            area_id,
                            kind_periods[t].id,
                            release.pk,
                            value,
                            "revised" if value != figures[t] else "",
                            "",
                        )

    total = scale.values
    written = copy_rows(
        DataValue,
        ["element_id", "area_id", "period_id", "release_id", "value", "status", "note"],
        rows(),
        lambda done: progress("values", done, total),
    )
    return {"releases": len(releases), "data elements": len(elements), "values": written}


def _indicators(
    seed: int,
    scale: Scale,
    partnerships: list[Partnership],
    elements: list[Element],
    recommendations: dict[int, list[Recommendation]],
    progress: Progress,
) -> None:
    """One indicator for each data element in each partnership, on the partnership's own area;
    the first five for each recommendation are linked to it."""
    by_index = {e.index: e for e in elements}
    wellbeing = list(WELLBEING)
    made: list[Indicator] = []
    for p in partnerships:
        rng = rng_for(seed, "indicators", p.slug)
        for e in elements:
            percentage = e.population is not None
            made.append(
                Indicator(
                    partnership=p,
                    code=f"synthetic-{e.index + 1:03d}",
                    name=f"Synthetic indicator {e.index + 1}"
                    + (" (% of population)" if percentage else ""),
                    description="Synthetic: made up for measuring Followup.",
                    numerator_id=e.pk,
                    denominator_id=by_index[e.population].pk if e.population is not None else None,
                    factor=100 if percentage else 1,
                    unit="%" if percentage or not e.is_count else "children",
                    improvement_direction=rng.choice(["increase", "decrease", "neutral"]),
                    frequency=e.kind,
                    target=round(rng.uniform(20, 80), 0)
                    if not e.is_count and rng.random() < 0.5
                    else None,
                    area=p.area,
                    wellbeing=[rng.choice(wellbeing)],
                    source="Synthetic national statistics (fictional).",
                )
            )
    Indicator.objects.bulk_create(made, batch_size=2000)
    links = []
    per = len(elements)
    for n, p in enumerate(partnerships):
        mine = made[n * per : (n + 1) * per]
        for k, r in enumerate(recommendations[p.pk]):
            for indicator in mine[k * 5 : k * 5 + 5]:
                links.append(
                    Indicator.recommendations.through(
                        indicator_id=indicator.pk, recommendation_id=r.pk
                    )
                )
    Indicator.recommendations.through.objects.bulk_create(links, batch_size=5000)
    progress("indicators", 1, 1)


def fingerprint() -> str:
    """A digest of the synthetic national data's content, without ids or the times rows were
    written: equal for two runs that made the same data."""
    digest = hashlib.sha256()
    partnerships = Partnership.objects.filter(slug__startswith=SLUG_PREFIX, is_fictional=True)

    def add(rows: Iterable[Any]) -> None:
        for row in rows:
            digest.update(repr(row).encode())

    add(partnerships.order_by("slug").values_list("slug", "name", "area__code", "description"))
    add(
        User.objects.filter(username__startswith=USER_PREFIX)
        .order_by("username")
        .values_list("username", "memberships__role")
    )
    add(
        Evaluation.objects.filter(inspection__partnership__in=partnerships)
        .order_by("inspection__partnership__slug", "quality_indicator__urn")
        .values_list("inspection__partnership__slug", "quality_indicator__urn", "grade")
    )
    add(
        Recommendation.objects.filter(inspection__partnership__in=partnerships)
        .order_by("inspection__partnership__slug", "number", "quality_indicators__urn")
        .values_list("inspection__partnership__slug", "number", "text", "quality_indicators__urn")
    )
    add(
        ActionUpdate.objects.filter(action__partnership__in=partnerships)
        .order_by("action__partnership__slug", "action__title", "on")
        .values_list("action__partnership__slug", "action__title", "on", "status", "rating", "note")
    )
    add(
        Indicator.objects.filter(partnership__in=partnerships)
        .order_by("partnership__slug", "code", "recommendations__number")
        .values_list(
            "partnership__slug",
            "code",
            "numerator__code",
            "denominator__code",
            "factor",
            "improvement_direction",
            "target",
            "wellbeing",
            "recommendations__number",
        )
    )
    add(
        visible_values(None)
        .filter(release__name__startswith=RELEASE_PREFIX)
        .order_by("element__code", "area__code", "period_id", "release__name")
        .values_list("element__code", "area__code", "period_id", "release__name", "value", "status")
        .iterator(chunk_size=20_000)
    )
    from followup.demo.national_evidence import evidence_fingerprint

    digest.update(evidence_fingerprint(partnerships).encode())
    return digest.hexdigest()
