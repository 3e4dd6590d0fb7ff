"""The funnel on an indicator's page: exact limits by the indicator's method, said in words.

The limits themselves are tested against the R packages in tests/spc/test_funnel_cases.py; these
tests check what the page makes of them: which flags the finding uses, and the sentences."""

from __future__ import annotations

from html import unescape

import pytest
from django.template.defaultfilters import floatformat
from django.test import Client
from django.urls import reverse

from followup.indicators.funnel import PHE, funnel, funnel_chart
from followup.indicators.models import Indicator
from followup.spc.funnel import funnel as exact
from tests.conftest import DEMO_PASSWORD

# 32 synthetic councils (labelled S9…, not real areas) with large denominators and rates that
# differ far more than binomial chance allows: the usual case for council data.
DENOMINATORS = [800 + 97 * i for i in range(32)]
SHARES = [0.10 + 0.004 * ((i * 7) % 32 - 16) for i in range(32)]
SHARES[5] = 0.26
ROWS = [
    (f"S9{i:02d}", f"Council {i}", round(d * p), d)
    for i, (d, p) in enumerate(zip(DENOMINATORS, SHARES, strict=True))
]


def test_overdispersed_councils_get_widened_limits_and_only_the_real_outlier_is_flagged():
    plain = exact("plotr_pr", [r[2] for r in ROWS], [r[3] for r in ROWS], multiplier=100)
    result = funnel(ROWS, factor=100, proportion=True)
    assert result is not None and result.widened
    unadjusted_outside = sum(p != "within" for p in plain.unadjusted_position["998"])
    flagged = [a.code for a in result.areas if a.position != "within"]
    assert unadjusted_outside > 5
    assert flagged == ["S905"]
    assert result.dispersion_text.startswith(
        "Councils differ more than chance alone would explain, so the limits are widened to "
        "allow for it (overdispersion ratio "
    )
    assert "even allowing for how much councils usually differ" in result.meaning_text


def test_the_fingertips_method_never_widens_and_flags_against_the_plain_limits():
    result = funnel(ROWS, factor=100, proportion=True, method=PHE)
    assert result is not None and not result.widened
    assert sum(a.position != "within" for a in result.areas) > 5
    assert result.limits_text == (
        "The limits are Fingertips' Wilson score limits for a proportion, as "
        "PHEindicatormethods computes them."
    )
    widened = funnel(ROWS, factor=100, proportion=True)
    assert widened is not None and widened.phi is not None and widened.phi > 1
    assert result.phi == pytest.approx(widened.phi, rel=1e-12)
    assert result.dispersion_text == (
        f"Councils differ more than chance alone would explain (overdispersion ratio "
        f"{widened.phi:.2f}); these limits are not widened for it, so more councils fall outside "
        "them than chance would put there."
    )


def test_fingertips_rate_limits_say_so_when_councils_differ_no_more_than_chance():
    rows = [(f"S9{i:02d}", f"Council {i}", 20 + i, 2000 + 100 * i) for i in range(12)]
    phe = funnel(rows, factor=1000, proportion=False, method=PHE)
    spiegelhalter = funnel(rows, factor=1000, proportion=False)
    assert phe is not None and spiegelhalter is not None and spiegelhalter.phi is not None
    assert phe.phi == pytest.approx(spiegelhalter.phi, rel=1e-12)
    assert spiegelhalter.phi < 1
    assert phe.dispersion_text == (
        f"Councils differ no more than chance alone would explain (overdispersion ratio "
        f"{spiegelhalter.phi:.2f}); the limits allow for chance alone."
    )


def test_a_council_with_no_events_where_nine_were_expected_is_below_the_exact_poisson_limit():
    rows = [(f"S9{i:02d}", f"Council {i}", 10, 1000) for i in range(31)]
    rows.append(("S931", "Council 31", 0, 930))
    for method in ("", PHE):
        result = funnel(rows, factor=1000, proportion=False, method=method)
        assert result is not None
        assert result.areas[-1].position == "below", method
        assert [a.position for a in result.areas[:-1]] == ["within"] * 31


