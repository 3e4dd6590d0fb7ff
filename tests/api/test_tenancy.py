"""Tenancy through the API, swept from the api URLconf itself, on the demo: for every address
with a partnership's slug or an object's id, the outsider (Glenmorran's lead) gets a 404 problem
for South Ayrshire's slug and for every South Ayrshire object of the kind the address names,
under either partnership's slug; and no list or object shows a row of another partnership to
the outsider or to South Ayrshire's lead.

A new address is swept as soon as it is in the URLconf: its slug and its id's kind
(tests/api/kinds.py) are read from its pattern. What rows it shows must be said in ``ROWS``:
the first test fails until it is."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db.models import Model, Q
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.generics import ListAPIView

from followup.evidence.models import Code, Coding, Quote, Source
from followup.indicators.models import DataElement, Indicator, Release
from followup.inspections.models import Inspection
from followup.partnerships.models import Area, Partnership
from followup.plans.models import Action, ActionUpdate
from followup.reports.models import Publication
from followup.reviews.models import ProgressReview
from tests import factories as f
from tests.api.conftest import Api, make_token, problem
from tests.api.kinds import KINDS, OTHER, OUR, ids_by_kind, kind_of


@dataclass(frozen=True)
class Rows:
    """What an address shows: rows (or one object) of ``model``, each named by ``key``, whose
    partnership's slug is at ``lookup``. ``shared``: rows of no partnership (official
    statistics) are shown to every partnership."""

    model: type[Model]
    lookup: str = "partnership__slug"
    key: str = "id"
    shared: bool = False


# Every address of the API and the rows it shows; None for one that shows no partnership's rows
# of its own.
ROWS: dict[str, Rows | None] = {
    "api:partnerships": Rows(Partnership, "slug", "slug"),
    "api:partnership": Rows(Partnership, "slug", "slug"),
    "api:inspections": Rows(Inspection),
    "api:inspection": Rows(Inspection),
    "api:actions": Rows(Action),
    "api:action": Rows(Action),
    "api:action_updates": Rows(ActionUpdate, "action__partnership__slug"),
    "api:updates": Rows(ActionUpdate, "action__partnership__slug"),
    "api:reviews": Rows(ProgressReview, "inspection__partnership__slug"),
    "api:review": Rows(ProgressReview, "inspection__partnership__slug"),
    "api:indicators": Rows(Indicator),
    "api:indicator": Rows(Indicator),
    # The indicator's figures (one row a period) and its comparison with other (official)
    # areas: no ids of their own; they are the indicator's, which the 404 sweep asks for.
    "api:indicator_figures": None,
    "api:indicator_analysis": None,
    "api:indicator_comparison": None,
    "api:data_elements": Rows(DataElement, shared=True),
    "api:releases": Rows(Release, shared=True),
    "api:codes": Rows(Code),
    "api:quotes": Rows(Quote, "coding__source__partnership__slug"),
    "api:reports": Rows(Publication),
    # One update of an action, by the action's id and its own.
    "api:action_update": Rows(ActionUpdate, "action__partnership__slug"),
    # A job, by its id alone (its own address names no partnership): swept below.
    "api:job": None,
    # Data values have no id of their own (each is named by its codes): that no value of
    # another partnership's is read is tested in test_data_values_read.py.
    "api:data_value_sets": None,
    # The contract, its reference pages and any unknown address hold no data.
    "api:schema": None,
    "api:docs": None,
    "api:unknown": None,
}


def _planted(model: type[Model], slug: str) -> None:
    """A row of ``model`` of the partnership ``slug``'s own, where the demo gives it none (a
    private data element and release, a code, an indicator, a review, an approved quote, a
    published report), which the other partnership's lists must not show."""
    partnership = Partnership.objects.get(slug=slug)
    inspection = Inspection.objects.filter(partnership=partnership).order_by("pk").first()
    assert inspection is not None
    if model is DataElement:
        DataElement.objects.create(code="planted_private", name="Planted", partnership=partnership)
    elif model is Release:
        Release.objects.create(name="Planted private release", partnership=partnership)
    elif model is Code:
        Code.objects.create(partnership=partnership, name="Planted code")
    elif model is Indicator:
        element = DataElement.objects.filter(partnership__isnull=True).order_by("pk").first()
        area = partnership.area or Area.objects.order_by("pk").first()
        f.IndicatorFactory(partnership=partnership, area=area, numerator=element)
    elif model is ProgressReview:
        f.ReviewFactory(inspection=inspection, title="Planted review")
    elif model is Quote:
        text = "Planted words of a parent."
        source = Source.objects.create(partnership=partnership, title="Planted", text=text)
        code = Code.objects.create(partnership=partnership, name="Planted quote's code")
        coding = Coding.objects.create(source=source, code=code, start=0, end=len(text))
        Quote.objects.create(coding=coding, status=Quote.Status.APPROVED)
    elif model is Publication:
        files = {
            kind: ContentFile(b"planted", name=f"planted.{kind}")
            for kind in ("html", "pdf", "docx")
        }
        Publication.objects.create(
            partnership=partnership,
            kind=Publication.Kind.INSPECTION,
            inspection=inspection,
            version=1,
            title="Planted report",
            published_at=timezone.now(),
            **files,
            **{f"sha256_{kind}": "0" * 64 for kind in files},
        )


