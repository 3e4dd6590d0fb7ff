"""Releasing a sample's findings to the partnership (#18): once, by the inspection team, fixing
them as they stand; audited; refused for a replaced sample and for one with nothing moderated."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from followup.audit.models import AuditEntry
from followup.records.actions_results import release_findings
from followup.records.models import Sample
from tests.browserlike import page_form, submit
from tests.conftest import World
from tests.records.results_data import moderated_sample

pytestmark = pytest.mark.django_db


def grades(*counts: int) -> list[str]:
    return [str(g) for g, n in enumerate(counts, start=1) for _ in range(n)]


def test_the_team_releases_the_findings_once_and_it_is_audited(world: World) -> None:
    sample = moderated_sample(world.home.inspection, grades(0, 2, 8, 10, 6, 4), released=False)
    released = release_findings(world.users["inspector"], sample)
    assert released.released_at is not None
    assert released.released_by == world.users["inspector"]
    entry = AuditEntry.objects.get(verb="sample.release")
    assert entry.partnership_id == world.home.partnership.pk
    assert set(entry.changes) == {"released_at", "released_by"}
    with pytest.raises(ValidationError, match="they are kept as they were released"):
        release_findings(world.users["inspector"], released)
    assert Sample.objects.get(pk=sample.pk).released_at == released.released_at


def test_nothing_moderated_is_nothing_to_release(world: World) -> None:
    sample = moderated_sample(world.home.inspection, [], unmoderated=3, released=False)
    with pytest.raises(ValidationError, match="nothing to release"):
        release_findings(world.users["inspector"], sample)


def test_a_replaced_sample_cannot_be_released(world: World) -> None:
    first = moderated_sample(world.home.inspection, grades(0, 0, 5, 5, 0, 0), released=False)
    Sample.objects.create(frame=first.frame, number=2, size=3, seed=2, replaces=first)
    with pytest.raises(ValidationError, match="replaced by a newer one"):
        release_findings(world.users["inspector"], first)


def test_only_the_inspection_team_releases_them(world: World) -> None:
    sample = moderated_sample(world.home.inspection, grades(0, 0, 5, 5, 0, 0), released=False)
    url = reverse("records:release", args=["home", sample.pk])
    assert world.client_for("outsider").get(url).status_code == 404
    for name in ("lead", "viewer", "editor"):
        assert world.client_for(name).post(url, {}).status_code == 403, name
    assert Sample.objects.get(pk=sample.pk).released_at is None


def test_the_form_as_rendered_releases_them_and_the_sample_page_says_so(world: World) -> None:
    sample = moderated_sample(
        world.home.inspection, grades(0, 0, 5, 5, 0, 0), unmoderated=2, released=False
    )
    client = world.client_for("inspector")
    sample_url = reverse("records:sample", args=["home", sample.pk])
    assert (
        reverse("records:release", args=["home", sample.pk])
        in client.get(sample_url).content.decode()
    )
    url = reverse("records:release", args=["home", sample.pk])
    page: Any = client.get(url).content.decode()
    assert (
        "10 of the 12 records drawn at random are moderated: the other 2 will never count" in page
    )
    response = submit(client, url, page_form(page))
    assert (response.status_code, response["Location"]) == (302, sample_url)
    assert Sample.objects.get(pk=sample.pk).released_at is not None
    shown = client.get(sample_url).content.decode()
    assert "Released to the partnership on" in shown
    assert 'id="release-findings"' not in shown


def test_an_inspection_releases_once_and_keeps_that_release_when_a_sample_is_drawn_again(
    world: World,
) -> None:
    """Drawing again over the same children and releasing that sample would give a second set
    to compare with the first: refused, and the partnership keeps seeing the first."""
    from followup.records.results import results_for

    first = moderated_sample(world.home.inspection, grades(0, 2, 8, 10, 6, 4))
    seen = results_for(world.users["viewer"], world.home.inspection)
    again = Sample.objects.create(
        frame=first.frame, number=2, size=3, seed=2, replaces=first, template=first.template
    )
    after = results_for(world.users["viewer"], world.home.inspection)
    assert seen is not None and after is not None
    assert after.sample == first and after.moderated == seen.moderated == 30
    with pytest.raises(ValidationError, match="The findings of sample 1 were released on"):
        release_findings(world.users["inspector"], again)
    team = results_for(world.users["inspector"], world.home.inspection)
    assert team is not None and team.sample == again and team.released_number == 1
    page = world.client_for("inspector").get(reverse("records:release", args=["home", again.pk]))
    html = page.content.decode()
    assert (
        "The findings of sample 1 were released on" in html
        and "<form" not in html.split("<main")[1]
    )


def test_the_release_page_offers_no_button_once_released(world: World) -> None:
    sample = moderated_sample(world.home.inspection, grades(0, 0, 5, 5, 0, 0))
    html = world.client_for("inspector").get(reverse("records:release", args=["home", sample.pk]))
    main = html.content.decode().split("<main")[1]
    assert "These findings were released on" in main
    assert "Release the findings</button>" not in main
