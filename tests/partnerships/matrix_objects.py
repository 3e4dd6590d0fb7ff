"""The arguments of the addresses in the access matrix (tests/partnerships/matrix.py), found in
one partnership's site: the same function gives the home partnership's objects to its own cast
and the away partnership's to the test that swaps them in under the home partnership's address.
A function marked ``slug_only`` names nothing that belongs to a partnership (a person's own
link, a framework of the library), so there is nothing of another partnership's to swap in."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from followup.accounts.actions import create_token
from followup.accounts.invitations import token_hash
from followup.accounts.models import Invitation
from followup.lib import storedfiles
from followup.lib.types import CommandLine
from followup.partnerships.models import Membership
from followup.plans.models import UpdateFile, UpdateRound
from followup.records.actions_templates import load_template_library
from followup.records.models import (
    AnswerType,
    Concern,
    Moderation,
    Reading,
    SampledRecord,
    TemplateQuestion,
)
from followup.records.queries import default_reading_template
from tests import factories as f
from tests.conftest import Site

Kwargs = Callable[[Site], dict[str, Any]]


def fixed(**values: Any) -> Kwargs:
    """A link of the person's own account (an emailed key): no partnership's object to swap."""

    def kwargs(site: Site) -> dict[str, Any]:
        return dict(values)

    kwargs.slug_only = True  # type: ignore[attr-defined]
    return kwargs


def slug(site: Site) -> dict[str, Any]:
    return {"slug": site.partnership.slug}


def of(attribute: str) -> Kwargs:
    return lambda site: {"slug": site.partnership.slug, "pk": getattr(site, attribute).pk}


def as_(fmt: str) -> Kwargs:
    """A partnership-wide download in one format: no object of its own to swap."""

    def kwargs(site: Site) -> dict[str, Any]:
        return {"slug": site.partnership.slug, "fmt": fmt}

    kwargs.slug_only = True  # type: ignore[attr-defined]
    return kwargs


def in_(attribute: str, fmt: str) -> Kwargs:
    return lambda site: {
        "slug": site.partnership.slug,
        "pk": getattr(site, attribute).pk,
        "fmt": fmt,
    }


def no_pack(site: Site) -> dict[str, Any]:
    """A progress pack's file: the world has made no pack, so there is none of another's to
    swap in."""
    return {"slug": site.partnership.slug, "number": 1, "fmt": "pdf"}


no_pack.slug_only = True  # type: ignore[attr-defined]


def official_element(site: Site) -> dict[str, Any]:
    """The indicator's data element is an official one, shared by every partnership: nothing of
    another's to swap in (tests/indicators/test_import_teaching.py keeps outsiders out)."""
    return {"slug": site.partnership.slug, "pk": site.indicator.numerator_id}


official_element.slug_only = True  # type: ignore[attr-defined]


def framework_of(site: Site) -> dict[str, Any]:
    """A framework is shared by partnerships, so there is nothing of another's to swap in."""
    return {"slug": site.partnership.slug, "pk": site.inspection.framework_id}


framework_of.slug_only = True  # type: ignore[attr-defined]


def any_pk(site: Site) -> dict[str, Any]:
    """One's own second factor, or a person's account: not a partnership's, nothing to swap."""
    return {"pk": 1}


any_pk.slug_only = True  # type: ignore[attr-defined]


def leads_token(site: Site) -> dict[str, Any]:
    """An API token of the lead's: a person's own, not a partnership's, nothing to swap."""
    token, _ = create_token(CommandLine("tests"), User.objects.get(username="lead"), name="BI")
    return {"pk": token.pk}


leads_token.slug_only = True  # type: ignore[attr-defined]


def person_in(site: Site) -> dict[str, Any]:
    """A person's account (the partnership's first member's): a real id on every database."""
    first = Membership.objects.filter(partnership=site.partnership).order_by("pk").first()
    assert first is not None
    return {"pk": first.user_id}


person_in.slug_only = True  # type: ignore[attr-defined]


def member_of(site: Site) -> dict[str, Any]:
    """A viewer of the partnership who is none of the cast, so the cast can change them."""
    user = f.UserFactory(username=f"member-of-{site.partnership.slug}")
    membership, _ = Membership.objects.get_or_create(
        user=user, partnership=site.partnership, defaults={"role": "viewer"}
    )
    return {"slug": site.partnership.slug, "pk": membership.pk}


def invitation_of(site: Site) -> dict[str, Any]:
    """A pending invitation to the partnership."""
    invitation, _ = Invitation.objects.get_or_create(
        token_hash=f"matrix-{site.partnership.slug}",
        defaults={
            "partnership": site.partnership,
            "email": f"invited-to-{site.partnership.slug}@example.org",
            "role": "viewer",
            "expires_at": timezone.now() + datetime.timedelta(days=7),
        },
    )
    return {"slug": site.partnership.slug, "pk": invitation.pk}


