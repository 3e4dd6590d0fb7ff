"""Reports: composed once, written as HTML, PDF and Word, safe to publish, frozen when published."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import shutil
import subprocess

import docx
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from followup.evidence.models import Case, Code, Coding, Quote, Source
from followup.indicators.models import DataValue, Period, Release
from followup.reports import actions, render
from followup.reports.compose import review_report
from followup.reports.models import Publication

SMALL = {"1", "2", "3", "4"}


@pytest.fixture
def small_counts(world):
    """The home review with counts of 1 to 4 everywhere a count can be: an indicator whose
    yearly figures include 1, 2, 3 and 4, and themes raised by 1 to 4 respondents per group."""
    site = world.home
    partnership = site.partnership
    indicator = site.indicator
    release = Release.objects.create(
        name="Homeshire return 2024", published_on=datetime.date(2024, 6, 1)
    )
    for year, value in zip(range(2015, 2024), [30, 2, 28, 3, 33, 4, 31, 1, 29], strict=True):
        period, _ = Period.objects.get_or_create(
            id=str(year),
            defaults={
                "kind": "year",
                "start": datetime.date(year, 1, 1),
                "end": datetime.date(year, 12, 31),
            },
        )
        DataValue.objects.create(
            element=indicator.numerator,
            area=indicator.area,
            period=period,
            release=release,
            value=value,
        )
    theme = Code.objects.create(partnership=partnership, name="Feeling listened to")
    theme.recommendations.add(site.recommendation)
    groups = {"Child or young person": 3, "Parent or carer": 5, "Staff": 12}
    for group, people in groups.items():
        for n in range(people):
            case = Case.objects.create(
                partnership=partnership, name=f"{group} {n}", attributes={"Respondent group": group}
            )
            source = Source.objects.create(
                partnership=partnership,
                title=f"{group} answer {n}",
                text="They listen to me.",
                case=case,
            )
            Coding.objects.create(source=source, code=theme, start=0, end=18)
    quote = Quote.objects.create(
        coding=Coding.objects.filter(code=theme).first(), status=Quote.Status.APPROVED
    )
    quote.recommendations.add(site.recommendation)
    return site.review


def cells(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html, re.S)
    ]


def test_the_report_withholds_every_small_count_in_its_html_tables(small_counts):
    report = review_report(small_counts)
    html = render.html(report)
    section = report.recommendations[0]
    figures = dict(section.indicators[0].table.rows)
    assert figures == {
        "2015": "30",
        "2016": "[c]",
        "2017": "28",
        "2018": "[c]",
        "2019": "33",
        "2020": "[c]",
        "2021": "31",
        "2022": "[c]",
        "2023": "29",
    }
    assert section.indicators[0].chart is None  # no chart or limits from withheld figures
    assert "Some figures are small counts and are withheld" in section.indicators[0].finding
    themes = section.themes
    assert themes is not None
    assert themes.header == ["", "Child or young person", "Parent or carer", "Staff", "All"]
    # 3 is withheld. Who we heard from publishes 13 staff sources (the world's one and these 12),
    # so 12 of them is withheld too: the one who did not raise the theme is a small count. Two
    # withheld cells, neither pinned by the total of 20: 5 of 5 parents stays, all of them.
    assert themes.rows == [["Feeling listened to", "[c]", "5", "[c]", "20"]]
    heard = report.heard_from
    assert heard is not None
    assert heard.rows == [
        ["Child or young person", "[c]", "[c]"],
        ["Parent or carer", "5", "5"],
        ["Staff", "13", "13"],
    ]
    for row in heard.rows:
        assert not SMALL & set(row[1:]), row
    table_cells = cells(html)
    for value in ("2016", "2018", "2020", "2022"):
        assert table_cells[table_cells.index(value) + 1] == "[c]"


def test_the_word_and_pdf_reports_withhold_the_same_counts(small_counts):
    report = review_report(small_counts)
    document = docx.Document(io.BytesIO(render.docx(report)))
    texts = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for value in ("2016", "2018", "2020", "2022"):
        assert texts[texts.index(value) + 1] == "[c]"
    theme_row = next(
        [c.text for c in row.cells]
        for table in document.tables
        for row in table.rows
        if row.cells[0].text == "Feeling listened to"
    )
    assert theme_row == ["Feeling listened to", "[c]", "5", "[c]", "20"]
    # A draft says so in the header of every page of the Word file.
    assert [section.header.paragraphs[0].text for section in document.sections] == [
        render.DRAFT
    ] * len(document.sections)
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed (apt-get install poppler-utils)")
    text = pdftotext(render.pdf(report))
    for value in ("2016", "2018", "2020", "2022"):
        assert re.search(rf"{value}\s+\[c\]", text), value
    assert re.search(r"Feeling listened to\s+\[c\]\s+5\s+\[c\]\s+20", text)
    # ... and on every page of the PDF (pdftotext ends each page with a form feed).
    pages = text.split("\f")[:-1]
    assert len(pages) >= 4
    assert [n for n, page in enumerate(pages, 1) if "DRAFT: not published" not in page] == []


def pdftotext(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_only_approved_redacted_quotes_reach_a_report_and_no_case_or_source_name(
    small_counts, world
):
    lead = world.users["lead"]
    lead.first_name, lead.last_name = "Morag", "Quintinshill"
    lead.save()
    quote = Quote.objects.get(status=Quote.Status.APPROVED)
    Quote.objects.filter(pk=quote.pk).update(approved_by=lead, proposed_by=lead)
    Coding.objects.update(created_by=lead)
    Quote.objects.create(coding=quote.coding)  # proposed, never approved
    html = render.html(review_report(small_counts))
    assert html.count("They listen to me.") == 1
    assert "Child or young person 0" not in html  # a case name
    assert "answer 0" not in html  # a source title
    assert "Quintinshill" not in html and "Morag" not in html


def test_a_judgement_without_linked_evidence_is_flagged_in_the_preview(world):
    site = world.home
    site.indicator.recommendations.clear()
    Quote.objects.filter(recommendations=site.recommendation).delete()
    site.judgement.level = 4
    site.judgement.save()
    report = review_report(site.review)
    assert any("no indicator, theme or approved quote is linked" in w for w in report.warnings)
    html = (
        world.client_for("viewer")
        .get(reverse("reports:review", args=["home", site.review.pk]))
        .content.decode()
    )
    assert "no indicator, theme or approved quote is linked" in html


def test_publishing_freezes_a_dated_report_without_draft_marks_and_each_version_names_itself(
    small_counts, world
):
    """Two versions of a review with no date of its own, in all three formats (two PDF
    renders in all): dated the day version 1 was published, no draft wording, and every file of
    each version saying which version it is, when it was published and, for the correction,
    what it replaces and corrects, as the public page says."""
    assert small_counts.published_on is None
    today = timezone.localdate()
    day = f"{today.day} {today:%B %Y}"
    inspector = world.users["inspector"]
    first = actions.publish(inspector, review=small_counts)
    anyone = Client()
    url = reverse("reports:public_file", args=["home", first.pk, "pdf"])
    fetched = anyone.get(url).getvalue()
    assert fetched == anyone.get(url).getvalue() == first.content("pdf")
    for fmt in ("html", "pdf", "docx"):
        assert hashlib.sha256(first.content(fmt)).hexdigest() == first.digest(fmt)
    # The published files carry no DRAFT mark: no banner, no page header, no Word header.
    html = anyone.get(reverse("reports:public_file", args=["home", first.pk, "html"]))
    assert html["Content-Security-Policy"].startswith(
        "default-src 'none'; style-src 'unsafe-inline'"
    )
    page = html.getvalue().decode()
    assert "<script" not in page and "<style>" in page
    assert '<html lang="en-GB">' in page
    with pytest.raises(ValidationError):
        actions.publish(
            inspector, review=small_counts
        )  # a second version must say what it corrects
    second = actions.publish(inspector, review=small_counts, correction_note="Corrected a figure")
    assert (second.version, second.replaces) == (2, first)
    assert anyone.get(url).getvalue() == fetched  # the first version is unchanged
    # Every file differs from the version it corrects.
    for fmt in ("html", "pdf", "docx"):
        assert first.digest(fmt) != second.digest(fmt), fmt
    first_says = f"Version 1, published on {day}."
    second_says = (
        f"Version 2, published on {day}. This version corrects version 1, published on "
        f"{day}, which it replaces."
    )
    for publication, says in ((first, first_says), (second, second_says)):
        text = {
            "html": re.sub(
                r"\s+", " ", re.sub(r"<[^>]+>", " ", publication.content("html").decode())
            ),
            "docx": " ".join(
                p.text for p in docx.Document(io.BytesIO(publication.content("docx"))).paragraphs
            ),
        }
        if shutil.which("pdftotext") is not None:
            text["pdf"] = re.sub(r"\s+", " ", pdftotext(publication.content("pdf")))
        for fmt, words in text.items():
            assert "DRAFT" not in words and "Draft" not in words, fmt
            assert "not yet dated" not in words, fmt
            assert day in words, fmt  # dated: the day version 1 was published
            assert says in words, fmt
            correction = "What this version corrects: Corrected a figure"
            assert (correction in words) == (publication == second), fmt
        document = docx.Document(io.BytesIO(publication.content("docx")))
        assert "DRAFT" not in " ".join(s.header.paragraphs[0].text for s in document.sections)
        assert document.core_properties.revision == publication.version
        metadata = PdfReader(io.BytesIO(publication.content("pdf"))).metadata
        assert metadata is not None and metadata.modification_date is not None
        assert metadata.modification_date.date() == today
    # The public page says what the files say.
    listing = anyone.get(reverse("reports:public", args=["home"])).content.decode()
    listing = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", listing))
    assert f"{small_counts.title}, version 1" in listing
    assert f"{small_counts.title}, version 2" in listing
    assert f"Published {day}" in listing
    assert f"Replaces Version 1, published on {day}" in listing
    assert "What it corrects Corrected a figure" in listing
    # The public page lists every file's digest, of every version.
    for publication in (first, second):
        for fmt in ("html", "pdf", "docx"):
            assert publication.digest(fmt) in listing
    with pytest.raises(ValueError):
        first.save()


def test_a_viewer_cannot_publish_and_the_public_page_of_an_unpublished_partnership_is_not_found(
    world,
):
    review = world.home.review
    response = world.client_for("viewer").post(
        reverse("reports:review_publish", args=["home", review.pk]),
        {"version": "1", "confirm": "on"},
    )
    assert response.status_code == 403
    assert not Publication.objects.exists()
    assert Client().get(reverse("reports:public", args=["home"])).status_code == 404


def test_the_inspection_summary_has_evaluations_key_messages_and_recommendations(world):
    from followup.reports.compose import inspection_report

    inspection = world.home.inspection
    html = render.html(inspection_report(inspection))
    assert "Improve planning in Homeshire" in html
    assert "Evaluations" in html
    assert "What must happen next" not in html


def test_the_report_command_writes_each_format(world, tmp_path):
    from followup.cli import build_parser

    for fmt in ("html", "docx"):
        out = tmp_path / f"report.{fmt}"
        args = build_parser().parse_args(["report", "home:latest", "--format", fmt, "-o", str(out)])
        assert args.handler(args) == 0
        assert out.stat().st_size > 1000
    args = build_parser().parse_args(["report", "nowhere:latest", "-o", str(tmp_path / "x.pdf")])
    assert args.handler(args) == 1
