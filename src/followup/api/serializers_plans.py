"""What the API shows of the improvement plan: actions and their updates."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from followup.inspections.models import Recommendation
from followup.partnerships.models import Organisation
from followup.plans import queries, ratings
from followup.plans.models import Action, ActionUpdate


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ("id", "name", "kind")


class RecommendationLinkSerializer(serializers.ModelSerializer[Recommendation]):
    class Meta:
        model = Recommendation
        fields = ("id", "number", "inspection")


class UpdateSerializer(serializers.ModelSerializer[ActionUpdate]):
    state = serializers.SerializerMethodField(
        help_text="accepted (the action's progress), waiting (for the lead officer) or returned "
        "(with a reason, to be revised)."
    )
    returned_because = serializers.SerializerMethodField(
        help_text="Why it was returned; empty unless it was."
    )
    changed_at = serializers.SerializerMethodField(
        help_text="When it last changed: written, or accepted or returned since. The last row's "
        "is the `since` to catch up from."
    )

    class Meta:
        model = ActionUpdate
        fields = (
            "id",
            "action",
            "on",
            "status",
            "rating",
            "note",
            "author_name",
            "state",
            "returned_because",
            "revises",
            "created_at",
            "changed_at",
        )

    def _decision(self, update: ActionUpdate) -> Any:
        return getattr(update, "decision", None)

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_changed_at(self, update: ActionUpdate) -> str:
        decision = self._decision(update)
        changed = update.created_at
        if decision is not None:
            changed = max(changed, decision.made_at)
        return str(serializers.DateTimeField().to_representation(changed))

    def get_state(self, update: ActionUpdate) -> str:
        decision = self._decision(update)
        return "waiting" if decision is None else str(decision.outcome)

    def get_returned_because(self, update: ActionUpdate) -> str:
        decision = self._decision(update)
        return (
            str(decision.reason) if decision is not None and decision.outcome == "returned" else ""
        )


class LatestUpdateSerializer(serializers.ModelSerializer[ActionUpdate]):
    class Meta:
        model = ActionUpdate
        fields = ("id", "on", "status", "rating", "note")


class ActionSerializer(serializers.ModelSerializer[Action]):
    owner_organisation = OrganisationSerializer(allow_null=True)
    recommendations = RecommendationLinkSerializer(many=True)
    rating = serializers.SerializerMethodField(
        help_text="The action's rating, as the plan shows it: its latest accepted update's while "
        "it is open, else its status (complete, cancelled), or none."
    )
    latest_update = serializers.SerializerMethodField(
        help_text="Its latest accepted update, or null."
    )

    class Meta:
        model = Action
        fields = (
            "id",
            "title",
            "description",
            "owner_organisation",
            "lead_person",
            "start_date",
            "due_date",
            "status",
            "rating",
            "recommendations",
            "latest_update",
            "is_illustrative",
            "created_at",
        )

    def _latest(self, action: Action) -> ActionUpdate | None:
        accepted = getattr(action, "accepted_updates", None)
        if accepted is None:
            accepted = list(queries.accepted_updates().filter(action=action)[:1])
        return next(iter(accepted), None)

    def get_rating(self, action: Action) -> str:
        latest = self._latest(action)
        return ratings.rating_of(action.status, latest.rating if latest else None)

    @extend_schema_field(LatestUpdateSerializer(allow_null=True))
    def get_latest_update(self, action: Action) -> dict[str, Any] | None:
        latest = self._latest(action)
        return None if latest is None else dict(LatestUpdateSerializer(latest).data)
