"""The parts of the Word file that make it a published document: A4 pages, the cover with the
publisher block, the imprint (licence and contact), the contents field, the running header and
the page numbers in the footer. python-docx has no call for fields, so they are written as Word's
own field codes (``TOC``, ``PAGE``, ``NUMPAGES``); Word fills them in when the file is opened (the
file asks it to, with ``w:updateFields``) and LibreOffice when its contents are updated.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Protocol

from followup.indicators.svgchart import Chart, draw, png

if TYPE_CHECKING:
    import datetime

    from docx.document import Document as WordDocument
    from docx.table import _Row as WordRow
    from docx.text.paragraph import Paragraph

    from followup.reports.imprint import Imprint
    from followup.reports.tables import Table


class Cover(Protocol):
    """What the cover, the running header and footer and the standalone HTML need of a document:
    a report (``compose.Report``) or a progress pack (``packs.Pack``)."""

    @property
    def kind(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def partnership(self) -> str: ...
    @property
    def author(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def date(self) -> datetime.date | None: ...
    @property
    def draft(self) -> bool: ...
    @property
    def draft_mark(self) -> str: ...
    @property
    def draft_notice(self) -> str: ...
    @property
    def imprint(self) -> Imprint: ...
    @property
    def publisher_label(self) -> str: ...
    @property
    def reference(self) -> str: ...
    @property
    def evidence_cutoff(self) -> datetime.date | None: ...
    @property
    def public_list(self) -> str: ...


# The width of the text on an A4 page with the margins below: 210 mm less 2 x 25 mm.
TEXT_WIDTH_MM = 160
CONTENTS_FIELD = 'TOC \\o "1-2" \\h \\z \\u'
CONTENTS_PLACEHOLDER = "The contents appear here when Word updates the field (press F9)."


def a4(document: WordDocument) -> None:
    """Every section A4 portrait with 25 mm margins, its cover without header or footer."""
    from docx.shared import Mm

    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin = section.bottom_margin = Mm(25)
        section.header_distance = section.footer_distance = Mm(12)
        section.different_first_page_header_footer = True


def field(paragraph: Paragraph, code: str, shown: str = "") -> None:
    """A Word field in the paragraph: its code, and the text shown until Word updates it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> None:
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            element.set(qn("w:dirty"), "true")
        run._r.append(element)

    char("begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {code} "
    paragraph.add_run()._r.append(instruction)
    char("separate")
    paragraph.add_run(shown)
    char("end")


def update_fields_on_open(document: WordDocument) -> None:
    """Ask Word to update the fields (the contents, the page count) when it opens the file."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def header_and_footer(document: WordDocument, report: Cover, draft_mark: str) -> None:
    """The running header (DRAFT first on a draft, the cover's header too; then the publisher
    and title) and the footer (the reference, and "Page N of M")."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.shared import Mm, Pt, RGBColor

    for section in document.sections:
        if report.draft:
            for part in (section.header, section.first_page_header):
                mark = part.paragraphs[0]
                mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = mark.add_run(draft_mark)
                run.bold = True
                run.font.color.rgb = RGBColor(0xD4, 0x35, 0x1C)
        header = section.header.add_paragraph() if report.draft else section.header.paragraphs[0]
        header.style = document.styles["Header"]
        header.add_run(f"{report.imprint.name}: {report.title}")
        footer = section.footer.paragraphs[0]
        footer.style = document.styles["Footer"]
        footer.paragraph_format.tab_stops.clear_all()
        footer.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
        footer.add_run(f"{report.reference}\tPage ")
        field(footer, "PAGE", "1")
        footer.add_run(" of ")
        field(footer, "NUMPAGES", "1")
        for paragraph in (header, footer):
            for run in paragraph.runs:
                run.font.size = Pt(8)


def cover(document: WordDocument, report: Cover) -> None:
    """The cover: the publisher (and its logo), the title, and what identifies the document."""
    from docx.shared import Mm, Pt

    imprint = report.imprint
    if imprint.logo_png:
        document.add_picture(io.BytesIO(imprint.logo_png), height=Mm(18))
        picture = document.inline_shapes[-1]._inline.docPr
        picture.set("descr", imprint.logo_text)
    publisher = document.add_paragraph()
    run = publisher.add_run(imprint.name)
    run.bold = True
    run.font.size = Pt(14)
    publisher.paragraph_format.space_after = Pt(48)
    document.add_paragraph(report.partnership, style="Subtitle")
    document.add_heading(report.title, level=0)
    details = [("Partnership", report.partnership), (report.publisher_label, imprint.name)]
    if report.reference:
        details.append(("Reference", report.reference))
    if report.date or report.draft:
        day = f"{report.date.day} {report.date:%B %Y}" if report.date else "Draft, not yet dated"
        details.append(("Date", day))
    if report.evidence_cutoff:
        details.append(
            ("Evidence up to", f"{report.evidence_cutoff.day} {report.evidence_cutoff:%B %Y}")
        )
    for label, value in details:
        line = document.add_paragraph()
        line.add_run(f"{label}: ").bold = True
        line.add_run(value)
        line.paragraph_format.space_after = Pt(2)


def imprint_page(document: WordDocument, report: Cover) -> None:
    """About this report: the licence and how to contact the publisher (no heading style, so
    that it stays out of the contents)."""
    from docx.shared import Pt

    imprint = report.imprint
    about = document.add_paragraph()
    about.paragraph_format.space_before = Pt(24)
    about.add_run("About this report").bold = True
    if imprint.licence_statement:
        document.add_paragraph(imprint.licence_statement)
    if imprint.contact_paragraph:
        document.add_paragraph(imprint.contact_paragraph)
        for label, value in imprint.contact:
            line = document.add_paragraph()
            line.add_run(f"{label}: ").bold = True
            line.add_run(value)
            line.paragraph_format.space_after = Pt(0)
    if report.public_list:
        document.add_paragraph(
            f"Every published report of {report.partnership}, with each version and its "
            f"digests, is listed at {report.public_list}"
            + (" on this site." if report.public_list.startswith("/") else ".")
        )


def contents(document: WordDocument) -> None:
    """The contents page: a TOC field over the two levels of headings, on a page of its own."""
    document.add_paragraph("Contents", style="TOC Heading")
    field(document.add_paragraph(), CONTENTS_FIELD, CONTENTS_PLACEHOLDER)
    update_fields_on_open(document)
    document.add_page_break()  # type: ignore[no-untyped-call]  # python-docx leaves it unannotated


def column_widths(widths: list[int]) -> list[int]:
    """Each column's width in EMU (Word's unit), from its share of the text width in per cent."""
    from docx.shared import Mm

    return [int(Mm(TEXT_WIDTH_MM * share / 100)) for share in widths]


def table(document: WordDocument, data: Table) -> None:
    """A table with its caption above it, its header row marked as such, and the column widths
    it asks for."""
    caption = document.add_paragraph(data.caption, style="Caption")
    caption.paragraph_format.keep_with_next = True
    grid = document.add_table(rows=1, cols=len(data.header))
    grid.style = "Table Grid"
    for cell, heading in zip(grid.rows[0].cells, data.header, strict=True):
        cell.text = heading
        for run in cell.paragraphs[0].runs:
            run.bold = True
    repeat_header(grid.rows[0])
    for row in data.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)
    if data.widths:
        grid.autofit = False
        widths = column_widths(data.widths)
        for column, width in zip(grid.columns, widths, strict=True):
            column.width = width
            for cell in column.cells:
                cell.width = width


