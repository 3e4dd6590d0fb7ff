"""The fixed cast and the world they live in.

Two partnerships: "home" (the cast's own) and "away" (the outsider's). The cast: lead, editor,
contributor and viewer of home; an inspector assigned to home; an admin of home; and the
outsider, lead of away. Every object of home has a twin in away, so tests can look across.
"""

from __future__ import annotations

import copy
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from _pytest.skipping import evaluate_skip_marks
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings

from followup.demo.loader import DemoSignIn
from followup.env import folder_storage
from followup.evidence.models import Case, Code, Coding, Quote, Source, SurveyUpload
from followup.frameworks.library import load_library
from followup.indicators.models import DataElement, ImportUpload, Indicator
from followup.inspections.models import Evaluation, Inspection, Recommendation
from followup.jobs.models import Job
from followup.lib.types import CommandLine
from followup.partnerships.models import Organisation, Partnership
from followup.plans.models import Action, ActionUpdate
from followup.reviews.models import ProgressReview, RecommendationProgress
from tests import factories as f
from tests import middleware
from tests.demo_snapshot import demo_loaded
from tests.migrated import migrated_data_folder

pytest_plugins = ["tests.mailserver", "tests.coverage_pause", "tests.template_db"]

CAST = ("lead", "editor", "contributor", "viewer", "inspector", "admin", "outsider")
PASSWORD = "correct horse battery staple"
DEMO_PASSWORD = "demo-password-for-tests"


@dataclass
class Site:
    partnership: Partnership
    organisation: Organisation
    inspection: Inspection
    evaluation: Evaluation
    recommendation: Recommendation
    action: Action
    update: ActionUpdate
    review: ProgressReview
    judgement: RecommendationProgress
    indicator: Indicator
    upload: ImportUpload
    source: Source
    code: Code
    coding: Coding
    survey: SurveyUpload
    quote: Quote
    case: Case
    job: Job


@dataclass
class World:
    home: Site
    away: Site
    users: dict[str, Any]

    def client_for(self, name: str | None) -> Client:
        client = Client()
        if name is not None:
            client.force_login(self.users[name])
        return client


def build_site(slug: str, name: str) -> Site:
    partnership: Any
    organisation: Any
    inspection: Any
    evaluation: Any
    recommendation: Any
    action: Any
    update: Any
    review: Any
    judgement: Any
    indicator: Any
    upload: Any
    source: Any
    code: Any
    coding: Any
    survey: Any
    quote: Any
    case: Any
    job: Any
    partnership = f.PartnershipFactory(slug=slug, name=name)
    organisation = f.OrganisationFactory(partnership=partnership, name=f"{name} Council")
    inspection = f.InspectionFactory(partnership=partnership, title=f"Inspection of {name}")
    evaluation = f.EvaluationFactory(inspection=inspection, grade=3)
    recommendation = f.RecommendationFactory(
        inspection=inspection, number=1, text=f"Improve planning in {name}"
    )
    action = f.ActionFactory(
        partnership=partnership, title=f"Plan action for {name}", owner_organisation=organisation
    )
    action.recommendations.add(recommendation)
    update = f.ActionUpdateFactory(action=action, note=f"Update about {name}")
    review = f.ReviewFactory(inspection=inspection, title=f"Progress review of {name}")
    judgement = f.JudgementFactory(review=review, recommendation=recommendation)
    area = f.AreaFactory(code=f"S1{slug[:4].upper()}", name=name)
    partnership.area = area
    partnership.save()
    element, _ = DataElement.objects.get_or_create(
        code="children_looked_after",
        partnership=None,
        defaults={"name": "Children looked after", "period_kind": "year"},
    )
    indicator = f.IndicatorFactory(
        partnership=partnership, area=area, numerator=element, name=f"Looked after in {name}"
    )
    indicator.recommendations.add(recommendation)
    upload = ImportUpload.objects.create(
        partnership=partnership,
        filename="figures.csv",
        data=ContentFile(
            f"area_code,period,data_element,value\n{area.code},2024,children_looked_after,12\n".encode(),
            name="figures.csv",
        ),
        release=f"{name} return",
    )
    source = Source.objects.create(
        partnership=partnership,
        title=f"Staff survey, {name}",
        text=f"Staff in {name} feel supported. Waiting lists are long.",
    )
    code = Code.objects.create(partnership=partnership, name=f"Support in {name}")
    coding = Coding.objects.create(
        source=source, code=code, start=0, end=len(f"Staff in {name} feel supported.")
    )
    survey = SurveyUpload.objects.create(
        partnership=partnership,
        title=f"{name} survey",
        filename="survey.csv",
        data=ContentFile(b"id,group,What helps?\n1,Staff,Good supervision\n", name="survey.csv"),
    )
    quote = Quote.objects.create(coding=coding, redactions=[[9, 9 + len(name), "place"]])
    case = Case.objects.create(
        partnership=partnership,
        name=f"{name} respondent 1",
        attributes={"Respondent group": "Staff"},
    )
    source.case = case
    source.save(update_fields=["case"])
    # A job that failed: its page stays (a done job's page sends the person to its result).
    job = Job.objects.create(
        partnership=partnership,
        kind=Job.Kind.IMPORT,
        title=f"Importing figures for {name}",
        state=Job.State.FAILED,
        message="The file has problems. Nothing was changed.",
    )
    return Site(
        partnership,
        organisation,
        inspection,
        evaluation,
        recommendation,
        action,
        update,
        review,
        judgement,
        indicator,
        upload,
        source,
        code,
        coding,
        survey,
        quote,
        case,
        job,
    )