def test_rates_are_drawn_on_the_rate_scale_with_exact_poisson_lines():
    rows = [(f"S9{i:02d}", f"Council {i}", 20 + i, 2000 + 100 * i) for i in range(12)]
    result = funnel(rows, factor=1000, proportion=False)
    assert result is not None
    assert result.centre == pytest.approx(1000 * sum(r[2] for r in rows) / sum(r[3] for r in rows))
    assert result.areas[0].value == pytest.approx(10.0)
    assert all(c["lower998"] < result.centre < c["upper998"] for c in result.curve)
    phe = funnel(rows, factor=1000, proportion=False, method=PHE)
    assert phe is not None and set(phe.lines) == {"lower95", "upper95", "lower998", "upper998"}
    chart = funnel_chart("t", phe, "S900", "per 1,000", finding="", caption="")
    assert [line.name for line in chart.lines][:2] == ["All areas", "95% limits"]


def test_figures_a_funnel_cannot_take_give_no_funnel_rather_than_an_error():
    rows = [("a", "A", 1.5, 10), ("b", "B", 2, 10), ("c", "C", 3, 10)]
    assert funnel(rows, factor=1000, proportion=False) is None
    assert (
        funnel(
            [("a", "A", 11, 10), ("b", "B", 2, 10), ("c", "C", 3, 10)], factor=100, proportion=True
        )
        is None
    )


@pytest.fixture
def demo(demo_for_module, db):
    client = Client()
    assert client.login(username="viewer", password=DEMO_PASSWORD)
    return client


def test_the_indicator_page_says_which_limits_and_whether_they_were_widened(demo):
    share = Indicator.objects.get(partnership__slug="south-ayrshire", code="residential-share")
    url = reverse("indicators:detail", args=["south-ayrshire", share.pk])
    response = demo.get(url)
    compared = response.context["benchmark"]
    html = unescape(response.content.decode())
    assert compared.funnel_method_text in html
    assert "The limits are Spiegelhalter's limits for a proportion, as FunnelPlotR computes" in html
    assert f"compares the {len(compared.funnel.areas) - 1} other areas with a figure in ‘" in html
    assert "Shetland Islands" not in [a.name for a in compared.funnel.areas]
    Indicator.objects.filter(pk=share.pk).update(funnel_method=PHE)
    response = demo.get(url)
    html = unescape(response.content.decode())
    assert "The limits are Fingertips' Wilson score limits for a proportion" in html
    phe = response.context["benchmark"].funnel
    assert phe.phi == pytest.approx(compared.funnel.phi, rel=1e-12)
    assert phe.dispersion_text.startswith("Councils differ ") and phe.dispersion_text in html


def test_the_report_says_how_the_measure_compares_and_which_limits_from_figures_by_its_cut_off(
    demo,
):
    import datetime
    import io

    import docx

    from followup.inspections.models import Recommendation
    from followup.reports import render
    from followup.reports.compose import review_report
    from followup.reviews.models import ProgressReview

    share = Indicator.objects.get(partnership__slug="south-ayrshire", code="residential-share")
    review = ProgressReview.objects.get(inspection__partnership__slug="south-ayrshire")
    recommendation = Recommendation.objects.filter(inspection=review.inspection).first()
    share.recommendations.add(recommendation)
    review.evidence_cutoff = datetime.date.today()
    report = review_report(review)
    sections = [m for s in report.recommendations for m in s.indicators if m.name == share.name]
    comparison = next(m.comparison for m in sections if m.comparison)
    assert comparison.startswith("Compared with other councils, 2020-07-31: This partnership lies")
    assert "The limits are Spiegelhalter's limits for a proportion" in comparison
    assert comparison in unescape(render.html(report))
    word = docx.Document(io.BytesIO(render.docx(report)))
    assert comparison in [paragraph.text for paragraph in word.paragraphs]
    # Before any figure was published there is nothing to compare.
    review.evidence_cutoff = datetime.date(2000, 1, 1)
    early = review_report(review)
    assert not [m.comparison for s in early.recommendations for m in s.indicators if m.comparison]


