"""Load test: the production server configuration on PostgreSQL, on 127.0.0.1 (issue #14).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/followup .venv/bin/python bench/load.py

Creates a scratch database beside DATABASE_URL's (its name with ``_bench`` added), loads the demo
into it, starts the real ``followup serve`` with production settings (a strong secret key, DEBUG
off, HTTPS on behind a trusted proxy, PostgreSQL), and plays the reverse proxy itself: every
request carries ``X-Forwarded-Proto: https`` and the client's address in ``X-Forwarded-For``, as
Caddy or nginx would send it. TLS itself is left out: in production the proxy does it, never
Followup. Then, after a warm-up, three phases of ``--duration`` seconds each:

1. one signed-in user reading pages without pause: the baseline;
2. 24 signed-in users reading the home, plan, recommendation, dashboard and indicator pages
   without pause while 4 more add action updates (the action page, then the form posted with its
   CSRF token); goal: at least 40 pages a second, p95 under 1 s, no errors;
3. 50 signed-in users reading with a 1 s pause between pages; goal: p95 under 300 ms.

Prints pages a second, the median, p95 and p99 times and the errors of each phase, and what the
client and the server cost in processor time (the client runs on the same machine, so its share
is taken from the server). The database is dropped at the end (``--keep`` keeps it). Bounded:
about 4 minutes with the defaults. Never part of ``make test``.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLLOWUP = Path(sys.executable).parent / "followup"
HOST = "followup.example.org"
SLUG = "south-ayrshire"
REOPENED: list[str] = []  # GETs sent again on a new connection after an idle one was closed
PASSWORD = "a long benchmark passphrase for the demo users"
SECRET_KEY = "load-benchmark-secret-key-0123456789-abcdefghijklmnopqrstuvwxyzABCDEF"
READERS = ("lead", "editor", "contributor", "viewer")
WRITERS = ("lead", "editor", "contributor")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN = re.compile(r"<input[^>]*type=\"hidden\"[^>]*>")


@dataclass
class Sample:
    seconds: float
    ok: bool
    kind: str
    what: str = ""  # for an error: the path and the status or the failure


@dataclass
class Phase:
    name: str
    users: int
    duration: float
    samples: list[Sample] = field(default_factory=list)
    client_cpu: float = 0.0
    server_cpu: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


class Browser:
    """One signed-in person behind the proxy: one keep-alive connection and its cookies."""

    def __init__(self, port: int, address: str) -> None:
        self.port = port
        self.address = address
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.used = False  # whether the open connection has carried a request

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str]:
        headers = {
            "Host": HOST,
            "X-Forwarded-For": self.address,
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{HOST}"
            headers["Referer"] = f"https://{HOST}{path}"
        try:
            response, page = self._send(method, path, body, headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # A keep-alive connection the server closed while it lay idle (waitress closes
            # them after its channel timeout): a browser sends a GET again on a new connection.
            self.connection.close()
            if method != "GET" or not self.used:
                raise
            REOPENED.append(path)
            response, page = self._send(method, path, body, headers)
        self.used = True
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.used = False
        for line in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                self.cookies[name] = morsel.value
        return response.status, page

    def _send(
        self, method: str, path: str, body: str | None, headers: dict[str, str]
    ) -> tuple[http.client.HTTPResponse, str]:
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            return response, response.read().decode()
        except (OSError, http.client.HTTPException):
            self.connection.close()  # opened again by the next request
            self.used = False
            raise

    def sign_in(self, username: str) -> None:
        _, page = self.request("GET", "/accounts/login/")
        token = TOKEN.search(page)
        assert token, "no CSRF token on the sign-in page"
        form = {"login": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]}
        status, _ = self.request("POST", "/accounts/login/", form)
        if status != 302:
            raise SystemExit(f"load: {username} could not sign in (status {status}).")


@dataclass
class Site:
    """The pages read, found by following the demo's own links."""

    recommendations: list[str]
    indicators: list[str]
    actions: list[str]

    def reading_list(self) -> list[str]:
        return [
            f"/p/{SLUG}/",  # the home page: "/" sends a member of one partnership here
            f"/p/{SLUG}/plan/",
            random.choice(self.recommendations),
            f"/p/{SLUG}/indicators/",
            random.choice(self.indicators),
        ]


def discover(browser: Browser) -> Site:
    pages: dict[str, str] = {}

    def links(pattern: str, *paths: str) -> list[str]:
        found: set[str] = set()
        for path in paths:
            if path not in pages:
                status, pages[path] = browser.request("GET", path)
                assert status == 200, (path, status)
            found.update(re.findall(pattern, pages[path]))
        assert found, f"no link matching {pattern} on {', '.join(paths)}"
        return sorted(found)

    plan = f"/p/{SLUG}/plan/"
    actions = links(rf'href="(/p/{SLUG}/actions/\d+/)"', plan)
    return Site(
        links(rf'href="(/p/{SLUG}/recommendations/\d+/)"', plan, *actions),
        links(rf'href="(/p/{SLUG}/indicators/\d+/)"', f"/p/{SLUG}/indicators/"),
        actions,
    )


