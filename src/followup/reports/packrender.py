"""A progress pack (``packs.Pack``) in its three formats, through the report machinery.

The PDF is WeasyPrint's rendering of the report's standalone HTML (``render.standalone``: the
same head, stylesheet and running DRAFT mark) around the pack's own body; the Word file is
built with the report's Word parts (``wordparts``: A4 pages, the cover, the running header and
footer, the contents field, tables and charts); the charts are drawn once by
``indicators.svgchart``. The XLSX holds the same content as sheets, written as every table
download is (``lib.tables``: no cell is ever a formula). A draft says so on every page, and on
every sheet.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from followup.lib.tables import XLSX, write_workbook
from followup.reports import render, wordparts
from followup.reports.packs import Pack, PackAction, PackGroup
from followup.reports.tables import Table

if TYPE_CHECKING:
    from docx.document import Document as WordDocument

FORMATS = {
    "docx": render.FORMATS["docx"],
    "pdf": render.FORMATS["pdf"],
    "xlsx": XLSX,
}
NAMES = {"docx": "Word", "pdf": "PDF", "xlsx": "Excel (XLSX)"}


def html(pack: Pack) -> str:
    """The pack as one self-contained HTML file, the PDF's source."""
    return render.standalone(pack, "reports/_pack_body.html")


def pdf(pack: Pack) -> bytes:
    return render.pdf_of(html(pack))


def docx(pack: Pack) -> bytes:
    """The pack as a Word file: the cover, what the pack holds, the contents, the plan's summary
    and a section for each recommendation."""
    import docx as python_docx

    document = python_docx.Document()
    wordparts.a4(document)
    properties = document.core_properties
    properties.title = pack.title
    properties.author = pack.author
    properties.language = pack.language
    properties.identifier = pack.reference
    wordparts.header_and_footer(document, pack, pack.draft_mark)
    if pack.draft:
        document.add_paragraph().add_run(pack.draft_notice).bold = True
    wordparts.cover(document, pack)
    about = document.add_paragraph()
    about.add_run("About this pack").bold = True
    for text in [pack.issue_notice, pack.compared_notice, *pack.about]:
        document.add_paragraph(text)
    document.add_page_break()  # type: ignore[no-untyped-call]  # python-docx leaves it unannotated
    wordparts.contents(document)
    _summary(document, pack)
    for group in pack.groups:
        _group(document, group)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _summary(document: WordDocument, pack: Pack) -> None:
    """Each chart as the report draws one: the picture, its caption with the finding, and its
    data table."""
    from docx.shared import Cm

    document.add_heading("Summary of the plan", level=1)
    for chart in pack.charts:
        wordparts.picture(document, chart, width=Cm(16))
        caption = document.add_paragraph()
        caption.add_run(f"{chart.title}. ").bold = True
        caption.add_run(f"{chart.finding} {chart.caption}")
        wordparts.table(
            document,
            Table(
                caption=f"{chart.title}: the figures in the chart",
                header=list(chart.header),
                rows=[list(row) for row in chart.rows],
                widths=[60, 40],
            ),
        )
    if pack.removed:
        document.add_paragraph("Actions in the last pack that are no longer in the plan:")
        for title in pack.removed:
            document.add_paragraph(title, style="List Bullet")


def _group(document: WordDocument, group: PackGroup) -> None:
    document.add_heading(group.heading, level=1)
    if group.inspection:
        document.add_paragraph(f"From {group.inspection}.")
    if group.measures:
        wordparts.table(document, group.measures_table)
    for action in group.actions:
        _action(document, action)
    if not group.actions:
        document.add_paragraph("No action in the plan answers this recommendation.")


def _action(document: WordDocument, action: PackAction) -> None:
    from docx.shared import Pt

    document.add_heading(action.title, level=2)
    for label, value in action.details:
        line = document.add_paragraph()
        line.add_run(f"{label}: ").bold = True
        line.add_run(value)
        line.paragraph_format.space_after = Pt(2)


def xlsx(pack: Pack) -> bytes:
    """The pack as a workbook: About, Summary, Actions and Measures, each headed by the DRAFT
    mark while it is a draft. Counts and shown figures are numbers; a withheld figure is
    ``[c]``."""
    mark: list[list[object]] = [[pack.draft_mark]] if pack.draft else []
    about: list[list[object]] = [
        *mark,
        [pack.title],
        ["Partnership", pack.partnership],
        ["Date", pack.date],
        ["Reference", pack.reference],
        ["Issued", pack.issue_notice],
        ["Compared with", pack.compared_notice],
    ]
    about += [[text] for text in pack.about]
    summary: list[list[object]] = [*mark]
    for chart, counts in zip(pack.charts, (pack.by_status, pack.by_rating), strict=True):
        summary += [[chart.header[0], "Actions"], *([label, n] for label, n in counts)]
        summary += [["All actions", sum(n for _, n in counts)], [chart.finding], []]
    if pack.removed:
        summary += [["Actions in the last pack that are no longer in the plan"]]
        summary += [[title] for title in pack.removed]
    buffer = io.BytesIO()
    write_workbook(
        buffer,
        [
            ("About", about),
            ("Summary", summary),
            ("Actions", [*mark, *_action_rows(pack)]),
            ("Measures", [*mark, *_measure_rows(pack)]),
        ],
        title=pack.title,
    )
    return buffer.getvalue()


ACTION_COLUMNS = [
    "Recommendation",
    "Action",
    "Owner",
    "Lead",
    "Due date",
    "Status",
    "Latest rating",
    "Latest accepted update: date",
    "Latest accepted update: by",
    "Latest accepted update: note",
    "Status at the last pack",
    "Rating at the last pack",
    "Updates accepted since the last pack",
    "What changed since the last pack",
]


def _action_rows(pack: Pack) -> list[list[object]]:
    rows: list[list[object]] = [list(ACTION_COLUMNS)]
    for group in pack.groups:
        for action in group.actions:
            latest, change = action.latest, action.change
            before = change if change is not None and not change.is_new else None
            rows.append(
                [
                    group.heading,
                    action.title,
                    action.owner,
                    action.lead,
                    action.due,
                    action.status,
                    action.rating,
                    latest.on if latest else None,
                    latest.author if latest else "",
                    latest.note if latest else "",
                    before.status_before if before else "",
                    before.rating_before if before else "",
                    len(before.new_updates) if before else None,
                    " ".join(action.changes),
                ]
            )
    return rows


def _measure_rows(pack: Pack) -> list[list[object]]:
    rows: list[list[object]] = [
        ["Recommendation", "Measure", "Area", "Unit", "Latest period", "Latest figure"]
    ]
    for group in pack.groups:
        for m in group.measures:
            figure = m.value if m.value is not None else m.shown
            rows.append([group.heading, m.name, m.area, m.unit, m.period, figure])
    return rows


def render_pack(pack: Pack, fmt: str) -> bytes:
    if fmt == "pdf":
        return pdf(pack)
    if fmt == "docx":
        return docx(pack)
    if fmt == "xlsx":
        return xlsx(pack)
    raise ValueError(f"No such format: {fmt}")
