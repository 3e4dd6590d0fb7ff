"""Codings keep pointing at the same words after rename, move, merge and delete of codes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from followup.evidence import actions
from followup.evidence.models import Code, Coding, Source
from tests.browserlike import edit
from tests.submissions import key


@pytest.fixture
def coded(world):
    partnership = world.home.partnership
    lead = world.users["lead"]
    source = Source.objects.create(
        partnership=partnership,
        title="Notes",
        text="I feel safe at school. Home is noisy. Teachers listen.",
    )
    safe = actions.create_code(lead, partnership, {"name": "Safe"})
    heard = actions.create_code(lead, partnership, {"name": "Heard"})
    respected = actions.create_code(lead, partnership, {"name": "Respected"})
    actions.code_spans(lead, source, safe, [(0, 22)])
    actions.code_spans(lead, source, heard, [(38, 54), (0, 22)])
    actions.code_spans(lead, source, respected, [(38, 54)])
    return source, safe, heard, respected


def words(source):
    return sorted(
        (c.code.name, source.text[c.start : c.end]) for c in Coding.objects.filter(source=source)
    )


def test_renaming_and_moving_a_code_leave_its_codings_on_the_same_words(world, coded):
    source, _safe, heard, respected = coded
    before = [(s, w) for s, w in words(source) if s == "Heard"]
    client = world.client_for("contributor")
    response = edit(
        client,
        reverse("evidence:code_edit", args=["home", heard.pk]),
        {"name": "Listened to", "parent": str(respected.pk), "colour": "#00703c"},
    )
    assert response.status_code == 302
    heard.refresh_from_db()
    assert (heard.name, heard.parent, heard.colour) == ("Listened to", respected, "#00703c")
    assert [("Heard", w) for s, w in words(source) if s == "Listened to"] == before


def test_a_code_cannot_move_inside_itself_or_its_own_codes(world, coded):
    _, _safe, heard, respected = coded
    actions.update_code(world.users["lead"], heard, {"parent": respected})
    with pytest.raises(ValidationError):
        actions.update_code(world.users["lead"], respected, {"parent": heard})
    with pytest.raises(ValidationError):
        actions.update_code(world.users["lead"], respected, {"parent": respected})


def test_merging_moves_every_coding_to_the_other_code_and_keeps_one_where_both_coded_a_span(
    world, coded
):
    source, _safe, heard, respected = coded
    response = world.client_for("editor").post(
        reverse("evidence:code_merge", args=["home", heard.pk]),
        {**key(world.users["editor"]), "into": respected.pk},
    )
    assert response.status_code == 302
    assert not Code.objects.filter(pk=heard.pk).exists()
    assert words(source) == [
        ("Respected", "I feel safe at school."),
        ("Respected", "Teachers listen."),
        ("Safe", "I feel safe at school."),
    ]


def test_deleting_a_used_code_asks_first_then_removes_its_codings(world, coded):
    source, safe, _, _ = coded
    url = reverse("evidence:code_delete", args=["home", safe.pk])
    client = world.client_for("lead")
    html = client.post(url, key(client)).content.decode()
    assert "This code is used 1 time: confirm that its codings go too" in html
    assert Code.objects.filter(pk=safe.pk).exists()
    assert client.post(url, {**key(client), "confirm": "on"}).status_code == 302
    assert not Code.objects.filter(pk=safe.pk).exists()
    assert all(name != "Safe" for name, _ in words(source))


def test_a_code_with_codes_inside_cannot_be_deleted_until_they_move(world, coded):
    _, _safe, heard, respected = coded
    actions.update_code(world.users["lead"], heard, {"parent": respected})
    with pytest.raises(ValidationError):
        actions.delete_code(world.users["lead"], respected, confirmed=True)


def test_a_partnership_with_codes_codings_and_quotes_can_be_deleted_whole(world):
    partnership = world.home.partnership
    assert Coding.objects.filter(source__partnership=partnership).exists()
    partnership.delete()
    assert not Code.objects.filter(partnership_id=world.home.partnership.pk).exists()


def test_merging_a_quoted_coding_into_a_code_on_the_same_words_keeps_the_quote(world):
    from followup.evidence.models import Quote

    lead = world.users["lead"]
    coding = world.home.coding
    other = actions.create_code(lead, world.home.partnership, {"name": "Other"})
    actions.code_spans(lead, coding.source, other, [(coding.start, coding.end)])
    quote = world.home.quote
    actions.merge_codes(lead, coding.code, other)
    quote = Quote.objects.get(pk=quote.pk)
    assert quote.coding.code == other
    assert quote.coding.excerpt == "Staff in Homeshire feel supported."
