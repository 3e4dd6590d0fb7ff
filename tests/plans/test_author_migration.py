"""Migration 0002: action updates keep their author as plain values, so deleting a user changes
none of the updates they wrote."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from followup.plans.models import ActionUpdate
from tests.migrate_to import migrate_to

BEFORE = [("plans", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_updates_keep_their_author_and_deleting_the_author_changes_none_of_them() -> None:
    old = migrate_to(BEFORE)
    try:
        author = old.get_model("auth", "User").objects.create(username="alice-web")
        partnership = old.get_model("partnerships", "Partnership").objects.create(
            slug="west", name="Westshire"
        )
        action = old.get_model("plans", "Action").objects.create(
            partnership=partnership, title="An action"
        )
        updates = old.get_model("plans", "ActionUpdate").objects
        common = {"action": action, "on": "2024-05-01", "status": "in_progress"}
        named = updates.create(
            **common, rating="on_track", note="Named", author=author, author_name="alice-web"
        )
        unnamed = updates.create(**common, rating="at_risk", note="Unnamed", author=author)
        nobody = updates.create(**common, rating="off_track", note="From the command line")
    finally:
        migrate_to()
    rows = ActionUpdate.objects.filter(pk__in=[named.pk, unnamed.pk, nobody.pk]).order_by("pk")
    assert list(rows.values_list("note", "author_id", "author_name")) == [
        ("Named", author.pk, "alice-web"),
        ("Unnamed", author.pk, "alice-web"),
        ("From the command line", None, ""),
    ]
    before = list(rows.values())
    User.objects.filter(pk=author.pk).delete()
    assert list(rows.values()) == before
