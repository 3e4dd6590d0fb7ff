"""The paired, blind reading over HTTP: each of a record's pair reads on their own, sees nothing
of the other's answers until both have submitted, and the pair's inspector then records the
moderated answers, which keep both readings as they were."""

from __future__ import annotations

from html import escape
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from followup.audit.models import AuditEntry
from followup.partnerships.access import Capability, Refused, capabilities
from followup.records import actions_reading
from followup.records.actions_reading import short
from followup.records.models import (
    Answer,
    Assignment,
    Moderation,
    Reading,
    ReadingPair,
    SampledRecord,
    TemplateQuestion,
)
from followup.records.queries import template_questions
from tests import factories as f
from tests.browserlike import change, forms_in, submit
from tests.submissions import key


def reader_of(world: Any, name: str = "reader") -> Any:
    """A local reader of home: partnership staff taking part in the reading."""
    user = f.UserFactory(username=name)
    f.MembershipFactory(user=user, partnership=world.home.partnership, role="reader")
    return user


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def questions(member: SampledRecord) -> list[TemplateQuestion]:
    assert member.sample.template is not None
    return template_questions(member.sample.template)


def answers(member: SampledRecord, grade: str, yes: str = "yes", text: str = "") -> dict[str, str]:
    """Every question answered: a grade, a yes-or-no answer or a short text."""
    by_type = {"six_point": grade, "yes_no_na": yes, "free_text": text}
    return {f"q-{q.key}": by_type[q.answer] for q in questions(member)}


def record_url(member: SampledRecord) -> str:
    return reverse("records:record", args=["home", member.pk])


def read(client: Client, member: SampledRecord, values: dict[str, str], action: str) -> Any:
    """Open the record's page, answer as a browser would and press a button."""
    page = client.get(record_url(member))
    assert page.status_code == 200
    form = next(
        fm for fm in forms_in(page.content.decode()) if fm.attrs.get("id") == "reading-form"
    )
    data = change(form, dict(values)).data()
    assert ("action", action) in form.buttons
    data["action"] = [action]
    return client.post(record_url(member), data)


@pytest.fixture
def pair(world: Any) -> tuple[SampledRecord, Any, Any]:
    reader = reader_of(world)
    member = f.paired_record(world.home.inspection, world.users["inspector"], reader)
    return member, world.users["inspector"], reader


def test_a_local_reader_sees_the_partnership_as_a_viewer_does_and_may_read_assigned_records(
    world,
):
    reader = reader_of(world)
    held = capabilities(reader, world.home.partnership)
    assert held == {Capability.VIEW, Capability.READ_ASSIGNED_RECORDS}
    url = reverse("records:reading", args=["home", world.home.inspection.pk])
    assert client_of(reader).get(url).status_code == 403


def test_the_partner_still_drafting_sees_none_of_the_submitted_readers_grades(world, pair):
    member, inspector, reader = pair
    inspector_client, reader_client = client_of(inspector), client_of(reader)
    assert read(inspector_client, member, answers(member, "4"), "draft").status_code == 302
    response = read(
        reader_client, member, answers(member, "6", text="Chronology kept well"), "submit"
    )
    assert response.status_code == 302
    assert Reading.objects.get(member=member, reader=reader).submitted

    page = inspector_client.get(record_url(member)).content.decode()
    assert 'value="6" checked' not in page and "Excellent</td>" not in page
    assert "Chronology kept well" not in page
    assert "Your partner&#x27;s answer" not in page and "Submitted" in page  # status, not answers
    assert 'value="4" checked' in page  # their own draft

    # The reader, submitted, sees their own answers and none of the inspector's draft.
    mine = reader_client.get(record_url(member)).content.decode()
    assert "6 Excellent" in mine and "4 Good" not in mine
    assert "Your partner&#x27;s answer" not in mine


def test_the_queue_and_the_progress_page_show_no_answers_before_both_submit(world, pair):
    member, inspector, reader = pair
    read(client_of(reader), member, answers(member, "2", text="Plan lacks dates"), "submit")
    queue = client_of(inspector).get(reverse("records:queue", args=["home"])).content.decode()
    assert "Not started" in queue and "Weak" not in queue and "Plan lacks dates" not in queue
    progress = client_of(inspector).get(
        reverse("records:progress", args=["home", member.sample.pk])
    )
    page = progress.content.decode()
    assert progress.status_code == 200 and "Weak" not in page and "Plan lacks dates" not in page
    assert (
        '<td class="govuk-table__cell govuk-table__cell--numeric">1</td>'
        '<td class="govuk-table__cell govuk-table__cell--numeric">0</td>'
        '<td class="govuk-table__cell govuk-table__cell--numeric">1</td>' in page
    )


