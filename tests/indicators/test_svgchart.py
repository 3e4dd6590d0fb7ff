"""The one chart renderer: accessible SVG from a chart's description, and its PNG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from followup.indicators.svgchart import Chart, Line, Mark, draw, png

SVG = "{http://www.w3.org/2000/svg}"


def a_chart(**changes) -> Chart:
    described = {
        "key": "chart-7",
        "title": "Children looked after <at home> & with kin",
        "caption": "The blue line joins the figures.",
        "finding": "A signal of change: the latest figure is above the upper limit.",
        "x_label": "",
        "y_label": "%",
        "marks": (Mark(0, 10.0, "2021"), Mark(1, 12.0, "2022"), Mark(2, 30.0, "2023", True)),
        "lines": (
            Line("Centre line", "centre", ((0, 15.0), (1, 15.0), (2, 15.0))),
            Line("Control limits", "limit", ((0, 25.0), (1, 25.0), (2, 25.0))),
            Line("Control limits", "limit", ((0, 5.0), (1, 5.0), (2, 5.0))),
        ),
        "header": ("Period", "%"),
        "rows": (("2021", "10"), ("2022", "12"), ("2023", "30")),
    }
    return Chart(**{**described, **changes})


def test_a_chart_is_an_image_named_by_its_title_and_described_by_its_finding_and_key():
    root = ET.fromstring(draw(a_chart()))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-7-title chart-7-desc"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.get("id") == "chart-7-title"
    assert title.text == "Children looked after <at home> & with kin"
    assert desc is not None and desc.get("id") == "chart-7-desc"
    assert desc.text == (
        "A signal of change: the latest figure is above the upper limit. The blue line joins the "
        "figures. The data table with the chart gives every figure."
    )


def test_a_flagged_figure_differs_by_shape_as_well_as_colour():
    root = ET.fromstring(draw(a_chart()))
    fills = {p.get("fill"): p.get("d") for p in root.iter(f"{SVG}path") if p.get("d")}
    assert fills["#1d70b8"].count("a3.5,3.5") == 4  # two usual figures: circles
    assert fills["#d4351c"].count("l6,6l-6,6l-6,-6z") == 1  # one flagged figure: a diamond
    unflagged = draw(a_chart(marks=(Mark(0, 10.0, "2021"), Mark(1, 12.0, "2022"))))
    assert "#d4351c" not in unflagged


def test_the_same_description_draws_the_same_svg():
    assert draw(a_chart()) == draw(a_chart())
    assert draw(a_chart()) != draw(a_chart(finding="Another finding."))


def test_a_gap_in_a_line_splits_it_and_a_phase_rule_is_drawn_between_phases():
    split = a_chart(
        lines=(Line("Centre line", "centre", ((0, 15.0), (1, 15.0), (1.5, None), (2, 20.0))),),
        split_at=1.5,
    )
    root = ET.fromstring(draw(split))
    centre = [p for p in root.iter(f"{SVG}polyline") if p.get("stroke-dasharray") == "6 3"]
    assert len(centre) == 1  # the one-point run after the gap has no line to draw
    assert any(
        p.get("stroke-width") == "1.5" and "V" in (p.get("d") or "")
        for p in root.iter(f"{SVG}path")
    )


def test_a_funnel_plot_has_a_log_scale_and_unjoined_marks():
    funnel = a_chart(
        marks=(Mark(10, 5.0, "A"), Mark(1000, 7.0, "B", True), Mark(100, 6.0, "C")),
        lines=(Line("99.8% limits", "limit", ((8, 20.0), (1100, 8.0))),),
        joined=False,
        log_x=True,
        x_label="Number counted (log scale)",
    )
    root = ET.fromstring(draw(funnel))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"10", "100", "1,000", "Number counted (log scale)"} <= set(texts)
    assert not [p for p in root.iter(f"{SVG}polyline") if p.get("stroke") == "#1d70b8"]


def test_the_png_for_word_is_drawn_from_the_svg_at_twice_its_size_by_default():
    data = png(draw(a_chart()))
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 520)
    assert int.from_bytes(png(draw(a_chart()), scale=1)[16:20], "big") == 640


def test_the_chart_tag_shows_the_svg_inline_or_as_an_image_with_its_caption_and_table():
    from django.template import Context, Template

    chart = a_chart()
    template = "{% load charts %}{% chart chart finding=True table=True image=image %}"
    inline = Template(template).render(Context({"chart": chart, "image": False}))
    assert draw(chart) in inline
    assert "A signal of change" in inline.split("<figcaption")[1]
    assert (
        '<th scope="row" class="govuk-table__header govuk-!-font-weight-regular">2023</th>'
        in inline
    )
    image = Template(template).render(Context({"chart": chart, "image": True}))
    assert "<svg" not in image
    assert 'src="data:image/svg+xml;base64,' in image and "The data table with the chart" in image
