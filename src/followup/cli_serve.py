"""``followup serve``: waitress, in one process per core.

Each process is a waitress server with its own threads, accepting connections from one listening
socket that the first process opens and the others inherit. Every process handles HTTP exactly as
one waitress did before (docs/deploy.md, "Running it", says why waitress and not gunicorn): the
trusted proxy's headers, the rightmost ``X-Forwarded-For`` entry as the client's address, the
untrusted proxy headers cleared, and a request body over ``MAX_REQUEST_BYTES`` refused before it
is read. The first process only watches the others: it starts a new one when one dies, and stops
them all on SIGTERM or Ctrl+C.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from followup.clitools import fail as _fail

# A process that dies sooner than this after starting is not started again: something is wrong
# with the configuration or the code, and starting it again would only repeat the failure.
QUICK_DEATH_SECONDS = 5.0
# How long the processes are given to finish their requests once told to stop.
STOP_SECONDS = 20.0
BACKLOG = 1024
# A connection on which nothing arrives or leaves for this long, and whose request is not being
# answered, is closed: an idle keep-alive connection, or a request whose headers or body stopped
# coming. waitress's default is 120 seconds, looked at every 30 (so up to two and a half
# minutes): a few hundred connections that send half a request and then nothing held every
# connection a process takes for that long. Only silence counts, never the length of a request:
# an upload of the whole 20 MB over a slow link (2 minutes and more at 1 Mbit/s) sends something
# many times a second and is never cut; a request being answered is never cut, however long it
# takes. A trickle of a byte every few seconds is not stopped by this: only a proxy that reads
# whole requests before passing them on stops that (docs/deploy.md, "Slow clients").
IDLE_SECONDS = 30
IDLE_CHECK_SECONDS = 10
# Connections one process holds open at once (waitress's default is 100, among them its own
# three): a browser keeps up to six open after a page, so some sixteen visitors to a server with
# no proxy in front could fill a process. Each connection takes a file descriptor, and up to two
# more when a large request or answer overflows to a temporary file: 250 stay within the 1,024
# a process may open by default.
CONNECTIONS = 250


def default_workers() -> int:
    """One process per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def cmd_serve(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.db import connections

    from followup.web.checks import https_is_seen_behind_the_proxy
    from followup.wsgi import application

    settings.TRUSTED_PROXY = args.trusted_proxy
    settings.TRUSTED_PROXY_HEADERS = args.trusted_proxy_headers.split()
    problems = https_is_seen_behind_the_proxy()
    for problem in problems:
        print(f"serve: {problem.msg}\n  {problem.hint}", file=sys.stderr)
    if any(problem.is_serious() for problem in problems):
        return _fail("serve: refused to start with this configuration.")
    options = waitress_options(args, settings.TRUSTED_PROXY_HEADERS, settings.MAX_REQUEST_BYTES)
    try:
        listening = listen(args.host, args.port)
    except OSError as error:
        return _fail(f"serve: cannot listen on {args.host}:{args.port}: {error.strerror}.")
    workers = args.workers if hasattr(os, "fork") else 1
    print(
        f"Followup is at http://{args.host}:{args.port}/  ({workers} process"
        f"{'es' if workers != 1 else ''} of {args.threads} threads; press Ctrl+C to stop)",
        flush=True,
    )
    # No process may share the parent's database connections.
    connections.close_all()
    if workers == 1:
        _serve_one(application, listening, options)
        return 0
    return Supervisor(lambda: _serve_one(application, listening, options), workers).run()


def waitress_options(
    args: argparse.Namespace, headers: list[str], max_body: int
) -> dict[str, object]:
    """waitress's options for every process. The scheme, host and client address come from the
    trusted proxy's headers; the client address is the rightmost one in X-Forwarded-For, the one
    the proxy itself added. A request body more than twice as large as FOLLOWUP_MAX_UPLOAD_MB
    allows is refused with 413 as soon as its Content-Length is read (a chunked one as soon as
    it passes that size), never read. One a little over the limit (files chosen together a few
    megabytes too large) reaches Followup, whose first middleware refuses it unread with its own
    page, saying what the limit is and what to do, rather than waitress's line of plain text.
    Idle connections are closed sooner than waitress's default, more are held, and they are
    watched with poll(), which has no limit on descriptors' numbers (select() fails past 1,023);
    the backlog is the listening socket's, which waitress sets again."""
    trusted = {
        "trusted_proxy": args.trusted_proxy,
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": " ".join(headers),
    }
    return {
        "threads": args.threads,
        "ident": "Followup",
        "max_request_body_size": 2 * max_body,
        "clear_untrusted_proxy_headers": True,
        "channel_timeout": IDLE_SECONDS,
        "cleanup_interval": IDLE_CHECK_SECONDS,
        "connection_limit": CONNECTIONS,
        "asyncore_use_poll": True,
        "backlog": BACKLOG,
        **(trusted if args.trusted_proxy else {}),
    }


def listen(host: str, port: int) -> socket.socket:
    """The one listening socket every process accepts connections from."""
    info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    listening = socket.socket(info[0], socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.bind(info[4])
    listening.listen(BACKLOG)
    return listening


def _serve_one(application: Any, listening: socket.socket, options: dict[str, object]) -> None:
    import waitress

    waitress.serve(application, sockets=[listening], **options)


class _Stop(Exception):
    """SIGTERM or SIGINT arrived: stop every process."""


class Supervisor:
    """Runs ``serve`` in ``workers`` forked processes, starts a new one when one dies, and stops
    them all on SIGTERM or SIGINT (Ctrl+C)."""

    def __init__(self, serve: Callable[[], None], workers: int) -> None:
        self.serve = serve
        self.workers = workers
        self.started: dict[int, float] = {}  # process id: when it started

    def run(self) -> int:
        # Inherited as ignored (some process managers do), SIGCHLD would have dead processes
        # reaped unseen, and none would be started in their place.
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        try:
            for _ in range(self.workers):
                self._start()
            while True:
                pid, status = os.wait()
                began = self.started.pop(pid, None)
                if began is None:
                    continue
                code = os.waitstatus_to_exitcode(status)
                print(f"serve: process {pid} stopped ({_exit_text(code)}).", file=sys.stderr)
                if time.monotonic() - began < QUICK_DEATH_SECONDS:
                    self._stop_all()
                    return _fail(
                        f"serve: a process stopped within {QUICK_DEATH_SECONDS:.0f} seconds of "
                        "starting; stopped the others rather than start it again."
                    )
                self._start()
        except _Stop:
            self._stop_all()
            return 0

    def _start(self) -> None:
        # Signals wait until each process has the handlers it needs: a SIGTERM that reached a
        # new process before then would run the supervisor's handler in it.
        stopping = {signal.SIGTERM, signal.SIGINT}
        signal.pthread_sigmask(signal.SIG_BLOCK, stopping)
        pid = os.fork()
        if pid == 0:  # the new process: Ctrl+C reaches it through the supervisor
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, stopping)
            code = 0
            try:
                self.serve()
            except BaseException:  # the traceback is printed, the process ends
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        self.started[pid] = time.monotonic()
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stopping)

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        raise _Stop

    def _stop_all(self) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for pid in self.started:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        while self.started and time.monotonic() < deadline:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:  # none left
                break
            if pid == 0:
                time.sleep(0.05)
            else:
                self.started.pop(pid, None)
        for pid in self.started:
            _signal(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def _exit_text(code: int) -> str:
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit status {code}"


def add_serve_command(commands: Any, command: Callable[..., argparse.ArgumentParser]) -> None:
    """``followup serve`` and its options."""
    from followup.settings_registry import setting_int, setting_text

    serve = command(
        commands,
        "serve",
        cmd_serve,
        "Serve Followup with the waitress WSGI server, in one process per core (docs/deploy.md).",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument(
        "--workers",
        type=_positive,
        default=setting_int("FOLLOWUP_SERVE_PROCESSES") or default_workers(),
        help="processes serving requests (default FOLLOWUP_SERVE_PROCESSES, or one per core)",
    )
    serve.add_argument(
        "--threads",
        type=_positive,
        default=setting_int("FOLLOWUP_SERVE_THREADS"),
        help="threads in each process (default FOLLOWUP_SERVE_THREADS, 8)",
    )
    serve.add_argument(
        "--trusted-proxy",
        metavar="ADDRESS",
        default=setting_text("FOLLOWUP_TRUSTED_PROXY"),
        help="the reverse proxy's address, whose X-Forwarded-* headers are trusted (default "
        "FOLLOWUP_TRUSTED_PROXY; see docs/deploy.md)",
    )
    serve.add_argument(
        "--trusted-proxy-headers",
        metavar="HEADERS",
        default=setting_text("FOLLOWUP_TRUSTED_PROXY_HEADERS"),
        help="the headers taken from the trusted proxy, separated by spaces (default "
        "FOLLOWUP_TRUSTED_PROXY_HEADERS)",
    )


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return number