def timed(
    phase: Phase, kind: str, path: str, call: Callable[[], tuple[int, str]], expect: int
) -> str:
    started = time.perf_counter()
    try:
        status, page = call()
        ok, what = status == expect, str(status)
    except (OSError, http.client.HTTPException) as error:
        page, ok, what = "", False, type(error).__name__
    phase.add(Sample(time.perf_counter() - started, ok, kind, "" if ok else f"{path} {what}"))
    return page


def reader(browser: Browser, site: Site, phase: Phase, until: float, pause: float) -> None:
    while time.monotonic() < until:
        for path in site.reading_list():
            if time.monotonic() >= until:
                return
            timed(phase, "read", path, lambda p=path: browser.request("GET", p), 200)  # type: ignore[misc]
            if pause:
                time.sleep(pause)


def writer(browser: Browser, site: Site, phase: Phase, until: float, number: int) -> None:
    count = 0
    while time.monotonic() < until:
        action = random.choice(site.actions)
        page = timed(phase, "write", action, lambda a=action: browser.request("GET", a), 200)  # type: ignore[misc]
        form = _update_form(page, action)
        if form is None:
            continue
        count += 1
        form.update(
            on=datetime.date.today().isoformat(),
            status="in_progress",
            rating="on_track",
            note=f"Load test update {count} from writer {number}.",
        )
        post = (f"{action}updates/", form)
        timed(phase, "write", post[0], lambda p=post: browser.request("POST", *p), 302)  # type: ignore[misc]


def _update_form(page: str, action: str) -> dict[str, str] | None:
    start = page.find(f'action="{action}updates/"')
    if start < 0:
        return None
    end = page.find("</form>", start)
    form: dict[str, str] = {}
    for tag in HIDDEN.findall(page[start:end]):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            form[name[1]] = value[1] if value else ""
    return form


def run_phase(
    phase: Phase,
    browsers: list[Browser],
    writers: list[Browser],
    site: Site,
    pause: float,
    server: Server,
) -> Phase:
    until = time.monotonic() + phase.duration
    threads = [
        threading.Thread(target=reader, args=(b, site, phase, until, pause)) for b in browsers
    ]
    threads += [
        threading.Thread(target=writer, args=(b, site, phase, until, n))
        for n, b in enumerate(writers)
    ]
    client_before, server_before = time.process_time(), server.cpu_seconds()
    started = time.monotonic()
    for thread in threads:
        thread.start()
        if pause:  # paced users start spread over one pause, not all at once
            time.sleep(pause / len(threads))
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    phase.client_cpu = (time.process_time() - client_before) / wall
    phase.server_cpu = (server.cpu_seconds() - server_before) / wall
    phase.duration = wall
    return phase


