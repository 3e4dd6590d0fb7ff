"""Holes a hostile viewer found in what indicator pages and downloads show (#11), each closed by
the one disclosure rule: small counts are withheld whatever an indicator's factor, denominator or
formula, and nothing else a viewer sees can pin one."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from followup.indicators.models import DataElement, DataValue, Release
from tests import factories as f
from tests.indicators.figures import year_period


def _csv(response) -> dict[str, list[str]]:
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return {row[0]: row for row in rows[1:]}


def _value(element, area, year, value, release) -> None:
    DataValue.objects.create(
        element=element, area=area, period=year_period(year), release=release, value=value
    )


@pytest.fixture
def release(db):
    return Release.objects.create(name="Return 2024", published_on=datetime.date(2024, 6, 1))


def test_a_count_shown_per_thousand_without_a_denominator_is_withheld_when_small(world, release):
    """3 children × 1,000 shown as 3,000 gave the 3 away."""
    site = world.home
    element = DataElement.objects.create(code="missing_children", name="Missing children")
    rate = f.IndicatorFactory(
        partnership=site.partnership, area=site.indicator.area, numerator=element, factor=1000
    )
    _value(element, rate.area, 2023, 3, release)
    _value(element, rate.area, 2024, 40, release)
    url = reverse("indicators:download_csv", args=["home", rate.pk])
    viewer = _csv(world.client_for("viewer").get(url))
    assert viewer["2023"][1:3] == ["[c]", "[c]"]
    assert viewer["2024"][1:3] == ["40000.0", "40.0"]
    page = world.client_for("viewer").get(reverse("indicators:detail", args=["home", rate.pk]))
    assert "3000" not in page.content.decode() and "3,000" not in page.content.decode()
    lead = _csv(world.client_for("lead").get(url))
    assert lead["2023"][1:3] == ["3000.0", "3.0"]


def test_a_rate_whose_denominator_is_missing_or_zero_still_withholds_its_small_numerator(
    world, release
):
    """A rate with no figure (its denominator missing or 0) still lists its numerator."""
    site = world.home
    top = DataElement.objects.create(code="seen_late", name="Seen late")
    bottom = DataElement.objects.create(code="all_seen", name="All seen")
    rate = f.IndicatorFactory(
        partnership=site.partnership,
        area=site.indicator.area,
        numerator=top,
        denominator=bottom,
        factor=100,
    )
    _value(top, rate.area, 2023, 2, release)  # no denominator at all
    _value(top, rate.area, 2024, 1, release)
    _value(bottom, rate.area, 2024, 0, release)  # a zero denominator
    url = reverse("indicators:download_csv", args=["home", rate.pk])
    viewer = _csv(world.client_for("viewer").get(url))
    assert viewer["2023"][2] == "[c]"
    assert viewer["2024"][2] == "[c]"
    lead = _csv(world.client_for("lead").get(url))
    assert lead["2023"][2] == "2.0"


def _reader(world, indicators, period: str) -> dict[str, str]:
    """Every figure a viewer's downloads show for one period, by data element code: each
    indicator's numerator and denominator columns (the same figure wherever it is shown)."""
    seen: dict[str, str] = {}
    client = world.client_for("viewer")
    for indicator in indicators:
        url = reverse("indicators:download_csv", args=["home", indicator.pk])
        row = _csv(client.get(url)).get(period)
        if row is None:
            continue
        pairs = [(indicator.numerator.code, row[2])]
        if indicator.denominator is not None:
            pairs.append((indicator.denominator.code, row[3]))
        for code, figure in pairs:
            assert seen.setdefault(code, figure) == figure, (code, seen[code], figure)
    return seen


def _pinned(shown: dict[str, str], truth: dict[str, int], formulas, in_formulas, t=4):
    """The withheld figures an exact integer search over everything shown can pin: a reader who
    knows the rules (docs/reports.md) knows a withheld count of a data element in no formula is
    1 to ``t``, one in a formula at least 0, and a withheld result of a formula only what the
    formula says."""
    from tests.core.exact_search import System

    system = System()
    unknown: dict[str, int] = {}
    derived = {total for total, _ in formulas}
    floor = -sum(truth.values()) - 10
    for code, figure in shown.items():
        if figure != "[c]":
            continue
        if code in derived:
            unknown[code] = system.unknown(floor, None, code)
        elif code in in_formulas:
            unknown[code] = system.unknown(0, None, code)
        else:
            unknown[code] = system.unknown(1, t, code)
        assert system.lows[unknown[code]] <= truth[code], code
    for total, parts in formulas:
        terms = []
        rest = 0
        for sign, code in [(-1, total), *parts]:
            if code in unknown:
                terms.append((unknown[code], sign))
            else:
                rest += sign * int(float(shown[code]))
        if terms:
            system.equal(terms, -rest)
    ranges = system.ranges()
    return {
        code: ranges[var]
        for code, var in unknown.items()
        if code not in derived and ranges[var][1] is not None and ranges[var][0] == ranges[var][1]
    }