def test_after_both_submit_both_see_both_and_the_inspector_moderates_keeping_both(world, pair):
    member, inspector, reader = pair
    inspector_client, reader_client = client_of(inspector), client_of(reader)
    read(inspector_client, member, answers(member, "4"), "submit")
    read(reader_client, member, answers(member, "5"), "submit")
    for client in (inspector_client, reader_client):
        page = client.get(record_url(member)).content.decode()
        assert "4 Good" in page and "5 Very good" in page

    # The reader may not moderate; the inspector, with a reason where the two differ.
    moderate = reverse("records:moderate", args=["home", member.pk])
    assert reader_client.get(moderate).status_code == 403
    page = inspector_client.get(moderate).content.decode()
    form = next(
        fm for fm in forms_in(page) if "q-" + questions(member)[0].key in fm.names() or fm.radios
    )
    grades = {f"q-{q.key}": "4" for q in questions(member) if q.answer == "six_point"}
    refused = submit(inspector_client, moderate, change(form, grades))
    first = questions(member)[0]
    assert refused.status_code == 200
    assert "Say in a few words why this is the agreed answer" in refused.content.decode()
    reasons = {f"why-{q.key}": "Agreed on discussion" for q in questions(member)}
    page = inspector_client.get(moderate).content.decode()
    form = next(fm for fm in forms_in(page) if fm.radios)
    done = submit(inspector_client, moderate, change(form, grades | reasons))
    assert done.status_code == 302
    moderated = Moderation.objects.get(member=member, question=first)
    assert moderated.value == "4" and moderated.rationale == "Agreed on discussion"
    kept = dict(
        Answer.objects.filter(question=first, reading__member=member).values_list(
            "reading__reader__username", "value"
        )
    )
    assert kept == {"inspector": "4", "reader": "5"}
    assert AuditEntry.objects.filter(verb="record.moderate").count() == len(questions(member))
    page = reader_client.get(record_url(member)).content.decode()
    assert "Moderated answer" in page and "Agreed on discussion" in page


def test_a_submitted_reading_is_never_changed(world, pair):
    member, _inspector, reader = pair
    read(client_of(reader), member, answers(member, "3"), "submit")
    response = client_of(reader).post(
        record_url(member), {**answers(member, "6"), "action": "submit"}
    )
    assert response.status_code == 200
    assert "You submitted this reading already" in response.content.decode()
    assert set(
        Answer.objects.filter(reading__reader=reader, question__answer="six_point").values_list(
            "value", flat=True
        )
    ) == {"3"}


def test_submitting_needs_every_grade_and_names_the_question_unanswered(world, pair):
    member, _inspector, reader = pair
    values = answers(member, "3")
    first = questions(member)[0]
    values[f"q-{first.key}"] = ""
    response = read(client_of(reader), member, values, "submit")
    assert response.status_code == 200
    expected = f"Answer “{short(first.prompt)}”: choose a grade from 1 to 6, or not applicable"
    assert escape(expected) in response.content.decode()
    assert f'href="#id_q-{first.key}' in response.content.decode()
    assert not Reading.objects.filter(status="submitted").exists()


def test_a_draft_is_saved_without_javascript_and_audited_without_its_answers(world, pair):
    member, _inspector, reader = pair
    response = read(client_of(reader), member, answers(member, "2"), "draft")
    assert response.status_code == 302 and response["Location"] == record_url(member)
    entry = AuditEntry.objects.get(verb="reading.save")
    assert "2" not in str(entry.changes.get("status", "")) and "answers changed" in entry.changes
    page = client_of(reader).get(record_url(member)).content.decode()
    assert 'value="2" checked' in page


def test_the_record_page_shows_no_more_than_the_records_reference(world, pair):
    member, _inspector, reader = pair
    page = client_of(reader).get(record_url(member)).content.decode()
    assert member.record.reference in page
    assert member.record.digest not in page
    assert member.record.team not in page or not member.record.team


@pytest.mark.parametrize("name", ["record", "moderate"])
def test_pages_of_a_record_refuse_those_outside_its_pair(world, pair, name):
    member, _inspector, reader = pair
    url = reverse(f"records:{name}", args=["home", member.pk])
    assert world.client_for("outsider").get(url).status_code == 404
    assert world.client_for("viewer").get(url).status_code == 403
    assert world.client_for("lead").get(url).status_code == 403
    other = reader_of(world, "another_reader")
    assert client_of(other).get(url).status_code == 404  # not their pair's: as if not there
    assert world.client_for("admin").get(url).status_code == 404  # in no pair
    if name == "record":  # their pair's: an empty reading is refused, and shown again
        assert client_of(reader).post(url, {"action": "submit"}).status_code == 200


