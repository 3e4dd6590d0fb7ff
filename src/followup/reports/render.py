"""A report in its three formats: HTML (the master), PDF from the same HTML, and Word.

The PDF is WeasyPrint's rendering of the standalone HTML with the print stylesheet: tagged for
screen readers, with the document's language and title, charts as SVG, page numbers and a contents
page whose entries link to their sections. The Word file is built from the same ``Report`` with
python-docx: real headings, tables and pictures, so that it can be edited. Every chart is drawn
once, by ``indicators.svgchart``: the same SVG is the picture in the HTML and the PDF, and in the
Word file, where a PNG that CairoSVG makes from it stands in for readers without SVG.
"""

from __future__ import annotations

import io
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

from django.template.loader import render_to_string

from followup.lib import disclosure

if TYPE_CHECKING:
    from docx.document import Document as WordDocument

from followup.reports import wordparts
from followup.reports.compose import (
    DRAFT_MARK,
    Edition,
    IndicatorSection,
    RecommendationSection,
    Report,
)
from followup.reports.tables import Table

DRAFT = DRAFT_MARK

FORMATS = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@cache
def stylesheet() -> str:
    return (files("followup.reports") / "report.css").read_text(encoding="utf-8")


def html(report: Report) -> str:
    """The report as one self-contained HTML file (styles and charts inside it)."""
    return standalone(report, "reports/_body.html")


def standalone(document: wordparts.Cover, body: str) -> str:
    """A document as one self-contained HTML file: the report's head, styles and running marks
    (DRAFT on every page of a draft) around the ``body`` template, which shows ``report``."""
    return render_to_string(
        "reports/standalone.html",
        {
            "report": document,
            "body": body,
            "css": stylesheet(),
            "disclosure_meaning": disclosure.meaning(),
        },
    )


def pdf(report: Report) -> bytes:
    return pdf_of(html(report))


def pdf_of(page: str) -> bytes:
    """The PDF of a standalone HTML document (``standalone``), tagged for screen readers."""
    import gc

    from weasyprint import HTML

    # WeasyPrint makes hundreds of thousands of short-lived objects; pausing the cyclic garbage
    # collector while it lays out the pages saves a sixth of the time (bench/reports.py).
    enabled = gc.isenabled()
    gc.disable()
    try:
        data: bytes = HTML(string=page, base_url=None).write_pdf(pdf_tags=True)
    finally:
        if enabled:
            gc.enable()
    return data


def docx(report: Report) -> bytes:
    """The report as a Word file: a cover, the sections in the report's order, and appendices."""
    import docx as python_docx

    document = python_docx.Document()
    wordparts.a4(document)
    _cover(document, report)
    wordparts.contents(document)
    _introduction(document, report)
    for section in report.recommendations:
        _recommendation(document, section, review=report.kind == "review")
    if report.kind == "review":
        document.add_heading("Conclusion", level=1)
        if report.conclusion:
            document.add_paragraph(report.conclusion)
        document.add_paragraph().add_run(report.further_review).bold = True
    _appendices(document, report)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _cover(document: WordDocument, report: Report) -> None:
    """The file's properties, the running header and footer, the cover and the imprint."""
    properties = document.core_properties
    properties.title = report.title
    properties.author = report.author
    properties.language = report.language
    properties.identifier = report.reference
    wordparts.header_and_footer(document, report, DRAFT)
    if report.draft:
        cover = document.add_paragraph()
        cover.add_run(report.draft_notice).bold = True
    wordparts.cover(document, report)
    if report.edition:
        _edition(document, report.edition)
    wordparts.imprint_page(document, report)
    document.add_page_break()  # type: ignore[no-untyped-call]  # python-docx leaves it unannotated


def _introduction(document: WordDocument, report: Report) -> None:
    """Introduction and method, the evaluations and the key messages."""
    document.add_heading("Introduction and method", level=1)
    for text in [*report.introduction, *report.method]:
        document.add_paragraph(text)
    if report.heard_from:
        wordparts.table(document, report.heard_from)
    title = "The original inspection's evaluations" if report.kind == "review" else "Evaluations"
    document.add_heading(title, level=1)
    wordparts.table(document, report.evaluations)
    if report.records:
        document.add_heading("Children's records read", level=2)
        for text in report.records.paragraphs:
            document.add_paragraph(text)
        for table in report.records.tables:
            wordparts.table(document, table)
    if report.key_messages:
        document.add_heading("Key messages", level=1)
        for message in report.key_messages:
            document.add_paragraph(message, style="List Bullet")


