"""What viewers may not see is worked out once and kept while nothing it depends on changes
(``indicators.withheld_memo``); the kept answer is never used once anything has changed."""

from __future__ import annotations

import ast
import csv
import datetime
import io
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

import followup
from followup.indicators import disclosed, withheld_memo
from followup.indicators.importer import apply_import, plan_import
from followup.indicators.layouts import TIDY_REQUIRED
from followup.indicators.models import (
    DataElement,
    DataValue,
    Release,
    ValidationRule,
    WithheldMemo,
)
from followup.lib.tabular import Table
from followup.lib.types import CommandLine
from followup.partnerships.models import Area, AreaGroup
from tests import factories as f
from tests.indicators.figures import year_period


def _import(partnership: Any, release: str, rows: list[tuple[Any, Any, int, float]]) -> bool:
    """Import (data element, area, year, value) rows into the partnership's release through the
    importer, the only writer of values; False when the importer refuses them."""
    table = Table(
        list(TIDY_REQUIRED),
        [
            (
                line,
                {
                    "area_code": area.code,
                    "period": str(year),
                    "data_element": element.code,
                    "value": str(value),
                },
            )
            for line, (element, area, year, value) in enumerate(rows, start=2)
        ],
    )
    plan = plan_import(table, release=release, partnership=partnership)
    if not plan.ok:
        return False
    apply_import(plan, actor=CommandLine("tests"))
    return True


def _fresh(partnership: Any) -> disclosed.Withheld:
    return disclosed.Withheld(*disclosed._work_out(partnership, releases=None, published=True))


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the figures were worked out rather than taken from the memo."""
    calls: list[int] = []
    work_out = disclosed._work_out

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return work_out(*args, **kwargs)

    monkeypatch.setattr(disclosed, "_work_out", counting)
    return calls


def test_a_viewers_second_page_takes_the_withheld_figures_worked_out_for_the_first(world, counted):
    url = reverse("indicators:dashboard", args=["home"])
    viewer = world.client_for("viewer")
    assert viewer.get(url).status_code == 200
    assert viewer.get(url).status_code == 200
    assert len(counted) == 1
    assert WithheldMemo.objects.filter(partnership=world.home.partnership).count() == 1


def test_a_small_count_imported_after_the_memo_was_kept_is_withheld_on_the_next_page(world):
    site = world.home
    release = Release.objects.create(name="Return 2024", published_on=datetime.date(2024, 6, 1))
    DataValue.objects.create(
        element=site.indicator.numerator,
        area=site.indicator.area,
        period=year_period(2023),
        release=release,
        value=40,
    )
    url = reverse("indicators:download_csv", args=["home", site.indicator.pk])
    viewer = world.client_for("viewer")
    assert '"2023","40.0"' in viewer.get(url).content.decode()
    assert WithheldMemo.objects.filter(partnership=site.partnership).exists()
    assert _import(
        site.partnership, "Return 2025", [(site.indicator.numerator, site.indicator.area, 2024, 3)]
    )
    rows = list(csv.reader(io.StringIO(viewer.get(url).content.decode())))
    assert [row[:3] for row in rows[1:]] == [["2023", "40.0", "40.0"], ["2024", "[c]", "[c]"]]
    assert "Return 2025" in rows[2][4]


def _change(world: Any) -> dict[str, Callable[[], Any]]:
    """One change of each kind that withheld_figures reads, to the home partnership's data."""
    site = world.home
    element = site.indicator.numerator
    area = site.indicator.area
    release = Release.objects.get(name="Memo release")
    other = Area.objects.exclude(pk=area.pk).first()
    assert other is not None
    return {
        "a value imported": lambda: _import(
            site.partnership, release.name, [(element, area, 2021, 2)]
        ),
        "a value imported into a new release": lambda: _import(
            site.partnership, "Another release", [(element, area, 2021, 2)]
        ),
        "a release deleted": lambda: release.delete(),
        "a release's date changed": lambda: Release.objects.filter(pk=release.pk).update(
            published_on=datetime.date(2020, 1, 1)
        ),
        "a data element added": lambda: DataElement.objects.create(
            code="twice", name="Twice", partnership=site.partnership
        ),
        "a data element's formula changed": lambda: DataElement.objects.filter(
            pk=element.pk
        ).update(formula="looked_after_total"),
        "a data element no longer a count": lambda: DataElement.objects.filter(
            pk=element.pk
        ).update(is_count=False),
        "an indicator's denominator changed": lambda: (
            type(site.indicator).objects.filter(pk=site.indicator.pk).update(denominator=element)
        ),
        "a validation rule added": lambda: ValidationRule.objects.create(
            name="Sum", left=element.code, operator="==", right=element.code
        ),
        "an area's kind changed": lambda: Area.objects.filter(pk=other.pk).update(kind="country"),
        "an area joined a group": lambda: AreaGroup.objects.create(
            code="family", name="Family"
        ).areas.add(area, other),
        "a report published": lambda: _publish(world),
    }


