"""Benchmark: reading a million data values through the API (``GET .../dataValueSets/``,
issue 19), page after page by following ``next``, beside the command-line export of the same
values (``followup export-data --partnership``), in the same run, on a fresh SQLite database in a
temporary folder.

The partnership holds ``--values`` figures (1,000,000 unless given: 100 areas x 100 of its own
data elements x 100 months) in one release of its own. Measured, in rows per second:

- the command line: ``cmd_export_data`` called in this process, writing the tidy CSV to a
  stream that discards it (what ``followup export-data`` does once Django is set up);
- the API: a lead officer's read token following ``next`` from the first page to the last,
  1,000 values a page, through Django's test client (the whole request: the token, the query,
  the JSON), with each figure's latest release (the default, as the command line's) and with
  every release (``releases=all``). The rate limit is raised out of the way: at the default
  600 requests a minute, a million values at 1,000 a page take at least 100 seconds whatever
  the server's speed, which is printed too;
- one page deep in the list, asked by ``offset`` and by ``after`` (what ``next`` holds): why
  the list's ``next`` links page by id.

Never part of ``make test``.
"""

from __future__ import annotations

import argparse
import calendar
import datetime
import io
import logging
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_import import AREAS, ELEMENTS, SLUG, prepare

from indicators import setup_django

PAGE = 1000


class Discard(io.TextIOBase):
    """A text stream that keeps nothing (so the export's speed is not the memory's)."""

    def write(self, text: str) -> int:
        return len(text)


def fill(count: int) -> None:
    """``count`` figures of the partnership's own data elements in one release, written
    straight into the table (the import's speed is bench/api_import.py's business)."""
    from django.db import connection, transaction

    from followup.indicators.models import DataElement, DataValue, Period, Release
    from followup.partnerships.models import Area, Partnership

    partnership = Partnership.objects.get(slug=SLUG)
    release = Release.objects.create(name="Benchmark", partnership=partnership)
    months = max(1, -(-count // (AREAS * ELEMENTS)))
    periods = []
    for m in range(months):
        year, month = 2000 + m // 12, m % 12 + 1
        last = calendar.monthrange(year, month)[1]
        periods.append(
            Period(
                id=f"{year}-{month:02d}",
                kind="month",
                start=datetime.date(year, month, 1),
                end=datetime.date(year, month, last),
            )
        )
    Period.objects.bulk_create(periods, ignore_conflicts=True)
    elements = list(
        DataElement.objects.filter(partnership=partnership).values_list("pk", flat=True)
    )
    areas = list(Area.objects.filter(code__startswith="S9").values_list("pk", flat=True))
    table = DataValue._meta.db_table
    sql = (
        f"INSERT INTO {table} (element_id, area_id, period_id, release_id, value, status, note) "
        "VALUES (%s, %s, %s, %s, %s, '', '')"
    )
    rows = (
        (element, area, period.id, release.pk, float((n * 7 + a) % 1000))
        for n, (period, element, (a, area)) in enumerate(
            (p, e, ar) for p in periods for e in elements for ar in enumerate(areas)
        )
    )
    with transaction.atomic(), connection.cursor() as cursor:
        batch: list[Any] = []
        written = 0
        for row in rows:
            batch.append(row)
            if len(batch) == 50_000 or written + len(batch) == count:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
            if written == count:
                break
    assert DataValue.objects.count() == count


def command_line() -> float:
    """Seconds to export every value as the command line does."""
    from followup.cli import build_parser
    from followup.cli_data import cmd_export_data

    args = build_parser().parse_args(["export-data", "--partnership", SLUG])
    out = Discard()
    start = time.perf_counter()
    with redirect_stdout(out):
        assert cmd_export_data(args) == 0
    return time.perf_counter() - start


def through_api(token: str, **query: str) -> tuple[float, int]:
    """Seconds to read every value by following ``next``, and how many were read."""
    from django.test import Client

    client = Client()
    headers = {"Authorization": f"Bearer {token}"}
    url: str | None = f"/api/v1/partnerships/{SLUG}/dataValueSets/"
    params: dict[str, Any] = {"limit": PAGE, **query}
    read = 0
    start = time.perf_counter()
    while url:
        response: Any = client.get(url, params, headers=headers)
        assert response.status_code == 200, response.content[:500]
        page = response.json()
        read += len(page["results"])
        url, params = page["next"], {}
    return time.perf_counter() - start, read


def one_page(token: str, **query: str) -> float:
    from django.test import Client

    headers = {"Authorization": f"Bearer {token}"}
    params: dict[str, Any] = {"limit": PAGE, "releases": "all", **query}
    start = time.perf_counter()
    response: Any = Client().get(
        f"/api/v1/partnerships/{SLUG}/dataValueSets/", params, headers=headers
    )
    assert response.status_code == 200, response.content[:500]
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(None, folder)
        logging.disable(logging.INFO)  # the access log's line a request
        from django.core.management import call_command
        from django.test import override_settings

        from followup.indicators.models import DataValue

        call_command("migrate", verbosity=0, interactive=False)
        token = prepare()
        print(f"  Writing {args.values:,} values...", file=sys.stderr)
        fill(args.values)
        count = args.values
        with override_settings(API_REQUESTS_PER_MINUTE=10**9):
            cli = command_line()
            latest, read_latest = through_api(token)
            every, read_every = through_api(token, releases="all")
            deep = DataValue.objects.order_by("pk").values_list("pk", flat=True)[count - PAGE - 1]
            by_offset = one_page(token, offset=str(count - PAGE))
            by_after = one_page(token, after=str(deep))
    assert read_latest == count and read_every == count, (read_latest, read_every)
    rate = count / cli
    pages = -(-count // PAGE)
    print(f"  {count:,} values (SQLite), {PAGE:,} a page through the API:")
    print(f"  {'command line (export-data)':34} {rate:9,.0f} rows/s")
    for name, seconds in (
        ("API, latest releases (default)", latest),
        ("API, every release", every),
    ):
        print(
            f"  {name:34} {count / seconds:9,.0f} rows/s  ({count / seconds / rate:.2f} of the "
            "command line's)"
        )
    floor = pages / 600 * 60
    print(f"  at the default 600 requests a minute, {pages:,} pages take at least {floor:.0f} s")
    print(
        f"  the last page by offset: {by_offset * 1000:,.0f} ms; by after (next): "
        f"{by_after * 1000:,.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
