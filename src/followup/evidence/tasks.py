"""Large downloads of qualitative evidence prepared in the background (``jobs.exports``): every
excerpt as CSV or XLSX, and the whole REFI-QDA project. Each checks again, as the person who
asked, what the download checks, and writes what it would have sent them."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django_tasks import task

from followup.evidence import exports
from followup.evidence.models import Code
from followup.evidence.refi import project_qdpx
from followup.jobs.actions import ExportFile
from followup.jobs.exports import counted, temporary_file
from followup.jobs.models import Job
from followup.jobs.runner import Done, Progress, run_job
from followup.lib.tables import content_type, write_table
from followup.partnerships.access import Capability, require


@task()
def export_excerpts(job_id: int, code_id: int | None, filters: dict[str, str], fmt: str) -> None:
    run_job(job_id, partial(_excerpts, code_id=code_id, filters=filters, fmt=fmt))


def _excerpts(
    job: Job,
    user: User,
    progress: Progress,
    *,
    code_id: int | None,
    filters: dict[str, str],
    fmt: str,
) -> Done:
    partnership = job.partnership
    require(user, partnership, Capability.READ_EVIDENCE)
    code = None
    if code_id is not None:
        code = Code.objects.filter(partnership=partnership, pk=code_id).first()
        if code is None:
            raise ValidationError("The code whose excerpts were asked for has been deleted.")
    table = exports.excerpt_table(partnership, code, filters)
    total = table.count()
    progress.stage("Writing the excerpts", total)
    out = temporary_file()
    write_table(
        out,
        fmt,
        table.headers,
        counted(table.rows(), progress, total),
        sheet=exports.EXCERPT_SHEET,
        notes=exports.EXCERPT_NOTES,
    )
    filename = table.filename(fmt)
    return Done(
        f"Prepared {total:,} excerpt{'' if total == 1 else 's'} as {filename}.",
        "",
        file=ExportFile(filename, content_type(fmt), out),
    )


@task()
def export_project(job_id: int) -> None:
    run_job(job_id, _project)


def _project(job: Job, user: User, progress: Progress) -> Done:
    partnership = job.partnership
    require(user, partnership, Capability.CODE_EVIDENCE)
    progress.stage("Writing the project")
    out = temporary_file()
    out.write(project_qdpx(partnership))
    filename = exports.project_filename(partnership)
    return Done(
        f"Prepared the whole project as {filename}.",
        "",
        file=ExportFile(filename, "application/zip", out),
    )
