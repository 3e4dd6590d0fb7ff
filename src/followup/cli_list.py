"""``followup list partnerships|reviews|elements``: what is there, with the slugs, ids and codes
the other commands take. ``followup.cli`` adds the command to its parser."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from followup.clitools import Commands, add_command, fail


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print the rows under their headers in columns two spaces apart (the last column is not
    padded, so no line ends in blanks)."""
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers) - 1)]
    for row in [headers, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]))


def _partnerships(args: argparse.Namespace) -> int:
    from followup.partnerships.models import Partnership

    rows = [
        [p.slug, p.area.code if p.area else "", p.name]
        for p in Partnership.objects.select_related("area").order_by("slug")
    ]
    if not rows:
        print("No partnerships yet: `followup create-partnership` adds one.")
        return 0
    _table(["SLUG", "AREA", "NAME"], rows)
    return 0


def _partnership(slug: str) -> Any:
    from followup.partnerships.models import Partnership

    return Partnership.objects.filter(slug=slug).first()


def _reviews(args: argparse.Namespace) -> int:
    from followup.reviews.models import ProgressReview

    if args.partnership and _partnership(args.partnership) is None:
        return fail(f"list: no partnership has the slug {args.partnership!r}.")
    reviews = ProgressReview.objects.select_related("inspection__partnership").order_by(
        "inspection__partnership__slug", "fieldwork_start", "pk"
    )
    if args.partnership:
        reviews = reviews.filter(inspection__partnership__slug=args.partnership)
    rows = [
        [
            str(r.pk),
            r.inspection.partnership.slug,
            r.get_status_display().lower(),
            r.published_on.isoformat() if r.published_on else "",
            r.title,
        ]
        for r in reviews
    ]
    if not rows:
        print("No progress reviews" + (f" in {args.partnership}." if args.partnership else "."))
        return 0
    _table(["ID", "PARTNERSHIP", "STATUS", "PUBLISHED", "TITLE"], rows)
    return 0


def _elements(args: argparse.Namespace) -> int:
    from followup.indicators.scope import visible_elements

    partnership_id = None
    if args.partnership:
        found = _partnership(args.partnership)
        if found is None:
            return fail(f"list: no partnership has the slug {args.partnership!r}.")
        partnership_id = found.pk
    elements = visible_elements(partnership_id).order_by("code", "partnership_id")
    rows = [
        [
            e.code,
            "derived" if e.formula else ("count" if e.is_count else "measure"),
            e.period_kind,
            "official" if e.partnership_id is None else "own",
            e.name,
        ]
        for e in elements
    ]
    if not rows:
        print("No data elements yet.")
        return 0
    _table(["CODE", "KIND", "PERIOD", "WHOSE", "NAME"], rows)
    return 0


LISTS = {"partnerships": _partnerships, "reviews": _reviews, "elements": _elements}


def cmd_list(args: argparse.Namespace) -> int:
    if args.partnership and args.what == "partnerships":
        return fail("list: --partnership goes with reviews or elements, not partnerships.")
    try:
        return LISTS[args.what](args)
    except BrokenPipeError:  # `followup list elements | head`: the reader has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def add_list_command(commands: Commands) -> None:
    listing = add_command(
        commands,
        "list",
        cmd_list,
        "List the partnerships (with the slugs other commands take), the progress reviews "
        "(with the ids `followup report` takes), or the data elements (with the codes files "
        "use: official ones, and with --partnership that partnership's own too).",
    )
    listing.add_argument("what", choices=list(LISTS), help="what to list")
    listing.add_argument(
        "--partnership",
        metavar="SLUG",
        help="only this partnership's reviews; the official data elements and this "
        "partnership's own",
    )
