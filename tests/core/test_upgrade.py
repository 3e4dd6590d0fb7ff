"""An upgrade from the previous release keeps every row.

"The previous release" is the last one landed: commit cc5becd, whose migration leaves are
``PREVIOUS_RELEASE`` below. The test migrates an empty database of its own to those leaves
(Django's ``MigrationExecutor``), writes representative rows with the models as they were then,
migrates to whatever the latest migrations are now (never named here, so that migrations added
since keep being tested), and checks every row and relation. When a release lands, its leaves
replace these (``git ls-tree RELEASE src/followup/*/migrations``).
"""

from __future__ import annotations

import datetime
import hashlib
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.coverage_pause import measured, paused

# Commit cc5becd ("Name a real person in the access matrix's reset row ... (#13)").
PREVIOUS_RELEASE = [
    ("accounts", "0003_invitation"),
    ("audit", "0002_audit_actor_plain"),
    ("core", "0001_submission"),
    ("evidence", "0005_delete_with_partnership"),
    ("frameworks", "0001_initial"),
    ("indicators", "0007_rename_partnership_releases_named_like_official"),
    ("inspections", "0001_initial"),
    ("partnerships", "0003_admin_archive_period_mfa"),
    ("plans", "0002_actionupdate_author_plain"),
    ("reports", "0003_publication_one_version_each"),
    ("reviews", "0002_review_evidence_cutoff"),
]
ALIAS = "upgrade"
SRC = Path(__file__).resolve().parents[2] / "src" / "followup"
FOLDERS = {"core": "web"}  # the one app whose label is not its folder's name
PDF = b"%PDF-1.7 the published report's bytes"


def test_the_previous_release_names_a_migration_of_every_app_that_had_them():
    for app, name in PREVIOUS_RELEASE:
        assert (SRC / FOLDERS.get(app, app) / "migrations" / f"{name}.py").exists(), (app, name)


@pytest.fixture
def empty_database(tmp_path: Path, django_db_blocker: Any) -> Iterator[BaseDatabaseWrapper]:
    """A database of its own, with no tables, as the test database's engine makes it."""
    settings = dict(connections["default"].settings_dict)
    postgres = connections["default"].vendor == "postgresql"
    with django_db_blocker.unblock():
        if postgres:
            settings["NAME"] = f"{settings['NAME']}_upgrade"
            with connections["default"]._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}"')
                cursor.execute(f'CREATE DATABASE "{settings["NAME"]}"')
        else:
            settings["NAME"] = str(tmp_path / "upgrade.sqlite3")
        connections.databases[ALIAS] = settings
        try:
            yield connections[ALIAS]
        finally:
            connections[ALIAS].close()
            del connections[ALIAS]
            del connections.databases[ALIAS]
            if postgres:
                with connections["default"]._nodb_cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}"')


def _previous_release(executor: MigrationExecutor) -> list[tuple[str, str]]:
    """Our apps at the previous release (an app of ours added since has no tables yet);
    Django's and the libraries' apps as they are now."""
    ours = {app for app, _ in PREVIOUS_RELEASE} | {
        config.label
        for config in django_apps.get_app_configs()
        if config.name.startswith("followup.")
    }
    others = [leaf for leaf in executor.loader.graph.leaf_nodes() if leaf[0] not in ours]
    return PREVIOUS_RELEASE + others


def _write_old_rows(apps: Any) -> dict[str, Any]:
    """Representative rows, written with the previous release's models."""

    def model(label: str) -> Any:
        return apps.get_model(label).objects.db_manager(ALIAS)

    lead = model("auth.User").create(username="lead", email="lead@example.org", password="!")
    area = model("partnerships.Area").create(code="S12000028", name="South Ayrshire")
    local = model("partnerships.Area").create(code="X01", name="Made-up ward", kind="other")
    partnership = model("partnerships.Partnership").create(
        slug="south-ayrshire", name="South Ayrshire partnership", area=area
    )
    council = model("partnerships.Organisation").create(
        partnership=partnership, name="South Ayrshire Council", kind="council"
    )
    model("partnerships.Membership").create(
        user=lead, partnership=partnership, role="lead", organisation=council
    )
    scale = model("frameworks.Scale").create(
        urn="urn:test:scale", version=1, name="Scale", levels=[], digest="0" * 64
    )
    framework = model("frameworks.Framework").create(
        urn="urn:test:framework", version=1, name="Framework", scale=scale, digest="1" * 64
    )
    inspection = model("inspections.Inspection").create(
        partnership=partnership, framework=framework, title="Joint inspection 2016",
        scale=[], scale_name="Scale",
    )  # fmt: skip
    recommendation = model("inspections.Recommendation").create(
        inspection=inspection, number=1, text="Improve the quality of chronologies."
    )
    action = model("plans.Action").create(
        partnership=partnership, title="Train staff in chronologies", owner_organisation=council
    )
    model("plans.ActionUpdate").create(
        action=action, on=datetime.date(2017, 3, 1), status="in_progress", rating="on_track",
        note="Two sessions held.", author_id=lead.pk, author_name="lead",
    )  # fmt: skip
    element = model("indicators.DataElement").create(
        code="looked_after_total", name="Children looked after", period_kind="day"
    )
    period = model("indicators.Period").create(
        id="2023-07-31",
        kind="day",
        start=datetime.date(2023, 7, 31),
        end=datetime.date(2023, 7, 31),
    )
    release = model("indicators.Release").create(name="CSWS 2022-23")
    model("indicators.DataValue").create(
        element=element, area=area, period=period, release=release, value=12206.0
    )
    model("evidence.Source").create(
        partnership=partnership, title="Focus group", text="We were listened to."
    )
    model("reports.Publication").create(
        partnership=partnership, kind="inspection", inspection=inspection, version=1,
        title="Joint inspection 2016", html=b"<p>report</p>", pdf=PDF, docx=b"PK docx",
        sha256_html=hashlib.sha256(b"<p>report</p>").hexdigest(),
        sha256_pdf=hashlib.sha256(PDF).hexdigest(),
        sha256_docx=hashlib.sha256(b"PK docx").hexdigest(),
        published_at=timezone.now(), published_by=lead,
    )  # fmt: skip
    return {"recommendation": recommendation.pk, "local": local.pk}


