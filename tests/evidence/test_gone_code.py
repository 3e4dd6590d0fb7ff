"""Editing a code that was deleted, or merged into another, since the page was opened: a page
says what happened, by whom and when, and shows what the user typed so it can be applied
elsewhere. Never a bare 404, never another partnership's record."""

from __future__ import annotations

import html
from typing import Any

from django.urls import reverse

from followup.evidence import actions
from followup.evidence.models import Code
from tests.browserlike import Form, change, page_form, submit
from tests.conftest import World


def opened_edit(world: World, code: Code, who: str = "contributor") -> tuple[Any, str, Form]:
    client = world.client_for(who)
    url = reverse("evidence:code_edit", args=["home", code.pk])
    form = page_form(client.get(url).content.decode())
    typed = change(
        form,
        {
            "name": "Heard by staff",
            "memo": "Ask again in spring.\nAnd in autumn.",
            "recommendations": [str(world.home.recommendation.pk)],
        },
    )
    return client, url, typed


def codes(world: World) -> tuple[Code, Code]:
    lead, partnership = world.users["lead"], world.home.partnership
    heard = actions.create_code(lead, partnership, {"name": "Heard"})
    respected = actions.create_code(lead, partnership, {"name": "Respected"})
    return heard, respected


def text_of(response: Any) -> str:
    return html.unescape(response.content.decode())


def test_saving_a_code_merged_meanwhile_says_into_what_by_whom_and_keeps_what_was_typed(
    world: World,
) -> None:
    heard, respected = codes(world)
    client, url, typed = opened_edit(world, heard)
    actions.merge_codes(world.users["lead"], heard, respected)
    response = submit(client, url, typed)
    assert response.status_code == 410
    page = text_of(response)
    assert "This code is no longer there" in page
    assert "The code “Heard” was merged into “Respected” by lead on " in page
    assert "after you opened the page: nothing you entered was saved." in page
    for label, value in (
        ("Name", "Heard by staff"),
        ("Memo", "Ask again in spring.\nAnd in autumn."),
        ("Recommendations this code is evidence for", "1. Improve planning in Homeshire"),
        ("What it means", "(empty)"),
    ):
        assert (
            f'<dt class="govuk-summary-list__key">{label}</dt>\n'
            f'        <dd class="govuk-summary-list__value followup-preserve-lines">{value}</dd>'
        ) in page
    edit_respected = reverse("evidence:code_edit", args=["home", respected.pk])
    assert f'href="{edit_respected}">Open “Respected”</a>' in page
    respected.refresh_from_db()
    assert (respected.name, respected.memo) == ("Respected", "")


def test_saving_a_code_deleted_meanwhile_says_who_deleted_it(world: World) -> None:
    heard, _ = codes(world)
    client, url, typed = opened_edit(world, heard)
    actions.delete_code(world.users["editor"], heard, confirmed=True)
    response = submit(client, url, typed)
    assert response.status_code == 410
    page = text_of(response)
    assert "The code “Heard” was deleted by editor on " in page
    assert "Heard by staff" in page and "Open “" not in page
    assert not Code.objects.filter(name="Heard by staff").exists()


def test_a_second_delete_or_merge_of_a_code_is_told_it_is_gone(world: World) -> None:
    heard, _ = codes(world)
    client = world.client_for("lead")
    url = reverse("evidence:code_delete", args=["home", heard.pk])
    form = page_form(client.get(url).content.decode())
    assert submit(client, url, form).status_code == 302
    again = submit(client, url, form)
    assert again.status_code == 410
    assert "The code “Heard” was deleted by lead on " in text_of(again)
    merge = reverse("evidence:code_merge", args=["home", heard.pk])
    assert client.get(merge).status_code == 410


def test_only_those_who_code_in_the_partnership_learn_a_code_is_gone(world: World) -> None:
    heard, _ = codes(world)
    home_url = reverse("evidence:code_edit", args=["home", heard.pk])
    away = actions.create_code(world.users["outsider"], world.away.partnership, {"name": "Away"})
    away_pk = away.pk
    actions.delete_code(world.users["lead"], heard, confirmed=True)
    actions.delete_code(world.users["outsider"], away, confirmed=True)
    assert world.client_for("outsider").get(home_url).status_code == 404
    assert world.client_for("viewer").get(home_url).status_code == 403
    # Another partnership's deleted code, under one's own partnership's address: not found.
    swapped = reverse("evidence:code_edit", args=["home", away_pk])
    assert world.client_for("lead").get(swapped).status_code == 404
    never = reverse("evidence:code_edit", args=["home", 999999])
    assert world.client_for("lead").get(never).status_code == 404
