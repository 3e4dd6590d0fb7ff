"""Pages that count and gather qualitative evidence: the code-by-attribute matrix, co-occurrence
and excerpts, each with its CSV and XLSX download."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from followup.core import disclosure
from followup.core.tables import table_download
from followup.evidence import analysis, queries
from followup.evidence.models import Code
from followup.partnerships.access import Capability, capabilities, partnership_for
from followup.partnerships.models import Partnership

FORMATS = ("csv", "xlsx")


def _exact(request: HttpRequest, partnership: Partnership) -> bool:
    """Who may see small counts: those who code evidence or approve quotes."""
    caps = capabilities(request.user, partnership)
    return Capability.CODE_EVIDENCE in caps or Capability.APPROVE_QUOTES in caps


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
    attributes = analysis.attributes_of(partnership)
    attribute = _attribute(request, attributes)
    table = analysis.matrix(partnership, attribute) if attribute else None
    values = table.values if table else []
    rows = [
        {
            "code": code,
            "depth": depth,
            "cells": list(zip(values, cells, strict=True)),
            "total": total,
        }
        for code, depth, cells, total in (table.rows if table else [])
    ]
    codes, pairs = analysis.cooccurrence(partnership)
    return render(
        request,
        "evidence/analysis.html",
        {
            "partnership": partnership,
            "attributes": attributes,
            "attribute": attribute,
            "values": values,
            "rows": rows,
            "co_codes": codes,
            "co_rows": list(zip(codes, pairs, strict=True)),
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
    attributes = analysis.attributes_of(partnership)
    attribute = _attribute(request, attributes) or "attribute"
    table = analysis.matrix(partnership, attribute)
    headers = ["Code", "Code path"]
    for value in [*table.values, "All"]:
        headers += [f"{value}: codings", f"{value}: sources"]
    rows = []
    paths: list[str] = []
    for code, depth, cells, total in table.rows:
        del paths[depth:]
        paths.append(code.name)
        row: list[Any] = [code.name, " / ".join(paths)]
        for cell in [*cells, total]:
            row += [
                disclosure.shown(cell.codings, exact=exact),
                disclosure.shown(cell.sources, exact=exact),
            ]
        rows.append(row)
    return table_download(
        f"{slug}-codes-by-{attribute.lower().replace(' ', '-')}",
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
            f"Counts from 1 to {disclosure.threshold()} are below the disclosure threshold: "
            "they could identify people and must not be published."
        )
    else:
        notes.append(disclosure.meaning())
    return notes


@login_required
def cooccurrence_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    if fmt not in FORMATS:
        raise Http404("No such format.")
    exact = _exact(request, partnership)
    codes, pairs = analysis.cooccurrence(partnership)
    rows = [
        [code.name, *[disclosure.shown(n, exact=exact) for n in row]]
        for code, row in zip(codes, pairs, strict=True)
    ]
    return table_download(
        f"{slug}-code-co-occurrence",
        fmt,
        ["Code", *[c.name for c in codes]],
        rows,
        sheet="Co-occurrence",
        notes=_notes(exact, "Co-occurrence of codes"),
    )


def _excerpt_context(request: HttpRequest, slug: str) -> dict[str, Any]:
    partnership = partnership_for(request.user, slug)
    attributes = analysis.attributes_of(partnership)
    code = None
    if request.GET.get("code", "").isdigit():
        code = Code.objects.filter(partnership=partnership, pk=int(request.GET["code"])).first()
    filters = _filters(request.GET, attributes)
    return {
        "partnership": partnership,
        "attributes": attributes,
        "codes": queries.codebook(partnership),
        "code": code,
        "filters": filters,
        "excerpts": analysis.excerpts(partnership, code, filters),
        "not_recorded": analysis.NOT_RECORDED,
    }


@login_required
def excerpts_page(request: HttpRequest, slug: str) -> HttpResponse:
    context = _excerpt_context(request, slug)
    context["query"] = request.GET.urlencode()
    return render(request, "evidence/excerpts.html", context)


@login_required
def excerpts_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("No such format.")
    context = _excerpt_context(request, slug)
    names = list(context["attributes"])
    rows = []
    for coding in context["excerpts"]:
        attrs = coding.source.case.attributes if coding.source.case else {}
        rows.append(
            [
                coding.code.name,
                coding.source.title,
                coding.source.case.name if coding.source.case else "",
                *[attrs.get(name, "") for name in names],
                coding.start,
                coding.end,
                coding.excerpt,
            ]
        )
    return table_download(
        f"{slug}-excerpts",
        fmt,
        ["Code", "Source", "Case", *names, "Start", "End", "Excerpt"],
        rows,
        sheet="Excerpts",
        notes=[
            "Excerpts: original words, for analysis only. Publish only approved, redacted quotes.",
            "Start and End are character positions in the source's text.",
        ],
    )
