"""A viewer who gathers every count of a partnership's evidence they can reach, and works out
what they can about each withheld one.

The viewer downloads the codes-by-attribute table for every attribute (CSV) (a viewer has no
table of codes used together: it is refused, as a published report has none), reads who we heard from and the themes in the progress review report, and
reads the approved quotes (each names its code on the quotes page and its respondent group in the
report). They know the rules as docs/reports.md states them. The unknowns, equations and bounds
below are written from those rules and the meaning of the tables (every source has one value of
each attribute, so a code's sources add up to its total in every attribute's table; a code's
sources of a group are at most the group's sources), not from the suppression code, and
``tests.core.exact_search`` finds each withheld count's smallest and largest possible values.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.test import Client
from django.urls import reverse

from followup.evidence.analysis import NOT_RECORDED, attributes_of
from followup.evidence.models import Quote
from followup.lib import disclosure
from followup.partnerships.models import Partnership
from followup.reports.compose import Report
from tests.core.exact_search import System

C = disclosure.SUPPRESSED
GROUP = "Respondent group"


@dataclass
class Seen:
    """Every count the viewer can reach, as text, keyed by where it was read."""

    matrices: dict[str, dict[str, dict[str, str]]] = field(
        default_factory=dict
    )  # attr -> code -> col -> fig
    heard: dict[str, dict[str, str]] = field(default_factory=dict)  # group -> kind or "All" -> fig
    quoted: set[tuple[str, str]] = field(default_factory=set)  # (code name, group)


def _csv(client: Client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    return list(csv.reader(io.StringIO(response.content.decode())))


def gather(client: Client, partnership: Partnership, report: Report | None) -> Seen:
    seen = Seen()
    slug = partnership.slug
    names = list(attributes_of(partnership))
    if GROUP not in names:
        names.append(GROUP)
    for name in names:
        url = reverse("evidence:matrix_download", args=[slug, "csv"])
        if client.get(f"{url}?{urlencode({'attribute': name})}").status_code == 404:
            continue  # a table this audience does not have
        rows = _csv(client, f"{url}?{urlencode({'attribute': name})}")
        header = [h.removesuffix(": sources") for h in rows[0]]
        seen.matrices[name] = {
            row[0]: dict(zip(header[2:], row[2:], strict=True)) for row in rows[1:]
        }
    assert (
        client.get(reverse("evidence:cooccurrence_download", args=[slug, "csv"])).status_code == 403
    )
    if report is not None and report.heard_from is not None:
        header = report.heard_from.header
        for row in report.heard_from.rows:
            seen.heard[row[0]] = dict(zip(header[1:], row[1:], strict=True))
    for quote in Quote.objects.filter(
        coding__source__partnership=partnership, status=Quote.Status.APPROVED
    ).select_related("coding__code", "coding__source__case"):
        case = quote.coding.source.case
        group = str((case.attributes if case else {}).get(GROUP) or "") or NOT_RECORDED
        seen.quoted.add((quote.coding.code.name, group))
    return seen


@dataclass
class Reading:
    system: System
    withheld: dict[str, int]  # what was withheld -> its unknown
    ranges: dict[str, tuple[int, int | None]] = field(default_factory=dict)


def read(seen: Seen, t: int) -> Reading:
    system = System()
    withheld: dict[str, int] = {}

    def figure(text: str, low: int, name: str) -> int | None:
        """None for a shown figure (its value is known); otherwise a new unknown."""
        if text != C:
            return None
        withheld[name] = system.unknown(low, None, name)
        return withheld[name]

    # A code's total: shown in some table, or withheld (then at least 1) in all of them.
    totals: dict[str, int | str] = {}
    for matrix in seen.matrices.values():
        for code, row in matrix.items():
            if row["All"] != C:
                totals[code] = int(row["All"])
    for matrix in seen.matrices.values():
        for code in matrix:
            if code not in totals:
                totals[code] = f"total of {code}"
                withheld[f"total of {code}"] = system.unknown(1, None, f"total of {code}")

    # Who we heard from: each group's sources by kind add up to the group's total.
    group_size: dict[str, int | None] = {}
    for group, row in seen.heard.items():
        total_var = figure(row["All"], 1, f"heard: {group}")
        group_size[group] = None if total_var is not None else int(row["All"])
        terms, rest = [], 0
        for kind, text in row.items():
            if kind == "All":
                continue
            low = 1 if total_var is None else 0
            if (var := figure(text, low, f"heard: {group}, {kind}")) is not None:
                terms.append((var, 1))
            else:
                rest += int(text)
        if total_var is None:
            system.equal(terms, int(row["All"]) - rest)
        else:
            system.equal([*terms, (total_var, -1)], -rest)

    for attribute, matrix in seen.matrices.items():
        for code, row in matrix.items():
            shown_total = row["All"] != C
            terms, rest = [], 0
            for value, text in row.items():
                if value == "All":
                    continue
                low = 1 if shown_total else 0
                if attribute == GROUP and (code, value) in seen.quoted:
                    low = 1
                var = figure(text, low, f"{attribute}: {code}, {value}")
                if var is None:
                    rest += int(text)
                else:
                    terms.append((var, 1))
                if attribute == GROUP and seen.heard:
                    _within_group(system, withheld, var, text, value, group_size, seen)
            total = totals[code]
            if isinstance(total, int):
                system.equal(terms, total - rest)
            else:
                system.equal([*terms, (withheld[total], -1)], -rest)

    reading = Reading(system, withheld)
    found = system.ranges()
    reading.ranges = {name: found[var] for name, var in withheld.items()}
    return reading


def _within_group(
    system: System,
    withheld: dict[str, int],
    var: int | None,
    text: str,
    group: str,
    group_size: dict[str, int | None],
    seen: Seen,
) -> None:
    """A code's sources of a group are at most the group's sources: cell + slack = group size."""
    if group not in seen.heard:
        if var is not None:
            system.equal([(var, 1)], 0)  # no source of the group was heard from
        else:
            assert int(text) == 0
        return
    size = group_size[group]
    slack = system.unknown(0, None, f"slack {group}")
    terms = [(slack, 1)] + ([(var, 1)] if var is not None else [])
    known = 0 if var is not None else int(text)
    if size is None:
        system.equal([*terms, (withheld[f"heard: {group}"], -1)], -known)
    else:
        system.equal(terms, size - known)