def test_an_imported_figure_past_the_funnel_bounds_leaves_the_funnel_out_and_says_why(demo):
    from followup.indicators.models import DataValue

    share = Indicator.objects.get(partnership__slug="south-ayrshire", code="residential-share")
    DataValue.objects.filter(
        element__code="looked_after_community", period_id="2020-07-31", area__name="Fife"
    ).update(value=1e300)
    response = demo.get(reverse("indicators:detail", args=["south-ayrshire", share.pk]))
    html = unescape(response.content.decode())
    assert response.context["benchmark"].funnel is None
    assert response.context["funnel"] is None
    assert (
        "There is no funnel plot because Fife's figures are beyond what its limits can take "
        "(counts up to 1,000,000,000), so they are probably wrong at source."
    ) in html


def _table_row(html: str, name: str) -> list[str]:
    import re

    row = re.search(rf">{re.escape(name)}(?: \([^)]*\))?</th>(.*?)</tr>", html, re.S)
    assert row is not None, name
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))


def test_the_funnels_table_gives_each_areas_counts_and_position_but_no_withheld_figure(demo):
    share = Indicator.objects.get(partnership__slug="south-ayrshire", code="residential-share")
    response = demo.get(reverse("indicators:detail", args=["south-ayrshire", share.pk]))
    html = unescape(response.content.decode())
    compared = response.context["benchmark"]
    assert (
        f'<th scope="col" class="govuk-table__header govuk-table__header--numeric">'
        f"{share.numerator.name}</th>"
    ) in html
    assert "Against the 95% limits</th>" in html and "Against the 99.8% limits</th>" in html
    # A withheld (small-count) council: [c] for its figure, count and number counted, no count.
    assert _table_row(html, "Shetland Islands") == [
        "[c]",
        "[c]",
        "[c]",
        "Not in the funnel",
        "Not in the funnel",
    ]
    for area in compared.funnel.areas:
        point = next(p for a, p in compared.group if a.code == area.code)
        assert _table_row(html, area.name) == [
            floatformat(point.value, "-2g"),
            floatformat(point.numerator.value, "-2g"),
            floatformat(point.denominator.value, "-2g"),
            area.position95.capitalize(),
            area.position.capitalize(),
        ]
    assert any(a.position95 != "within" for a in compared.funnel.areas)


def test_an_unknown_stored_funnel_method_computes_and_says_the_default_limits():
    unknown = funnel(ROWS, factor=100, proportion=True, method="normal")
    default = funnel(ROWS, factor=100, proportion=True)
    assert unknown is not None and default is not None
    assert unknown.method == default.method
    assert unknown.widened and unknown.limits_text == default.limits_text
    assert [a.position for a in unknown.areas] == [a.position for a in default.areas]


def test_the_method_text_counts_the_other_areas_whether_or_not_the_own_area_is_in_the_funnel():
    from followup.indicators.queries import Benchmark

    result = funnel(ROWS, factor=100, proportion=True)
    assert result is not None

    def text(own_code: str) -> str:
        return Benchmark(
            period="2020-07-31",
            own=None,
            country=None,
            group_name="G",
            group=[],
            funnel=result,
            own_code=own_code,
        ).funnel_method_text

    assert "compares the 31 other areas" in text("S900")
    assert "compares the 32 other areas" in text("S800")


def test_the_leads_funnel_uses_every_exact_figure_and_the_viewers_leaves_withheld_ones_out(demo):
    share = Indicator.objects.get(partnership__slug="south-ayrshire", code="residential-share")
    url = reverse("indicators:detail", args=["south-ayrshire", share.pk])
    viewer = demo.get(url).context["benchmark"]
    lead = Client()
    assert lead.login(username="lead", password=DEMO_PASSWORD)
    exact = lead.get(url).context["benchmark"]
    assert [a.name for a in viewer.withheld] == ["Shetland Islands"] and exact.withheld == []
    assert "Shetland Islands" not in [a.name for a in viewer.funnel.areas]
    assert "Shetland Islands" in [a.name for a in exact.funnel.areas]
    assert len(exact.funnel.areas) == len(viewer.funnel.areas) + 1
