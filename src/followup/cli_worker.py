"""``followup worker``: runs the background jobs (docs/deploy.md, "Background work")."""

from __future__ import annotations

import argparse
from typing import TypeAlias

from followup.clitools import fail

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _add_worker_commands(commands: Commands) -> None:
    text = (
        "Run background jobs (publishing reports, large imports) until stopped with Ctrl+C or "
        "SIGTERM, which lets the running job finish first. Run one or more beside the web "
        "process; each records a heartbeat that /healthz checks. A job whose worker was killed "
        "is started again from the beginning (nothing of it was written)."
    )
    worker = commands.add_parser("worker", help=text, description=text)
    worker.set_defaults(handler=cmd_worker)
    worker.add_argument(
        "--interval",
        type=float,
        default=1.0,
        help="seconds to wait before looking again when the queue is empty (default 1)",
    )
    worker.add_argument(
        "--worker-id",
        default="",
        help="a name for this worker, unique among them (default: host, process id and a suffix)",
    )
    worker.add_argument(
        "--batch",
        action="store_true",
        help="run the jobs waiting now, then stop",
    )


def cmd_worker(args: argparse.Namespace) -> int:
    from django.conf import settings

    from followup.jobs.worker import run_worker

    if settings.TASKS_BACKEND_NAME != "database":
        return fail(
            f"FOLLOWUP_TASKS_BACKEND is {settings.TASKS_BACKEND_NAME!r}: jobs run where they are "
            "started, so there is nothing for a worker to do. Set it to 'database' to use one."
        )
    if not 0 < args.interval <= 60:
        return fail(f"--interval must be more than 0 and at most 60 seconds; got {args.interval}.")
    if len(args.worker_id) > 64:
        return fail("--worker-id must be at most 64 characters.")
    run_worker(interval=args.interval, worker_id=args.worker_id, batch=args.batch)
    return 0