class Server:
    """``followup serve`` and the processes it starts."""

    def __init__(self, env: dict[str, str], port: int, workers: int, threads: int, log: Path):
        self.log = log.open("w")
        command = [str(FOLLOWUP), "serve", "--port", str(port), "--workers", str(workers)]
        self.process = subprocess.Popen(
            [*command, "--threads", str(threads)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"load: followup serve stopped; its log is {log}.")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("load: followup serve did not start within 2 minutes.")

    def pids(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            return [self.process.pid, *map(int, children.read_text().split())]
        except OSError:
            return [self.process.pid]

    def cpu_seconds(self) -> float:
        """Processor time of the server's processes so far (Linux only; 0 elsewhere)."""
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime and stime, in clock ticks
        return total / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 0.0

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def _quantile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(phase: Phase, goal: str) -> None:
    times = [s.seconds * 1000 for s in phase.samples]
    errors = sum(not s.ok for s in phase.samples)
    print(
        f"{phase.name:<34} {phase.users:>5} {len(times) / phase.duration:>8.1f} "
        f"{_quantile(times, 50):>7.0f} {_quantile(times, 95):>7.0f} {_quantile(times, 99):>7.0f} "
        f"{errors:>6} {phase.client_cpu:>7.2f} {phase.server_cpu:>7.2f} "
        f"{phase.server_cpu * phase.duration / max(1, len(times)) * 1000:>7.0f}  {goal}"
    )
    for what, count in Counter(s.what for s in phase.samples if not s.ok).most_common(3):
        print(f"  error: {what} ({count} times)")


def _goal(met: bool, text: str) -> str:
    return f"goal {text}: {'met' if met else 'MISSED'}"


def scratch_database(base_url: str) -> str:
    parsed = urllib.parse.urlparse(base_url)
    name = parsed.path.lstrip("/") + "_bench"
    import psycopg

    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return parsed._replace(path=f"/{name}").geturl()


def drop_database(url: str) -> None:
    import psycopg

    parsed = urllib.parse.urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')


def production_environment(database_url: str, folder: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FOLLOWUP_", "DJANGO_"))}
    return {
        **base,
        "DATABASE_URL": database_url,
        "FOLLOWUP_SECRET_KEY": SECRET_KEY,
        "FOLLOWUP_ALLOWED_HOSTS": HOST,
        "FOLLOWUP_CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "FOLLOWUP_TRUSTED_PROXY": "127.0.0.1",
        "FOLLOWUP_DATA_DIR": str(folder / "var"),
        "FOLLOWUP_EMAIL_URL": "console://",
        "FOLLOWUP_DEMO_PASSWORD": PASSWORD,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds per phase (60)")
    parser.add_argument("--workers", type=int, default=0, help="server processes (one a core)")
    parser.add_argument("--threads", type=int, default=0, help="threads a process (default)")
    parser.add_argument("--readers", type=int, default=24)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--paced", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        print("Load test: skipped (set DATABASE_URL to a PostgreSQL server to run it).")
        return 0
    folder = Path(tempfile.mkdtemp(prefix="followup-load-"))
    database_url = scratch_database(base_url)
    env = production_environment(database_url, folder)
    server = None
    try:
        started = time.monotonic()
        loaded = subprocess.run(
            [str(FOLLOWUP), "demo"], env=env, capture_output=True, text=True, check=False
        )
        if loaded.returncode:
            print(loaded.stdout + loaded.stderr, file=sys.stderr)
            return 1
        print(
            f"Demo loaded into {database_url.rsplit('/', 1)[1]} in {time.monotonic() - started:.0f} s."
        )
        port = free_port()
        serve_args = {
            "workers": args.workers or len(os.sched_getaffinity(0)),
            "threads": args.threads or 8,
        }
        server = Server(
            env, port, serve_args["workers"], serve_args["threads"], folder / "serve.log"
        )
        return _measure(args, port, server, serve_args)
    finally:
        if server is not None:
            server.stop()
            log = (folder / "serve.log").read_text(errors="replace")
            problems = [line for line in log.splitlines() if " ERROR " in line]
            print(f"Server log: {len(problems)} error line{'s' if len(problems) != 1 else ''}.")
            print(
                f"Idle keep-alive connections the server had closed, sent again on a new one "
                f"(as a browser does; counted in the times, not as errors): {len(REOPENED)}."
            )
            for line in problems[:5]:
                print("  " + line)
        if not args.keep:
            drop_database(database_url)
        shutil.rmtree(folder, ignore_errors=True)


def _measure(args: argparse.Namespace, port: int, server: Server, serve: dict[str, int]) -> int:
    def signed_in(username: str, n: int) -> Browser:
        browser = Browser(port, f"198.51.100.{n % 250 + 1}")
        browser.sign_in(username)
        return browser

    count = 1 + args.readers + args.writers + args.paced
    print(f"Signing in {count} users ...", flush=True)
    one = signed_in("viewer", 0)
    site = discover(one)
    readers = [signed_in(READERS[n % len(READERS)], n + 1) for n in range(args.readers)]
    writers = [signed_in(WRITERS[n % len(WRITERS)], 100 + n) for n in range(args.writers)]
    paced = [signed_in(READERS[n % len(READERS)], 150 + n) for n in range(args.paced)]
    print(
        f"followup serve: {serve['workers']} processes of {serve['threads']} threads on "
        f"{os.cpu_count()} cores; {len(site.recommendations)} recommendations, "
        f"{len(site.indicators)} indicators, {len(site.actions)} actions. Warming up ...",
        flush=True,
    )
    run_phase(Phase("warm-up", len(readers), 5), readers, [], site, 0, server)
    baseline = run_phase(Phase("1 user, no pause", 1, args.duration), [one], [], site, 0, server)
    closed = run_phase(
        Phase(
            f"{args.readers} readers + {args.writers} writers",
            args.readers + args.writers,
            args.duration,
        ),
        readers,
        writers,
        site,
        0,
        server,
    )
    paced_phase = run_phase(
        Phase(f"{args.paced} users, 1 s pause", args.paced, args.duration),
        paced,
        [],
        site,
        1.0,
        server,
    )
    print()
    print(
        f"{'phase':<34} {'users':>5} {'pages/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6} {'client':>7} {'server':>7} {'cpu ms':>7}"
    )
    report(baseline, "(baseline)")
    closed_times = [s.seconds for s in closed.samples]
    report(
        closed,
        _goal(
            len(closed_times) / closed.duration >= 40
            and _quantile(closed_times, 95) < 1
            and all(s.ok for s in closed.samples),
            ">= 40 pages/s, p95 < 1 s, no errors",
        ),
    )
    writes = [s for s in closed.samples if s.kind == "write"]
    print(f"  of which the writers': {len(writes)} pages ({len(writes) // 2} updates added)")
    paced_times = [s.seconds for s in paced_phase.samples]
    report(paced_phase, _goal(_quantile(paced_times, 95) < 0.3, "p95 < 300 ms"))
    print()
    print(
        "client and server: processor time used, in cores (1.00 = one core busy); cpu ms: the "
        "server's processor time a page, PostgreSQL's not included. The client shares the "
        "machine with the server: its share is taken from the server's."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
