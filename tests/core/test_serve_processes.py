"""``followup serve`` runs one waitress process per core (``--workers``): the first process
starts the others, starts a new one in place of one that dies, and stops them all on SIGTERM."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from followup.cli_serve import QUICK_DEATH_SECONDS
from tests.core.test_cli import run
from tests.core.test_proxied_serve import HOST, _environment, _wait_for
from tests.core.test_request_size import _free_port
from tests.migrated import copy_database


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return sorted(int(child) for child in text.split())


def _wait_for_children(pid: int, ready: Callable[[list[int]], bool]) -> list[int]:
    deadline = time.monotonic() + 30
    while not ready(children := _children(pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return children


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] != "Z"


def _answers(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        "GET", "/accounts/login/", headers={"Host": HOST, "X-Forwarded-Proto": "https"}
    )
    status = connection.getresponse().status
    connection.close()
    return status


def test_three_processes_serve_one_killed_is_replaced_and_sigterm_stops_them_all(
    tmp_path, migrated_sqlite
):
    env = _environment(tmp_path)
    copy_database(migrated_sqlite, tmp_path / "followup.sqlite3")
    port = _free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FOLLOWUP_", "DJANGO_"))}
    base.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "followup.cli", "serve", "--port", str(port), "--workers", "3"],
        cwd=tmp_path,
        env={**base, **env},
        stdout=(tmp_path / "out").open("w"),
        stderr=(tmp_path / "err").open("w"),
    )
    try:
        _wait_for(port, server)  # listening: the processes are started just after
        first = _wait_for_children(server.pid, lambda children: len(children) == 3)
        started = time.monotonic()
        assert _answers(port) == 200
        # Past the time within which a process that dies is taken for a broken configuration.
        time.sleep(max(0.0, QUICK_DEATH_SECONDS + 0.5 - (time.monotonic() - started)))
        os.kill(first[0], signal.SIGKILL)
        now = _wait_for_children(server.pid, lambda c: len(c) == 3 and first[0] not in c)
        assert len(now) == 3 and first[0] not in now and set(first[1:]) < set(now)
        assert _answers(port) == 200
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    out, err = (tmp_path / "out").read_text(), (tmp_path / "err").read_text()
    assert server.returncode == 0, err
    assert "(3 processes of 8 threads; press Ctrl+C to stop)" in out
    assert f"serve: process {first[0]} stopped (killed by SIGKILL)." in err
    assert not any(_alive(pid) for pid in now)


def test_a_port_already_taken_stops_serve_saying_so(tmp_path):
    port = _free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        result = run("serve", "--port", str(port), env=_environment(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == f"serve: cannot listen on 127.0.0.1:{port}: Address already in use.\n"