def api_patterns() -> dict[str, URLPattern]:
    """Every named address of the api URLconf, by its name."""
    found: dict[str, URLPattern] = {}
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "api":
            for inner in pattern.url_patterns:
                if isinstance(inner, URLPattern) and inner.name:
                    found[f"api:{inner.name}"] = inner
    return found


PATTERNS = api_patterns()
WITH_SLUG = sorted(name for name, p in PATTERNS.items() if "slug" in p.pattern.converters)


def test_every_api_address_says_what_rows_it_shows():
    assert sorted(PATTERNS) == sorted(ROWS)


def test_every_api_address_with_an_id_names_a_kind_the_sweep_knows():
    for name, pattern in PATTERNS.items():
        if "pk" in pattern.pattern.converters:
            assert kind_of(str(pattern.pattern)) in KINDS, f"{name}: add its kind to kinds.py"


# Addresses with an id but no partnership's slug: each is swept by a test of its own.
WITHOUT_SLUG = {"api:job"}
# Addresses that take no GET: each has its outsider's tests beside its writes' tests.
POST_ONLY: set[str] = set()


def test_every_api_address_with_an_id_has_a_slug_or_a_sweep_of_its_own():
    with_id = {name for name, p in PATTERNS.items() if p.pattern.converters}
    assert with_id - WITHOUT_SLUG == set(WITH_SLUG)


