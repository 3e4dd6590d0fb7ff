from __future__ import annotations

import datetime

import pytest

from followup.audit.models import AuditEntry
from followup.inspections import actions as inspection_actions
from followup.plans import actions as plan_actions
from followup.reviews import actions as review_actions


def entries_for(obj):
    return list(
        AuditEntry.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).order_by("id")
    )


def test_creating_an_action_records_who_what_and_every_field(world):
    lead = world.users["lead"]
    action = plan_actions.create_action(
        lead,
        world.home.partnership,
        {
            "title": "New action",
            "status": "not_started",
            "due_date": datetime.date(2030, 1, 31),
            "recommendations": [world.home.recommendation],
        },
    )
    (entry,) = entries_for(action)
    assert entry.verb == "action.create"
    assert (entry.actor_id, entry.actor_name) == (lead.pk, "lead")
    assert (entry.partnership_id, entry.partnership_name) == (
        world.home.partnership.pk,
        "Homeshire",
    )
    assert entry.changes["title"] == [None, "New action"]
    assert entry.changes["due_date"] == [None, "2030-01-31"]
    assert entry.changes["recommendations"] == [None, [str(world.home.recommendation)]]


def test_updating_records_only_the_changed_fields_with_old_and_new_values(world):
    evaluation = world.home.evaluation
    inspection_actions.update_evaluation(
        world.users["inspector"], evaluation, {"grade": 5, "narrative": "", "basis": "stated"}
    )
    (entry,) = entries_for(evaluation)
    assert entry.verb == "evaluation.update"
    assert entry.changes == {"grade": [3, 5]}


def test_an_update_that_changes_nothing_writes_no_entry(world):
    review = world.home.review
    review_actions.update_review(world.users["inspector"], review, {"title": review.title})
    assert entries_for(review) == []


def test_adding_an_action_update_audits_the_update_and_the_status_change(world):
    """The lead's update is accepted as it is written, so it changes the status at once."""
    action = world.home.action
    update = plan_actions.add_update(
        world.users["lead"],
        action,
        {
            "on": datetime.date(2024, 5, 1),
            "status": "complete",
            "rating": "on_track",
            "note": "Done.",
        },
    )
    assert [e.verb for e in entries_for(update)] == ["action_update.create"]
    assert [(e.verb, e.changes) for e in entries_for(action)] == [
        ("action.update", {"status": ["in_progress", "complete"]})
    ]


def test_audit_entries_are_never_changed_or_deleted(world):
    entry = AuditEntry.objects.create(
        actor_name="x", verb="v", object_type="t", object_id="1", object_repr="r"
    )
    entry.verb = "other"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_editor_sees_history_on_the_action_page_and_viewer_does_not(world):
    plan_actions.update_action(
        world.users["editor"], world.home.action, {"title": "Renamed action"}
    )
    url = f"/p/home/actions/{world.home.action.pk}/"
    editor_html = world.client_for("editor").get(url).content.decode()
    viewer_html = world.client_for("viewer").get(url).content.decode()
    assert "History of changes" in editor_html
    assert "Plan action for Homeshire → Renamed action" in editor_html
    assert "History of changes" not in viewer_html


def test_inspector_sees_history_on_the_inspection_page(world):
    inspection_actions.update_inspection(
        world.users["inspector"], world.home.inspection, {"status": "draft"}
    )
    html = (
        world.client_for("inspector")
        .get(f"/p/home/inspections/{world.home.inspection.pk}/")
        .content.decode()
    )
    assert "History of changes" in html
    assert "inspection.update" in html


def test_an_entry_needs_a_real_actor(world):
    from django.contrib.auth.models import AnonymousUser

    from followup.audit.log import record

    count = AuditEntry.objects.count()
    for nobody in (None, AnonymousUser()):
        with pytest.raises(ValueError, match="needs a signed-in user or the command line"):
            record(nobody, "action.update", world.home.action, {})
    assert AuditEntry.objects.count() == count


def test_the_command_line_is_recorded_as_such_with_the_operating_system_user(world, monkeypatch):
    from followup.audit.log import record
    from followup.lib.types import CommandLine

    monkeypatch.setattr("getpass.getuser", lambda: "alice")
    entry = record(CommandLine.current(), "action.update", world.home.action, {})
    assert (entry.actor_id, entry.actor_name) == (None, "cli:alice")


def test_deleting_a_user_or_a_partnership_changes_no_audit_row(world):
    editor = world.users["editor"]
    plan_actions.update_action(editor, world.home.action, {"title": "Renamed action"})
    before = list(AuditEntry.objects.order_by("id").values())
    assert [(row["actor_id"], row["partnership_name"]) for row in before][-1:] == [
        (editor.pk, "Homeshire")
    ]
    editor.delete()
    world.away.partnership.delete()
    world.home.partnership.delete()
    assert list(AuditEntry.objects.order_by("id").values()) == before


def test_the_history_still_names_an_actor_whose_account_was_deleted(world):
    editor = world.users["editor"]
    plan_actions.update_action(editor, world.home.action, {"title": "Renamed action"})
    editor.delete()
    html = world.client_for("lead").get(f"/p/home/actions/{world.home.action.pk}/").content.decode()
    assert "Plan action for Homeshire → Renamed action" in html
    assert '<td class="govuk-table__cell">editor</td>' in html


def test_a_survey_import_records_the_upload_and_every_case_and_source_it_creates(world):
    from followup.evidence.surveys import import_survey
    from tests.audit.ledger import Ledger, assert_recorded

    roles = {"id": "respondent", "group": "attribute", "What helps?": "question"}
    ledger = Ledger()
    assert import_survey(world.users["contributor"], world.home.survey, roles) == 1
    entries = assert_recorded(ledger, "contributor", "survey import")
    assert sorted(e.verb for e in entries) == ["case.import", "source.import", "survey.import"]
    (source,) = [e for e in entries if e.verb == "source.import"]
    assert source.changes["title"] == [None, "Homeshire survey: respondent 1"]
