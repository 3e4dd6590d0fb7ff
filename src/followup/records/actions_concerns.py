"""Every write of a concern raised while reading a child's record: raising it (either of the
record's pair, or the inspection team) and recording whether and when it was passed to the
partnership's named senior manager (the inspection team only, once). Each is audited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from followup.audit import writes
from followup.partnerships.access import AnyUser, Capability, capabilities, require
from followup.records.actions_reading import in_pair
from followup.records.models import Agency, Concern, SampledRecord, TemplateQuestion, Urgency
from followup.records.returns import identifier_in_text

MAX_WHAT = 1000
MAX_NOTE = 500
MAX_ROLE = 200


def _text(data: Mapping[str, Any], field: str, limit: int, *, required: str = "") -> str:
    """A text field as stored, or a ValidationError naming the field and what it expects: at
    most ``limit`` characters, nothing that could identify a child, and present if
    ``required`` (what to ask for) is given."""
    value = str(data.get(field) or "").strip()
    if required and not value:
        raise ValidationError({field: required})
    if len(value) > limit:
        raise ValidationError({field: f"Write at most {limit} characters"})
    found = identifier_in_text(value)
    if found:
        raise ValidationError(
            {
                field: f"This holds what looks like {found}: write it without naming the child "
                "or anything that could identify them"
            }
        )
    return value


def may_raise(user: AnyUser, member: SampledRecord) -> None:
    """The inspection team (``read_records``) may raise a concern about any sampled record;
    anyone else only about a record of their own pair (404 otherwise, 403 for members who read
    no records)."""
    partnership = member.sample.frame.inspection.partnership
    if Capability.READ_RECORDS not in capabilities(user, partnership):
        in_pair(user, member)


def raise_concern(user: AnyUser, member: SampledRecord, data: Mapping[str, Any]) -> Concern:
    """Raise a concern about a sampled record: what it is, which agency should act, how soon,
    and the question it arose from, if any."""
    partnership = member.sample.frame.inspection.partnership
    may_raise(user, member)
    assert isinstance(user, User)  # the signed-out are refused above
    what = _text(data, "what", MAX_WHAT, required="Say what the concern is")
    agency = str(data.get("agency") or "")
    if agency not in Agency.values:
        raise ValidationError({"agency": "Choose the agency that should act"})
    urgency = str(data.get("urgency") or "")
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": "Choose how soon the agency should act"})
    question = data.get("question")
    if question is not None and (
        not isinstance(question, TemplateQuestion)
        or member.sample.template_id is None
        or question.template_id != member.sample.template_id
    ):
        raise ValidationError({"question": "Choose a question of this record's reading template"})
    concern = Concern(
        member=member,
        raised_by=user,
        what=what,
        agency=agency,
        urgency=urgency,
        question=question,
    )
    with transaction.atomic():
        return writes.create(user, "concern.raise", concern, partnership)


def _passing_on(data: Mapping[str, Any]) -> dict[str, Any]:
    """The passing on's fields as stored: when and to whom if passed on, why not if not."""
    passed = data.get("passed_on")
    if passed not in ("yes", "no"):
        raise ValidationError(
            {"passed_on": "Say whether the concern was passed to the senior manager: yes or no"}
        )
    if passed == "no":
        reason = _text(data, "not_passed_reason", MAX_NOTE, required="Say why it was not passed on")
        return {"passed_on": False, "not_passed_reason": reason}
    when = data.get("passed_at")
    if when is None or not hasattr(when, "tzinfo"):
        raise ValidationError(
            {"passed_date": "Give the date and time it was passed on, such as 27 3 2026 14:30"}
        )
    if when > timezone.now():
        raise ValidationError({"passed_date": "Give a date and time that is not in the future"})
    return {
        "passed_on": True,
        "passed_at": when,
        "passed_to": _text(
            data,
            "passed_to",
            MAX_ROLE,
            required="Give the senior manager's role, such as Chief Social Work Officer",
        ),
        "note": _text(data, "note", MAX_NOTE),
    }


def record_passing_on(user: AnyUser, concern: Concern, data: Mapping[str, Any]) -> Concern:
    """Record whether and when the concern was passed to the partnership's named senior
    manager. Recorded once: a second recording is refused, saying when the first was."""
    partnership = concern.member.sample.frame.inspection.partnership
    require(user, partnership, Capability.READ_RECORDS)
    fields = _passing_on(data)
    with transaction.atomic():
        current = writes.lock(concern)
        if current.recorded_at is not None:
            at = timezone.localtime(current.recorded_at)
            when = f"{at.day} {at:%B %Y} at {at:%H:%M}"
            raise ValidationError(
                f"Whether this concern was passed on was recorded on {when}: it is not changed."
            )
        fields |= {"recorded_by": user, "recorded_at": timezone.now()}
        return writes.update(user, "concern.pass_on", current, partnership, fields)
