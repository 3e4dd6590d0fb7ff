"""The progress pack's measures: an indicator evidence for two recommendations is shown under
each, with the one figure."""

from __future__ import annotations

from typing import Any

from followup.reports.packs import progress_pack
from tests import factories as f
from tests.conftest import World


def test_an_indicator_of_two_recommendations_shows_the_same_figure_under_each(
    world: World,
) -> None:
    indicator = world.home.indicator
    second: Any = f.RecommendationFactory(
        inspection=world.home.inspection, number=2, text="Listen to children"
    )
    indicator.recommendations.add(second)
    pack = progress_pack(world.home.partnership)
    measures = {g.heading: g.measures for g in pack.groups}
    first = measures["Recommendation 1: Improve planning in Homeshire"]
    other = measures["Recommendation 2: Listen to children"]
    assert [(m.name, m.area, m.shown, m.value) for m in first] == [
        ("Looked after in Homeshire", "Homeshire", "No figure yet", None)
    ]
    assert other == first
    assert other[0] is first[0]  # worked out once, for the first recommendation
