"""Benchmarks for performance data: importing, and the indicator dashboard.

- Import: N tidy rows (default 1,000,000) through the importer with every check on (reading,
  planning, applying), in rows per second, beside a bare ``executemany`` of the same rows into a
  table of the same shape in the same database, in the same run. Goal: at least a third of the
  bare speed.
- Dashboard: 200 indicators of 60 monthly periods; server time for the page, median of 20 runs.
  Goal: under 300 ms.

Runs on a fresh SQLite database in a temporary folder, and again on PostgreSQL when DATABASE_URL
is set (a scratch database is created beside it and dropped afterwards).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django(database_url: str | None, folder: str) -> None:
    os.environ["FOLLOWUP_SECRET_KEY"] = (
        "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    )
    os.environ["FOLLOWUP_HTTPS"] = "false"
    os.environ["FOLLOWUP_DATA_DIR"] = folder
    os.environ["FOLLOWUP_ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ["DJANGO_SETTINGS_MODULE"] = "followup.settings"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


def make_rows(count: int) -> tuple[bytes, list[str], list[str]]:
    areas = [f"S{9 * 10**7 + i:08d}" for i in range(100)]
    elements = [f"element_{i:03d}" for i in range(100)]
    periods_needed = max(1, -(-count // (len(areas) * len(elements))))
    periods = [f"{2000 + m // 12}-{m % 12 + 1:02d}" for m in range(periods_needed)]
    lines = ["area_code,period,data_element,value"]
    produced = 0
    for period in periods:
        for element in elements:
            for i, area in enumerate(areas):
                if produced == count:
                    break
                lines.append(f"{area},{period},{element},{(produced * 7 + i) % 1000}")
                produced += 1
    return ("\n".join(lines) + "\n").encode(), areas, elements


def bench_import(count: int, label: str) -> tuple[float, float]:
    from django.db import connection, transaction

    from followup.indicators.importer import apply_import, plan_import
    from followup.indicators.models import DataElement, DataValue
    from followup.lib.tabular import read_table
    from followup.lib.types import CommandLine
    from followup.partnerships.models import Area

    data, areas, elements = make_rows(count)
    Area.objects.bulk_create([Area(code=a, name=a) for a in areas], ignore_conflicts=True)
    DataElement.objects.bulk_create(
        [DataElement(code=e, name=e, period_kind="month", is_count=True) for e in elements],
        ignore_conflicts=True,
    )
    DataValue.objects.all().delete()
    start = time.perf_counter()
    plan = plan_import(read_table(data, "bench.csv"), release="Benchmark release")
    assert plan.ok, plan.errors[:3]
    apply_import(plan, actor=CommandLine.current())
    ours = count / (time.perf_counter() - start)
    assert DataValue.objects.count() == count

    # The baseline: the same rows, with their ids already known, written by one bare
    # executemany into the same table (same columns, constraints and indexes), after emptying it.
    stored = list(
        DataValue.objects.values_list(
            "element_id", "area_id", "period_id", "release_id", "value", "status", "note"
        )
    )
    DataValue.objects.all().delete()
    table = connection.ops.quote_name(DataValue._meta.db_table)
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (element_id, area_id, period_id, release_id, value, status, note) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            stored,
        )
    bare = count / (time.perf_counter() - start)
    print(
        f"  import ({label}): {ours:,.0f} rows/s with every check on; bare executemany {bare:,.0f} rows/s; "
        f"ratio {ours / bare:.2f} (goal: at least 0.33) {'met' if ours / bare >= 1 / 3 else 'MISSED'}"
    )
    return ours, bare


def bench_dashboard(
    label: str, indicators: int = 200, periods: int = 60, repeats: int = 20
) -> float:
    import datetime

    import numpy as np
    from django.contrib.auth.models import User
    from django.test import Client

    from followup.indicators.models import DataElement, DataValue, Indicator, Period, Release
    from followup.partnerships.models import Area, Membership, Partnership

    rng = np.random.default_rng(7)
    area, _ = Area.objects.get_or_create(code="S12999999", defaults={"name": "Benchmark area"})
    partnership = Partnership.objects.create(
        slug=f"bench-{time.time_ns()}", name="Benchmark partnership", area=area
    )
    user = User.objects.create_user(f"bench{time.time_ns()}", password="benchmark-password-long")
    Membership.objects.create(user=user, partnership=partnership, role="viewer")
    release = Release.objects.create(name=f"Benchmark dashboard {time.time_ns()}")
    months = []
    for m in range(periods):
        start = datetime.date(2019 + m // 12, m % 12 + 1, 1)
        end = (start.replace(day=28) + datetime.timedelta(days=4)).replace(
            day=1
        ) - datetime.timedelta(days=1)
        months.append(
            Period.objects.get_or_create(
                id=start.strftime("%Y-%m"), defaults={"kind": "month", "start": start, "end": end}
            )[0]
        )
    values = []
    for i in range(indicators):
        element = DataElement.objects.create(
            code=f"dash_{partnership.pk}_{i}",
            name=f"Dashboard element {i}",
            period_kind="month",
            is_count=False,
        )
        Indicator.objects.create(
            partnership=partnership,
            code=f"ind-{i}",
            name=f"Indicator {i}",
            numerator=element,
            area=area,
            improvement_direction=["increase", "decrease", "neutral"][i % 3],
            target=50.0 if i % 2 else None,
        )
        series = rng.normal(50, 5, periods) + np.linspace(0, rng.normal(0, 6), periods)
        values += [
            DataValue(element=element, area=area, period=p, release=release, value=float(v))
            for p, v in zip(months, series, strict=True)
        ]
    DataValue.objects.bulk_create(values, batch_size=5000)
    client = Client()
    client.force_login(user)
    url = f"/p/{partnership.slug}/indicators/"
    assert client.get(url).status_code == 200
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - began)
        assert response.status_code == 200
    median = statistics.median(times) * 1000
    print(
        f"  dashboard ({label}): {indicators} indicators x {periods} periods, median of {repeats}: "
        f"{median:.0f} ms (goal: under 300 ms) {'met' if median < 300 else 'MISSED'}"
    )
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") if args.database == "postgresql" else None
    if args.database == "postgresql" and not database_url:
        print("  PostgreSQL: skipped (set DATABASE_URL to a PostgreSQL server to measure it too)")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        setup_django(database_url, folder)
        from django.test.utils import setup_databases, teardown_databases

        created = setup_databases(verbosity=0, interactive=False) if database_url else None
        if not database_url:
            from django.core.management import call_command

            call_command("migrate", verbosity=0, interactive=False)
        try:
            ours, bare = bench_import(args.rows, args.database)
            median = bench_dashboard(args.database)
        finally:
            if created is not None:
                teardown_databases(created, verbosity=0)
    return 0 if ours / bare >= 1 / 3 and median < 300 else 1


if __name__ == "__main__":
    sys.exit(main())
