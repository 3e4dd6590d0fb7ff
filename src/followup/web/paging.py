"""Pages of a long list or text, and the links between them (the GOV.UK pagination component).

Each page is a link with the other query parameters kept, so pages work without JavaScript and
two lists on one page (a source's text and its codings) page independently."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


@dataclass(frozen=True)
class Link:
    number: int | None  # None: the ellipsis between distant page numbers
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pages:
    label: str  # what is paged, for the navigation's accessible name: "Pages of the codings"
    number: int
    count: int
    previous: str | None = None
    next: str | None = None
    links: list[Link] = field(default_factory=list)


# Page numbers past this are past any last page: a longer string of digits is never converted
# (int() of thousands of digits is refused by Python, and slow before that).
PAST_THE_END = 10**9


def whole_number(value: str, most: int) -> int | None:
    """``value`` as a whole number from 0 to ``most`` when it is ASCII digits only (not "²" or
    Arabic-Indic digits, which str.isdigit() accepts), otherwise None; converts no more digits
    than ``most`` has, so a query value of thousands of digits costs nothing."""
    if not value or not value.isascii() or not value.isdigit() or len(value) > len(str(most)):
        return None
    number = int(value)
    return number if number <= most else None


def asked(request: HttpRequest, name: str) -> int:
    """The page number asked for in the query parameter ``name``: 1 unless a positive whole
    number in ASCII digits; a number too long to be any page's asks for the last page (a number
    past the last page is the caller's to bring back)."""
    value = request.GET.get(name, "")
    if value.isascii() and value.isdigit() and len(value) > len(str(PAST_THE_END)):
        return PAST_THE_END
    number = whole_number(value, PAST_THE_END)
    return number if number else 1


def on_page(request: HttpRequest, url: str, name: str = "page") -> str:
    """``url`` at the page the form came from (``name`` in the query of the form's address)."""
    return f"{url}?{name}={asked(request, name)}" if asked(request, name) > 1 else url


def url_for(request: HttpRequest, name: str, number: int, reset: tuple[str, ...] = ()) -> str:
    """The current page's query with page ``number`` of ``name``, and without ``reset``."""
    query = request.GET.copy()
    query[name] = str(number)
    for other in reset:
        query.pop(other, None)
    return f"?{query.urlencode()}"


def pages(
    request: HttpRequest,
    name: str,
    number: int,
    count: int,
    label: str,
    reset: tuple[str, ...] = (),
) -> Pages | None:
    """Links to the first and last pages, and those either side of the current one, with an
    ellipsis for each gap; None when there is one page only. Each link leaves out the query
    parameters in ``reset`` (another list's page, which means nothing on a new page of this)."""
    if count <= 1:
        return None
    shown = sorted({1, count, *range(max(1, number - 1), min(count, number + 1) + 1)})
    links: list[Link] = []
    for n in shown:
        if links and links[-1].number is not None and n - links[-1].number > 1:
            links.append(Link(None))
        links.append(Link(n, url_for(request, name, n, reset), n == number))
    return Pages(
        label=label,
        number=number,
        count=count,
        previous=url_for(request, name, number - 1, reset) if number > 1 else None,
        next=url_for(request, name, number + 1, reset) if number < count else None,
        links=links,
    )


def page_of(
    request: HttpRequest, query: QuerySet[Any], name: str, size: int, label: str
) -> tuple[Page[Any], Pages | None]:
    """One page of ``size`` rows of ``query`` (the last page for a number past it), and its links."""
    page = Paginator(query, size).get_page(asked(request, name))
    return page, pages(request, name, page.number, page.paginator.num_pages, label)