def _publish(world: Any) -> None:
    from followup.reports.models import Publication

    review = world.home.review
    review.evidence_cutoff = datetime.date(2025, 1, 1)
    review.save(update_fields=["evidence_cutoff"])
    Publication.objects.create(
        partnership=world.home.partnership,
        review=review,
        inspection=world.home.inspection,
        kind="review",
        version=1,
        title="Progress review",
        published_at=datetime.datetime(2025, 1, 2, tzinfo=datetime.UTC),
    )


CHANGES = [
    "a value imported",
    "a value imported into a new release",
    "a release deleted",
    "a release's date changed",
    "a data element added",
    "a data element's formula changed",
    "a data element no longer a count",
    "an indicator's denominator changed",
    "a validation rule added",
    "an area's kind changed",
    "an area joined a group",
    "a report published",
]


@pytest.mark.parametrize("change", CHANGES)
def test_every_kind_of_change_to_what_is_withheld_changes_the_fingerprint(world, change):
    site = world.home
    release = Release.objects.create(
        name="Memo release", published_on=datetime.date(2024, 6, 1), partnership=site.partnership
    )
    DataValue.objects.create(
        element=site.indicator.numerator,
        area=site.indicator.area,
        period=year_period(2024),
        release=release,
        value=3,
    )
    before = withheld_memo.fingerprint(site.partnership, disclosed._published_cutoffs)
    _change(world)[change]()
    assert withheld_memo.fingerprint(site.partnership, disclosed._published_cutoffs) != before


def test_the_disclosure_threshold_is_in_the_fingerprint(world, settings):
    before = withheld_memo.fingerprint(world.home.partnership, None)
    settings.DISCLOSURE_THRESHOLD += 1
    assert withheld_memo.fingerprint(world.home.partnership, None) != before


def test_another_partnerships_own_figures_leave_the_fingerprint_alone(world):
    before = withheld_memo.fingerprint(world.home.partnership, None)
    away = world.away
    release = Release.objects.create(name="Away return", partnership=away.partnership)
    DataValue.objects.create(
        element=away.indicator.numerator,
        area=away.indicator.area,
        period=year_period(2024),
        release=release,
        value=3,
    )
    assert withheld_memo.fingerprint(world.home.partnership, None) == before


def test_figures_worked_out_while_the_data_changed_are_not_kept(world):
    site = world.home

    def work_out_while_a_value_arrives() -> withheld_memo.Answer:
        answer = disclosed._work_out(site.partnership, releases=None, published=True)
        assert _import(
            site.partnership, "Return", [(site.indicator.numerator, site.indicator.area, 2024, 3)]
        )
        return answer

    withheld_memo.remembered(site.partnership, None, work_out_while_a_value_arrives)
    assert not WithheldMemo.objects.filter(partnership=site.partnership).exists()


def test_a_memo_with_another_fingerprint_is_never_used(world, counted):
    partnership = world.home.partnership
    WithheldMemo.objects.create(
        partnership=partnership, fingerprint="0" * 64, figures=[], linked=[]
    )
    disclosed.withheld_figures(partnership)
    assert len(counted) == 1
    assert WithheldMemo.objects.get(partnership=partnership).fingerprint != "0" * 64