def _recommendation(
    document: WordDocument, section: RecommendationSection, *, review: bool
) -> None:
    """A recommendation's section: its finding, and in a review the progress made on it."""
    document.add_heading(f"Recommendation {section.number}: {section.text}", level=1)
    if section.detail:
        document.add_heading("The original finding", level=2)
        document.add_paragraph(section.detail)
    if not review:
        return
    document.add_heading("Progress", level=2)
    judged = document.add_paragraph()
    judged.add_run(section.level).bold = True
    if section.level_meaning:
        judged.add_run(f": {section.level_meaning}")
    for text in (section.narrative, f"Evidence: {section.evidence}" if section.evidence else ""):
        if text:
            document.add_paragraph(text)
    document.add_heading("Actions", level=2)
    if section.actions:
        wordparts.table(
            document,
            Table(
                caption=f"Actions in the improvement plan for recommendation {section.number}",
                header=["Action", "Status", "Led by", "Due"],
                rows=[list(action) for action in section.actions],
                widths=[46, 18, 20, 16],
            ),
        )
    else:
        document.add_paragraph("No actions in the improvement plan answer this recommendation.")
    document.add_heading("What the figures show", level=2)
    for indicator in section.indicators:
        _figure(document, indicator)
    if not section.indicators:
        document.add_paragraph(
            "No measures are linked to this recommendation, so there is no quantitative "
            "evidence for it in this report."
        )
    document.add_heading("What people said", level=2)
    if section.themes:
        wordparts.table(document, section.themes)
    for text, attribution in section.quotes:
        document.add_paragraph(f"“{text}”", style="Quote")
        document.add_paragraph(attribution)
    if not section.themes and not section.quotes:
        document.add_paragraph("No qualitative evidence is linked to this recommendation.")
    if section.next_steps:
        document.add_heading("What must happen next", level=2)
        document.add_paragraph(section.next_steps)


def _figure(document: WordDocument, indicator: IndicatorSection) -> None:
    """A measure: its chart as a picture with the chart's text alternative, then the caption
    (name, finding and the key in words) and the data table."""
    from docx.shared import Cm

    if indicator.shown_under:
        document.add_paragraph(
            f"{indicator.name}, {indicator.area}. {indicator.finding} Its chart and "
            f"figures are under recommendation {indicator.shown_under}."
        )
        return
    chart = indicator.chart
    if chart is not None:
        wordparts.picture(document, chart, width=Cm(16))
    caption = document.add_paragraph()
    caption.add_run(f"{indicator.name}, {indicator.area}. ").bold = True
    caption.add_run(indicator.finding)
    if chart is not None:
        caption.add_run(f" {chart.caption}")
    if indicator.table.rows:
        wordparts.table(document, indicator.table)
    if indicator.comparison:
        document.add_paragraph(indicator.comparison)


def _appendices(document: WordDocument, report: Report) -> None:
    """Data sources and releases, the scales, the glossary and what [c] means."""
    document.add_heading("Appendices", level=1)
    if report.kind == "review":
        document.add_heading("Data sources and releases", level=2)
    if report.kind == "review" and not report.releases:
        cutoff = f", {report.evidence_cutoff:%-d %B %Y}" if report.evidence_cutoff else ""
        document.add_paragraph(
            "No data release that the measures use was published by the evidence cut-off"
            f"{cutoff}, so the report has no figures."
        )
    if report.releases:
        document.add_paragraph("The figures in this report come from these data releases.")
    for name, published, url in report.releases:
        source = document.add_paragraph(style="List Bullet")
        source.add_run(name).bold = True
        if published:
            source.add_run(f", published {published.day} {published:%B %Y}")
        if url:
            source.add_run(f": {url}")
    for name, scale in (
        ("evaluation", report.evaluation_scale),
        ("progress", report.progress_scale),
    ):
        if scale:
            document.add_heading(f"The {name} scale", level=2)
            wordparts.table(
                document,
                Table(
                    caption=f"The {name} scale, from the highest level to the lowest",
                    header=["Level", "Word", "Meaning"],
                    rows=[list(level) for level in scale],
                    widths=[12, 22, 66],
                ),
            )
    document.add_heading("Glossary", level=2)
    for term, meaning in report.glossary:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{term}: ").bold = True
        paragraph.add_run(meaning)
    document.add_paragraph(disclosure.meaning())


def _edition(document: WordDocument, edition: Edition) -> None:
    """The published version's notice on the cover, and in the file's properties."""
    import datetime

    from docx.shared import Pt

    properties = document.core_properties
    properties.revision = edition.version
    properties.version = str(edition.version)
    published = datetime.datetime.combine(edition.published_on, datetime.time())
    properties.created = properties.modified = published
    document.add_paragraph(edition.notice)
    if edition.replaces is not None:
        corrects = document.add_paragraph()
        corrects.add_run("What this version corrects: ").bold = True
        corrects.add_run(edition.correction_note)
        corrects.paragraph_format.left_indent = Pt(12)


def render(report: Report, fmt: str) -> bytes:
    if fmt == "html":
        return html(report).encode("utf-8")
    if fmt == "pdf":
        return pdf(report)
    if fmt == "docx":
        return docx(report)
    raise ValueError(f"No such format: {fmt}")
