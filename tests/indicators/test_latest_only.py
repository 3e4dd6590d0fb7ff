"""The dashboard's and the comparison's shorter read (each figure's latest release only) gives
the same figures, releases and statuses as reading every release (#14)."""

from __future__ import annotations

import datetime

import pytest

from followup.indicators.models import DataElement, DataValue, Indicator, Release
from followup.indicators.values import many_series, observations
from followup.partnerships.models import Area, Partnership
from tests.indicators.figures import put

pytestmark = pytest.mark.django_db


def test_reading_only_the_latest_releases_gives_the_same_figures_as_reading_them_all():
    home = Area.objects.create(code="S12900001", name="Homeshire")
    other = Area.objects.create(code="S12900002", name="Othershire")
    partnership = Partnership.objects.create(slug="home", name="Home", area=home)
    stranger = Partnership.objects.create(slug="away", name="Away", area=other)
    counts = DataElement.objects.create(code="counts", name="Counts", period_kind="month")
    rates = DataElement.objects.create(
        code="rates", name="Rates", period_kind="quarter", is_count=False
    )
    # Made in this order, dated otherwise: the order is by date, undated releases last, then id.
    late = Release.objects.create(name="Dated late", published_on=datetime.date(2024, 6, 1))
    early = Release.objects.create(name="Dated early", published_on=datetime.date(2024, 1, 1))
    undated = Release.objects.create(name="Undated")
    own = Release.objects.create(name="Home's own", partnership=partnership)
    theirs = Release.objects.create(name="Away's own", partnership=stranger)
    for month in range(1, 7):
        put(early, counts, home, f"2023-{month:02d}", 10 + month)
        if month % 2:
            put(late, counts, home, f"2023-{month:02d}", 20 + month)
        if month == 3:
            put(undated, counts, home, "2023-03", 33)
        if month == 4:
            put(own, counts, home, "2023-04", 44)
        put(theirs, counts, home, f"2023-{month:02d}", 99)  # never Home's to see
        put(early, counts, other, f"2023-{month:02d}", 50 + month)
    put(late, rates, home, "2023Q1", 12.5)
    put(early, rates, home, "2023Q1", 11.5)
    DataValue.objects.filter(release=late).update(status="revised")

    def read(latest_only: bool) -> dict[tuple[int, int, str], tuple[float, str, str]]:
        seen = observations(
            [counts.pk, rates.pk],
            [home.pk, other.pk],
            partnership=partnership,
            latest_only=latest_only,
        )
        return {key: (o.value, o.release, o.status) for key, o in seen.items()}

    everything = read(latest_only=False)
    assert read(latest_only=True) == everything
    assert everything[(counts.pk, home.pk, "2023-01")] == (21, "Dated late", "revised")
    assert everything[(counts.pk, home.pk, "2023-02")] == (12, "Dated early", "")
    assert everything[(counts.pk, home.pk, "2023-03")] == (33, "Undated", "")
    assert everything[(counts.pk, home.pk, "2023-04")] == (44, "Home's own", "")
    assert everything[(rates.pk, home.pk, "2023Q1")] == (12.5, "Dated late", "revised")
    assert len(everything) == 13

    indicator = Indicator.objects.create(
        partnership=partnership,
        code="counts",
        name="Counts",
        numerator=counts,
        area=home,
        frequency="month",
    )
    full = many_series([indicator])[indicator.pk]
    short = many_series([indicator], latest_only=True)[indicator.pk]
    assert [(p.period, p.value) for p in short] == [(p.period, p.value) for p in full]
    assert [p.value for p in full] == [21, 12, 33, 44, 25, 16]