def test_a_reader_of_another_pair_finds_nothing_of_this_pairs_records_in_their_queue(world, pair):
    member, _inspector, reader = pair
    other = reader_of(world, "another_reader")
    page = client_of(other).get(reverse("records:queue", args=["home"])).content.decode()
    assert member.record.reference not in page and "No records are assigned to you yet" in page
    mine = client_of(reader).get(reverse("records:queue", args=["home"])).content.decode()
    assert member.record.reference in mine and "Read the next record" in mine


def test_the_inspection_team_sets_up_a_pair_and_shares_the_records_in_turn(world):
    reader, second = reader_of(world), reader_of(world, "second_reader")
    sample = f.paired_record(world.home.inspection, world.users["inspector"], reader).sample
    Assignment.objects.all().delete()
    client = world.client_for("inspector")
    url = reverse("records:pair_add", args=["home", sample.pk])
    response = client.post(
        url, {"inspector": world.users["inspector"].pk, "reader": second.pk, **key(client)}
    )
    assert response.status_code == 302
    response = client.post(reverse("records:assign", args=["home", sample.pk]), key(client))
    assert response.status_code == 302
    shared = list(
        Assignment.objects.order_by("member__record__row").values_list("pair__number", flat=True)
    )
    assert shared == [1, 2, 1]
    assert AuditEntry.objects.filter(verb="record.assign").count() == 3
    viewer = world.users["viewer"].pk
    refused = client.post(
        url, {"inspector": world.users["inspector"].pk, "reader": viewer, **key(client)}
    )
    assert "Choose local reader from the list" in refused.content.decode()


def test_a_record_is_reassigned_only_while_nobody_has_read_it(world, pair):
    member, inspector, _reader = pair
    other = ReadingPair.objects.create(
        sample=member.sample, number=2, inspector=inspector, reader=reader_of(world, "second")
    )
    actions_reading.reassign(inspector, member, other)
    assert Assignment.objects.get(member=member).pair == other
    actions_reading.save_reading(inspector, member, {}, submit=False)
    with pytest.raises(ValidationError, match="reading has begun"):
        actions_reading.reassign(inspector, member, ReadingPair.objects.get(number=1))


def test_a_sample_without_a_template_cannot_be_paired(world):
    sample = f.records_sample(world.home.inspection)
    with pytest.raises(ValidationError, match="has no reading template"):
        actions_reading.add_pair(
            world.users["inspector"],
            sample,
            {"inspector": world.users["inspector"], "reader": reader_of(world)},
        )
    page = world.client_for("inspector").get(reverse("records:sample", args=["home", sample.pk]))
    assert "has no reading template, so its records cannot be read" in page.content.decode()


def test_only_the_pairs_inspector_moderates(world, pair):
    member, _inspector, reader = pair
    with pytest.raises(Refused):
        actions_reading.moderate(reader, member, {})


def test_the_inspection_team_gives_a_record_not_yet_read_to_another_pair_on_its_page(world, pair):
    member, inspector, reader = pair
    second = reader_of(world, "second")
    other = ReadingPair.objects.create(
        sample=member.sample, number=2, inspector=inspector, reader=second
    )
    client = world.client_for("inspector")
    progress = client.get(reverse("records:progress", args=["home", member.sample.pk]))
    url = reverse("records:reassign", args=["home", member.pk])
    assert url in progress.content.decode()
    page = client.get(url).content.decode()
    form = next(fm for fm in forms_in(page) if "pair" in fm.names())
    assert submit(client, url, change(form, {"pair": str(other.pk)})).status_code == 302
    assert Assignment.objects.get(member=member).pair == other
    assert AuditEntry.objects.filter(verb="record.reassign").count() == 1
    assert client_of(reader).get(record_url(member)).status_code == 404  # no longer theirs
    read(client_of(second), member, answers(member, "3"), "draft")
    page = client.get(url).content.decode()
    form = next(fm for fm in forms_in(page) if "pair" in fm.names())
    first = ReadingPair.objects.get(sample=member.sample, number=1)
    refused = submit(client, url, change(form, {"pair": str(first.pk)}))
    assert "reading has begun" in refused.content.decode()
    assert Assignment.objects.get(member=member).pair == other


