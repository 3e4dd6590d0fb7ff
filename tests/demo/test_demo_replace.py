"""Loading the demo again replaces the demo partnerships and users, and touches nothing else:
whatever would touch another partnership, or a user or partnership the demo did not make,
refuses the reload with nothing changed. (The reload itself, what its audit entry counts, the
password it generates when given none, the demo admin it replaces and the published correction
it removes are in test_demo.py, which loads the demo once for its module.)"""

from __future__ import annotations

from typing import Any

import pytest

from followup.audit.models import AuditEntry
from followup.demo.loader import load_demo
from followup.demo.replace import DemoRefused
from followup.evidence.models import Source
from followup.partnerships.models import Membership, Partnership
from tests import factories as f


def snapshot() -> dict[str, Any]:
    return {
        "partnerships": list(Partnership.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
        "sources": list(Source.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
        "users": list(f.UserFactory._meta.model.objects.order_by("pk").values("pk", "username")),
    }


def refused(*problems: str) -> None:
    before = snapshot()
    with pytest.raises(DemoRefused) as caught:
        load_demo("demo-password-for-tests")
    assert caught.value.problems == list(problems)
    assert snapshot() == before


def a_previous_demo_partnership(slug: str) -> Any:
    """A partnership as the demo loader left it: its first audit entry is the loader's."""
    partnership: Any = f.PartnershipFactory(slug=slug, name=f"Demo {slug}")
    AuditEntry.objects.create(
        actor_name="demo-loader",
        verb="partnership.create",
        partnership_id=partnership.pk,
        object_type="partnerships.partnership",
        object_id=str(partnership.pk),
        object_repr=partnership.name,
    )
    return partnership


def test_a_partnership_with_a_demo_slug_that_the_demo_did_not_make_is_never_replaced(db):
    real = f.PartnershipFactory(slug="south-ayrshire", name="South Ayrshire (real)")
    f.ActionFactory(partnership=real)
    refused(
        "a partnership with the demo's slug 'south-ayrshire' (South Ayrshire (real)) was not "
        "made by the demo"
    )


def test_a_user_with_a_demo_username_who_belongs_elsewhere_is_never_deleted(db):
    a_previous_demo_partnership("glenmorran")
    elsewhere = f.PartnershipFactory(slug="fresh", name="Freshshire")
    f.MembershipFactory(user=f.UserFactory(username="lead"), partnership=elsewhere, role="lead")
    f.MembershipFactory(user=f.UserFactory(username="editor", is_staff=True), partnership=elsewhere)
    refused(
        "the user 'editor' has the demo's username but is staff",
        "the user 'lead' has the demo's username but is not a member of a demo partnership",
    )


def test_a_demo_user_who_wrote_in_another_partnership_refuses_the_reload(db):
    demo = a_previous_demo_partnership("glenmorran")
    editor = f.UserFactory(username="editor")
    f.MembershipFactory(user=editor, partnership=demo, role="editor")
    elsewhere = f.PartnershipFactory(slug="fresh", name="Freshshire")
    Source.objects.create(partnership=elsewhere, title="Notes", text="Words.", created_by=editor)
    refused("it would change the source “Notes” of Freshshire (its created by would be emptied)")


def test_a_superuser_called_admin_that_the_demo_did_not_make_refuses_the_reload(db):
    a_previous_demo_partnership("glenmorran")
    f.superuser("admin")
    refused("the user 'admin' has the demo's username but is staff")
