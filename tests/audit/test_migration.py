"""Migration 0002: rows written while actor and partnership were foreign keys keep their values,
and ``followup migrate`` records which migrations it applied and who ran it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from followup import cli
from followup.audit.models import AuditEntry
from followup.partnerships.models import Partnership
from tests.migrate_to import migrate_to

BEFORE = [("audit", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_existing_rows_keep_their_actor_and_partnership_and_migrate_records_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = migrate_to(BEFORE)
    try:
        user = old.get_model("auth", "User").objects.create(username="alice-web")
        partnership = old.get_model("partnerships", "Partnership").objects.create(
            slug="west", name="Westshire"
        )
        entries = old.get_model("audit", "AuditEntry").objects
        acted = entries.create(
            actor=user,
            actor_name="alice-web",
            verb="action.update",
            partnership=partnership,
            object_type="plans.action",
            object_id="7",
            object_repr="An action",
            changes={"title": ["Old", "New"]},
        )
        by_system = entries.create(
            actor_name="system", verb="data.import", object_type="t", object_id="1", object_repr="r"
        )
        monkeypatch.setattr("getpass.getuser", lambda: "alice")
        args = cli.build_parser().parse_args(["migrate"])
        assert args.handler(args) == 0
    finally:
        migrate_to()
    assert list(
        AuditEntry.objects.filter(pk__in=[acted.pk, by_system.pk])
        .order_by("pk")
        .values_list("actor_id", "actor_name", "partnership_id", "partnership_name", "changes")
    ) == [
        (user.pk, "alice-web", partnership.pk, "Westshire", {"title": ["Old", "New"]}),
        (None, "system", None, "", {}),
    ]
    migrated = AuditEntry.objects.get(verb="command.migrate")
    assert (migrated.actor_name, migrated.actor_id) == ("cli:alice", None)
    assert migrated.changes == {
        "applied": [None, ["audit.0002_audit_actor_plain", "audit.0003_partnership_latest_index"]]
    }
    # And now neither deleting the user nor the partnership touches the row.
    row = AuditEntry.objects.filter(pk=acted.pk).values().get()
    User.objects.filter(pk=user.pk).delete()
    Partnership.objects.filter(pk=partnership.pk).delete()
    assert AuditEntry.objects.filter(pk=acted.pk).values().get() == row