@pytest.mark.parametrize("name", ["progress", "pair_add", "assign", "sample", "reassign"])
def test_a_local_reader_is_refused_the_inspection_teams_pages_of_the_reading(world, pair, name):
    member, _inspector, reader = pair
    pk = member.pk if name == "reassign" else member.sample.pk
    url = reverse(f"records:{name}", args=["home", pk])
    assert client_of(reader).get(url).status_code == 403
    if name not in ("progress", "sample"):  # pages only read: no POST at all (405)
        assert client_of(reader).post(url, key(reader)).status_code == 403


def test_a_moderation_reason_that_may_identify_the_child_is_refused_and_nothing_is_kept(
    world, pair
):
    member, inspector, reader = pair
    inspector_client = client_of(inspector)
    read(inspector_client, member, answers(member, "4"), "submit")
    read(client_of(reader), member, answers(member, "5"), "submit")
    moderate = reverse("records:moderate", args=["home", member.pk])
    form = next(fm for fm in forms_in(inspector_client.get(moderate).content.decode()) if fm.radios)
    grades = {f"q-{q.key}": "4" for q in questions(member) if q.answer == "six_point"}
    reasons = {f"why-{q.key}": "Agreed: CHI 0101011234 on file" for q in questions(member)}
    refused = submit(inspector_client, moderate, change(form, grades | reasons))
    assert refused.status_code == 200
    assert "This holds what looks like a CHI number" in refused.content.decode()
    assert not Moderation.objects.filter(member=member).exists()


def test_a_page_opened_before_a_later_save_in_another_tab_saves_nothing(world, pair):
    member, _inspector, reader = pair
    client = client_of(reader)
    url = record_url(member)
    tab_a = next(fm for fm in forms_in(client.get(url).content.decode()) if fm.radios)
    tab_b = next(fm for fm in forms_in(client.get(url).content.decode()) if fm.radios)
    six = [q for q in questions(member) if q.answer == "six_point"]
    newer = {f"q-{six[0].key}": "5", f"q-{six[1].key}": "4"}
    assert submit(client, url, change(tab_b, newer)).status_code == 302
    older = submit(client, url, change(tab_a, {f"q-{six[2].key}": "2"}))
    assert older.status_code == 200
    assert "You saved this reading again in another tab or window" in older.content.decode()
    kept = {
        a.question.key: a.value for a in Answer.objects.filter(reading__member=member) if a.value
    }
    assert kept == {six[0].key: "5", six[1].key: "4"}
    # Opened again, the page carries the newer answers, and saves.
    fresh = next(fm for fm in forms_in(client.get(url).content.decode()) if fm.radios)
    assert submit(client, url, change(fresh, {f"q-{six[2].key}": "2"})).status_code == 302


def _no_template(member: SampledRecord) -> None:
    member.sample.template = None
    member.sample.save(update_fields=["template"])


def test_the_actions_refuse_a_sample_without_a_template(world, pair):
    member, inspector, reader = pair
    _no_template(member)
    said = f"Sample {member.sample.number} has no reading template"
    for attempt in (
        lambda: actions_reading.add_pair(
            inspector, member.sample, {"inspector": inspector, "reader": reader}
        ),
        lambda: actions_reading.assign_records(inspector, member.sample),
        lambda: actions_reading.save_reading(reader, member, {}),
        lambda: actions_reading.moderate(inspector, member, {}),
    ):
        with pytest.raises(ValidationError, match=said):
            attempt()


def test_a_pair_needs_an_inspector_of_the_partnership_and_one_of_its_local_readers(world, pair):
    member, inspector, reader = pair
    sample = member.sample
    viewer = world.users["viewer"]
    for data, field in (
        ({"inspector": viewer, "reader": reader}, "inspector"),
        ({"inspector": "someone", "reader": reader}, "inspector"),
        ({"inspector": inspector, "reader": viewer}, "reader"),
        ({"inspector": inspector, "reader": reader}, "reader"),  # the pair exists already
    ):
        with pytest.raises(ValidationError) as refused:
            actions_reading.add_pair(inspector, sample, data)
        assert field in refused.value.message_dict


def test_records_are_shared_only_once_a_pair_is_set_up(world, pair):
    member, inspector, _ = pair
    ReadingPair.objects.filter(sample=member.sample).delete()
    with pytest.raises(ValidationError, match="Set up a reading pair first"):
        actions_reading.assign_records(inspector, member.sample)


