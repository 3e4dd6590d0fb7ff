"""Every edit page of every object the demo creates, submitted exactly as the browser renders it,
changes nothing: not the object, not its links, not the page it belongs to, not the audit log.

``EDIT_PAGES`` says which objects each edit page is for; ``NOT_EDIT_PAGES`` says why every other
URL is not an edit page. A URL in neither fails ``test_every_url_is_an_edit_page_or_says_why_not``,
so a new edit page cannot go untested. Each page is submitted by every role that may edit it
(the roles take the objects of a page in turn, each role at least once).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import models
from django.test import Client
from django.urls import get_resolver, reverse

from followup.audit.models import AuditEntry
from followup.demo.loader import DEMO_SLUGS
from followup.evidence.models import Case, Code, Coding, Source
from followup.indicators.models import Indicator
from followup.inspections.models import Evaluation, Inspection, Recommendation
from followup.partnerships.models import Membership, Organisation, Partnership, Role
from followup.plans.models import Action, UpdateCycle
from followup.reviews.models import ProgressReview, RecommendationProgress
from tests import factories as f
from tests.browserlike import back_link, page_form, submit
from tests.conftest import enrol_demo_inspector
from tests.demo_snapshot import demo_loaded
from tests.partnerships.matrix import project_url_names

PASSWORD = "edit-pages-test-password"

# An edit page's objects: (URL kwargs, partnership slug, a function reading the object's state).
Page = tuple[dict[str, Any], str, Callable[[], Any]]


def state(model: type[models.Model], pk: Any) -> dict[str, Any]:
    """Every stored value of the object, and the rows linking it to others (their ids too, so
    links removed and made again would show)."""
    obj = model._default_manager.get(pk=pk)
    values: dict[str, Any] = {
        f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields
    }
    for field in model._meta.many_to_many:
        through = getattr(obj, field.name).through
        values[field.name] = sorted(
            through.objects.filter(**{field.m2m_field_name(): obj.pk}).values_list(
                "pk", field.m2m_reverse_field_name()
            )
        )
    return values


# Objects of one kind whose edit pages are each submitted, at most, per partnership: spread
# evenly from the first to the last (the demo's several hundred codings took 15 s each run).
MOST_OF_A_KIND = 20


def spread(found: list[Any], most: int = MOST_OF_A_KIND) -> list[Any]:
    """At most ``most`` of ``found``, evenly spread, the first and the last among them."""
    if len(found) <= most:
        return found
    return [found[round(i * (len(found) - 1) / (most - 1))] for i in range(most)]


def each(model: type[models.Model], slug_of: Callable[[Any], str]) -> Callable[[], list[Page]]:
    def reader(pk: Any) -> Callable[[], Any]:
        return lambda: state(model, pk)

    def pages() -> list[Page]:
        by_slug: dict[str, list[Any]] = {}
        for obj in model._default_manager.order_by("pk"):
            by_slug.setdefault(slug_of(obj), []).append(obj)
        return [
            ({"pk": obj.pk}, slug, reader(obj.pk))
            for slug, objects in by_slug.items()
            for obj in spread(objects)
        ]

    return pages


def judgements() -> list[Page]:
    """Every recommendation of every review, judged yet or not."""
    found: list[Page] = []
    for review in ProgressReview.objects.order_by("pk"):
        for recommendation in review.inspection.recommendations.order_by("pk"):

            def read(r: Any = review.pk, rec: Any = recommendation.pk) -> Any:
                judgement = RecommendationProgress.objects.filter(
                    review_id=r, recommendation_id=rec
                ).first()
                return None if judgement is None else state(RecommendationProgress, judgement.pk)

            kwargs = {"pk": review.pk, "recommendation_pk": recommendation.pk}
            found.append((kwargs, review.inspection.partnership.slug, read))
    return found


def partnerships() -> list[Page]:
    """Each partnership's own page (its slug is all the URL needs)."""
    reader = each(Partnership, lambda o: o.slug)
    return [({}, slug, read) for _, slug, read in reader()]


def members() -> list[Page]:
    """The memberships a lead or a partnership's administrator may change: not a lead's, an
    inspector's or an administrator's."""
    changeable = {Role.VIEWER, Role.CONTRIBUTOR, Role.EDITOR}
    reader = each(Membership, lambda o: o.partnership.slug)
    return [
        page for page in reader() if Membership.objects.get(pk=page[0]["pk"]).role in changeable
    ]