def test_a_formula_and_its_shown_parts_pin_no_withheld_count_for_a_viewer(world, release):
    """looked_after = at_home + in_foster with in_foster shown gave at_home away; and a
    difference moved = placed - in_foster of 2 (a small count) was given away by its parts.
    Every figure a viewer's downloads show for the period, searched exactly, pins none."""
    site = world.home
    area = site.indicator.area
    codes = {"at_home": 3, "in_foster": 20, "placed": 22}
    elements = {
        code: DataElement.objects.create(code=code, name=code, partnership=site.partnership)
        for code in codes
    }
    formulas = [
        ("looked_after", [(1, "at_home"), (1, "in_foster")]),
        ("moved", [(1, "placed"), (-1, "in_foster")]),
    ]
    for code, parts in formulas:
        elements[code] = DataElement.objects.create(
            code=code,
            name=code,
            partnership=site.partnership,
            formula=" ".join(f"{'+' if s > 0 else '-'} {c}" for s, c in parts).lstrip("+ "),
        )
    for code, value in codes.items():
        _value(elements[code], area, 2024, value, release)
    indicators = [
        f.IndicatorFactory(partnership=site.partnership, area=area, numerator=element)
        for element in elements.values()
    ]
    indicators.append(
        f.IndicatorFactory(
            partnership=site.partnership,
            area=area,
            numerator=elements["at_home"],
            denominator=elements["looked_after"],
            factor=100,
        )
    )
    shown = _reader(world, indicators, "2024")
    truth = {**codes, "looked_after": 23, "moved": 2}
    assert shown["at_home"] == "[c]" and shown["moved"] == "[c]"
    assert shown["looked_after"] == "[c]"  # worked out from a withheld count
    assert shown["in_foster"] == "[c]"  # else moved = placed - in_foster gives 2 away
    assert shown["placed"] == "22.0"
    in_formulas = {c for _, parts in formulas for _, c in parts}
    assert _pinned(shown, truth, formulas, in_formulas) == {}
    lead = world.client_for("lead")
    url = reverse("indicators:download_csv", args=["home", indicators[0].pk])
    assert _csv(lead.get(url))["2024"][2] == "3.0"


def test_other_councils_small_counts_are_withheld_from_a_viewer_and_left_out_of_the_comparison(
    world, release
):
    """The comparison listed every council's figure, small ones too, ranked them, and showed
    Scotland's total, from which the others give a small one back."""
    from tests.indicators.figures import compared_councils

    count = world.home.indicator
    compared_councils(count, release)
    url = reverse("indicators:detail", args=["home", count.pk])
    response = world.client_for("viewer").get(url)
    html = response.content.decode()
    compared = response.context["benchmark"]
    assert [a.name for a, _ in compared.group] == ["Westshire", "Northshire", "Homeshire"]
    assert [a.name for a in compared.withheld] == ["Eastshire"]
    assert compared.country_withheld
    assert "Scotland: <strong>[c]</strong>" in html
    assert '>Eastshire</th><td class="govuk-table__cell govuk-table__cell--numeric">[c]<' in html
    assert ">2<" not in html and ">130<" not in html
    assert "the lowest of the 3 areas in ‘Family group’ with a figure" in html
    lead = world.client_for("lead").get(url)
    assert [a.name for a in lead.context["benchmark"].withheld] == []
    assert "Scotland: <strong>130</strong>" in lead.content.decode()


def test_earlier_releases_of_a_formulas_figures_are_withheld_from_a_viewer(world):
    """A total of 13 as first released, beside its shown part of 10, gave back the other part's
    first figure of 3, though that was withheld."""
    site = world.home
    area = site.indicator.area
    first = Release.objects.create(name="Return 2023", published_on=datetime.date(2023, 6, 1))
    later = Release.objects.create(name="Return 2024", published_on=datetime.date(2024, 6, 1))
    own = {"partnership": site.partnership}
    at_home = DataElement.objects.create(code="at_home", name="At home", **own)
    in_foster = DataElement.objects.create(code="in_foster", name="In foster care", **own)
    total = DataElement.objects.create(
        code="looked_after", name="Looked after", formula="at_home + in_foster", **own
    )
    _value(at_home, area, 2023, 10, first)
    _value(in_foster, area, 2023, 3, first)
    _value(in_foster, area, 2023, 20, later)
    made = {
        e.code: f.IndicatorFactory(partnership=site.partnership, area=area, numerator=e)
        for e in (at_home, in_foster, total)
    }
    viewer = world.client_for("viewer")

    def row(code, who=viewer):
        url = reverse("indicators:download_csv", args=["home", made[code].pk])
        return _csv(who.get(url))["2023"]

    assert row("looked_after")[1:3] == ["30.0", "30.0"]
    assert row("looked_after")[-1] == "[c] (Return 2023)"  # 13, once: 13 - 10 gives 3
    assert row("in_foster")[-1] == "[c] (Return 2023)"
    assert row("at_home")[2] == "10.0"
    assert row("looked_after", world.client_for("lead"))[-1] == "13 (Return 2023)"


@pytest.mark.django_db
def test_withheld_figures_refuse_to_answer_until_reports_say_what_published_reports_took(
    world, monkeypatch
):
    """indicators sits below reports, so reports hands it the published cut-offs when Django is
    ready; without them a viewer's figures are not worked out at all."""
    from django.core.exceptions import ImproperlyConfigured

    from followup.indicators import disclosed
    from followup.reports.cutoff import published_cutoffs

    assert disclosed._published_cutoffs is published_cutoffs
    monkeypatch.setattr(disclosed, "_published_cutoffs", None)
    partnership = world.home.indicator.partnership
    with pytest.raises(ImproperlyConfigured, match=r"followup\.reports must be installed"):
        disclosed.withheld_figures(partnership)
    assert isinstance(disclosed.withheld_figures(partnership, published=False), disclosed.Withheld)