def test_a_record_goes_only_to_a_pair_of_its_own_sample_and_an_unassigned_one_is_assigned(
    world, pair
):
    member, inspector, reader = pair
    other_sample = f.records_sample(world.away.inspection)
    stranger = ReadingPair.objects.create(
        sample=other_sample, number=1, inspector=world.users["outsider"], reader=reader
    )
    with pytest.raises(ValidationError) as refused:
        actions_reading.reassign(inspector, member, stranger)
    assert "pair" in refused.value.message_dict
    Assignment.objects.filter(member=member).delete()
    own = ReadingPair.objects.get(sample=member.sample)
    assert actions_reading.reassign(inspector, member, own).pair == own


def test_the_action_refuses_answers_the_form_would_not_send(world, pair):
    member, _, reader = pair
    six = next(q for q in questions(member) if q.answer == "six_point")
    text = next(q for q in questions(member) if q.answer == "free_text")
    for data, said in (
        ({f"q-{six.key}": "7"}, "Choose a grade from 1 to 6"),
        ({f"q-{text.key}": "x" * 1001}, "Write at most 1000 characters"),
    ):
        with pytest.raises(ValidationError, match=said):
            actions_reading.save_reading(reader, member, data)
    assert not Reading.objects.filter(member=member).exists()


def test_moderation_waits_for_both_readings_and_happens_once(world, pair):
    member, inspector, reader = pair
    with pytest.raises(ValidationError, match="Both readings must be submitted"):
        actions_reading.moderate(inspector, member, {})
    actions_reading.save_reading(inspector, member, answers(member, "4"), submit=True)
    actions_reading.save_reading(reader, member, answers(member, "4"), submit=True)
    long = {f"why-{q.key}": "x" * 1000 for q in questions(member)}
    with pytest.raises(ValidationError, match="Write the reason in at most"):
        actions_reading.moderate(inspector, member, answers(member, "4") | long)
    actions_reading.moderate(inspector, member, answers(member, "4"))
    with pytest.raises(ValidationError, match="This record is moderated already"):
        actions_reading.moderate(inspector, member, answers(member, "4"))


def test_submitting_names_every_question_left_unanswered_at_once(world, pair):
    member, _inspector, reader = pair
    values = answers(member, "3")
    choices = [q for q in questions(member) if q.answer != "free_text"]
    for question in choices[:3]:
        values[f"q-{question.key}"] = ""
    page = read(client_of(reader), member, values, "submit").content.decode()
    for question in choices[:3]:
        assert f'href="#id_q-{question.key}' in page
    assert f'href="#id_q-{choices[3].key}' not in page
    assert not Reading.objects.filter(status="submitted").exists()


def test_moderating_names_every_answer_and_reason_missing_at_once(world, pair):
    member, inspector, reader = pair
    actions_reading.save_reading(inspector, member, answers(member, "4"), submit=True)
    actions_reading.save_reading(reader, member, answers(member, "3"), submit=True)
    choices = [q for q in questions(member) if q.answer != "free_text"]
    agreed = answers(member, "4")
    agreed[f"q-{choices[0].key}"] = ""
    with pytest.raises(ValidationError) as refused:
        actions_reading.moderate(inspector, member, agreed)
    fields = set(refused.value.message_dict)
    six = [q for q in choices if q.answer == "six_point"]
    # The unanswered question, and a reason for every grade the two readings gave differently.
    assert f"q-{choices[0].key}" in fields
    assert {f"why-{q.key}" for q in six if q.pk != choices[0].pk} <= fields
    assert not Moderation.objects.filter(member=member).exists()


def test_every_moderation_error_names_its_question_and_all_are_listed_at_once(world, pair):
    member, inspector, reader = pair
    actions_reading.save_reading(inspector, member, answers(member, "5", yes="no"), submit=True)
    actions_reading.save_reading(reader, member, answers(member, "3"), submit=True)
    choices = [q for q in questions(member) if q.answer != "free_text"]
    url = reverse("records:moderate", args=["home", member.pk])
    client = client_of(inspector)
    form = next(fm for fm in forms_in(client.get(url).content.decode()) if fm.radios)
    page = submit(client, url, change(form, {f"q-{choices[0].key}": "4"})).content.decode()
    # The reason missing for the one answered, and every other answer, each by its question.
    assert escape(f"{short(choices[0].prompt)}: Say in a few words why") in page
    for question in choices[1:]:
        assert escape(f"Answer “{short(question.prompt)}”") in page
    assert not Moderation.objects.filter(member=member).exists()


def test_a_note_refused_for_an_identifier_names_its_question(world, pair):
    member, _inspector, reader = pair
    text = next(q for q in questions(member) if q.answer == "free_text")
    page = read(client_of(reader), member, {f"q-{text.key}": "Seen 12/03/2016"}, "draft")
    assert (
        escape(f"{short(text.prompt)}: This holds what looks like a date") in page.content.decode()
    )