def schedules() -> list[Page]:
    """Each partnership's update schedule, set yet or not, and its own dates."""

    def reader(slug: str) -> Callable[[], Any]:
        def read() -> Any:
            cycle = UpdateCycle.objects.filter(partnership__slug=slug).first()
            if cycle is None:
                return None
            return state(UpdateCycle, cycle.pk), list(cycle.dates.values_list("pk", "due_on"))

        return read

    slugs = Partnership.objects.values_list("slug", flat=True).order_by("pk")
    return [({}, slug, reader(slug)) for slug in slugs]


EDIT_PAGES: dict[str, Callable[[], list[Page]]] = {
    "inspections:edit": each(Inspection, lambda o: o.partnership.slug),
    "inspections:evaluation_edit": each(Evaluation, lambda o: o.inspection.partnership.slug),
    "inspections:recommendation_edit": each(
        Recommendation, lambda o: o.inspection.partnership.slug
    ),
    "plans:edit": each(Action, lambda o: o.partnership.slug),
    "plans:cycle": schedules,
    "reviews:edit": each(ProgressReview, lambda o: o.inspection.partnership.slug),
    "front:judgement_edit": judgements,
    "indicators:edit": each(Indicator, lambda o: o.partnership.slug),
    "evidence:code_edit": each(Code, lambda o: o.partnership.slug),
    "evidence:case_edit": each(Case, lambda o: o.partnership.slug),
    "evidence:source_details": each(Source, lambda o: o.partnership.slug),
    "evidence:coding_edit": each(Coding, lambda o: o.source.partnership.slug),
    "members:role_edit": members,
    "members:second_factor": partnerships,
    "manage:partnership_edit": partnerships,
    "manage:organisation_edit": each(Organisation, lambda o: o.partnership.slug),
}

