"""``followup funnel``: funnel-plot limits from JSON, as FunnelPlotR or PHEindicatormethods
computes them (followup.spc.funnel_request). It needs no settings and no database."""

from __future__ import annotations

import argparse
from typing import TypeAlias

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_funnel_command(commands: Commands) -> None:
    text = (
        "Compute a funnel plot's limits, overdispersion and each area's position. Reads one JSON "
        'request ({"package": "FunnelPlotR 0.6.0" or "PHEindicatormethods 2.0.0", "options": '
        '{...}, "input": {"code": [...], "numerator": [...], "denominator": [...]}}) from FILE or '
        "standard input and writes the JSON result to standard output. A malformed request exits "
        "with status 2 and one line on standard error naming the field."
    )
    funnel = commands.add_parser("funnel", help=text, description=text)
    funnel.set_defaults(handler=run_funnel)
    funnel.add_argument(
        "file", nargs="?", help="the request file; '-' or nothing for standard input"
    )


def run_funnel(args: argparse.Namespace) -> int:
    from followup.spc.funnel_request import main

    return main(args.file)
