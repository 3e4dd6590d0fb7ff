"""Benchmark: importing 100,000 values through the API (``POST .../dataValueSets/``, issue 19)
beside the command-line import of the same file (``followup import-data --partnership``), in
the same run, on a fresh SQLite database in a temporary folder.

Each import writes the same 100,000 new figures (100 areas x 100 of the partnership's own data
elements x 10 months) into an empty table: the figures and releases of the one before are
deleted first. Measured, in rows per second:

- the command line: ``cmd_import_data`` called in this process (what ``followup import-data``
  does once Django is set up: read, check under the import lock, write);
- the API with CSV, and with JSON: a write token's request through Django's test client (the
  whole request: the token, the body, staging the table, checking and writing through the
  import page's actions, the summary), imported in the request
  (``FOLLOWUP_BACKGROUND_IMPORT_ROWS`` raised above 100,000);
- the API with CSV as a job (``FOLLOWUP_BACKGROUND_IMPORT_ROWS`` 0: every import a job), run at
  once by the immediate tasks backend: the request returns 202 once the job is done.

Each figure is the median of ``--repeats`` runs (3 unless given), after one unmeasured round that
warms each up, the command line and the API taking turns. Never part of ``make test``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from indicators import setup_django

AREAS = 100
ELEMENTS = 100
SLUG = "bench"


def make_file(count: int) -> tuple[bytes, list[dict[str, str]]]:
    """The tidy file of ``count`` rows, and the same rows as JSON data values."""
    periods = max(1, -(-count // (AREAS * ELEMENTS)))
    rows: list[dict[str, str]] = []
    for month in range(periods):
        for element in range(ELEMENTS):
            for area in range(AREAS):
                if len(rows) == count:
                    break
                rows.append(
                    {
                        "area_code": f"S{9 * 10**7 + area:08d}",
                        "period": f"{2020 + month // 12}-{month % 12 + 1:02d}",
                        "data_element": f"bench_{element:03d}",
                        "value": str((len(rows) * 7 + area) % 1000),
                    }
                )
    lines = ["area_code,period,data_element,value"]
    lines += [",".join(row.values()) for row in rows]
    return ("\n".join(lines) + "\n").encode(), rows


def prepare() -> Any:
    """The partnership, its own data elements, the areas, and a lead officer's write token."""
    from django.contrib.auth.models import User

    from followup.accounts.actions import create_token
    from followup.indicators.models import DataElement
    from followup.lib.types import CommandLine
    from followup.partnerships.models import Area, Membership, Partnership

    Area.objects.bulk_create(
        [Area(code=f"S{9 * 10**7 + i:08d}", name=f"Area {i}") for i in range(AREAS)]
    )
    partnership = Partnership.objects.create(slug=SLUG, name="Benchmark partnership")
    DataElement.objects.bulk_create(
        [
            DataElement(
                code=f"bench_{i:03d}",
                name=f"Element {i}",
                period_kind="month",
                is_count=True,
                partnership=partnership,
            )
            for i in range(ELEMENTS)
        ]
    )
    user = User.objects.create_user("benchlead", password="benchmark-password-long")
    Membership.objects.create(user=user, partnership=partnership, role="lead")
    _, token = create_token(CommandLine("bench"), user, name="bench", can_write=True)
    return token


def empty() -> None:
    from followup.indicators.models import DataValue, Release

    DataValue.objects.all().delete()
    Release.objects.all().delete()


def timed(work: Callable[[], None], count: int) -> float:
    """Rows per second of one import into an empty table, checking all were written."""
    from followup.indicators.models import DataValue

    empty()
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    assert DataValue.objects.count() == count, DataValue.objects.count()
    return count / seconds


def command_line(path: Path) -> Callable[[], None]:
    from followup.cli import build_parser
    from followup.cli_data import cmd_import_data

    args = ["import-data", str(path), "--partnership", SLUG, "--release", "Benchmark"]

    def run() -> None:
        with redirect_stdout(io.StringIO()):
            assert cmd_import_data(build_parser().parse_args(args)) == 0

    return run


def through_api(token: str, body: bytes, kind: str, status: int) -> Callable[[], None]:
    from django.test import Client

    url = f"/api/v1/partnerships/{SLUG}/dataValueSets/?release=Benchmark"
    headers = {"Authorization": f"Bearer {token}"}

    def run() -> None:
        response: Any = Client().post(url, body, content_type=kind, headers=headers)
        assert response.status_code == status, response.content[:500]

    return run


def measure(count: int, repeats: int, folder: str) -> dict[str, float]:
    from django.test import override_settings

    data, rows = make_file(count)
    path = Path(folder) / "values.csv"
    path.write_bytes(data)
    as_json = json.dumps({"dataValues": rows}).encode()
    token = prepare()
    work: dict[str, Callable[[], None]] = {
        "command line": command_line(path),
        "API, CSV": through_api(token, data, "text/csv", 200),
        "API, JSON": through_api(token, as_json, "application/json", 200),
    }
    found: dict[str, list[float]] = {name: [] for name in [*work, "API, CSV, as a job"]}
    job = through_api(token, data, "text/csv", 202)
    for _ in range(repeats + 1):  # the first round warms up, unmeasured
        with override_settings(BACKGROUND_IMPORT_ROWS=count + 1):
            for name, run in work.items():
                found[name].append(timed(run, count))
        with override_settings(BACKGROUND_IMPORT_ROWS=0):
            found["API, CSV, as a job"].append(timed(job, count))
    return {name: statistics.median(rates[1:]) for name, rates in found.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.environ["FOLLOWUP_TASKS_BACKEND"] = "immediate"
    with tempfile.TemporaryDirectory() as folder:
        setup_django(None, folder)
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        rates = measure(args.rows, args.repeats, folder)
    cli = rates["command line"]
    print(f"  {args.rows:,} values, median of {args.repeats} (SQLite):")
    for name, rate in rates.items():
        print(f"  {name:20} {rate:9,.0f} rows/s  ({rate / cli:.2f} of the command line's)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