def build_world() -> World:
    load_library(CommandLine("tests"))
    home = build_site("home", "Homeshire")
    away = build_site("away", "Awayshire")
    users: dict[str, Any] = {}
    for name in CAST:
        users[name] = f.UserFactory(username=name)
    for name in ("lead", "editor", "contributor", "viewer", "inspector", "admin"):
        f.MembershipFactory(user=users[name], partnership=home.partnership, role=name)
    f.MembershipFactory(user=users["outsider"], partnership=away.partnership, role="lead")
    # A service administrator (the inspectorate's): a superuser who is a member of nothing.
    users["service_admin"] = f.UserFactory(
        username="service_admin", is_superuser=True, is_staff=True
    )
    for name in ("inspector", "admin", "service_admin"):  # they must have a second factor
        f.totp_authenticator(users[name])
    return World(home=home, away=away, users=users)


def enrol_demo_inspector() -> None:
    """Give the demo's inspector the second factor they would set up on first signing in
    (factories.TOTP_SECRET), so that tests may act as them."""
    f.totp_authenticator(User.objects.get(username="inspector"))


def transactional(item: pytest.Item) -> bool:
    """Whether the test runs outside a transaction (pytest-django's ``transactional_db``)."""
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return (
        (marker is not None and bool(marker.kwargs.get("transaction", False)))
        or "transactional_db" in names
        or "live_server" in names
    )


def _skipped_here(item: pytest.Item) -> bool:
    """Whether a ``skip`` or ``skipif`` marker skips the test here (``postgresql_only`` on
    SQLite), as pytest itself decides: such a test does not stop its module's other tests from
    sharing one world."""
    return evaluate_skip_marks(item) is not None


