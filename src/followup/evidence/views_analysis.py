"""Pages that count and gather qualitative evidence: the code-by-attribute matrix, co-occurrence
(for those who code or approve evidence) and excerpts, each with its CSV and XLSX download.

Counts come from ``evidence.disclosed.evidence_for``, which decides what each audience sees.
Excerpts are original words: for those who code or approve evidence (``read_evidence``) only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from followup.evidence import analysis, exports, queries
from followup.evidence.disclosed import RESPONDENT_GROUP, evidence_shown
from followup.evidence.models import Code
from followup.evidence.tasks import export_excerpts
from followup.jobs import exports as background
from followup.lib import disclosure
from followup.lib.tables import streamed_table_download, table_download
from followup.partnerships.access import Capability, can, partnership_for, require
from followup.partnerships.models import Partnership
from followup.web import paging
from followup.web.forms import MAX_ID
from followup.web.paging import whole_number

FORMATS = ("csv", "xlsx")
SAME = "–"  # a code with itself, in the table of codes used together


def _exact(request: HttpRequest, partnership: Partnership) -> bool:
    """Who may see small counts and passages: those who code or approve evidence."""
    return can(request.user, partnership, Capability.READ_EVIDENCE)


def _attribute(request: HttpRequest, attributes: dict[str, list[str]]) -> str | None:
    chosen = request.GET.get("attribute")
    if chosen in attributes:
        return chosen
    for preferred in ("Respondent group", "respondent group", "Group"):
        if preferred in attributes:
            return preferred
    return next(iter(attributes), None)


def _filters(query: QueryDict, attributes: dict[str, list[str]]) -> dict[str, str]:
    """Attribute filters from ``where=name:value`` parameters, known names and values only."""
    found = {}
    for item in query.getlist("where"):
        name, _, value = item.partition(":")
        if name in attributes and value in [*attributes[name], analysis.NOT_RECORDED]:
            found[name] = value
    return found


@login_required
def analysis_page(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    exact = _exact(request, partnership)
    evidence = evidence_shown(partnership, exact=exact)
    attribute = _attribute(request, evidence.attributes)
    table = evidence.matrices[attribute] if attribute else None
    return render(
        request,
        "evidence/analysis.html",
        {
            "partnership": partnership,
            "attributes": evidence.attributes,
            "attribute": attribute,
            "values": table.values if table else [],
            "rows": [
                {
                    "row": row,
                    "cells": list(
                        zip(table.values, row.sources, row.codings or row.sources, strict=True)
                    ),
                }
                for row in table.rows
            ]
            if table
            else [],
            "co_codes": evidence.co_codes,
            "co_rows": list(zip(evidence.co_codes, evidence.co_table, strict=True)),
            "exact": exact,
            "threshold": disclosure.threshold(),
            "meaning": disclosure.meaning(),
        },
    )


@login_required
def matrix_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    if fmt not in FORMATS:
        raise Http404("No such format.")
    exact = _exact(request, partnership)
    evidence = evidence_shown(partnership, exact=exact)
    asked = request.GET.get("attribute")
    if asked is not None and asked not in evidence.attributes:
        # Not a table this audience has (a viewer has codes by respondent group only).
        raise Http404("No table of codes by that attribute.")
    attribute = _attribute(request, evidence.attributes) or RESPONDENT_GROUP
    table = evidence.matrices[attribute]
    headers = ["Code", "Code path"]
    for value in [*table.values, "All"]:
        headers += [f"{value}: codings", f"{value}: sources"] if exact else [f"{value}: sources"]
    rows = []
    paths: list[str] = []
    for row in table.rows:
        del paths[row.depth :]
        paths.append(row.code.name)
        line: list[Any] = [row.code.name, " / ".join(paths)]
        if exact and row.codings is not None and row.total_codings is not None:
            for codings, sources in zip(
                [*row.codings, row.total_codings], [*row.sources, row.total], strict=True
            ):
                line += [codings.shown, sources.shown]
        else:
            line += [figure.shown for figure in [*row.sources, row.total]]
        rows.append(line)
    return table_download(
        f"{slug}-codes-by-{attribute}",
        fmt,
        headers,
        rows,
        sheet="Codes by attribute",
        notes=_notes(exact, f"Codes by {attribute}"),
    )


def _notes(exact: bool, title: str) -> list[str]:
    notes = [title, analysis.__doc__.split("Definitions", 1)[1].strip() if analysis.__doc__ else ""]
    if exact:
        notes.append(
            f"Counts from 1 to {disclosure.threshold()} are small counts: "
            "they could identify people and must not be published."
        )
    else:
        notes.append(
            "Counts of sources only: the passages (codings) in each are for those who code or "
            "approve evidence."
        )
        notes.append(disclosure.meaning())
    return notes


@login_required
def cooccurrence_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """Codes used together: for those who code or approve evidence only (403 for others, as a
    published report has no such table). A code with itself is "–", as on the page."""
    partnership = partnership_for(request.user, slug)
    if fmt not in FORMATS:
        raise Http404("No such format.")
    require(request.user, partnership, Capability.READ_EVIDENCE)
    exact = True
    evidence = evidence_shown(partnership, exact=exact)
    rows = [
        [code.name, *[SAME if i == j else figure.shown for j, figure in enumerate(row)]]
        for i, (code, row) in enumerate(zip(evidence.co_codes, evidence.co_table, strict=True))
    ]
    return table_download(
        f"{slug}-code-co-occurrence",
        fmt,
        ["Code", *[c.name for c in evidence.co_codes]],
        rows,
        sheet="Co-occurrence",
        notes=_notes(exact, "Co-occurrence of codes"),
    )


def _excerpt_context(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Excerpts are original words: for those who code or approve evidence only (403 for others)."""
    partnership = partnership_for(request.user, slug)
    require(request.user, partnership, Capability.READ_EVIDENCE)
    attributes = analysis.attributes_of(partnership)
    code = None
    pk = whole_number(request.GET.get("code", ""), MAX_ID)
    if pk:
        code = Code.objects.filter(partnership=partnership, pk=pk).first()
    filters = _filters(request.GET, attributes)
    return {
        "partnership": partnership,
        "attributes": attributes,
        "codes": queries.codebook(partnership),
        "code": code,
        "filters": filters,
        "not_recorded": analysis.NOT_RECORDED,
    }


