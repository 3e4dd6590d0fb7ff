"""Benchmark: the dashboard, indicator and recommendation pages at demo size and at national size.

On PostgreSQL (DATABASE_URL names the server; two databases are made beside it):

- ``<name>_demo`` is made afresh each run and holds the demo: South Ayrshire's pages are measured.
- ``<name>`` holds the synthetic national data (``followup.demo.national``: 32 partnerships ×
  10 years × 200 indicators, 1,254,000 values, 50,000 codings). It is generated once and kept:
  a later run with the same generator version, seed and scale reuses it, so reruns are quick.
  The first synthetic partnership's pages are measured.

Each page is requested by a signed-in member through Django's test Client (server time, no
network): one request to warm up (its database queries are counted), then ``--requests`` more
(fewer if they take more than ``--budget`` seconds together), of which the median and the 95th
percentile are printed, with the median of the process's own CPU time (which other work on a
busy machine inflates less; the database's time is not in it), for the lead officer (who sees
exact figures) and for a viewer (who sees them with small numbers protected). Goal: every
national-size median under 300 ms.

A viewer's first page works out what viewers may not see and keeps it
(``indicators.withheld_memo``); its time is printed on its own line. In a running service a task
does that work after each import, before any viewer asks.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/national.py
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
GOAL_MS = 300.0
PAGES = ("dashboard", "indicator", "recommendation")
ROLES = ("lead", "viewer")


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def setup_django(database_url: str, folder: str) -> None:
    os.environ["FOLLOWUP_SECRET_KEY"] = (
        "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    )
    os.environ["FOLLOWUP_HTTPS"] = "false"
    os.environ["FOLLOWUP_DATA_DIR"] = folder
    os.environ["FOLLOWUP_ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ["FOLLOWUP_REQUIRE_MFA_FOR_PRIVILEGED"] = "false"
    os.environ["DJANGO_SETTINGS_MODULE"] = "followup.settings"
    os.environ["DATABASE_URL"] = database_url
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # no collected assets here
    django.setup()


def ensure_database(server_url: str, name: str, *, fresh: bool) -> None:
    """Create the database (dropping it first when ``fresh``)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _progress(stage: str, done: int, total: int) -> None:
    if not sys.stderr.isatty():
        return
    width = 30
    filled = int(width * done / total) if total else width
    print(
        f"\r  {stage:<12} [{'#' * filled}{' ' * (width - filled)}] {done:,} of {total:,}",
        end="" if done < total else "\n",
        file=sys.stderr,
    )