def test_after_any_sequence_of_changes_the_kept_answer_is_the_one_worked_out_afresh(
    world, monkeypatch, settings
):
    """Random imports, deletions, formulas, count flags, rules, groups, thresholds and report
    cut-offs, with a viewer reading after each: the answer given is always the one worked out
    from scratch, and the memo is used whenever nothing changed."""
    site = world.home
    partnership = site.partnership
    rng = random.Random(20261128)
    areas = [site.indicator.area, *f.AreaFactory.create_batch(2, kind=Area.Kind.COUNCIL)]
    group = AreaGroup.objects.create(code="neighbours", name="Neighbours")
    elements = [site.indicator.numerator] + [
        DataElement.objects.create(code=f"e{i}", name=f"E{i}", partnership=partnership)
        for i in range(3)
    ]
    for element in elements[1:]:
        f.IndicatorFactory(partnership=partnership, area=areas[0], numerator=element)
    releases = [
        Release.objects.create(
            name=f"Return {i}", published_on=datetime.date(2020 + i, 6, 1), partnership=partnership
        )
        for i in range(3)
    ]
    cutoffs: list[datetime.date] = []
    monkeypatch.setattr(
        disclosed,
        "_published_cutoffs",
        lambda p: [Release.objects.filter(published_on__lte=day) for day in cutoffs],
    )

    def add_value() -> None:
        live = list(Release.objects.filter(partnership=partnership))
        if live:
            rows = [
                (
                    rng.choice(elements),
                    rng.choice(areas),
                    rng.randint(2019, 2024),
                    rng.randint(0, 25),
                )
                for _ in range(rng.randint(1, 3))
            ]
            _import(partnership, rng.choice(live).name, rows)

    def formula() -> None:
        target = rng.choice(elements[1:])
        target.formula = rng.choice(["", f"{elements[0].code} + e1", "e1 - e2"])
        target.save(update_fields=["formula"])

    def drop_release() -> None:
        live = Release.objects.filter(partnership=partnership).order_by("pk")
        if rng.random() < 0.3 and live.count() > 1:
            rng.choice(list(live)).delete()

    def count_flag() -> None:
        target = rng.choice(elements)
        target.is_count = not target.is_count
        target.save(update_fields=["is_count"])

    steps: list[Callable[[], Any]] = [
        add_value,
        add_value,
        add_value,
        formula,
        count_flag,
        drop_release,
        lambda: ValidationRule.objects.get_or_create(
            name="Total", partnership=partnership, left="e1", operator="==", right="e2 + e3"
        ),
        lambda: group.areas.add(rng.choice(areas)),
        lambda: setattr(settings, "DISCLOSURE_THRESHOLD", rng.choice([3, 5, 10])),
        lambda: cutoffs.append(datetime.date(rng.randint(2019, 2024), 12, 31)),
        lambda: None,  # nothing changed: the memo must be used
    ]
    used = changed = 0
    previous = _fresh(partnership)
    for _ in range(60):
        memo = WithheldMemo.objects.filter(partnership=partnership).first()
        rng.choice(steps)()
        given = disclosed.withheld_figures(partnership)
        fresh = _fresh(partnership)
        assert given == fresh
        after = WithheldMemo.objects.filter(partnership=partnership).first()
        used += memo is not None and after is not None and after.worked_out_at == memo.worked_out_at
        changed += fresh != previous
        previous = fresh
    assert releases and used >= 5 and changed >= 5, (used, changed)


def test_an_import_works_the_withheld_figures_out_once_it_has_committed(
    world, django_capture_on_commit_callbacks
):
    from followup.indicators import actions

    lead = world.users["lead"]
    upload = world.home.upload
    with django_capture_on_commit_callbacks(execute=True):
        actions.apply_upload(lead, upload)
    memo = WithheldMemo.objects.get(partnership=world.home.partnership)
    assert memo.fingerprint == withheld_memo.fingerprint(
        world.home.partnership, disclosed._published_cutoffs
    )