# A page of excerpts: this many, each shown to this many characters (the downloads hold them all).
EXCERPTS_PER_PAGE = 200
EXCERPT_SHOWN = 1_000


@login_required
def excerpts_page(request: HttpRequest, slug: str) -> HttpResponse:
    context = _excerpt_context(request, slug)
    found = analysis.excerpts(
        context["partnership"], context["code"], context["filters"], longest=EXCERPT_SHOWN
    )
    page, pages = paging.page_of(request, found, "page", EXCERPTS_PER_PAGE, "Pages of excerpts")
    download = request.GET.copy()
    download.pop("page", None)
    return render(
        request,
        "evidence/excerpts.html",
        {
            **context,
            "excerpts": page,
            "total": page.paginator.count,
            "in_background": background.in_background(page.paginator.count),
            "pages": pages,
            "shown": EXCERPT_SHOWN,
            "query": download.urlencode(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def excerpts_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponseBase:
    """Every matching excerpt, whole (``evidence.exports``): the CSV is streamed as it is
    written. Above ``FOLLOWUP_BACKGROUND_EXPORT_ROWS`` excerpts the file is prepared in the
    background instead, from a page with a button (``jobs.exports``)."""
    if fmt not in FORMATS:
        raise Http404("No such format.")
    context = _excerpt_context(request, slug)
    partnership = context["partnership"]
    table = exports.excerpt_table(partnership, context["code"], context["filters"])
    count = table.count()
    if background.in_background(count):
        code = context["code"]
        return background.start_page(
            request,
            partnership,
            heading=f"Download the excerpts as {fmt.upper()}",
            what=f"{count:,} excerpts",
            title=f"Preparing {count:,} excerpts as {fmt.upper()}",
            capability=Capability.READ_EVIDENCE,
            task=export_excerpts,
            arguments={
                "code_id": code.pk if code else None,
                "filters": context["filters"],
                "fmt": fmt,
            },
        )
    return streamed_table_download(
        table.filename(fmt).removesuffix(f".{fmt}"),
        fmt,
        table.headers,
        table.rows(),
        sheet=exports.EXCERPT_SHEET,
        notes=exports.EXCERPT_NOTES,
    )