def repeat_header(row: WordRow) -> None:
    """Mark a table's first row as its header row (Word repeats it and screen readers use it)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


# Office's extension for an SVG picture beside its PNG (Word 2016 and later, LibreOffice).
SVG_EXTENSION = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
SVG_NAMESPACE = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"


def picture(document: WordDocument, chart: Chart, *, width: int) -> None:
    """The chart's SVG as the picture, with a PNG of it for readers without SVG, and the chart's
    title and text alternative as the picture's title and description."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.part import Part
    from docx.oxml.ns import nsdecls
    from docx.oxml.parser import parse_xml

    svg = draw(chart)
    picture = document.add_picture(io.BytesIO(png(svg, scale=1)), width=width)
    properties = picture._inline.docPr
    properties.set("title", chart.title)
    properties.set("descr", chart.description)
    main = document.part
    name = main.package.next_partname("/word/media/chart%d.svg")
    vector = main.relate_to(
        Part(name, "image/svg+xml", svg.encode("utf-8"), main.package), RELATIONSHIP_TYPE.IMAGE
    )
    picture._inline.graphic.graphicData.pic.blipFill.blip.append(
        parse_xml(
            f'<a:extLst {nsdecls("a", "r")}><a:ext uri="{SVG_EXTENSION}">'
            f'<asvg:svgBlip xmlns:asvg="{SVG_NAMESPACE}" r:embed="{vector}"/></a:ext></a:extLst>'
        )
    )
