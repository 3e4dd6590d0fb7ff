"""The demo holds South Ayrshire's real cycle, and Glenmorran's outsider sees none of it."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from followup.demo.loader import CAST, load_demo
from followup.inspections.models import Inspection
from followup.partnerships.models import Partnership
from followup.plans.models import Action
from followup.reviews.models import ProgressReview
from tests import factories as f
from tests.conftest import DEMO_PASSWORD


@pytest.fixture
def demo(demo_for_module, db):
    return DEMO_PASSWORD, demo_for_module


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password="demo-password-for-tests")
    return client


def test_demo_prints_the_eight_sign_ins_with_the_given_password(demo):
    password, sign_ins = demo
    assert password == "demo-password-for-tests"
    assert [(s.username, s.role) for s in sign_ins] == [
        ("lead", "Lead officer"),
        ("editor", "Editor"),
        ("contributor", "Contributor"),
        ("viewer", "Viewer"),
        ("inspector", "Inspector"),
        ("reader", "Local reader"),
        ("outsider", "Lead officer"),
        ("admin", "Service administrator"),
    ]


def test_the_demo_admin_is_a_superuser_with_an_authenticator_app_whose_key_the_demo_prints(demo):
    _, sign_ins = demo
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.email == "admin@example.org"
    printed = sign_ins[-1]
    assert printed.totp_uri.startswith("otpauth://totp/admin%40example.org?")
    assert printed.totp_uri.endswith("&issuer=Followup")
    assert f"secret={printed.totp_secret}" in printed.totp_uri
    client = Client()
    client.post("/accounts/login/", {"login": "admin", "password": DEMO_PASSWORD})
    code = f.totp_code(printed.totp_secret)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_only_the_demo_admin_has_a_second_factor_and_the_demo_inspector_must_set_one_up(demo):
    factors = Authenticator.objects.filter(user__username__in=[c[0] for c in CAST])
    assert sorted(factors.values_list("user__username", flat=True)) == ["inspector"]  # the tests'
    factors.delete()
    client = Client()
    client.post("/accounts/login/", {"login": "inspector", "password": DEMO_PASSWORD})
    assert client.get("/")["Location"] == "/accounts/2fa/totp/activate/"
    lead = Client()
    lead.post("/accounts/login/", {"login": "lead", "password": DEMO_PASSWORD})
    assert lead.get("/p/south-ayrshire/").status_code == 200


def _a_published_correction() -> None:
    """Version 1 of the demo's review and version 2 correcting it, which protects (``replaces``)
    the version it replaces."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from followup.reports.models import Publication

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


def test_loading_the_demo_again_without_a_password_gives_the_same_demo_a_new_admin_and_no_correction(
    demo,
):
    """One reload, since each costs a load of the demo: it generates a password when none is
    given; it replaces the demo admin with its second factor; and a published correction, which
    protects the version it replaces, is removed with that version, with no error."""
    from followup.reports.models import Publication

    first = User.objects.get(username="admin")
    assert Authenticator.objects.filter(user=first).count() == 1
    _a_published_correction()

    password, _ = load_demo(None)

    assert len(password) >= 16
    assert Client().login(username="viewer", password=password)
    assert Partnership.objects.filter(slug__in=["south-ayrshire", "glenmorran"]).count() == 2
    assert Inspection.objects.filter(partnership__slug="south-ayrshire").count() == 1
    assert Action.objects.filter(partnership__slug="south-ayrshire").count() == 12
    second = User.objects.get(username="admin")
    assert second.pk != first.pk
    assert not Authenticator.objects.filter(user_id=first.pk).exists()
    assert Authenticator.objects.filter(user=second).count() == 1
    assert not Publication.objects.exists()


def test_lead_sees_nine_evaluations_three_good_four_adequate_two_weak_and_five_recommendations(
    demo,
):
    inspection = Inspection.objects.get(partnership__slug="south-ayrshire")
    html = (
        signed_in("lead")
        .get(reverse("inspections:detail", args=["south-ayrshire", inspection.pk]))
        .content.decode()
    )
    grades = re.findall(r'followup-grade[^"]*">(\w[\w ]*) \((\d)\)</strong>', html)
    assert sorted(grades) == sorted(
        [("Good", "4")] * 3 + [("Adequate", "3")] * 4 + [("Weak", "2")] * 2
    )
    assert "9 quality indicators evaluated: 3 good, 4 adequate, 2 weak." in html
    assert html.count("in the improvement plan</span>") == 5
    assert inspection.evaluations.filter(basis="inferred").count() == 4
    assert set(inspection.evaluations.filter(basis="inferred").values_list("grade", flat=True)) == {
        3
    }


