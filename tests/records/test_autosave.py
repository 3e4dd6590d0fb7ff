"""A reading's draft saved as the reader goes (#18): the record page's script sends the form as
"Save draft" does, with a header asking for JSON; the answer says when it was saved, and the
page's next save, sent with that time, is not taken for an older tab's."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import timezone

from followup.audit.models import AuditEntry
from followup.records.models import Answer, Reading
from tests.browserlike import change, forms_in
from tests.records.test_reading import answers, client_of, pair, questions, record_url

__all__ = ["pair"]  # the fixture, shared with tests/records/test_reading.py

HEADER = {"X-Followup-Autosave": "draft"}


def autosave(
    client: Client, member: Any, values: dict[str, str | list[str] | None], saved: str | None
) -> Any:
    """Send the form as the page's script does, from the page as rendered."""
    form = next(
        fm
        for fm in forms_in(client.get(record_url(member)).content.decode())
        if fm.attrs.get("id") == "reading-form"
    )
    assert "data-autosave" in form.attrs
    data = change(form, dict(values)).data()
    data["action"] = ["draft"]
    if saved is not None:
        data["saved"] = [saved]
    return client.post(record_url(member), data, headers=HEADER)


def test_an_autosave_keeps_the_draft_and_says_when(world: Any, pair: Any) -> None:
    member, _inspector, reader = pair
    client = client_of(reader)
    six = [q for q in questions(member) if q.answer == "six_point"]
    response = autosave(client, member, {f"q-{six[0].key}": "5"}, None)
    assert response.status_code == 200
    body = response.json()
    reading = Reading.objects.get(member=member, reader=reader)
    assert body["saved"] == reading.saved_at.isoformat()
    assert body["message"].startswith("Draft saved at ")
    assert reading.status == Reading.Status.DRAFT
    assert Answer.objects.get(reading=reading, question=six[0]).value == "5"
    assert AuditEntry.objects.filter(verb="reading.save").count() == 1
    # The next, sent with the time the first answer gave, saves too.
    again = autosave(client, member, {f"q-{six[1].key}": "3"}, body["saved"])
    assert again.status_code == 200
    assert Answer.objects.get(reading=reading, question=six[1]).value == "3"


def test_an_autosave_from_a_page_older_than_the_last_save_is_refused_and_keeps_nothing(
    world: Any, pair: Any
) -> None:
    member, _inspector, reader = pair
    client = client_of(reader)
    six = [q for q in questions(member) if q.answer == "six_point"]
    first = autosave(client, member, {f"q-{six[0].key}": "5"}, None).json()
    stale = autosave(client, member, {f"q-{six[0].key}": "1"}, "")
    assert stale.status_code == 409
    assert "another tab or window" in stale.json()["error"]
    reading = Reading.objects.get(member=member, reader=reader)
    assert reading.saved_at.isoformat() == first["saved"]
    assert Answer.objects.get(reading=reading, question=six[0]).value == "5"


def test_an_autosave_with_a_dated_note_saves_the_grade_keeps_the_note_and_names_its_field(
    world: Any, pair: Any
) -> None:
    member, _inspector, reader = pair
    client = client_of(reader)
    six = next(q for q in questions(member) if q.answer == "six_point")
    text = next(q for q in questions(member) if q.answer == "free_text")
    grade, note = f"q-{six.key}", f"q-{text.key}"
    first = autosave(client, member, {grade: "3", note: "Chronology kept well"}, None).json()
    response = autosave(client, member, {grade: "5", note: "Seen on 12/03/2024"}, first["saved"])
    assert response.status_code == 200
    reading = Reading.objects.get(member=member, reader=reader)
    assert Answer.objects.get(reading=reading, question=six).value == "5"
    assert Answer.objects.get(reading=reading, question=text).value == "Chronology kept well"
    at = f"{timezone.localtime(reading.saved_at):%H:%M}"
    problem = (
        "This holds what looks like a date (a date of birth?): write without identifying the child"
    )
    assert response.json() == {
        "saved": reading.saved_at.isoformat(),
        "message": f"Draft saved at {at}, except one answer, which keeps its last saved value. "
        "In a sentence or two, what does the record say the child thinks of the help they are "
        "given? Write no name or other identifying detail: " + problem + ".",
        "problems": {note: problem},
    }
    # A later save with the note put right saves it, and names no problem.
    clean = autosave(client, member, {grade: "5", note: "Seen recently"}, response.json()["saved"])
    reading.refresh_from_db()
    at = f"{timezone.localtime(reading.saved_at):%H:%M}"
    assert clean.json() == {
        "saved": reading.saved_at.isoformat(),
        "message": f"Draft saved at {at}.",
        "problems": {},
    }
    assert Answer.objects.get(reading=reading, question=text).value == "Seen recently"


