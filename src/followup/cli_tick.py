"""``followup tick``: the scheduled housekeeping, run every few minutes by cron or a systemd
timer beside the web and worker processes (docs/deploy.md, "Running it").

Each step is safe to run at any time and as often as wanted; a run with nothing to do changes
nothing. What a step deletes that people made (staged uploads, exported files, records readings
past the retention rule) is recorded row by row by its action; the rest (expired sessions, old
sign-in throttle rows, finished queue rows, stopped workers' jobs) is recorded as one audit
entry, only when a run changed something. The update
cycle's rounds and escalations are recorded row by row by its actions, and every message it
sends is on the mail record (``followup.plans.cycle_tick``).
"""

from __future__ import annotations

import argparse
import sys
from typing import TypeAlias

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_tick_command(commands: Commands) -> None:
    text = (
        "Do the scheduled housekeeping once: start again (or fail) the jobs of workers that "
        "stopped, purge staged files never imported and exported files older than "
        "FOLLOWUP_EXPORT_DAYS, and delete expired sessions, old sign-in "
        "throttle records and finished tasks' queue rows, and the records reading (returns, "
        "record keys' hashes, samples, pairs, readings, moderated answers and concerns) of "
        "inspections published FOLLOWUP_RECORDS_RETENTION_MONTHS or more ago, recording that it "
        "did; then run the update cycle: open the "
        "rounds of update requests that are due, and send their emails, reminders and "
        "escalations, each once. Run it every five minutes."
    )
    tick = commands.add_parser("tick", help=text, description=text)
    tick.set_defaults(handler=cmd_tick)


def cmd_tick(args: argparse.Namespace) -> int:
    from django.conf import settings

    from followup.accounts import throttle
    from followup.accounts.actions import clear_expired_sessions
    from followup.audit.log import record_command
    from followup.clitools import operator
    from followup.evidence.surveys import purge_expired_surveys
    from followup.indicators.actions import purge_expired_uploads
    from followup.jobs.actions import prune_finished_tasks, purge_exports, recover_abandoned
    from followup.plans.cycle_tick import NoAddress, run_cycle
    from followup.records.actions_retention import delete_expired_readings

    actor = operator()
    requeued, failed = recover_abandoned(settings.WORKER_STALE_SECONDS)
    surveys, uploads = purge_expired_surveys(actor), purge_expired_uploads(actor)
    exported = purge_exports(actor)
    sessions = clear_expired_sessions()
    pruned = throttle.prune()
    tasks = prune_finished_tasks(settings.FINISHED_TASK_DAYS)
    readings = len(delete_expired_readings(actor))
    counts = {
        "jobs started again": requeued,
        "jobs failed": failed,
        "staged surveys purged": surveys,
        "staged data files purged": uploads,
        "exported files deleted": exported,
        "expired sessions deleted": sessions,
        "sign-in throttle records deleted": pruned,
        "finished tasks' queue rows deleted": tasks,
        "inspections' records readings deleted (retention rule)": readings,
    }
    try:  # last, so that the housekeeping is done whatever the mail server does
        counts |= run_cycle(actor).counts()
    except NoAddress as reason:
        print(reason, file=sys.stderr)
    done = {what: count for what, count in counts.items() if count}
    if not done:
        print("Nothing to do.")
        return 0
    record_command(actor, "tick", changes={what: [None, count] for what, count in done.items()})
    for what, count in done.items():
        print(f"{what[0].upper()}{what[1:]}: {count:,}.")
    return 0
