"""``followup check-files``: every file Followup keeps is in the storage, and every published file
still has the SHA-256 digest recorded when it was published (docs/deploy.md, "Files and object
storage"). Run it after moving the files to another storage, or after a restore."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator

CHECK_FILES = (
    "Check the stored files: every published report's HTML, PDF and Word files, every progress "
    "pack's Word, PDF and XLSX files, every staged upload's file, every file added to an "
    "action's update and every exported file kept for its download are in the storage, and each "
    "published report's or pack's file has the SHA-256 digest recorded when it was published or "
    "made. Lists each problem, and ends with status 1 if there is one. Only reads."
)


def _add_files_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub = commands.add_parser("check-files", help=CHECK_FILES, description=CHECK_FILES)
    sub.set_defaults(handler=cmd_check_files)


def _progress(done: int, total: int) -> None:
    """How far the check has gone, on standard error, for a person at a terminal."""
    if sys.stderr.isatty() and total:
        end = "\n" if done == total else ""
        print(f"\rChecked {done:,} of {total:,} published reports", end=end, file=sys.stderr)


def _digest(described: str, fmt: str, name: str, digest: str, when: str) -> Iterator[str]:
    """What is wrong with one kept file: missing, or not the file whose digest was recorded."""
    from followup.lib import storedfiles

    try:
        stored = storedfiles.sha256(storedfiles.default(), name)
    except FileNotFoundError:
        yield f"{described}: its {fmt} file {name} is not in the storage"
        return
    if stored != digest:
        yield (
            f"{described}: its {fmt} file {name} has the SHA-256 digest {stored}, not the "
            f"{digest} recorded when it was {when}"
        )


def problems() -> Iterator[str]:
    """Each stored file that is missing, or published and not the file its digest names."""
    from django.db.models import Model

    from followup.evidence.models import SurveyUpload
    from followup.indicators.models import ImportUpload
    from followup.jobs.models import Job
    from followup.lib import storedfiles
    from followup.plans.models import UpdateFile
    from followup.reports.models import FORMATS, PACK_FORMATS, ProgressPack, Publication

    storage = storedfiles.default()
    publications = Publication.objects.order_by("pk")
    total = publications.count()
    for done, publication in enumerate(publications.iterator(), start=1):
        described = (
            f"Publication {publication.pk} (version {publication.version} of “{publication.title}”)"
        )
        for fmt in FORMATS:
            name = str(publication.file(fmt).name)
            yield from _digest(described, fmt, name, publication.digest(fmt), "published")
        _progress(done, total)
    for pack in ProgressPack.objects.select_related("partnership").order_by("pk").iterator():
        described = f"Progress pack {pack.number} of {pack.partnership.name}"
        for fmt in PACK_FORMATS:
            yield from _digest(described, fmt, str(pack.file(fmt).name), pack.digest(fmt), "made")
    kept: list[tuple[type[Model], str, str]] = [
        (ImportUpload, "Staged data file", "data"),
        (SurveyUpload, "Staged survey", "data"),
        (Job, "Export job", "file"),
        (UpdateFile, "Update file", "file"),
    ]
    for model, kind, field in kept:
        rows = model._default_manager.exclude(**{field: ""}).order_by("pk")
        for pk, name in rows.values_list("pk", field):
            if not storage.exists(name):
                yield f"{kind} {pk}: its file {name} is not in the storage"


def cmd_check_files(args: argparse.Namespace) -> int:
    found = 0
    for problem in problems():
        print(problem)
        found += 1
    if found:
        print(f"{found} problem{'s' if found != 1 else ''} with stored files.", file=sys.stderr)
        return 1
    print("Every stored file is in the storage, and every published file has its digest.")
    return 0
