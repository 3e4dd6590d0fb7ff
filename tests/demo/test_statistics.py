"""The demo's public statistics go through the importer, one release per publication."""

from __future__ import annotations

import io

from followup.demo.statistics import LGBF_RELEASE, _rows, load_statistics
from followup.indicators.export import values_for_export, write_tidy
from followup.indicators.models import DataElement, DataValue, Release
from followup.indicators.values import observations
from followup.lib.types import CommandLine
from followup.partnerships.models import Area

OPERATOR = CommandLine("tests")


def test_public_statistics_import_with_each_publication_as_a_release_and_again_change_nothing(db):
    counts = load_statistics(OPERATOR)
    lgbf = counts[LGBF_RELEASE]
    # 32 councils and Scotland: community, residential, CHN9 for 2011-2020 (990 rows), CHN22 (264)
    # and CHN23 (330). The file's derived community-plus-residential totals (330) are not imported:
    # Followup works them out from their parts, and they come out the same as the file's.
    assert lgbf == {"new": 990 + 264 + 330, "revised": 0, "confirmed": 0, "unchanged": 0}
    assert (
        DataValue.objects.filter(release__name=LGBF_RELEASE, area__code="S12000028").count() == 48
    )
    total = DataElement.objects.get(code="looked_after_community_and_residential")
    assert not DataValue.objects.filter(element=total).exists()
    worked_out = observations(
        [total.pk], Area.objects.values_list("pk", flat=True), partnership=None
    )
    given = {
        (row["area_code"], row["reference_date"]): float(row["value"])
        for row in _rows("council_looked_after.csv")
        if "DERIVED" in row["measure"]
    }
    codes = dict(Area.objects.values_list("pk", "code"))
    assert len(worked_out) == len(given) == 330
    assert {
        (codes[area], period): seen.value for (_, area, period), seen in worked_out.items()
    } == given
    assert {seen.release for seen in worked_out.values()} == {LGBF_RELEASE}
    again = load_statistics(OPERATOR)
    assert all(c["new"] + c["revised"] + c["confirmed"] == 0 for c in again.values())


def test_the_2019_first_estimate_and_its_republication_are_both_kept_with_the_republication_latest(
    db,
):
    load_statistics(OPERATOR)
    values = DataValue.objects.filter(
        element__code="looked_after_total", period_id="2019-07-31"
    ).order_by("release_id")
    assert [(v.value, v.status) for v in values] == [
        (14015.0, "first published as an estimate (later replaced)"),
        (14262.0, "revised (republication)"),
    ]
    out = io.StringIO()
    write_tidy(
        out, values_for_export(partnership=None, area="S92000003", element="looked_after_total")
    )
    line = next(
        row for row in out.getvalue().splitlines() if row.startswith("S92000003,2019-07-31")
    )
    assert line.split(",")[3] == "14262"


def test_revised_register_figures_show_their_latest_publication(db):
    load_statistics(OPERATOR)
    out = io.StringIO()
    write_tidy(out, values_for_export(partnership=None, area="S92000003", element="cp_register"))
    latest = {row.split(",")[1]: row.split(",")[3] for row in out.getvalue().splitlines()[1:]}
    assert latest["2000-03-31"] == "2049"  # revised in the 2022-23 release
    assert latest["2016-07-31"] == "2715"  # revised in the 2016-17 release
    assert latest["2022-07-31"] == "2019"  # revised in the 2022-23 release
    assert Release.objects.filter(partnership__isnull=True).count() >= 15


def test_the_demo_takes_its_areas_from_the_register_every_installation_loads(db):
    from followup.audit.models import AuditEntry
    from followup.partnerships.actions_geography import bring_areas_up_to_date
    from followup.partnerships.models import AreaGroup

    load_statistics(OPERATOR)
    assert Area.objects.count() == 55
    assert Area.objects.get(code="S12000036").name == "City of Edinburgh"
    assert AreaGroup.objects.get(code="scottish-councils").areas.count() == 32
    entries = AuditEntry.objects.count()
    assert not bring_areas_up_to_date(OPERATOR).changed  # followup setup after the demo
    assert AuditEntry.objects.count() == entries
