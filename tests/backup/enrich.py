"""Add to a demo installation what the demo lacks, so that a backup has every kind of row and
value to carry: a published report (bytes of every value), a group with permissions, a session,
the admin's log, an import upload, an audit entry with nested JSON and non-ASCII text, a
signed-in session of allauth's, and stored files (nested folders, non-ASCII names, an empty file,
bytes that do not compress).

    python -m tests.backup.enrich   (with DATABASE_URL and FOLLOWUP_DATA_DIR set)
"""

from __future__ import annotations

import datetime
import hashlib
import os
import random

from tests.backup.folders import stored_files_folder

EVERY_BYTE = bytes(range(256)) * 40
FILES = {
    "reports/2024/south-ayrshire v1.pdf": b"%PDF-1.7\n" + EVERY_BYTE,
    "uploads/naïve – ünïcode.csv": b"area,value\nS12000028,12\n",
    "empty.txt": b"",
    "deep/a/b/c/noise.bin": random.Random(14).randbytes(300_000),
}


def enrich() -> None:
    from allauth.usersessions.models import UserSession
    from django.contrib.admin.models import ADDITION, LogEntry
    from django.contrib.auth.models import Group, Permission, User
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.files.base import ContentFile

    from followup.audit.models import AuditEntry
    from followup.indicators.models import ImportUpload
    from followup.inspections.models import Inspection
    from followup.reports.models import Publication

    when = datetime.datetime(2024, 5, 17, 9, 30, 15, 123456, tzinfo=datetime.UTC)
    admin = User.objects.get(username="admin")
    inspection = Inspection.objects.order_by("pk").first()
    assert inspection is not None
    digest = hashlib.sha256(EVERY_BYTE).hexdigest()
    Publication.objects.create(
        partnership=inspection.partnership,
        kind=Publication.Kind.INSPECTION,
        inspection=inspection,
        version=1,
        title="Inspection summary – ‘quoted’",
        html=ContentFile(b"<p>\xc2\xa3 summary</p>", name="report.html"),
        pdf=ContentFile(EVERY_BYTE, name="report.pdf"),
        docx=ContentFile(b"PK\x03\x04" + EVERY_BYTE[:1000], name="report.docx"),
        sha256_html=digest,
        sha256_pdf=digest,
        sha256_docx=digest,
        published_at=when,
        published_by=admin,
    )
    group = Group.objects.create(name="Analysts")
    group.permissions.set(Permission.objects.order_by("pk")[:3])
    admin.groups.add(group)
    admin.user_permissions.add(Permission.objects.order_by("-pk")[0])
    session = SessionStore()
    session["note"] = "ünïcode"
    session.create()
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(admin.pk),
        object_repr="admin",
        action_flag=ADDITION,
        change_message='[{"added": {}}]',
    )
    ImportUpload.objects.create(
        partnership=inspection.partnership,
        filename="figures.xlsx",
        data=ContentFile(EVERY_BYTE, name="staged.table"),
        release="Return ‘2024’",
    )
    AuditEntry(
        actor_id=admin.pk,
        actor_name="admin",
        verb="test.nested",
        object_type="tests.thing",
        object_id="1",
        object_repr="Thing – ünïcode",
        changes={"nested": [None, {"list": [1, 2.5, "três", None, True], "empty": {}}]},
    ).save()
    UserSession.objects.create(
        user=admin,
        ip="2001:db8::1",
        session_key=session.session_key,
        user_agent="Test browser",
        data={"a": [1, {"b": "c"}]},
        created_at=when,
        last_seen_at=when,
    )
    # A user who left: their id was given and must never be given again after a restore.
    User.objects.create(username="departed").delete()
    # A worker running beside the source: its heartbeat is the source's, never restored.
    from django.utils import timezone

    from followup.jobs.models import WorkerHeartbeat

    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="source-worker", host="source", pid=4242, started_at=now, last_seen=now
    )
    root = stored_files_folder()
    for name, data in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    enrich()


if __name__ == "__main__":
    main()
