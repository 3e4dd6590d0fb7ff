"""The dashboard, an indicator's page and its downloads, on the demo's real figures."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from followup.indicators.models import Indicator
from followup.inspections.models import Inspection, Recommendation
from tests.conftest import DEMO_PASSWORD


@pytest.fixture
def demo(demo_for_module, db):
    client = Client()
    assert client.login(username="viewer", password=DEMO_PASSWORD)
    return client


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(partnership__slug="south-ayrshire", code=code)


def test_the_dashboard_lists_every_indicator_with_its_latest_figure_and_variation_in_words(demo):
    html = demo.get(reverse("indicators:dashboard", args=["south-ayrshire"])).content.decode()
    assert "8 indicators" in html
    assert "Balance of care: % looked after in the community (LGBF CHN9)" in html
    assert "common cause variation (no significant change)" in html
    assert (
        "Down from 94.01 to 90.33 since the inspection in 2016: within ordinary variation, not "
        "a real change." in html
    )
    # Scotland's total looked after is its community plus residential counts, some of whose
    # councils' figures are withheld, so it has withheld figures and no sparkline for a viewer.
    assert html.count('class="followup-sparkline"') == 7


def test_the_dashboard_filters_by_recommendation_and_wellbeing_indicator(demo):
    fifth = Recommendation.objects.get(inspection__partnership__slug="south-ayrshire", number=5)
    html = demo.get(
        reverse("indicators:dashboard", args=["south-ayrshire"]), {"recommendation": fifth.pk}
    ).content.decode()
    assert "2 indicators" in html
    html = demo.get(
        reverse("indicators:dashboard", args=["south-ayrshire"]), {"wellbeing": "Included"}
    ).content.decode()
    assert "1 indicator<" in html


def test_an_indicator_page_shows_the_chart_finding_benchmark_and_figures(demo):
    chn9 = indicator("balance-of-care")
    html = demo.get(reverse("indicators:detail", args=["south-ayrshire", chn9.pk])).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="260"' in html
    assert f'role="img" aria-labelledby="chart-{chn9.pk}-title chart-{chn9.pk}-desc"' in html
    assert (
        '<p class="govuk-body govuk-!-font-weight-bold" id="finding">Down from 94.01 to 90.33 '
        "since the inspection in 2016: within ordinary variation, not a real change.</p>" in html
    )
    # The statistical term once, in the details; the finding is never said twice.
    # (The chart's text alternative, inside its <svg>, describes the chart with the finding.)
    outside_chart = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    assert outside_chart.count("within ordinary variation") == 1 and "No signal" not in html
    assert "common cause variation (no significant change)</a>." in html
    assert "An I chart (individuals and moving ranges)" in html
    # Shetland's CHN9 and Scotland's are withheld: a residential count from the same source is.
    assert (
        "South Ayrshire: <strong>90.33</strong>; Scotland: <strong>[c]</strong>; the 13th highest "
        "of the 31 areas in ‘All 32 Scottish councils’ with a figure for 31 July 2020." in html
    )
    assert html.count("Local Government Benchmarking Framework data file") >= 10


def test_the_national_series_shows_the_2019_revision_in_the_data_table(demo):
    scotland = indicator("scotland-looked-after")
    lead = Client()
    assert lead.login(username="lead", password="demo-password-for-tests")
    html = lead.get(
        reverse("indicators:detail", args=["south-ayrshire", scotland.pk])
    ).content.decode()
    assert "<strong>Revised:</strong> 14015 in Children" in html


def test_splitting_at_the_inspection_gives_each_phase_its_own_limits(demo):
    chn9 = indicator("balance-of-care")
    response = demo.get(
        reverse("indicators:detail", args=["south-ayrshire", chn9.pk]), {"split": "inspection"}
    )
    analysis = response.context["analysis"]
    assert analysis.split_after == 6  # the six snapshots 2011-2016 end on or before 4 October 2016
    assert len(analysis.chart.parts) == 2


def test_the_figures_download_as_csv_and_xlsx(demo):
    scotland = indicator("scotland-looked-after")
    response = demo.get(reverse("indicators:download_csv", args=["south-ayrshire", scotland.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "period",
        "value",
        "numerator",
        "denominator",
        "release",
        "status",
        "earlier releases",
    ]
    row_2019 = next(r for r in rows if r[0] == "2019-07-31")
    # 14,262 is Scotland's community plus residential counts, its residential count withheld
    # because a council's is: a viewer could take the total from it. The earlier release's
    # 14,015 is withheld with it (while a figure of the series is, no earlier one is given).
    assert row_2019[1] == "[c]" and row_2019[6].startswith("[c] (Children")
    response = demo.get(reverse("indicators:download_xlsx", args=["south-ayrshire", scotland.pk]))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == rows[0]
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="scotland-looked-after-S92000003.xlsx"'
    )


def test_the_recommendation_page_shows_its_indicators_with_their_findings(demo):
    third = Recommendation.objects.get(inspection__partnership__slug="south-ayrshire", number=3)
    html = demo.get(
        reverse("front:recommendation", args=["south-ayrshire", third.pk])
    ).content.decode()
    assert "Children looked after in residential care" in html
    assert (
        "Up from 23 to 29 since the inspection in 2016: within ordinary variation, not a real "
        "change." in html
    )


def test_the_data_quality_page_lists_every_rule_and_where_it_fails(demo):
    from followup.indicators.models import DataValue, ValidationRule

    html = demo.get(reverse("indicators:quality", args=["south-ayrshire"])).content.decode()
    assert html.count("Passes</strong>") == ValidationRule.objects.count() == 5
    DataValue.objects.filter(
        element__code="lgbf_chn9", area__code="S12000028", period_id="2020-07-31"
    ).update(value=120)
    html = demo.get(reverse("indicators:quality", args=["south-ayrshire"])).content.decode()
    assert "1 place where the check fails" in html
    assert "S12000028" in html and "31 July 2020" in html


def test_a_proportion_gets_a_p_chart_and_a_funnel_plot_against_the_other_councils(demo):
    share = indicator("residential-share")
    response = demo.get(reverse("indicators:detail", args=["south-ayrshire", share.pk]))
    html = response.content.decode()
    assert response.context["analysis"].chart_type == "p"
    assert "A P chart: this is a proportion" in html
    compared = response.context["benchmark"]
    funnel = compared.funnel
    # A council with a small residential count is withheld from a viewer, and left out.
    assert [a.name for a in compared.withheld] == ["Shetland Islands"]
    assert len(funnel.areas) == 31
    assert "Funnel plot, 31 July 2020" in html
    assert "This partnership lies" in html
    # The centre is the shown councils pooled: residential over community plus residential (the
    # derived total, worked out from its two parts).
    from followup.indicators.models import DataValue

    def total(code):
        return sum(
            DataValue.objects.filter(element__code=code, period_id="2020-07-31")
            .exclude(area__code="S92000003")
            .exclude(area__in=compared.withheld)
            .values_list("value", flat=True)
        )

    assert (
        abs(
            funnel.centre
            - 100
            * total("looked_after_residential")
            / (total("looked_after_community") + total("looked_after_residential"))
        )
        < 1e-9
    )


def test_the_indicator_page_and_the_report_draw_a_measure_with_the_same_renderer(demo):
    import base64
    import datetime
    import re

    from followup.indicators import queries
    from followup.indicators.charts import indicator_chart
    from followup.indicators.svgchart import draw
    from followup.reports import render
    from followup.reports.compose import review_report
    from followup.reviews.models import ProgressReview

    chn9 = indicator("balance-of-care")
    page = demo.get(reverse("indicators:detail", args=["south-ayrshire", chn9.pk])).content.decode()
    inspected_on = Inspection.objects.get(partnership__slug="south-ayrshire").published_on
    drawn = draw(indicator_chart(queries.analyse(chn9, inspected_on=inspected_on)))
    assert drawn in page  # inline, so that screen readers read its title and description
    review = ProgressReview.objects.get(inspection__partnership__slug="south-ayrshire")
    review.evidence_cutoff = datetime.date.today()
    report = review_report(review)
    charts = [m.chart for s in report.recommendations for m in s.indicators if m.name == chn9.name]
    charts = [c for c in charts if c is not None]  # charted once, referred to after
    assert len(charts) == 1
    html = render.html(report)
    images = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]*)"', html)
    assert (base64.b64encode(draw(charts[0]).encode()).decode(), charts[0].description) in [
        (data, alt.replace("&#x27;", "'")) for data, alt in images
    ]
    # One description of the measure's chart: the report's is split at the inspection, and
    # leaves the kind of chart to its glossary.
    paged = indicator_chart(queries.analyse(chn9))
    assert (paged.key, paged.title, paged.header) == (
        charts[0].key,
        charts[0].title,
        charts[0].header,
    )
    assert "An I chart" in paged.caption and "An I chart" not in charts[0].caption