CREATE = "creates an object: nothing to keep"
READ = "a page or download with no form that edits an object"
POST_ONLY = "a button that does one thing (no fields to keep), tested in its app"
OWN_ACCOUNT = "the person's own sign-in details, through django-allauth: nothing versioned"
NOT_EDIT_PAGES: dict[str, str] = {
    "front:home": READ,
    "front:glossary": READ,
    "front:for_you": READ,
    "account_login": "signs in",
    "account_logout": "signs out",
    # One's own account, through django-allauth: no object versions to keep (tests/accounts).
    "accounts:account": READ,
    "accounts:tokens": READ,
    "accounts:token_create": CREATE,
    "accounts:token_made": READ,
    "accounts:token_revoke": "asks to confirm, then revokes the token (again: nothing changes)",
    "account_change_password": OWN_ACCOUNT,
    "account_email": OWN_ACCOUNT,
    "account_reauthenticate": OWN_ACCOUNT,
    "account_confirm_email": OWN_ACCOUNT,
    "account_email_verification_sent": READ,
    "account_inactive": READ,
    "account_reset_password": OWN_ACCOUNT,
    "account_reset_password_done": READ,
    "account_reset_password_from_key": OWN_ACCOUNT,
    "account_reset_password_from_key_done": READ,
    "account_set_password": OWN_ACCOUNT,
    "account_signup": "nobody signs up: says so",
    "account_confirm_login_code": OWN_ACCOUNT,
    "account_request_reauthentication_code": OWN_ACCOUNT,
    "account_confirm_reauthentication_code": OWN_ACCOUNT,
    "mfa_index": READ,
    "mfa_list_webauthn": READ,
    "mfa_activate_totp": OWN_ACCOUNT,
    "mfa_add_webauthn": OWN_ACCOUNT,
    "mfa_generate_recovery_codes": OWN_ACCOUNT,
    "mfa_reauthenticate": OWN_ACCOUNT,
    "mfa_reauthenticate_webauthn": OWN_ACCOUNT,
    "mfa_authenticate": OWN_ACCOUNT,
    "mfa_deactivate_totp": OWN_ACCOUNT,
    "mfa_download_recovery_codes": READ,
    "mfa_view_recovery_codes": READ,
    "mfa_edit_webauthn": OWN_ACCOUNT,
    "mfa_remove_webauthn": OWN_ACCOUNT,
    "usersessions_list": "signs out other sessions: no object versions",
    "accounts:reset_second_factors": POST_ONLY,
    "evidence:survey_discard": "a button that forgets a staged survey",
    "indicators:upload_discard": "a button that forgets a staged data file",
    "front:partnership": READ,
    "inspections:create": CREATE,
    "inspections:detail": READ,
    "inspections:evaluation_create": CREATE,
    "inspections:recommendation_create": CREATE,
    "front:recommendation": READ,
    "front:evaluation": READ,
    "front:recommendations": READ,
    "front:search": READ,
    "inspections:list": READ,
    "reviews:list": READ,
    "plans:list": READ,
    "plans:export_csv": READ,
    "plans:export_xlsx": READ,
    "plans:create": CREATE,
    "plans:detail": "its buttons accept updates: a decision is made once, never edited",
    "plans:update_create": CREATE,
    "plans:requests": READ,
    "plans:round": READ,
    "mail:notifications": "the person's own choice of how they are told: one question, nothing "
    "versioned (tests/mail/test_notifications.py)",
    "plans:updates_waiting": READ,
    "plans:update_accept": POST_ONLY,
    "plans:update_return": "returns an update: creates its decision, made once, never edited",
    "plans:update_file": READ,
    "reviews:create": CREATE,
    "reviews:detail": READ,
    "indicators:dashboard": READ,
    "indicators:detail": READ,
    "indicators:create": CREATE,
    "indicators:download_csv": READ,
    "indicators:download_xlsx": READ,
    "indicators:quality": READ,
    "indicators:tidy_csv": READ,
    "indicators:tidy_xlsx": READ,
    "indicators:elements": READ,
    "indicators:element_template": READ,
    "indicators:upload": CREATE,
    "indicators:upload_preview": "imports a staged file: creates values",
    "evidence:sources": READ,
    "evidence:source_create": CREATE,
    "evidence:source": "its forms code words: create codings",
    "evidence:survey_upload": CREATE,
    # Records reading (tests/records): a return and a sample are never edited, only replaced by
    # a new one (a sample once drawn is frozen), and a purposive addition adds a row.
    "records:reading": READ,
    "records:sample": READ,
    "records:template": READ,
    "records:upload": CREATE,
    "records:draw": CREATE,
    "records:purposive": CREATE,
    "records:progress": READ,
    "records:agreement": READ,
    "records:queue": READ,
    "records:pair_add": CREATE,
    "records:assign": CREATE,
    "records:release": CREATE,
    "records:record": "saves the reader's own draft, which only they change, or submits it once: "
    "no object versions (tests/records/test_reading.py)",
    "records:moderate": CREATE,
    "records:raise_concern": CREATE,
    "records:concerns": READ,
    "records:pass_on": "records once whether a concern was passed on, never changed: a one-time "
    "key, no versions (tests/records/test_concerns.py)",
    "records:reassign": "gives a record to another pair before anyone reads it: a one-time "
    "key, no versions (tests/records/test_reading.py)",
    "front:notes_to_source": "makes a sample's notes a source, once: a one-time key, no "
    "versions (tests/front/test_records_notes.py)",
    "evidence:survey_preview": "imports a staged survey: creates sources",
    "evidence:coding_remove": POST_ONLY,
    "evidence:quote_create": CREATE,
    "evidence:quotes": READ,
    "evidence:quote_approve": POST_ONLY,
    "evidence:codebook": "its form adds a code: creates",
    "evidence:add_wellbeing": POST_ONLY,
    "evidence:add_qi_codes": POST_ONLY,
    "evidence:code_merge": "merges a code into another chosen on the page: deletes it",
    "evidence:code_delete": "deletes a code",
    "evidence:exchange": CREATE,
    "evidence:export_qdc": READ,
    "evidence:export_qdpx": READ,
    "evidence:cases": READ,
    "evidence:case_create": CREATE,
    "evidence:analysis": READ,
    "evidence:matrix_download": READ,
    "evidence:cooccurrence_download": READ,
    "evidence:excerpts": READ,
    "evidence:excerpts_download": READ,
    "reports:review": READ,
    "reports:review_file": READ,
    "reports:review_publish": "publishes a new version: creates",
    "reports:inspection": READ,
    "reports:inspection_file": READ,
    "reports:inspection_publish": "publishes a new version: creates",
    "reports:pack": "its button makes the next progress pack: creates",
    "reports:pack_draft": READ,
    "reports:pack_file": READ,
    "reports:public_index": READ,
    "reports:public": READ,
    "jobs:job": READ,
    "jobs:download": READ,
    "jobs:healthz": READ,
    "reports:public_file": READ,
    "members:list": READ,
    "members:invite": CREATE,
    "members:deactivate": POST_ONLY,
    "members:reactivate": POST_ONLY,
    "members:invitation_revoke": POST_ONLY,
    "members:invitation_resend": POST_ONLY,
    "members:accept": "accepts an invitation: creates an account or a membership",
    "manage:partnerships": READ,
    "manage:partnership": READ,
    "manage:partnership_create": CREATE,
    "manage:partnership_archive": POST_ONLY,
    "manage:organisation_create": CREATE,
    "manage:organisation_remove": POST_ONLY,
    "manage:inspector_assign": "assigns an inspector: creates a membership",
}