def test_lead_sees_five_judgements_and_no_further_review_on_the_progress_review(demo):
    review = ProgressReview.objects.get(inspection__partnership__slug="south-ayrshire")
    html = (
        signed_in("lead")
        .get(reverse("reviews:detail", args=["south-ayrshire", review.pk]))
        .content.decode()
    )
    assert review.judgements.count() == 5
    assert html.count('<th scope="row" class="govuk-table__header"><a class="govuk-link"') == 5
    assert "more qualitative data" in html
    assert "Further review required:</strong>\n  no." in html


def test_every_page_showing_the_plan_says_it_is_illustrative(demo):
    client = signed_in("viewer")
    inspection = Inspection.objects.get(partnership__slug="south-ayrshire")
    action = Action.objects.filter(partnership__slug="south-ayrshire").first()
    recommendation = inspection.recommendations.first()
    for url in [
        reverse("front:partnership", args=["south-ayrshire"]),
        reverse("plans:list", args=["south-ayrshire"]),
        reverse("plans:detail", args=["south-ayrshire", action.pk]),
        reverse("front:recommendation", args=["south-ayrshire", recommendation.pk]),
    ]:
        assert "Illustrative:" in client.get(url).content.decode(), url


def south_ayrshire_strings() -> list[str]:
    """What the South Ayrshire partnership owns. Official geography and statistics (such as the
    council's name as an area, or its published figures) are shared by every partnership."""
    from django.utils.html import escape

    from followup.evidence.models import Case, Code, Quote, Source
    from followup.indicators.models import DataElement, Indicator

    partnership = Partnership.objects.get(slug="south-ayrshire")
    inspection = Inspection.objects.get(partnership=partnership)
    owned = [partnership.name, "south-ayrshire", inspection.title]
    owned += [r.text for r in inspection.recommendations.all()]
    owned += [a.title for a in Action.objects.filter(partnership=partnership)]
    owned += [r.title for r in ProgressReview.objects.filter(inspection=inspection)]
    owned += [s.title for s in Source.objects.filter(partnership=partnership)]
    owned += [c.name for c in Case.objects.filter(partnership=partnership)]
    owned += [
        q.published_text for q in Quote.objects.filter(coding__source__partnership=partnership)
    ]
    owned += [c.name for c in Code.objects.filter(partnership=partnership, origin="")]
    official = " | ".join(
        DataElement.objects.filter(partnership__isnull=True).values_list("name", flat=True)
    )
    owned += [
        i.name for i in Indicator.objects.filter(partnership=partnership) if i.name not in official
    ]
    return [escape(text) for text in owned]