@pytest.fixture(scope="module")
def demo_ids(demo_for_module: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock():
        yield ids_by_kind()


@pytest.fixture(scope="module")
def tokens(demo_ids: Any, django_db_blocker: Any) -> dict[str, str]:
    with django_db_blocker.unblock():
        return {name: make_token(User.objects.get(username=name)) for name in ("lead", "outsider")}


def addresses(name: str, slug: str, ids: dict[str, dict[str, list[int]]], of: str) -> list[str]:
    """The address ``name`` under ``slug``, with each id of partnership ``of``'s objects of the
    kind it names, if it names one."""
    pattern = PATTERNS[name]
    if "pk" not in pattern.pattern.converters:
        return [reverse(name, kwargs={"slug": slug})]
    if "update" in pattern.pattern.converters:  # an action's update: both ids are ``of``'s
        updates = ActionUpdate.objects.filter(action__partnership__slug=of)
        return [
            reverse(name, kwargs={"slug": slug, "pk": u.action_id, "update": u.pk})
            for u in updates.order_by("pk")
        ]
    kind = kind_of(str(pattern.pattern))
    assert kind is not None
    return [reverse(name, kwargs={"slug": slug, "pk": pk}) for pk in ids[kind][of]]


@pytest.mark.parametrize("name", sorted(set(WITH_SLUG) - POST_ONLY))
def test_the_outsider_gets_404_for_south_ayrshire_and_each_of_its_objects(
    db, demo_ids, tokens, name
):
    outsider = Api(tokens["outsider"])
    asked = addresses(name, OUR, demo_ids, OUR)
    assert asked, f"the demo has nothing of South Ayrshire's for {name}"
    if "pk" in PATTERNS[name].pattern.converters:
        asked += addresses(name, OTHER, demo_ids, OUR)  # South Ayrshire's ids under their own
    refused = {}
    for url in asked:
        response = outsider.get(url)
        refused[url] = problem(response, 404)["detail"]
    assert set(refused.values()) == {"Not found: there is no such object, or you may not see it."}
    # The same addresses with the outsider's own partnership and objects (where the demo gives
    # Glenmorran any) answer.
    for url in addresses(name, OTHER, demo_ids, OTHER):
        assert outsider.get(url).status_code == 200, url


def rows_of(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, dict) and "results" in body:
        assert body["next"] is None, "more rows than one page of 1,000"
        return list(body["results"])
    return list(body) if isinstance(body, list) else [body]


def allowed(rows: Rows, slug: str) -> set[Any]:
    """The keys of the rows a member of ``slug`` may be shown."""
    mine = Q(**{rows.lookup: slug})
    if rows.shared:
        mine |= Q(**{rows.lookup.removesuffix("__slug") + "__isnull": True})
    return set(rows.model._default_manager.filter(mine).values_list(rows.key, flat=True))


@pytest.mark.parametrize("who, slug, other", [("outsider", OTHER, OUR), ("lead", OUR, OTHER)])
@pytest.mark.parametrize("name", sorted(n for n, rows in ROWS.items() if rows is not None))
def test_no_address_shows_a_row_of_another_partnership(
    db, demo_ids, tokens, who, slug, other, name
):
    rows = ROWS[name]
    assert rows is not None
    if not rows.model._default_manager.filter(**{rows.lookup: other}).exists():
        _planted(rows.model, other)
    keys = allowed(rows, slug)
    if not allowed(rows, other) - keys:
        pytest.skip(f"the demo has no {rows.model.__name__} of {other} that {name} could show")
    api = Api(tokens[who])
    if "slug" in PATTERNS[name].pattern.converters:
        urls = addresses(name, slug, demo_ids, slug)
    else:
        urls = [reverse(name)]
    shown = []
    for url in urls:
        paged = issubclass(PATTERNS[name].callback.view_class, ListAPIView)
        body = api.json(url, limit=1000) if paged else api.json(url)
        shown += [row[rows.key] for row in rows_of(body)]
    assert set(shown) <= keys


def test_the_outsider_gets_404_for_every_job_of_south_ayrshire_and_reads_their_own(db, tokens):
    from followup.jobs.models import Job

    ours = Job.objects.create(
        partnership=Partnership.objects.get(slug=OUR), kind="import", title="Importing 1 row"
    )
    theirs = Job.objects.create(
        partnership=Partnership.objects.get(slug=OTHER), kind="import", title="Importing 2 rows"
    )
    outsider = Api(tokens["outsider"])
    refused = problem(outsider.get(reverse("api:job", kwargs={"pk": ours.pk})), 404)
    assert refused["detail"] == "Not found: there is no such object, or you may not see it."
    assert outsider.get(reverse("api:job", kwargs={"pk": theirs.pk})).status_code == 200
    lead = Api(tokens["lead"])
    assert lead.get(reverse("api:job", kwargs={"pk": ours.pk})).status_code == 200
    assert lead.get(reverse("api:job", kwargs={"pk": theirs.pk})).status_code == 404
