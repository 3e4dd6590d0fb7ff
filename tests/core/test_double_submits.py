"""A create form sent twice makes one object: the second submit is told it was done and sent to
what the first made, never a second copy and never a server error; an edit sent twice saves
once and is not refused as a conflict with itself.

Every create form carries a one-time key (``web.submissions``). The forms are submitted as the
browser renders them (tests/browserlike.py), on SQLite and PostgreSQL; on PostgreSQL two submits
also run at once in two threads, the first held inside its transaction until the second is seen
waiting for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection, models  # noqa: F401  (a skipif condition reads connection)
from django.test import Client
from django.urls import reverse

from followup.audit.models import AuditEntry
from followup.evidence.models import Case, Code, Quote, Source
from followup.indicators.models import Indicator
from followup.inspections.models import Inspection, Recommendation
from followup.plans import actions as plan_actions
from followup.plans.models import Action, ActionUpdate
from followup.reviews.models import ProgressReview
from followup.web import submissions
from tests.browserlike import Form, change, forms_in, submit
from tests.concurrency import first_held_until_the_second_waits
from tests.conftest import World

ALREADY = "This was already saved: the form was sent twice, and the second time changed nothing."


@dataclass(frozen=True)
class CreateForm:
    page: Callable[[World], str]
    who: str
    fill: Callable[[World], dict[str, Any]]
    makes: type[models.Model]


CREATE_FORMS = {
    # The lead's update is accepted as it is written: it changes the action's status at once.
    "plans:update_create": CreateForm(
        lambda w: reverse("plans:update_create", args=["home", w.home.action.pk]),
        "lead",
        lambda w: {"on": "2024-02-29", "status": "on_hold", "rating": "at_risk", "note": "Paused."},
        ActionUpdate,
    ),
    "plans:create": CreateForm(
        lambda w: reverse("plans:create", args=["home"]),
        "editor",
        lambda w: {"title": "Train every team", "recommendations": [str(w.home.recommendation.pk)]},
        Action,
    ),
    "reviews:create": CreateForm(
        lambda w: reverse("reviews:create", args=["home", w.home.inspection.pk]),
        "inspector",
        lambda w: {"title": "Second review"},
        ProgressReview,
    ),
    "inspections:create": CreateForm(
        lambda w: reverse("inspections:create", args=["home"]),
        "inspector",
        lambda w: {"title": "Second inspection", "framework": str(w.home.inspection.framework_id)},
        Inspection,
    ),
    # The second submit's form would now be refused (number 2 is taken): it is told it was done.
    "inspections:recommendation_create": CreateForm(
        lambda w: reverse("inspections:recommendation_create", args=["home", w.home.inspection.pk]),
        "inspector",
        lambda w: {"number": "2", "text": "Listen to children."},
        Recommendation,
    ),
    "evidence:case_create": CreateForm(
        lambda w: reverse("evidence:case_create", args=["home"]),
        "contributor",
        lambda w: {"name": "Respondent 7"},
        Case,
    ),
    "evidence:source_create": CreateForm(
        lambda w: reverse("evidence:source_create", args=["home"]),
        "contributor",
        lambda w: {"title": "Interview notes", "text": "We were heard."},
        Source,
    ),
    "evidence:codebook": CreateForm(
        lambda w: reverse("evidence:codebook", args=["home"]),
        "contributor",
        lambda w: {"name": "Being heard"},
        Code,
    ),
    "evidence:quote_create": CreateForm(
        lambda w: reverse("evidence:quote_create", args=["home", w.home.coding.pk]),
        "contributor",
        lambda w: {"redact": "Homeshire | place"},
        Quote,
    ),
    "indicators:create": CreateForm(
        lambda w: reverse("indicators:create", args=["home"]),
        "editor",
        lambda w: {
            "name": "Looked after, again",
            "code": "looked-after-again",
            "numerator": str(w.home.indicator.numerator_id),
            "area": str(w.home.partnership.area_id),
        },
        Indicator,
    ),
}


def keyed_form(html: str) -> Form:
    """The page's create form: the one carrying a one-time key."""
    found = [f for f in forms_in(html) if f.method == "post" and submissions.FIELD in f.names()]
    assert len(found) == 1, "the page has no create form with a one-time key"
    return found[0]


def opened(world: World, name: str) -> tuple[Client, str, Form]:
    case = CREATE_FORMS[name]
    client = world.client_for(case.who)
    url = case.page(world)
    page = client.get(url)
    assert page.status_code == 200, url
    return client, url, change(keyed_form(page.content.decode()), case.fill(world))


@pytest.mark.parametrize("name", sorted(CREATE_FORMS))
def test_a_create_form_sent_twice_makes_one_and_the_second_is_told_it_was_done(
    world: World, name: str
) -> None:
    client, url, form = opened(world, name)
    made = CREATE_FORMS[name].makes._default_manager.count()
    first = submit(client, url, form)
    assert first.status_code == 302, first.content.decode()[:2000]
    entries = AuditEntry.objects.count()
    second = submit(client, url, form)
    assert (second.status_code, second["Location"]) == (302, first["Location"])
    assert ALREADY in client.get(second["Location"]).content.decode()
    assert CREATE_FORMS[name].makes._default_manager.count() == made + 1
    assert AuditEntry.objects.count() == entries