def test_a_first_autosave_with_a_dated_note_saves_the_rest_and_leaves_the_note_unanswered(
    world: Any, pair: Any
) -> None:
    member, _inspector, reader = pair
    six = next(q for q in questions(member) if q.answer == "six_point")
    text = next(q for q in questions(member) if q.answer == "free_text")
    response = autosave(
        client_of(reader),
        member,
        {f"q-{six.key}": "2", f"q-{text.key}": "Seen on 12/03/2019"},
        None,
    )
    assert response.status_code == 200
    assert list(response.json()["problems"]) == [f"q-{text.key}"]
    assert "identifying detail: This holds what looks like a date" in response.json()["message"]
    reading = Reading.objects.get(member=member, reader=reader)
    assert Answer.objects.get(reading=reading, question=six).value == "2"
    assert Answer.objects.get(reading=reading, question=text).value == ""


def test_an_autosave_with_a_grade_not_offered_keeps_the_stored_grade_and_saves_the_rest(
    world: Any, pair: Any
) -> None:
    member, _inspector, reader = pair
    client = client_of(reader)
    six = [q for q in questions(member) if q.answer == "six_point"]
    first = autosave(client, member, {f"q-{six[0].key}": "4"}, None).json()
    data = {
        "saved": first["saved"],
        "action": "draft",
        f"q-{six[0].key}": "9",
        f"q-{six[1].key}": "2",
    }
    response = client.post(record_url(member), data, headers=HEADER)
    assert response.status_code == 200
    assert list(response.json()["problems"]) == [f"q-{six[0].key}"]
    # A question's prompt ends with its question mark, not with ": " after it.
    assert "?:" not in response.json()["message"]
    reading = Reading.objects.get(member=member, reader=reader)
    assert Answer.objects.get(reading=reading, question=six[0]).value == "4"
    assert Answer.objects.get(reading=reading, question=six[1]).value == "2"


def test_an_autosave_whose_stored_note_is_refused_too_saves_nothing_and_names_the_question(
    world: Any, pair: Any
) -> None:
    member, _inspector, reader = pair
    client = client_of(reader)
    six = next(q for q in questions(member) if q.answer == "six_point")
    text = next(q for q in questions(member) if q.answer == "free_text")
    first = autosave(client, member, {f"q-{six.key}": "3"}, None).json()
    # Saved before the rules refused it: it cannot be kept through a save, so nothing is saved.
    Answer.objects.filter(reading__reader=reader, question=text).update(value="Seen 1/2/2020")
    values: dict[str, str | list[str] | None] = {
        f"q-{six.key}": "5",
        f"q-{text.key}": "Seen 1/2/2020",
    }
    response = autosave(client, member, values, first["saved"])
    assert response.status_code == 400
    assert "identifying detail: This holds what looks like a date" in response.json()["error"]
    assert Answer.objects.get(reading__reader=reader, question=six).value == "3"


def test_a_stale_autosave_with_a_dated_note_is_refused_as_stale(world: Any, pair: Any) -> None:
    member, _inspector, reader = pair
    client = client_of(reader)
    six = next(q for q in questions(member) if q.answer == "six_point")
    text = next(q for q in questions(member) if q.answer == "free_text")
    autosave(client, member, {f"q-{six.key}": "5"}, None)
    stale = autosave(client, member, {f"q-{six.key}": "1", f"q-{text.key}": "On 1/2/2020"}, "")
    assert stale.status_code == 409
    assert "another tab or window" in stale.json()["error"]
    assert Answer.objects.get(reading__reader=reader, question=six).value == "5"


def test_an_autosave_after_submitting_is_refused(world: Any, pair: Any) -> None:
    member, _inspector, reader = pair
    client = client_of(reader)
    values = answers(member, "4")
    data = {**values, "action": "submit"}
    assert client.post(record_url(member), data).status_code == 302
    response = client.post(record_url(member), {**values, "action": "draft"}, headers=HEADER)
    assert response.status_code == 409
    assert "submitted this reading already" in response.json()["error"]


def test_an_autosave_from_outside_the_pair_finds_nothing(world: Any, pair: Any) -> None:
    member, _inspector, _reader = pair
    for name, status in (("outsider", 404), ("viewer", 403), ("lead", 403)):
        client = world.client_for(name)
        response = client.post(record_url(member), {"action": "draft"}, headers=HEADER)
        assert response.status_code == status, name
    assert not Reading.objects.filter(member=member).exists()
