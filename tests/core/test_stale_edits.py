"""Two people edit the same thing: a stale save changes nothing, says what changed since and by
whom, keeps the user's own changes to save again, and never overwrites the first change. Saves
write only the fields changed, and the audit entry lists exactly those, old and new."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import signing
from django.db import models
from django.urls import reverse

from followup.audit import writes
from followup.audit.models import AuditEntry
from followup.reviews.models import RecommendationProgress
from tests import factories as f
from tests.browserlike import Form, change, page_form, submit
from tests.conftest import Site, World

Changes = dict[str, str | list[str] | None]


@dataclass
class Case:
    """A and B open the same edit page; A saves first; B's save is then stale."""

    url: Callable[[Site], str]
    obj: Callable[[Site], models.Model]
    a: tuple[str, Changes]
    b: tuple[str, Changes]
    a_saved: dict[str, Any]  # the fields as A's save leaves them (comparable values)
    b_saved: dict[str, Any]  # the fields B's save changes, once B saves again


def _recommendations(site: Site) -> list[str]:
    second: Any = f.RecommendationFactory(inspection=site.inspection, number=2, text="Second")
    return [str(site.recommendation.pk), str(second.pk)]


CASES: dict[str, Case] = {
    "action": Case(
        url=lambda s: reverse("plans:edit", args=["home", s.action.pk]),
        obj=lambda s: s.action,
        a=("lead", {"title": "Title from the lead"}),
        b=("editor", {"due_date": "2031-03-31"}),
        a_saved={"title": "Title from the lead", "due_date": "2030-01-01"},
        b_saved={"due_date": "2031-03-31"},
    ),
    "review": Case(
        url=lambda s: reverse("reviews:edit", args=["home", s.review.pk]),
        obj=lambda s: s.review,
        a=("inspector", {"overall_conclusion": "Encouraging progress across most areas."}),
        b=("admin", {"further_review_required": "no"}),
        a_saved={
            "overall_conclusion": "Encouraging progress across most areas.",
            "further_review_required": None,
        },
        b_saved={"further_review_required": False},
    ),
    "judgement": Case(
        url=lambda s: reverse(
            "front:judgement_edit", args=["home", s.review.pk, s.recommendation.pk]
        ),
        obj=lambda s: s.judgement,
        a=("inspector", {"narrative": "Good progress in gathering performance data."}),
        b=("admin", {"level": "2"}),
        a_saved={"narrative": "Good progress in gathering performance data.", "level": 4},
        b_saved={"level": 2},
    ),
    "code": Case(
        url=lambda s: reverse("evidence:code_edit", args=["home", s.code.pk]),
        obj=lambda s: s.code,
        a=("lead", {"name": "Feeling supported"}),
        b=("contributor", {"description": "Staff say they are supported."}),
        a_saved={"name": "Feeling supported", "description": ""},
        b_saved={"description": "Staff say they are supported."},
    ),
    "indicator": Case(
        url=lambda s: reverse("indicators:edit", args=["home", s.indicator.pk]),
        obj=lambda s: s.indicator,
        a=("lead", {"name": "Children looked after, Homeshire"}),
        b=("editor", {"wellbeing": ["Healthy", "Safe"]}),
        a_saved={"name": "Children looked after, Homeshire", "wellbeing": []},
        b_saved={"wellbeing": ["Safe", "Healthy"]},
    ),
}


def _values(obj: models.Model, names: list[str]) -> dict[str, Any]:
    return writes.state(type(obj)._default_manager.get(pk=obj.pk), names)


def _open(world: World, who: str, url: str) -> Form:
    page = world.client_for(who).get(url)
    assert page.status_code == 200
    return page_form(page.content.decode())


def _last_entry(obj: models.Model) -> AuditEntry:
    entry = AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).first()
    assert entry is not None
    return entry


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_stale_save_is_refused_with_the_changes_shown_and_the_first_change_survives(
    world: World, name: str
) -> None:
    case = CASES[name]
    url, obj = case.url(world.home), case.obj(world.home)
    (a_who, a_changes), (b_who, b_changes) = case.a, case.b
    names = [*case.a_saved, *case.b_saved]
    a_client, b_client = world.client_for(a_who), world.client_for(b_who)
    a_form = page_form(a_client.get(url).content.decode())
    b_form = page_form(b_client.get(url).content.decode())
    before = _values(obj, names)

    assert submit(a_client, url, change(a_form, a_changes)).status_code == 302
    assert _values(obj, list(case.a_saved)) == case.a_saved
    entry = _last_entry(obj)
    assert entry.actor_name == a_who
    assert sorted(entry.changes) == sorted(a_changes)  # exactly the field A changed
    (field,) = a_changes
    assert entry.changes[field][0] != entry.changes[field][1]

    refused = submit(b_client, url, change(b_form, b_changes))
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Changed since you opened the form" in html
    assert "Your changes, not saved yet" in html
    assert f'<td class="govuk-table__cell">{a_who}, ' in html  # who changed it
    assert _values(obj, names) == {**before, **case.a_saved}  # B changed nothing
    assert _last_entry(obj).pk == entry.pk

    again = page_form(html)  # the form as shown again: A's change in it, and B's kept
    for key, value in {**a_changes, **b_changes}.items():
        wanted = value if isinstance(value, list) else [value or ""]
        assert sorted(again.data().get(key, [])) == sorted(wanted)
    assert submit(b_client, url, again).status_code == 302
    assert _values(obj, names) == {**before, **case.a_saved, **case.b_saved}
    second = _last_entry(obj)
    assert second.actor_name == b_who
    assert sorted(second.changes) == sorted(b_changes)