def test_outsider_sees_nothing_of_south_ayrshire_on_any_page_they_can_reach(demo):
    client = signed_in("outsider")
    owned = south_ayrshire_strings()
    seen: set[str] = set()
    queue = ["/"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        if not response["Content-Type"].startswith(("text/", "application/xml")):
            continue  # a spreadsheet or archive of the outsider's own partnership
        html = response.content.decode()
        leaked = [text for text in owned if text in html]
        assert leaked == [], (url, leaked)
        for link in re.findall(r'href="(/[^"#?]*)"', html):
            if not link.startswith(("/static/", "/admin/", "/sign-")):
                queue.append(link)
    assert len(seen) >= 5  # home, overview, plan, inspection, recommendation, action…


def test_outsider_gets_404_for_every_south_ayrshire_object_url(demo):
    client = signed_in("outsider")
    inspection = Inspection.objects.get(partnership__slug="south-ayrshire")
    review = ProgressReview.objects.get(inspection=inspection)
    action = Action.objects.filter(partnership__slug="south-ayrshire").first()
    recommendation = inspection.recommendations.first()
    evaluation = inspection.evaluations.first()
    for url in [
        reverse("front:partnership", args=["south-ayrshire"]),
        reverse("plans:list", args=["south-ayrshire"]),
        reverse("inspections:detail", args=["south-ayrshire", inspection.pk]),
        reverse("front:recommendation", args=["south-ayrshire", recommendation.pk]),
        reverse("inspections:evaluation_edit", args=["south-ayrshire", evaluation.pk]),
        reverse("plans:detail", args=["south-ayrshire", action.pk]),
        reverse("reviews:detail", args=["south-ayrshire", review.pk]),
        reverse("inspections:detail", args=["glenmorran", inspection.pk]),
        reverse("reviews:detail", args=["glenmorran", review.pk]),
    ]:
        assert client.get(url).status_code == 404, url


def test_the_demo_has_illustrative_surveys_and_focus_groups_coded_with_approved_quotes(demo):
    from followup.evidence.analysis import matrix
    from followup.evidence.models import Quote, Source

    partnership = Partnership.objects.get(slug="south-ayrshire")
    sources = Source.objects.filter(partnership=partnership)
    assert sources.count() == 30  # 12 staff, 16 young people, 2 focus groups
    assert not sources.filter(is_illustrative=False).exists()
    assert all("illustrative" in s.title for s in sources)
    approved = Quote.objects.filter(
        coding__source__partnership=partnership, status=Quote.Status.APPROVED
    )
    assert sorted(q.published_text for q in approved) == [
        "I'd never have managed keeping the three of them without that support.",
        "The family support worker came before things fell apart, not after.",
        "They used to talk about me like I wasn't in the room. Now they ask me first and it's my plan.",
        "Yes, my worker [name] listens and she comes back when she says she will.",
    ]
    assert all(q.recommendations.exists() for q in approved)
    rows = {code.name: cells for code, _, cells, _ in matrix(partnership, "Respondent group").rows}
    # Child or young person, Parent or carer, Staff, Not recorded: (codings, sources)
    assert [(c.codings, c.sources) for c in rows["Safe"]] == [(6, 5), (0, 0), (1, 1), (0, 0)]
    assert [(c.codings, c.sources) for c in rows["Waiting for support"]] == [
        (5, 3),
        (0, 0),
        (1, 1),
        (0, 0),
    ]


def test_a_recommendation_page_shows_the_demos_themes_and_approved_quotes(demo):
    partnership = Partnership.objects.get(slug="south-ayrshire")
    recommendation = Inspection.objects.get(partnership=partnership).recommendations.get(number=4)
    html = (
        signed_in("viewer")
        .get(reverse("front:recommendation", args=["south-ayrshire", recommendation.pk]))
        .content.decode()
    )
    assert "Waiting for support" in html
    assert "Yes, my worker [name] listens" in html
    assert "Lorna" not in html


def test_the_demo_loads_again_after_its_review_was_published(demo, monkeypatch):
    """Loading it again replaces the demo partnerships with everything in them, says so in the
    audit log, model by model, and leaves another partnership exactly as it was."""
    from django.contrib.auth.models import User

    from followup.audit.models import AuditEntry
    from followup.indicators.models import Release
    from followup.lib.types import CommandLine
    from followup.reports import render
    from followup.reports.actions import publish
    from followup.reports.models import Publication
    from tests import factories as f

    monkeypatch.setattr(render, "render", lambda report, fmt: fmt.encode())  # files not tested here
    inspector = User.objects.get(username="inspector")
    review = ProgressReview.objects.get(inspection__partnership__slug="south-ayrshire")
    publish(inspector, review=review)
    south = Partnership.objects.get(slug="south-ayrshire")
    Release.objects.create(partnership=south, name="South Ayrshire's own return")
    other = f.PartnershipFactory(slug="fresh", name="Freshshire")
    kept_action = f.ActionFactory(partnership=other, title="Freshshire's own action")
    Release.objects.create(partnership=other, name="Freshshire's own return")
    f.MembershipFactory(user=f.UserFactory(username="fresh-lead"), partnership=other, role="lead")
    before = {
        "actions": list(Action.objects.filter(partnership=other).values()),
        "releases": list(Release.objects.filter(partnership=other).values()),
        "partnership": list(Partnership.objects.filter(pk=other.pk).values()),
        "users": list(User.objects.filter(username="fresh-lead").values()),
    }

    load_demo("demo-password-for-tests", operator=CommandLine("alice"))

    assert not Publication.objects.exists()
    assert Partnership.objects.filter(slug="south-ayrshire").count() == 1
    assert not Release.objects.filter(name="South Ayrshire's own return").exists()
    assert before == {
        "actions": list(Action.objects.filter(partnership=other).values()),
        "releases": list(Release.objects.filter(partnership=other).values()),
        "partnership": list(Partnership.objects.filter(pk=other.pk).values()),
        "users": list(User.objects.filter(username="fresh-lead").values()),
    }
    assert Action.objects.get(pk=kept_action.pk).title == "Freshshire's own action"
    entry = AuditEntry.objects.get(verb="command.demo")
    assert entry.actor_name == "cli:alice"
    assert entry.changes["replaced_partnerships"] == [["glenmorran", "south-ayrshire"], None]
    assert entry.changes["replaced_users"] == [
        ["admin", "contributor", "editor", "inspector", "lead", "outsider", "reader", "viewer"],
        None,
    ]
    deleted, nothing = entry.changes["deleted"]
    assert nothing is None
    assert {
        label: deleted[label]
        for label in (
            "reports.publication",
            "indicators.release",
            "partnerships.partnership",
            "plans.action",
            "plans.actionupdate",
            "auth.user",
            "mfa.authenticator",
        )
    } == {
        "reports.publication": 1,
        "indicators.release": 1,
        "partnerships.partnership": 2,
        "plans.action": 13,
        "plans.actionupdate": 27,  # 23 of the plan, 4 of its update round (demo.cycle)
        "auth.user": 8,  # the service administrator too, with its authenticator app
        "mfa.authenticator": 2,  # and the inspector's (tests.conftest.enrol_demo_inspector)
    }
