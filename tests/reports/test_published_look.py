"""A report looks like a government publication (#15): a cover with the publisher block, the
document's reference and date, the licence and a contact paragraph; contents and page numbers;
no system wording; balanced tables; the Word file A4 with its header, footer and contents field."""

from __future__ import annotations

import base64
import datetime
import io
import re
import shutil
import subprocess
import textwrap
import zlib
from pathlib import Path

import docx
import pytest

from followup.frameworks.library import load_file
from followup.indicators.models import Release
from followup.lib.types import CommandLine
from followup.reports import render
from followup.reports.compose import Edition, inspection_report, review_report
from followup.reports.wordparts import CONTENTS_FIELD
from tests.indicators.figures import put

ADDRESS = "Compass House, 11 Riverside Drive, Dundee, DD1 4NY"
LICENCE = (
    "You may re-use this report (not including logos) free of charge in any format or medium, "
    "under the terms of the Open Government Licence v3.0. To view the licence, visit "
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/."
)
SYSTEM_WORDING = [
    "No further wording",
    "Not set out in this review",
    "Not recorded",
    "has not been written yet",
]


def flat(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split())


def words_of(html: str) -> str:
    html = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    text = flat(re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").replace("&amp;", "&"))
    return re.sub(r" ([.,:;])", r"\1", text)


def pdf_text(data: bytes) -> list[str]:
    """The PDF's pages as text (pdftotext ends each page with a form feed)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed (apt-get install poppler-utils)")
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return [flat(page) for page in done.stdout.decode().split("\f")[:-1]]


@pytest.fixture
def undated_release(world):
    """A release the home indicator uses, with no publication date or address recorded."""
    indicator = world.home.indicator
    release = Release.objects.create(name="Homeshire return, first issue")
    for year, value in ((2021, 30), (2022, 31)):
        put(release, indicator.numerator, indicator.area, str(year), value)
    return release


def test_the_pdf_has_the_publishers_cover_reference_date_licence_contents_and_page_numbers(world):
    review = world.home.review
    review.published_on = datetime.date(2024, 5, 1)
    review.save()
    report = review_report(review)
    report.publish_as(Edition(1, datetime.date(2024, 6, 3)), datetime.date(2024, 6, 3))
    pages = pdf_text(render.pdf(report))
    cover = pages[0]
    assert "DRAFT" not in " ".join(pages)
    for words in (
        "Care Inspectorate Homeshire",  # the publisher block above the partnership
        "Published by Care Inspectorate",
        f"Reference home/review-{review.pk}/v1",
        "Date 1 May 2024",
        "Version 1, published on 3 June 2024.",
        "About this report",
        "If you have a question about this report, or would like it in another format or "
        "language, contact the Care Inspectorate.",
        "Telephone 0345 600 9527",
        "Website https://www.careinspectorate.com",
        f"Post {ADDRESS}",
        "Every published report of Homeshire, with each version and its digests, is listed at "
        "/public/home/ on this site.",
    ):
        assert words in cover, words
    # The licence's address may break across lines.
    assert LICENCE.replace(" ", "") in cover.replace(" ", "")
    # The contents page gives each section's page number.
    assert pages[1].startswith("Care Inspectorate Progress review of Homeshire")
    assert re.search(r"Contents 1\. Introduction and method \.+ 3 ", pages[1])
    # Every page but the cover has the running header and "Page N of M" with the reference.
    count = len(pages)
    for number, page in enumerate(pages[1:], start=2):
        assert page.startswith("Care Inspectorate"), number
        assert page.endswith(f"home/review-{review.pk}/v1 Page {number} of {count}"), number
    assert "Page 1 of" not in cover


def test_the_word_file_is_a4_with_the_cover_header_page_numbers_and_a_contents_field(world):
    review = world.home.review
    report = review_report(review)
    document = docx.Document(io.BytesIO(render.docx(report)))
    for section in document.sections:
        # A4, to the twentieth of a point Word keeps.
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        assert section.different_first_page_header_footer
        header = [p.text for p in section.header.paragraphs]
        assert header == [render.DRAFT, "Care Inspectorate: Progress review of Homeshire"]
        footer = section.footer.paragraphs[0]
        codes = [t.text.strip() for t in footer._p.iter(qn("w:instrText"))]
        assert codes == ["PAGE", "NUMPAGES"]
        assert footer.text == f"home/review-{review.pk}\tPage 1 of 1"
    body = document.element.body
    assert [t.text.strip() for t in body.iter(qn("w:instrText"))] == [CONTENTS_FIELD]
    settings = document.settings.element
    assert settings.find(qn("w:updateFields")).get(qn("w:val")) == "true"
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    texts = [text for _, text in paragraphs]
    assert ("Title", "Progress review of Homeshire") in paragraphs
    assert ("Subtitle", "Homeshire") in paragraphs
    assert ("TOC Heading", "Contents") in paragraphs
    assert ("Heading 1", "Introduction and method") in paragraphs
    assert ("Heading 2", "Progress") in paragraphs
    for line in (
        "Care Inspectorate",
        "Published by: Care Inspectorate",
        f"Reference: home/review-{review.pk}",
        "Date: Draft, not yet dated",
        LICENCE,
        "Telephone: 0345 600 9527",
        f"Post: {ADDRESS}",
    ):
        assert line in texts, line
    # The cover, the imprint and the contents come before the first heading of the text.
    assert texts.index(LICENCE) < texts.index("Contents") < texts.index("Introduction and method")
    assert document.core_properties.identifier == f"home/review-{review.pk}"


def qn(tag: str) -> str:
    from docx.oxml.ns import qn as namespaced

    return namespaced(tag)


def test_the_standalone_html_contents_are_links_and_its_header_links_the_public_list(world):
    report = review_report(world.home.review)
    # A draft's partnership may have no public page yet: a draft does not link to it.
    assert "/public/" not in render.html(report)
    report.publish_as(Edition(1, datetime.date(2024, 6, 3)), datetime.date(2024, 6, 3))
    html = render.html(report)
    contents = re.search(r'<nav class="followup-report__contents".*?</nav>', html, re.S)
    assert contents is not None
    links = re.findall(r'<a class="govuk-link" href="#([a-z0-9-]+)">', contents.group(0))
    assert links == [
        "introduction",
        "evaluations",
        "recommendation-1",
        "conclusion",
        "appendices",
    ]
    for target in links:
        assert f'id="{target}"' in html
    masthead = re.search(r'<header class="followup-report__masthead">(.*?)</header>', html, re.S)
    assert masthead is not None
    assert words_of(masthead.group(1)) == "Care Inspectorate Published reports of Homeshire"
    assert 'href="/public/home/"' in masthead.group(1)
    # On screen contents links are blue and underlined, as GOV.UK links are; only print (the
    # PDF) draws them black with leader dots. A wrapped entry keeps its number on its first line.
    css = render.stylesheet()
    screen = css[css.index("@media screen") :]
    assert "vertical-align: top" in screen
    assert ".govuk-link { color: #1d70b8; text-decoration: underline;" in css
    printed = css[css.index("@media print {\n") :]
    assert "text-decoration: none; color: #0b0c0c;" in printed.split("}")[0]


def test_the_site_address_makes_the_public_list_a_full_link(world, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://followup.example.org"]
    report = review_report(world.home.review)
    report.publish_as(Edition(1, datetime.date(2024, 6, 3)), datetime.date(2024, 6, 3))
    assert report.public_list == "https://followup.example.org/public/home/"
    assert "is listed at https://followup.example.org/public/home/." in words_of(
        render.html(report)
    )


def test_a_report_says_nothing_of_what_the_database_lacks(world, undated_release):
    """No wording of the finding, no next steps, no conclusion, a release with no date or
    address: the report leaves them out rather than saying they are missing."""
    review = world.home.review
    recommendation = world.home.recommendation
    assert recommendation.detail == ""
    judgement = world.home.judgement
    judgement.next_steps = ""
    judgement.save()
    review.overall_conclusion = ""
    review.save()
    report = review_report(review)
    html = words_of(render.html(report))
    document = docx.Document(io.BytesIO(render.docx(report)))
    word = flat(" ".join(p.text for p in document.paragraphs))
    for text in (html, word):
        for wording in SYSTEM_WORDING:
            assert wording not in text, wording
        assert "The original finding" not in text
        assert "What must happen next" not in text
        # The release is listed with what is known: its name.
        assert "The figures in this report come from these data releases." in text
    assert "The figures in this report come from these data releases. Homeshire return, " in html
    assert "Homeshire return, first issue" in [p.text for p in document.paragraphs]
    # The inspectors' own wording, when there is some, is what the report says.
    recommendation.detail = "Plans did not say who would do what by when."
    recommendation.save()
    judgement.next_steps = "Agree owners for each action."
    judgement.save()
    html = words_of(render.html(review_report(review)))
    assert "The original finding Plans did not say who would do what by when." in html
    assert "What must happen next Agree owners for each action." in html


def test_a_dated_release_is_listed_with_its_date_and_address(world, undated_release):
    undated_release.published_on = datetime.date(2023, 6, 1)
    undated_release.source_url = "https://example.org/figures"
    undated_release.save()
    html = words_of(render.html(review_report(world.home.review)))
    assert (
        "Homeshire return, first issue, published 1 June 2023: https://example.org/figures" in html
    )


def test_the_quality_indicator_table_gives_its_number_column_a_tenth_of_the_width(world):
    report = inspection_report(world.home.inspection)
    assert report.evaluations.widths == [10, 66, 24]
    html = render.html(report)
    table = re.search(r"<table.*?evaluations of quality indicators.*?</table>", html, re.S)
    assert table is not None
    assert re.findall(r'<col class="followup-report__col-(\d+)">', table.group(0)) == [
        "10",
        "66",
        "24",
    ]
    css = render.stylesheet()
    assert ".followup-report__col-10 { width: 10%; }" in css
    document = docx.Document(io.BytesIO(render.docx(report)))
    grid = next(t for t in document.tables if t.rows[0].cells[0].text == "QI")
    assert [round(c.width.mm, 1) for c in grid.rows[1].cells] == [16.0, 105.6, 38.4]


def test_a_provider_without_a_publisher_entry_is_named_and_nothing_more(world):
    framework = world.home.inspection.framework
    framework.provider = "Another inspectorate"
    framework.save()
    report = inspection_report(world.home.inspection)
    html = words_of(render.html(report))
    assert "Published by Another inspectorate" in html
    assert "About this report" in html
    for absent in ("re-use", "Telephone", "contact"):
        assert absent not in html.split("About this report")[1].split("Contents")[0], absent


def tiny_png() -> bytes:
    """A 1 x 1 white PNG, made here."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return (
            len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big", signed=False)
        )

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_a_publishers_logo_from_the_library_is_on_the_cover_of_each_format(world, tmp_path: Path):
    (tmp_path / "logo.png").write_bytes(tiny_png())
    (tmp_path / "publisher.yaml").write_text(
        textwrap.dedent(
            """\
            kind: publisher
            urn: urn:followup:publisher:care-inspectorate
            version: 2
            name: Care Inspectorate
            logo: logo.png
            logo_text: The test inspectorate's logo
            """
        )
    )
    load_file(tmp_path / "publisher.yaml", CommandLine("tests"))
    report = inspection_report(world.home.inspection)
    assert report.imprint.logo_png == tiny_png()
    html = render.html(report)
    data = base64.b64encode(tiny_png()).decode()
    assert (
        f'<img class="followup-report__logo" src="data:image/png;base64,{data}" '
        'alt="The test inspectorate&#x27;s logo">' in html
    )
    document = docx.Document(io.BytesIO(render.docx(report)))
    assert document.inline_shapes[0]._inline.docPr.get("descr") == "The test inspectorate's logo"
    # Version 2 sets no address or licence: the cover says only what it sets.
    assert "About this report" in words_of(html) and "re-use" not in words_of(html)