def test_an_import_that_fails_leaves_no_task_behind(world, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    from followup.indicators import actions

    upload = world.home.upload
    upload.data.save("bad.csv", ContentFile(b"area_code,period,data_element,value\nX,2024,y,1\n"))
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        actions.apply_upload(world.users["lead"], upload)
    assert callbacks == []


def _writes_values(tree: ast.AST) -> bool:
    """Whether a module creates, changes or deletes values: DataValue(...), a write through
    DataValue.objects, DataValue passed to a writer (COPY), or SQL into its table."""
    writes = {"create", "bulk_create", "update", "delete", "get_or_create", "update_or_create"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "DataValue":
                return True
            if (
                isinstance(func, ast.Attribute)
                and func.attr in writes
                and "DataValue" in ast.unparse(func.value)
            ):
                return True
            registered = ast.unparse(func).endswith("register")  # the admin shows them read-only
            if not registered and any(
                isinstance(a, ast.Name) and a.id == "DataValue" for a in node.args
            ):
                return True
        if isinstance(node, ast.Attribute) and ast.unparse(node) == "DataValue._meta.db_table":
            return True
    return False


def test_only_the_importer_writes_values():
    """The memo sees new values through their release's revision, which the importer raises:
    a module that wrote values any other way would leave viewers' figures stale. (The national
    generator writes only into releases it has just made, which the memo has never seen.)"""
    root = Path(followup.__file__).resolve().parent
    writers = {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "migrations" not in path.parts
        and _writes_values(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert writers == {"indicators/importer.py", "demo/national.py"}


def test_a_small_count_imported_while_a_viewers_page_reads_the_figures_is_withheld(
    world, monkeypatch
):
    """The decision and the figures are read in separate queries: an import committed between
    them made the page show a count the decision had not seen (found by the hostile review)."""
    from followup.indicators import queries

    site = world.home
    assert _import(
        site.partnership, "Return", [(site.indicator.numerator, site.indicator.area, 2023, 40)]
    )
    analyse = queries.analyse
    arrived: list[bool] = []

    def analyse_after_an_import(*args: Any, **kwargs: Any) -> Any:
        if not arrived:  # the import lands after the decision, before the figures are read
            arrived.append(
                _import(
                    site.partnership,
                    "Return",
                    [(site.indicator.numerator, site.indicator.area, 2024, 3)],
                )
            )
        return analyse(*args, **kwargs)

    monkeypatch.setattr(queries, "analyse", analyse_after_an_import)
    url = reverse("indicators:download_csv", args=["home", site.indicator.pk])
    rows = list(csv.reader(io.StringIO(world.client_for("viewer").get(url).content.decode())))
    assert arrived == [True]
    assert [row[:3] for row in rows[1:]] == [["2023", "40.0", "40.0"], ["2024", "[c]", "[c]"]]


def test_a_page_whose_figures_keep_changing_says_the_service_is_busy(world, monkeypatch):
    from followup.indicators import queries

    site = world.home
    analyse = queries.analyse
    years = iter(range(2000, 2100))

    def analyse_after_an_import(*args: Any, **kwargs: Any) -> Any:
        _import(
            site.partnership,
            "Return",
            [(site.indicator.numerator, site.indicator.area, next(years), 3)],
        )
        return analyse(*args, **kwargs)

    monkeypatch.setattr(queries, "analyse", analyse_after_an_import)
    response = world.client_for("viewer").get(
        reverse("indicators:download_csv", args=["home", site.indicator.pk])
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "were being imported or changed while this page read them" in response.content.decode()


@pytest.mark.parametrize(
    "figures, linked",
    [
        ({"a": 1}, []),
        ("null", []),
        ([[1, 2]], []),
        ([["x", 1, "2020"]], []),
        ([], ["x"]),
        ([[1, 2, 3]], []),
    ],
)
def test_a_damaged_kept_decision_is_worked_out_again_not_trusted(world, figures, linked, counted):
    partnership = world.home.partnership
    disclosed.withheld_figures(partnership)
    WithheldMemo.objects.filter(partnership=partnership).update(figures=figures, linked=linked)
    url = reverse("indicators:dashboard", args=["home"])
    assert world.client_for("viewer").get(url).status_code == 200
    assert len(counted) == 2
    memo = WithheldMemo.objects.get(partnership=partnership)
    assert (memo.figures, memo.linked) != (figures, linked)


def test_the_code_version_covers_every_module_not_only_the_disclosure_rules(monkeypatch):
    """Which release is a figure's latest is decided in indicators.models, not in the disclosure
    modules: a change there must make every kept decision be worked out again."""
    before = withheld_memo._code_version()
    assert before == withheld_memo.CODE_VERSION
    read = Path.read_bytes

    def changed(path: Path) -> bytes:
        data = read(path)
        return (
            data + b"# changed" if path.name == "models.py" and "indicators" in path.parts else data
        )

    monkeypatch.setattr(Path, "read_bytes", changed)
    assert withheld_memo._code_version() != before