def test_a_second_update_sent_while_the_first_commits_is_told_it_was_done(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The moment of a double click: the second submit has found the key unused, then the
    first commits; the second's key is refused by the database and it is told."""
    client, url, form = opened(world, "plans:update_create")
    real = submissions.check
    firsts: list[Any] = []
    calls: list[int] = []

    def check_then_let_the_first_finish(request: Any) -> str:
        key = real(request)
        calls.append(1)
        if len(calls) == 1:  # the late submit has passed its check: the first lands now
            firsts.append(submit(client, url, form))
        return key

    monkeypatch.setattr(submissions, "check", check_then_let_the_first_finish)
    late = submit(client, url, form)
    assert firsts[0].status_code == 302
    assert (late.status_code, late["Location"]) == (302, firsts[0]["Location"])
    assert world.home.action.updates.filter(note="Paused.").count() == 1
    assert AuditEntry.objects.filter(verb="action_update.create").count() == 1


def test_a_create_form_without_its_key_or_with_another_users_saves_nothing(world: World) -> None:
    client, url, form = opened(world, "plans:create")
    without = change(form, {submissions.FIELD: None})
    foreign = change(form, {submissions.FIELD: submissions.new_key(world.users["lead"])})
    altered = change(form, {submissions.FIELD: form.data()[submissions.FIELD][0] + "x"})
    for sent in (without, foreign, altered):
        response = submit(client, url, sent)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Nothing was saved: Followup could not tell where this form came from" in html
        assert 'value="Train every team"' in html  # the user's values are kept
    assert not Action.objects.filter(title="Train every team").exists()
    assert submit(client, url, form).status_code == 302


def test_a_key_used_on_one_form_does_not_pass_on_another(world: World) -> None:
    client, url, form = opened(world, "plans:create")
    assert submit(client, url, form).status_code == 302
    other = reverse("evidence:case_create", args=["home"])
    response = client.post(
        other, {submissions.FIELD: form.data()[submissions.FIELD][0], "name": "Respondent 9"}
    )
    assert response.status_code == 200
    assert not Case.objects.filter(name="Respondent 9").exists()


def test_a_form_refused_for_its_values_can_be_corrected_and_sent_with_the_same_key(
    world: World,
) -> None:
    client, url, form = opened(world, "plans:create")
    bad = change(
        form,
        {
            **{"start_date_day": "1", "start_date_month": "5", "start_date_year": "2024"},
            **{"due_date_day": "1", "due_date_month": "4", "due_date_year": "2024"},
        },
    )
    assert submit(client, url, bad).status_code == 200
    assert submit(client, url, form).status_code == 302
    assert Action.objects.filter(title="Train every team").count() == 1


def test_an_edit_sent_twice_saves_once_and_is_not_refused_as_a_conflict(world: World) -> None:
    client = world.client_for("editor")
    url = reverse("plans:edit", args=["home", world.home.action.pk])
    form = change(keyed_or_versioned(client.get(url).content.decode()), {"title": "Renamed"})
    assert submit(client, url, form).status_code == 302
    second = submit(client, url, form)
    assert second.status_code == 302, second.content.decode()[:2000]
    assert "changed since you opened" not in client.get(second["Location"]).content.decode()
    assert [e.changes for e in AuditEntry.objects.filter(verb="action.update")] == [
        {"title": ["Plan action for Homeshire", "Renamed"]}
    ]


def test_an_edit_whose_values_someone_else_changed_since_is_still_refused(world: World) -> None:
    client = world.client_for("editor")
    url = reverse("plans:edit", args=["home", world.home.action.pk])
    form = change(keyed_or_versioned(client.get(url).content.decode()), {"title": "Renamed"})
    assert submit(client, url, form).status_code == 302
    plan_actions.update_action(world.users["lead"], world.home.action, {"title": "The lead's"})
    again = submit(client, url, form)
    assert again.status_code == 200
    assert "Nothing was saved: someone changed this since you opened the form" in (
        again.content.decode()
    )


def keyed_or_versioned(html: str) -> Form:
    (found,) = [f for f in forms_in(html) if f.method == "post" and "version" in f.names()]
    return found


# Two submits at once (PostgreSQL) -------------------------------------------------------------

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="row and key locks are PostgreSQL's"
)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_submits_of_one_update_form_at_once_make_one_update(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, url, form = opened(world, "plans:update_create")
    twin = world.client_for("lead")  # the same user's second request
    results = first_held_until_the_second_waits(
        monkeypatch,
        plan_actions,
        "add_update",
        [lambda: submit(client, url, form), lambda: submit(twin, url, form)],
    )
    assert all(not isinstance(r, BaseException) for r in results), results
    assert [r.status_code for r in results] == [302, 302]
    assert results[0]["Location"] == results[1]["Location"]
    assert ALREADY in twin.get(results[1]["Location"]).content.decode()
    assert world.home.action.updates.filter(note="Paused.").count() == 1
    assert [e.changes for e in AuditEntry.objects.filter(verb="action.update")] == [
        {"status": ["in_progress", "on_hold"]}
    ]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_different_updates_at_once_record_the_status_change_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two forms (two keys) make two updates; the action's status changes, and is recorded
    as changing, once."""
    client, url, form = opened(world, "plans:update_create")
    other_client, _, other = opened(world, "plans:update_create")
    other = change(other, {"note": "Paused too."})
    results = first_held_until_the_second_waits(
        monkeypatch,
        plan_actions,
        "add_update",
        [lambda: submit(client, url, form), lambda: submit(other_client, url, other)],
    )
    assert [getattr(r, "status_code", r) for r in results] == [302, 302]
    assert world.home.action.updates.filter(note__startswith="Paused").count() == 2
    assert [e.changes for e in AuditEntry.objects.filter(verb="action.update")] == [
        {"status": ["in_progress", "on_hold"]}
    ]
