"""What the API shows of each object: read-only, the fields the pages show."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from followup.partnerships import access
from followup.partnerships.models import Area, Partnership


class AreaSerializer(serializers.ModelSerializer[Area]):
    class Meta:
        model = Area
        fields = ("code", "name", "kind")


class PartnershipSerializer(serializers.ModelSerializer[Partnership]):
    area = AreaSerializer(allow_null=True, help_text="The geography the partnership covers.")
    archived = serializers.SerializerMethodField(
        help_text="Whether the partnership is archived (kept, read-only)."
    )
    role = serializers.SerializerMethodField(help_text="Your role in the partnership.")
    capabilities = serializers.SerializerMethodField(
        help_text="What your role lets you do in it (docs/access.md)."
    )

    class Meta:
        model = Partnership
        fields = ("slug", "name", "description", "area", "archived", "role", "capabilities")

    def get_archived(self, partnership: Partnership) -> bool:
        return partnership.is_archived

    def get_role(self, partnership: Partnership) -> str:
        membership = access.membership_of(self._user(), partnership)
        return membership.role if membership is not None else ""

    def get_capabilities(self, partnership: Partnership) -> list[str]:
        return sorted(access.capabilities(self._user(), partnership))

    def _user(self) -> Any:
        return self.context["request"].user