def invitation_link(site: Site) -> dict[str, Any]:
    """The link of an invitation to someone with no account: the page is the same for every
    partnership, so there is nothing of another's to swap."""
    token = f"matrix-token-{site.partnership.slug}"
    Invitation.objects.get_or_create(
        token_hash=token_hash(token),
        defaults={
            "partnership": site.partnership,
            "email": f"new-person-{site.partnership.slug}@example.org",
            "role": "viewer",
            "expires_at": timezone.now() + datetime.timedelta(days=7),
        },
    )
    return {"token": token}


invitation_link.slug_only = True  # type: ignore[attr-defined]


def round_of(site: Site) -> dict[str, Any]:
    """A round of update requests of the partnership (the world has none of its own)."""
    round_, _ = UpdateRound.objects.get_or_create(
        partnership=site.partnership, due_on=datetime.date(2026, 3, 31)
    )
    return {"slug": site.partnership.slug, "pk": round_.pk}


def waiting_update(site: Site) -> dict[str, Any]:
    """An update of the site's action waiting for acceptance."""
    update: Any = f.ActionUpdateFactory(action=site.action, note="Waiting", decision=None)
    return {"slug": site.partnership.slug, "pk": update.pk}


def update_file(site: Site) -> dict[str, Any]:
    """A file of an update of the site's action, in the storage."""
    row = UpdateFile(
        update=site.update,
        filename="paper.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
    )
    storedfiles.save_new(row.file, "paper.pdf", b"%PDF-1.4\n")
    row.save()
    return {"slug": site.partnership.slug, "pk": row.pk}


def administered(site: Site) -> dict[str, Any]:
    return {"slug": site.partnership.slug}


administered.slug_only = True  # type: ignore[attr-defined]


def sample_in(site: Site) -> dict[str, Any]:
    """A sample of a pre-inspection return of the site's inspection (the world has none)."""
    return {"slug": site.partnership.slug, "pk": f.records_sample(site.inspection).pk}


def template_in(site: Site) -> dict[str, Any]:
    """A reading template of the library (shared by partnerships), shown from the site's
    inspection: swapping in the other's inspection is what must not reveal anything."""
    load_template_library(CommandLine("tests"))
    template = default_reading_template()
    assert template is not None
    return {"slug": site.partnership.slug, "pk": site.inspection.pk, "template": template.pk}


def paired_in(site: Site) -> dict[str, Any]:
    """A sampled record assigned to a pair of the cast's admin (who holds ``read_records``, as an
    inspector does) and a new local reader (the cast has none): the cast's inspector is in no
    pair, so the record is not theirs to read. The admin reads every page in
    tests/core/test_no_server_errors.py, so the reading form is posted hostile values."""
    admin = Membership.objects.get(user__username="admin").user
    return {"slug": site.partnership.slug, "pk": f.paired_record(site.inspection, admin).pk}


def read_by_both(site: Site) -> dict[str, Any]:
    """As ``paired_in``, with both readings submitted: the moderation form is open."""
    kwargs = paired_in(site)
    member = SampledRecord.objects.select_related("assignment__pair").get(pk=kwargs["pk"])
    for reader in (member.assignment.pair.inspector, member.assignment.pair.reader):
        Reading.objects.create(member=member, reader=reader, status=Reading.Status.SUBMITTED)
    return kwargs


def concern_in(site: Site) -> dict[str, Any]:
    """A concern raised about ``paired_in``'s record, not yet recorded as passed on."""
    member = SampledRecord.objects.get(pk=paired_in(site)["pk"])
    admin = Membership.objects.get(user__username="admin").user
    concern = Concern.objects.create(
        member=member,
        raised_by=admin,
        what="Bruising not followed up",
        agency="health",
        urgency="immediate",
    )
    return {"slug": site.partnership.slug, "pk": concern.pk}


def notes_in(site: Site) -> dict[str, Any]:
    """The sample of ``read_by_both``'s record, its pair having agreed a note to a free-text
    question: its notes can be made a qualitative source."""
    member = SampledRecord.objects.select_related("sample").get(pk=read_by_both(site)["pk"])
    question = (
        TemplateQuestion.objects.filter(
            template=member.sample.template, answer=AnswerType.FREE_TEXT
        )
        .order_by("order")
        .first()
    )
    assert question is not None
    Moderation.objects.create(member=member, question=question, value="Says the plan helps.")
    return {"slug": site.partnership.slug, "pk": member.sample_id}
