"""A source's page: its words a page at a time, each page's sentences to code, and the codings
on that page's words, themselves a page at a time.

However long the text and however many its codings, a page holds at most ``PAGE_CHARACTERS`` of
text in ``PAGE_SENTENCES`` sentences and ``CODINGS_PER_PAGE`` codings, each shown to
``EXCERPT_SHOWN`` characters (a coding of the whole of a long text would otherwise repeat it)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from followup.evidence import actions, queries
from followup.evidence.forms import CodingForm, SelectionForm
from followup.evidence.text import text_page
from followup.partnerships.access import Capability, capabilities, require
from followup.web import paging
from followup.web.pages import posted, save_form

CODINGS_PER_PAGE = 100
EXCERPT_SHOWN = 300
NAMES_SHOWN = 10  # codes named under one sentence; the rest are counted


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    more = len(names) - NAMES_SHOWN
    return f"{shown} and {more:,} more" if more > 0 else shown


@login_required
def source_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A source's words: for those who code or approve evidence (403 for viewers)."""
    source = queries.source_for(request.user, slug, pk)
    require(request.user, source.partnership, Capability.READ_EVIDENCE)
    caps = capabilities(request.user, source.partnership)
    page = text_page(source.text, paging.asked(request, "page"))
    here = reverse("evidence:source", args=[slug, pk])
    if page.number > 1:
        here += f"?page={page.number}"
    form = CodingForm(posted(request), source=source, shown=page.sentences)
    if request.method == "POST":
        require(request.user, source.partnership, Capability.CODE_EVIDENCE)
        done = save_form(
            request,
            form,
            lambda data: actions.code_spans(request.user, source, data["code"], data["spans"]),
            message="Coded.",
            then=lambda _: here,
        )
        if done is not None:
            return done
    names = queries.names_on_spans(source, page.start, page.end)
    codings, coding_pages = paging.page_of(
        request,
        queries.codings_within(source, page.start, page.end),
        "codings",
        CODINGS_PER_PAGE,
        "Pages of the codings",
    )
    text = source.text
    return render(
        request,
        "evidence/source_detail.html",
        {
            "partnership": source.partnership,
            "caps": caps,
            "source": source,
            "form": form,
            "page": page,
            "window": text[page.start : page.end],
            "text_pages": paging.pages(
                request, "page", page.number, page.count, "Pages of the text", reset=("codings",)
            ),
            "codings": [
                (
                    coding,
                    text[coding.start : min(coding.end, coding.start + EXCERPT_SHOWN)],
                    coding.end - coding.start if coding.end - coding.start > EXCERPT_SHOWN else 0,
                )
                for coding in codings
            ],
            "codings_total": codings.paginator.count,
            "coding_pages": coding_pages,
            "sentences": [(s, _names(names.get((s.start, s.end), []))) for s in page.sentences],
            "selection_form": SelectionForm(source=source),
            "here": here,
        },
    )
