"""The demo's progress review as a published document, in every format (acceptance of #6)."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess

import docx
import pytest

from followup.evidence.models import Quote, Source
from followup.plans.models import ActionUpdate
from followup.reports import render
from followup.reports.compose import review_report
from followup.reports.cutoff import cutoff_of
from followup.reviews.models import ProgressReview

SECTIONS = [
    "Contents",
    "Introduction and method",
    "The original inspection's evaluations",
    "Key messages",
    "Progress",
    "Actions",
    "What the figures show",
    "What people said",
    "Conclusion",
    "Appendices",
    "Data sources and releases",
    "The evaluation scale",
    "The progress scale",
    "Glossary",
]


@pytest.fixture
def demo_review(demo_for_module, db):
    review = ProgressReview.objects.get(inspection__partnership__slug="south-ayrshire")
    quotes = [
        q.published_text
        for q in Quote.objects.filter(
            coding__source__partnership__slug="south-ayrshire", status=Quote.Status.APPROVED
        )
    ]
    recommendations = [r.text for r in review.inspection.recommendations.order_by("number")]
    return review, recommendations, quotes


def flat(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split())


def test_the_demo_review_renders_as_html_with_every_section_recommendation_and_quote(demo_review):
    review, recommendations, quotes = demo_review
    import html as entities

    html = render.html(review_report(review))
    text = entities.unescape(html)
    for heading in SECTIONS:
        assert heading in text, heading
    for item in recommendations + quotes:
        assert item in text, item
    assert len(quotes) == 4 and len(recommendations) == 5
    # The report holds nothing recorded after its evidence cut-off, the end of February 2018:
    # the surveys and focus groups were gathered in January 2018, and every action update of the
    # plan is dated before the cut-off; the demo's figures come from releases recorded in Followup today
    # (their publication dates are not recorded), so none of them is in the report.
    report = review_report(review)
    cutoff = datetime.date(2018, 2, 28)
    assert report.evidence_cutoff == cutoff and "Evidence up to" in text
    sources = Source.objects.filter(partnership__slug="south-ayrshire")
    assert sources.count() == 30
    assert all(s.collected_on and s.collected_on <= cutoff for s in sources)
    assert cutoff_of(review).sources.count() == 30  # every source is inside the cut-off
    # The plan's updates are dated before the cut-off; those of its current update round
    # (demo.cycle) after it, and are not in the report.
    later = ActionUpdate.objects.filter(action__partnership__slug="south-ayrshire", on__gt=cutoff)
    assert later.count() == 4 and not later.filter(request__isnull=True).exists()
    assert not [u.note for u in later if u.note in text]
    assert report.releases == []
    assert html.count('<img src="data:image/svg+xml;base64,') == 0
    for section in report.recommendations:
        for measure in section.indicators:
            assert measure.table.rows == [] and "No figures" in measure.finding
    assert any(
        "It was gathered between 12 January 2018 and 23 January 2018." in m for m in report.method
    )
    # With the cut-off lifted to today, every measure is charted, each once, but Scotland's
    # total looked after: it is Scotland's community plus residential counts, whose residential
    # count is withheld (a council's is), so some of its figures are withheld.
    review.evidence_cutoff = datetime.date.today()
    lifted = render.html(review_report(review))
    assert lifted.count('<img src="data:image/svg+xml;base64,') == 7


def test_the_demo_review_renders_as_word_with_real_headings_tables_and_pictures(demo_review):
    review, recommendations, quotes = demo_review
    document = docx.Document(io.BytesIO(render.docx(review_report(review))))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for heading in SECTIONS[1:]:
        assert heading in headings, heading
    for text in recommendations:
        assert any(text in h for h in headings), text
    body = "\n".join(p.text for p in document.paragraphs)
    for quote in quotes:
        assert f"“{quote}”" in body
    assert len(document.tables) > 10
    assert len(document.inline_shapes) == 0  # no figures were published by the cut-off
    assert document.core_properties.title == review.title


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils is not installed")
def test_the_demo_review_pdf_is_tagged_and_poppler_reads_it_without_warnings(demo_review, tmp_path):
    review, recommendations, quotes = demo_review
    path = tmp_path / "review.pdf"
    path.write_bytes(render.pdf(review_report(review)))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert info.stderr == ""
    fields = dict(line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    assert fields["Tagged"].strip() == "yes"
    assert fields["Title"].strip() == review.title
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    assert text.stderr == ""
    body = flat(text.stdout)
    for item in recommendations + quotes:
        assert flat(item) in body, item
    assert "Page 2" in body


def test_every_chart_in_the_word_file_is_the_reports_svg_with_a_png_and_its_description(
    demo_review,
):
    import zipfile

    from followup.indicators.svgchart import draw

    review, _, _ = demo_review
    review.evidence_cutoff = datetime.date.today()
    report = review_report(review)
    charts = [m.chart for s in report.recommendations for m in s.indicators if m.chart]
    data = render.docx(report)
    document = docx.Document(io.BytesIO(data))
    assert len(document.inline_shapes) == len(charts) == 7
    package = zipfile.ZipFile(io.BytesIO(data))
    svgs = sorted(n for n in package.namelist() if n.endswith(".svg"))
    assert len(svgs) == 7
    assert {package.read(n).decode() for n in svgs} == {draw(c) for c in charts}
    assert sum(n.endswith(".png") for n in package.namelist()) == 7  # for readers without SVG
    assert package.read("word/document.xml").decode().count("svgBlip") == 7
    assert "image/svg+xml" in package.read("[Content_Types].xml").decode()
    described = [
        (s._inline.docPr.get("title"), s._inline.docPr.get("descr")) for s in document.inline_shapes
    ]
    assert described == [(c.title, c.description) for c in charts]


def test_the_judgement_form_shows_each_measure_as_the_review_report_does(demo_review):
    """The inspector judges on the evidence the report shows: figures published by the review's
    cut-off (28 February 2018 in the demo), each finding measured from the inspection."""
    import html as html_module
    import re

    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    review, _, _ = demo_review
    report = review_report(review, with_charts=False)
    client = Client()
    client.force_login(User.objects.get(username="inspector"))
    checked = 0
    for section in report.recommendations:
        recommendation = review.inspection.recommendations.get(number=section.number)
        page = client.get(
            reverse("front:judgement_edit", args=["south-ayrshire", review.pk, recommendation.pk])
        ).content.decode()
        words = " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", page)).split())
        assert "evidence cut-off, 28 February 2018" in words
        assert "2020" not in words.split("Indicators and what they show")[1].split("Themes")[0]
        for measure in section.indicators:
            assert " ".join(measure.finding.split()) in words
            checked += 1
    assert checked > 0