# The modules with the longest single tests (measured on 30 November 2026: 6 to 14 s each, under
# a full run), run first. pytest-xdist's processes share the tests out in the order collected
# and take what is left from each other, but a test running cannot be shared: one of these at
# the end kept one process busy for up to 13 s after the other had finished.
LONGEST_FIRST = (
    "tests/browser/test_acceptance_accounts.py",
    "tests/jobs/test_worker.py",  # second: it waits for the data folder (tests/template_db.py)
    "tests/reports/test_files_migration.py",
    "tests/core/test_upgrade.py",
    "tests/core/test_serve_processes.py",
    "tests/browser/test_second_factors.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules of ``LONGEST_FIRST`` first, in that order; the rest as collected."""
    rank = {module: place for place, module in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Once the tests are collected, what the process holds by then (Django, the libraries, the
    test modules and their parameters) is moved out of the cyclic garbage collector's sight
    (``gc.freeze``): it lives as long as the process, and each full collection walked all of it
    again. Measured on 30 November 2026 over tests/plans under coverage, the collector's own
    processor time fell from 5.0 s to 3.4 s, of 28 s."""
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="module")
def world_for_module(
    request: pytest.FixtureRequest, django_db_setup: Any, django_db_blocker: Any
) -> Iterator[World | None]:
    """The world, built once for the test module and rolled back after its last test, as
    ``demo_for_module`` loads the demo. None in a module with a test that runs outside a
    transaction: that test must not run inside this one, so there each test builds its own."""
    if any(
        transactional(item) and not _skipped_here(item)
        for item in request.session.items
        if item.getparent(pytest.Module) is request.node
    ):
        yield None
        return
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


class _CopiedSite(Site):
    """A site whose objects are deep copies of the module's, each made when a test first reads
    it, all with one memo: what one object refers to (a partnership, a user) is one copy, as in
    a deep copy of the whole, and nothing a test never reads is copied."""

    def __init__(self, original: Site, memo: dict[int, Any]) -> None:  # no fields of its own
        self.__dict__["_original"] = original
        self.__dict__["_memo"] = memo

    def __getattr__(self, name: str) -> Any:  # only for what is not yet copied
        if name.startswith("__"):
            raise AttributeError(name)
        value = copy.deepcopy(getattr(self.__dict__["_original"], name), self.__dict__["_memo"])
        self.__dict__[name] = value
        return value


def _copy_of(world: World) -> World:
    memo: dict[int, Any] = {}
    users = copy.deepcopy(world.users, memo)
    return World(_CopiedSite(world.home, memo), _CopiedSite(world.away, memo), users)


@pytest.fixture
def world(world_for_module: World | None, db: Any) -> World:
    """The world as it was built: each test's writes are rolled back to a savepoint, and each
    test has its own copies of the objects (as Django's ``setUpTestData`` gives), so what one
    test changes in them is not seen by the next. Building it for every test cost a tenth of a
    second each under coverage, for more than 700 tests; copying all of it, a fiftieth, so each
    object is copied when the test first reads it (``_CopiedSite``), as ``setUpTestData``'s
    attributes are."""
    if world_for_module is None:
        return build_world()
    return _copy_of(world_for_module)


@pytest.fixture(scope="module", autouse=True)
def _stored_files_in_a_folder_of_the_module(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """Each test module keeps its stored files (staged uploads, published reports) in a
    temporary folder of its own, never in the repository or a folder another module shares. A
    module builds its world once, files and all, so the folder lasts as long as the module."""
    folder = tmp_path_factory.mktemp("files")
    with override_settings(STORAGES={**settings.STORAGES, "default": folder_storage(folder)}):
        yield


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A local-mode data folder made by ``followup migrate`` once for the test run, from a
    folder that did not exist: tests that run ``followup`` in a process of their own copy its
    database (``tests.migrated.copy_database``) and never change the folder itself."""
    return migrated_data_folder(tmp_path_factory)


@pytest.fixture(autouse=True)
def _an_empty_cache() -> None:
    """Each test starts with an empty cache: allauth counts sign-ups, reset links and codes in it
    per address (127.0.0.1 for every test client), so one module's posts used to reach another's
    rate limits (429) in the same test process, depending on which modules ran there first."""
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _client_middleware_loaded_once() -> Iterator[None]:
    """Test clients share their middleware as one server process does (tests/middleware.py)."""
    with middleware.shared():
        yield


@pytest.fixture(scope="module")
def demo_for_module(django_db_setup: Any, django_db_blocker: Any) -> Iterator[list[DemoSignIn]]:
    """The demo, loaded once for the test module and rolled back after its last test; yields the
    sign-ins. A test asks for ``db`` as well: its own writes are rolled back to a savepoint, so
    every test of the module starts from the demo as loaded. Loading the demo takes about a second,
    so a module of ten tests saves nine loads; on SQLite a module after the first gets a copy of
    the demo the first loaded (tests/demo_snapshot.py)."""
    with django_db_blocker.unblock(), demo_loaded(DEMO_PASSWORD) as sign_ins:
        enrol_demo_inspector()
        yield sign_ins