def measure(
    size: str, seed: int, scale_args: dict[str, int], requests: int, budget: float
) -> dict[str, Any]:
    """In this process's database: load what the size needs, then time each page (child)."""
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from followup.demo import national
    from followup.indicators.models import Indicator, WithheldMemo
    from followup.inspections.models import Recommendation

    call_command("migrate", verbosity=0, interactive=False)
    result: dict[str, Any] = {"size": size}
    if size == "demo":
        from followup.demo.loader import load_demo

        load_demo("benchmark-password-long")
        slug, indicator_code, number = "south-ayrshire", "residential-share", 3
        users = {"lead": "lead", "viewer": "viewer"}
    else:
        scale = national.Scale(**scale_args)
        wanted = national.marker(seed, scale)
        stored = national.generated_marker()
        if stored == wanted:
            result["generated"] = "reused"
        else:
            began = time.perf_counter()
            if stored is not None:
                national.remove(_progress)
            print(f"  generating {scale.describe()} (seed {seed})", file=sys.stderr)
            national.generate(seed, scale, _progress)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            result["generated"] = f"{time.perf_counter() - began:.0f} s"
        slug, indicator_code, number = "synthetic-01", "synthetic-001", 1
        users = {"lead": f"{slug}-lead", "viewer": f"{slug}-viewer"}
    indicator = Indicator.objects.get(partnership__slug=slug, code=indicator_code)
    recommendation = Recommendation.objects.get(inspection__partnership__slug=slug, number=number)
    urls = {
        "dashboard": f"/p/{slug}/indicators/",
        "indicator": f"/p/{slug}/indicators/{indicator.pk}/",
        "recommendation": f"/p/{slug}/recommendations/{recommendation.pk}/",
    }
    # What viewers may not see is worked out afresh by the viewer's first page, as after an import.
    WithheldMemo.objects.filter(partnership__slug=slug).delete()
    for role, username in users.items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        for page, url in urls.items():
            # The first request warms up (and its queries are counted); then requests are
            # timed until there are ``requests`` of them or ``budget`` seconds have gone.
            queries = [0]

            def count(execute: Any, *rest: Any, seen: list[int] = queries) -> Any:
                seen[0] += 1
                return execute(*rest)

            first = time.perf_counter()
            with connection.execute_wrapper(count):
                assert client.get(url).status_code == 200, (size, role, url)
            first = (time.perf_counter() - first) * 1000
            times: list[float] = []
            cpu: list[float] = []
            started = time.perf_counter()
            while len(times) < requests and (not times or time.perf_counter() - started < budget):
                began, began_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append((time.perf_counter() - began) * 1000)
                cpu.append((time.process_time() - began_cpu) * 1000)
                assert response.status_code == 200
            result[f"{role}:{page}"] = {
                "median": statistics.median(times),
                "p95": statistics.quantiles(times, n=20, method="inclusive")[18]
                if len(times) > 1
                else times[0],
                "cpu": statistics.median(cpu),
                "queries": queries[0],
                "requests": len(times),
                "first": first,
            }
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="h_national_bench", help="the national database's name")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--requests", type=int, default=20, help="timed requests a page and role")
    parser.add_argument(
        "--budget",
        type=float,
        default=60.0,
        help="seconds of timed requests a page and role at most",
    )
    parser.add_argument("--partnerships", type=int, default=32)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--codings", type=int, default=50_000)
    parser.add_argument("--measure", choices=["demo", "national"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    scale_args = {
        "partnerships": args.partnerships,
        "years": args.years,
        "elements": args.indicators,
        "codings": args.codings,
    }
    server = os.environ.get("DATABASE_URL", "")
    if args.measure:
        with tempfile.TemporaryDirectory() as folder:
            setup_django(server, folder)
            print(
                json.dumps(measure(args.measure, args.seed, scale_args, args.requests, args.budget))
            )
        return 0
    if not server.startswith("postgres"):
        print("  national size: skipped (set DATABASE_URL to a PostgreSQL server to measure it)")
        return 0
    ensure_database(server, f"{args.name}_demo", fresh=True)
    ensure_database(server, args.name, fresh=False)
    results = {}
    for size, name in (("demo", f"{args.name}_demo"), ("national", args.name)):
        env = {**os.environ, "DATABASE_URL": with_database(server, name)}
        done = subprocess.run(
            [sys.executable, __file__, "--measure", size, *sys.argv[1:]],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        results[size] = json.loads(done.stdout.strip().splitlines()[-1])
    demo, big = results["demo"], results["national"]
    print(
        f"  national size: {args.partnerships} partnerships × {args.years} years × "
        f"{args.indicators} indicators, {args.codings:,} codings (data {big['generated']}); "
        f"up to {args.requests} requests a page (or {args.budget:.0f} s), server time in ms: "
        "median / p95 (median of Python's own CPU time; queries a request, requests timed)"
    )
    met = True
    for role in ROLES:
        for page in PAGES:
            d, n = demo[f"{role}:{page}"], big[f"{role}:{page}"]
            ok = n["median"] < GOAL_MS
            met = met and ok
            print(
                f"  {page:<15} {role:<7} demo {d['median']:6.0f} / {d['p95']:6.0f} "
                f"({d['cpu']:5.0f}; {d['queries']:3d}, {d['requests']:2d})   national "
                f"{n['median']:6.0f} / {n['p95']:6.0f} ({n['cpu']:5.0f}; {n['queries']:3d}, "
                f"{n['requests']:2d})"
                f"   goal median < {GOAL_MS:.0f}: {'met' if ok else 'MISSED'}"
            )
    d, n = demo["viewer:dashboard"], big["viewer:dashboard"]
    print(
        "  a viewer's first page after the figures changed, which works out what viewers may "
        f"not see (a task does this after each import): demo {d['first']:,.0f} ms, national "
        f"{n['first']:,.0f} ms"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