def _file_bytes(value: Any) -> bytes:
    """A published file's bytes, whether a column holds them or a storage field points at them."""
    if isinstance(value, bytes | memoryview):
        return bytes(value)
    with value.open("rb") as handle:
        return bytes(handle.read())


# The migrations' calls into Followup's code, looked up where the migrations call them.
CALLED = [
    ("followup.partnerships.geography", "read_register"),
    ("followup.reports.migrations.0004_publication_files_in_storage", "blobs_to_files"),
    ("followup.indicators.migrations.0008_importupload_file_in_storage", "blobs_to_files"),
    ("followup.evidence.migrations.0006_surveyupload_file_in_storage", "blobs_to_files"),
]


@pytest.fixture
def _code_the_migrations_call_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the migrations call of Followup's own code is measured as it was before the
    migrations ran with the measurement paused (tests/coverage_pause.py)."""
    for name, function in CALLED:
        module = importlib.import_module(name)
        monkeypatch.setattr(module, function, measured(getattr(module, function)))


@pytest.mark.django_db
@pytest.mark.usefixtures("_code_the_migrations_call_measured")
def test_a_database_made_by_the_previous_release_upgrades_with_every_row_intact(empty_database):
    from followup.evidence.models import Source
    from followup.indicators.models import DataValue
    from followup.inspections.models import Recommendation
    from followup.partnerships.models import Area, Membership, Partnership
    from followup.plans.models import Action
    from followup.reports.models import Publication

    executor = MigrationExecutor(empty_database)
    previous = _previous_release(executor)
    # Django's migration machinery unmeasured, Followup's code the migrations call measured
    # (_code_the_migrations_call_measured); the models as they were are those of the state the
    # executor built on the way, not a second one built from the loader (seconds again).
    with paused():
        old = executor.migrate(previous).apps
    ids = _write_old_rows(old)

    latest = MigrationExecutor(empty_database)
    with paused():
        latest.migrate(latest.loader.graph.leaf_nodes())
    after = MigrationExecutor(empty_database)
    assert after.migration_plan(after.loader.graph.leaf_nodes()) == []

    partnership = Partnership.objects.using(ALIAS).get(slug="south-ayrshire")
    area = partnership.area
    assert (area.code, area.name, area.kind) == ("S12000028", "South Ayrshire", "council")
    # The new fields are filled from the register for the areas it names.
    assert (area.valid_from, area.valid_to, area.successor) == (
        datetime.date(1996, 4, 1),
        None,
        None,
    )
    local = Area.objects.using(ALIAS).get(pk=ids["local"])
    assert (local.code, local.valid_from, local.valid_to) == ("X01", None, None)
    member = Membership.objects.using(ALIAS).get()
    assert (member.user.username, member.role, member.partnership, member.organisation.name) == (
        "lead",
        "lead",
        partnership,
        "South Ayrshire Council",
    )
    recommendation = Recommendation.objects.using(ALIAS).get(pk=ids["recommendation"])
    assert recommendation.inspection.partnership == partnership
    assert recommendation.text == "Improve the quality of chronologies."
    action = Action.objects.using(ALIAS).get()
    assert action.owner_organisation.name == "South Ayrshire Council"
    update = action.updates.get()
    assert (update.on, update.status, update.rating, update.note, update.author_name) == (
        datetime.date(2017, 3, 1),
        "in_progress",
        "on_track",
        "Two sessions held.",
        "lead",
    )
    # Written before updates needed accepting, it counts as accepted (plans 0004).
    assert (update.decision.outcome, update.decision.reason) == (
        "accepted",
        "Written before updates needed accepting.",
    )
    value = DataValue.objects.using(ALIAS).get()
    assert (value.element.code, value.area, value.period_id, value.release.name, value.value) == (
        "looked_after_total",
        area,
        "2023-07-31",
        "CSWS 2022-23",
        12206.0,
    )
    assert Source.objects.using(ALIAS).get().text == "We were listened to."
    publication = Publication.objects.using(ALIAS).get()
    assert (publication.inspection, publication.published_by.username) == (
        recommendation.inspection,
        "lead",
    )
    assert _file_bytes(publication.pdf) == PDF
    assert publication.sha256_pdf == hashlib.sha256(PDF).hexdigest()
