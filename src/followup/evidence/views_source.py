"""A source's page: its words a page at a time, each page's sentences to code, and the codings
on that page's words, themselves a page at a time.

However long the text and however many its codings, a page holds at most ``PAGE_CHARACTERS`` of
text in ``PAGE_SENTENCES`` sentences and ``CODINGS_PER_PAGE`` codings, each shown to
``EXCERPT_SHOWN`` characters (a coding of the whole of a long text would otherwise repeat it)."""

from __future__ import annotations

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from followup.evidence import actions, queries
from followup.evidence.codetree import cut, runs
from followup.evidence.forms import CodingForm
from followup.evidence.text import PAGE_CHARACTERS, PAGE_SENTENCES, page_starts, text_page
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


FILTER = "filter"  # the query parameter that narrows the list of codes
STARTS_KEPT_SECONDS = 24 * 60 * 60


def _page_starts(text: str) -> list[int]:
    """Where each page of the text begins, kept in the cache under the text's digest (a text never
    changes, and the key says nothing of it), so that a page of a long source is found without
    walking the whole text each time: a third of a second for a million characters."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    key = f"followup:text-pages:{PAGE_CHARACTERS}:{PAGE_SENTENCES}:{digest}"
    kept = cache.get(key)
    if isinstance(kept, list):
        return kept
    starts = page_starts(text)
    cache.set(key, starts, STARTS_KEPT_SECONDS)
    return starts


@login_required
def source_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A source's words: for those who code or approve evidence (403 for viewers). Its text
    sentence by sentence, coded words highlighted and their codes named, beside the codebook."""
    source = queries.source_for(request.user, slug, pk)
    require(request.user, source.partnership, Capability.READ_EVIDENCE)
    caps = capabilities(request.user, source.partnership)
    page = text_page(source.text, paging.asked(request, "page"), starts=_page_starts(source.text))
    here = request.get_full_path()
    form = CodingForm(posted(request), source=source, shown=page.sentences)
    if request.method == "POST":
        require(request.user, source.partnership, Capability.CODE_EVIDENCE)
        done = save_form(
            request,
            form,
            lambda data: actions.code_with_many(request.user, source, data["codes"], data["spans"]),
            message="Coded.",
            then=lambda _: here,
        )
        if done is not None:
            return done
    window = runs(
        source.text, page.start, page.end, queries.coded_spans(source, page.start, page.end)
    )
    spans = [(s.start, s.end) for s in page.sentences]
    codings, coding_pages = paging.page_of(
        request,
        queries.codings_within(source, page.start, page.end),
        "codings",
        CODINGS_PER_PAGE,
        "Pages of the codings",
    )
    text = source.text
    words = request.GET.get(FILTER, "")[:200]
    ticked = {str(v) for v in form["spans"].value() or []} if form.is_bound else set()
    chosen = {str(v) for v in form["codes"].value() or []}
    return render(
        request,
        "evidence/source_detail.html",
        {
            "partnership": source.partnership,
            "caps": caps,
            "source": source,
            "form": form,
            "page": page,
            "window": window,
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
            "sentences": [
                (
                    s,
                    [(r.text, _names(list(r.names))) for r in shown],
                    f"{s.start}-{s.end}" in ticked,
                )
                for s, shown in zip(page.sentences, cut(window, page.start, spans), strict=True)
            ],
            "chosen_codes": chosen if form.is_bound else set(),
            "tree": queries.code_tree_of(source.partnership, words),
            "filter": words,
            "filter_name": FILTER,
        },
    )
