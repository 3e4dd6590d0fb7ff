"""Loading the demo again replaces the demo partnerships and users, and touches nothing else:
whatever would touch another partnership, or a user or partnership the demo did not make,
refuses the reload with nothing changed. (The reload itself, and what its audit entry counts,
is in test_demo.py, which loads the demo.)"""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import User
from django.test import Client

from followup.audit.models import AuditEntry
from followup.demo.loader import load_demo
from followup.demo.replace import DemoRefused
from followup.evidence.models import Source
from followup.partnerships.models import Membership, Partnership
from tests import factories as f


def test_demo_without_a_password_generates_one(db):
    password, _ = load_demo(None)
    assert len(password) >= 16
    assert Client().login(username="viewer", password=password)


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


def test_reloading_replaces_the_demo_admin_with_its_second_factor_and_sessions(db):
    load_demo("demo-password-for-tests")
    first = User.objects.get(username="admin")
    assert Authenticator.objects.filter(user=first).count() == 1
    load_demo("demo-password-for-tests")
    second = User.objects.get(username="admin")
    assert second.pk != first.pk
    assert not Authenticator.objects.filter(user_id=first.pk).exists()
    assert Authenticator.objects.filter(user=second).count() == 1


def test_a_superuser_called_admin_that_the_demo_did_not_make_refuses_the_reload(db):
    a_previous_demo_partnership("glenmorran")
    f.superuser("admin")
    refused("the user 'admin' has the demo's username but is staff")


def test_reloading_removes_a_published_correction_and_the_version_it_replaces(db):
    import hashlib

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from followup.reports.models import Publication
    from followup.reviews.models import ProgressReview

    load_demo("demo-password-for-tests")
    review = ProgressReview.objects.select_related("inspection").order_by("pk").first()
    assert review is not None
    data = b"a report"
    digest = hashlib.sha256(data).hexdigest()
    replaced = None
    for version in (1, 2):
        replaced = Publication.objects.create(
            partnership=review.inspection.partnership,
            kind=Publication.Kind.REVIEW,
            review=review,
            inspection=review.inspection,
            version=version,
            replaces=replaced,
            title="Progress review",
            correction_note="A figure was wrong." if version == 2 else "",
            html=ContentFile(data, name="report.html"),
            pdf=ContentFile(data, name="report.pdf"),
            docx=ContentFile(data, name="report.docx"),
            sha256_html=digest,
            sha256_pdf=digest,
            sha256_docx=digest,
            published_at=timezone.now(),
        )
    load_demo("demo-password-for-tests")  # a correction protects what it replaces: no error
    assert not Publication.objects.exists()