def test_both_changing_the_same_field_marks_it_and_keeps_the_second_users_value(world):
    url = reverse("plans:edit", args=["home", world.home.action.pk])
    lead, editor = _open(world, "lead", url), _open(world, "editor", url)
    submit(world.client_for("lead"), url, change(lead, {"title": "The lead's title"}))
    refused = submit(world.client_for("editor"), url, change(editor, {"title": "The editor's"}))
    assert refused.status_code == 200
    html = refused.content.decode()
    assert '<a href="#id_title">Title was changed by lead' in html
    assert "to “The lead&#x27;s title”: your value is kept below; save to use it" in html
    assert page_form(html).data()["title"] == ["The editor's"]
    world.home.action.refresh_from_db()
    assert world.home.action.title == "The lead's title"


def test_a_stale_form_never_reverts_a_newer_value_even_when_saved_unchanged(world):
    url = reverse("plans:edit", args=["home", world.home.action.pk])
    stale = _open(world, "editor", url)
    submit(world.client_for("lead"), url, change(_open(world, "lead", url), {"title": "Newer"}))
    assert submit(world.client_for("editor"), url, stale).status_code == 200
    world.home.action.refresh_from_db()
    assert world.home.action.title == "Newer"


def test_ticking_two_recommendations_keeps_both_and_the_audit_names_them(world):
    url = reverse("plans:edit", args=["home", world.home.action.pk])
    chosen = _recommendations(world.home)
    form = change(_open(world, "lead", url), {"recommendations": chosen})
    assert submit(world.client_for("lead"), url, form).status_code == 302
    action = world.home.action
    assert sorted(str(r.pk) for r in action.recommendations.all()) == sorted(chosen)
    entry = _last_entry(action)
    assert list(entry.changes) == ["recommendations"]
    assert entry.changes["recommendations"] == [
        [str(world.home.recommendation)],
        sorted(str(r) for r in action.recommendations.all()),
    ]


def test_a_first_judgement_made_since_the_form_was_opened_is_not_overwritten(world):
    second = f.RecommendationFactory(inspection=world.home.inspection, number=2, text="Second")
    url = reverse("front:judgement_edit", args=["home", world.home.review.pk, second.pk])
    inspector, admin = _open(world, "inspector", url), _open(world, "admin", url)
    done = submit(world.client_for("inspector"), url, change(inspector, {"level": "3"}))
    assert done.status_code == 302
    refused = submit(world.client_for("admin"), url, change(admin, {"narrative": "Some words"}))
    assert refused.status_code == 200
    assert "Progress was changed by inspector" in refused.content.decode()
    judgement = RecommendationProgress.objects.get(review=world.home.review, recommendation=second)
    assert (judgement.level, judgement.narrative) == (3, "")


def test_an_empty_first_judgement_records_nothing(world):
    second = f.RecommendationFactory(inspection=world.home.inspection, number=2, text="Second")
    url = reverse("front:judgement_edit", args=["home", world.home.review.pk, second.pk])
    entries = AuditEntry.objects.count()
    assert (
        submit(world.client_for("inspector"), url, _open(world, "inspector", url)).status_code
        == 302
    )
    assert not RecommendationProgress.objects.filter(recommendation=second).exists()
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "not-a-token",
        "x" * 5000,
        signing.dumps({"o": "plans.action", "k": 1, "s": {}, "t": "now"}, salt="another salt"),
    ],
)
def test_a_missing_or_altered_version_is_refused_with_the_users_values_kept(world, token):
    url = reverse("plans:edit", args=["home", world.home.action.pk])
    form = change(_open(world, "lead", url), {"title": "Without a version", "version": token})
    refused = submit(world.client_for("lead"), url, form)
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Followup could not tell which version this form was opened at" in html
    assert page_form(html).data()["title"] == ["Without a version"]
    world.home.action.refresh_from_db()
    assert world.home.action.title == "Plan action for Homeshire"
    # The form shown again carries a good version: saving it now works.
    assert submit(world.client_for("lead"), url, page_form(html)).status_code == 302
    world.home.action.refresh_from_db()
    assert world.home.action.title == "Without a version"


def test_the_version_of_another_object_is_refused(world):
    mine = reverse("plans:edit", args=["home", world.home.action.pk])
    other = f.ActionFactory(partnership=world.home.partnership, title=world.home.action.title)
    other_form = _open(world, "lead", reverse("plans:edit", args=["home", other.pk]))
    form = change(_open(world, "lead", mine), {"version": other_form.data()["version"][0]})
    assert submit(world.client_for("lead"), mine, change(form, {"title": "X"})).status_code == 200


def test_a_version_holds_only_what_the_form_shows_and_cannot_be_altered(world):
    url = reverse("plans:edit", args=["home", world.home.action.pk])
    token = _open(world, "lead", url).data()["version"][0]
    read = writes.read_version(token)
    assert read is not None
    assert set(read.values) == {*writes.state(world.home.action, read.values)}
    assert read.values["recommendations"] == [world.home.recommendation.pk]
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert writes.read_version(forged) is None


def test_an_action_called_without_a_version_writes_only_what_changed(world):
    """The command line and other callers without a form still write only changed fields."""
    from followup.plans import actions

    action = world.home.action
    actions.update_action(
        world.users["lead"], action, {"title": action.title, "lead_person": "Ann"}
    )
    assert _last_entry(action).changes == {"lead_person": ["", "Ann"]}
    entries = AuditEntry.objects.count()
    actions.update_action(world.users["lead"], action, {"title": action.title})
    assert AuditEntry.objects.count() == entries
