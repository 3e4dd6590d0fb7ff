"""The database a real ``followup worker`` works on, for tests/jobs/test_worker.py.

Run as ``python -m tests.jobs.worker_world COMMAND`` with DATABASE_URL naming a SQLite file or
a PostgreSQL database of the test's own (the test run's in-memory SQLite cannot be shared with
another process). Each command prints one line of JSON:

- ``setup``: migrate, then one partnership with an inspector, a lead and a progress review;
- ``publish``: start a job publishing the review's next version, as the inspector;
- ``import ROWS``: stage a tidy file of ROWS figures and start a job importing it, as the lead;
- ``sleepers COUNT``: start COUNT jobs that each take half a second (``tests.jobs.napping.nap``), as the lead.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any


def main(command: str, *arguments: str) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "followup.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User

    from followup.jobs.actions import start_job
    from followup.jobs.models import Job
    from followup.partnerships.access import Capability
    from followup.partnerships.models import Partnership
    from followup.reviews.models import ProgressReview

    if command == "setup":
        return _setup()
    partnership = Partnership.objects.get(slug="home")
    if command == "publish":
        return _publish(partnership)
    lead = User.objects.get(username="lead")
    if command == "import":
        return _import(partnership, lead, int(arguments[0]))
    if command == "sleepers":
        from tests.jobs.napping import nap

        jobs = [
            start_job(
                lead,
                partnership,
                kind=Job.Kind.IMPORT,
                title=f"Nap {number}",
                capability=Capability.VIEW,
                task=nap,
                arguments={},
            ).pk
            for number in range(int(arguments[0]))
        ]
        return {"jobs": jobs, "review": ProgressReview.objects.get().pk}
    raise SystemExit(f"unknown command {command!r}")


def _setup() -> dict[str, Any]:
    from django.core.management import call_command

    from followup.frameworks.library import load_library
    from followup.lib.types import CommandLine
    from tests import factories as f

    call_command("migrate", verbosity=0)
    load_library(CommandLine("tests"))
    area = f.AreaFactory(code="S1HOME", name="Homeshire")
    partnership = f.PartnershipFactory(slug="home", name="Homeshire", area=area)
    inspection = f.InspectionFactory(partnership=partnership, title="Inspection of Homeshire")
    review: Any = f.ReviewFactory(inspection=inspection, title="Progress review of Homeshire")
    for name in ("inspector", "lead"):
        f.MembershipFactory(user=f.UserFactory(username=name), partnership=partnership, role=name)
    return {"review": review.pk}


def _publish(partnership: Any) -> dict[str, Any]:
    from django.contrib.auth.models import User

    from followup.jobs.actions import start_job
    from followup.jobs.models import Job
    from followup.partnerships.access import Capability
    from followup.reports.models import Publication
    from followup.reports.tasks import publish_report
    from followup.reviews.models import ProgressReview

    review = ProgressReview.objects.get()
    version = Publication.objects.count() + 1
    job = start_job(
        User.objects.get(username="inspector"),
        partnership,
        kind=Job.Kind.PUBLISH,
        title=f"Publishing version {version}",
        capability=Capability.PUBLISH_REPORTS,
        task=publish_report,
        arguments={
            "inspection_id": review.inspection_id,
            "review_id": review.pk,
            "correction_note": "" if version == 1 else "Corrects a figure",
            "version": version,
        },
    )
    return {"job": job.pk}


def _import(partnership: Any, lead: Any, rows: int) -> dict[str, Any]:
    from followup.indicators.actions import stage_upload
    from followup.indicators.tasks import import_upload
    from followup.jobs.actions import start_job
    from followup.jobs.models import Job
    from followup.partnerships.access import Capability
    from tests.jobs.bigfile import big_csv

    upload = stage_upload(
        lead,
        partnership,
        filename="big.csv",
        data=big_csv("S1HOME", rows),
        release=f"Return of {rows} rows",
        create_elements=True,
    )
    job = start_job(
        lead,
        partnership,
        kind=Job.Kind.IMPORT,
        title=f"Importing {rows} rows",
        capability=Capability.MANAGE_DATA,
        task=import_upload,
        arguments={"upload_id": upload.pk},
    )
    return {"job": job.pk, "upload": upload.pk, "release": upload.release}


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:])))