def _views() -> Iterator[tuple[str, Any]]:
    resolver = get_resolver()
    for name in project_url_names():
        namespace, _, short = name.rpartition(":")
        patterns = resolver.namespace_dict[namespace][1].url_patterns if namespace else []
        for pattern in patterns:
            if getattr(pattern, "name", None) == short:
                yield name, pattern.callback


def test_every_url_is_an_edit_page_or_says_why_not():
    names = project_url_names()
    assert set(EDIT_PAGES).isdisjoint(NOT_EDIT_PAGES)
    assert names - set(EDIT_PAGES) - set(NOT_EDIT_PAGES) == set(), "new pages: classify them"
    assert (set(EDIT_PAGES) | set(NOT_EDIT_PAGES)) - names == set(), "pages gone: remove them"


def test_every_view_built_on_the_edit_page_helper_is_covered_and_only_those():
    """An edit page is one that carries a version; the views that build one (their source
    names ``edit_page(``) are exactly the views of the pages covered below."""
    views = dict(_views())
    built = {
        view for view in views.values() if "edit_page(" in inspect.getsource(inspect.unwrap(view))
    }
    assert built == {views[name] for name in EDIT_PAGES}


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The demo, loaded once for the module (or copied, tests/demo_snapshot.py) and undone after it, with an administrator of
    each partnership (the demo has none, and nobody else may edit Glenmorran's inspection), who
    is a service administrator too (for the administration pages)."""
    with django_db_blocker.unblock(), demo_loaded(PASSWORD):
        enrol_demo_inspector()
        admin = User.objects.create_superuser("edit-pages-admin")
        f.totp_authenticator(admin)  # an administrator must have a second factor
        for partnership in Partnership.objects.filter(slug__in=DEMO_SLUGS):
            Membership.objects.create(user=admin, partnership=partnership, role=Role.ADMIN)
        yield


_VOLATILE = re.compile(r'(name="(?:csrfmiddlewaretoken|version|submission)" value=")[^"]*(")')


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return _VOLATILE.sub(r"\1\2", response.content.decode())


def _clients() -> dict[str, Client]:
    clients = {}
    for user in User.objects.filter(memberships__isnull=False).distinct().order_by("username"):
        client = Client()
        client.force_login(user)
        clients[user.username] = client
    return clients


@pytest.mark.parametrize("name", sorted(EDIT_PAGES))
def test_every_edit_page_submitted_unchanged_by_each_editing_role_changes_nothing(
    demo: None, db: Any, name: str
) -> None:
    pages = EDIT_PAGES[name]()
    assert pages, f"the demo has no object for {name}"
    clients = _clients()
    by_partnership: dict[str, list[Page]] = {}
    for page in pages:
        by_partnership.setdefault(page[1], []).append(page)
    # Who may edit: the members the first page of each partnership opens for (200); others get
    # 403 or 404, which the access matrix checks.
    plan: list[tuple[str, str, Callable[[], Any]]] = []
    for slug, found in by_partnership.items():
        url = reverse(name, kwargs={"slug": slug, **found[0][0]})
        members = Membership.objects.filter(partnership__slug=slug)
        editors = [
            who
            for who in sorted(members.values_list("user__username", flat=True))
            if clients[who].get(url).status_code == 200
        ]
        assert editors, f"nobody may edit {url}"
        for i in range(max(len(found), len(editors))):
            kwargs, _, read = found[i % len(found)]
            plan.append(
                (editors[i % len(editors)], reverse(name, kwargs={"slug": slug, **kwargs}), read)
            )
    # Every form as its editor's browser renders it, and the page each belongs to.
    opened = []
    for who, url, read in plan:
        html = clients[who].get(url).content.decode()
        form = page_form(html)
        assert "version" in form.names(), f"{url} carries no version"
        opened.append((who, url, read, form, back_link(html)))
    # Each page they belong to, read once before and once after, by a session of its own (so no
    # "saved" message shows), as the first role that edits something on it.
    readers: dict[str, Client] = {}
    for who, *_, back in opened:
        if back not in readers:
            readers[back] = Client()
            readers[back].force_login(User.objects.get(username=who))
    before = {back: _page(reader, back) for back, reader in readers.items()}
    entries = AuditEntry.objects.count()
    for who, url, read, form, back in opened:
        was = read()
        response = submit(clients[who], url, form)
        assert (response.status_code, response.get("Location")) == (302, back), (who, url)
        assert read() == was, (who, url)
    assert AuditEntry.objects.count() == entries
    for back, reader in readers.items():
        assert _page(reader, back) == before[back], back
