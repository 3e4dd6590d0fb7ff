"""Adding an update to an action through the API: the page's form (``plans.forms``) checks the
fields, with the page's messages, and ``plans.actions.add_update`` adds it as the token's user,
with the same permission check, transaction and audit entry as the page's "Add an update". An
update is read back at its own address, through ``plans.queries``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from followup.api.filters import NoQuery
from followup.api.serializers_plans import UpdateSerializer
from followup.api.views import UpdateList
from followup.plans import actions, queries
from followup.plans.forms import ActionUpdateForm
from followup.plans.models import ActionStatus, ActionUpdate

# The fields an update is given, as the page's form names them (its files are not taken here).
FIELDS = ("on", "status", "rating", "note")


class ActionUpdateInput(serializers.Serializer[dict[str, Any]]):
    """What an update is given (for the reference pages: the page's form checks it)."""

    on = serializers.DateField(help_text="The day the update describes: today or before.")
    status = serializers.ChoiceField(choices=ActionStatus.choices, help_text="The action's status.")
    rating = serializers.ChoiceField(
        choices=ActionUpdate.Rating.choices, help_text="Progress against plan."
    )
    note = serializers.CharField(max_length=5000, help_text="What has happened.")


def _checked(body: Any) -> dict[str, Any]:
    """The JSON body checked by the page's form, with the form's messages; every problem is
    named at once: fields the form does not have, fields not given as text, and the form's own."""
    if not isinstance(body, dict):
        raise ValidationError("Send a JSON object with the fields on, status, rating and note.")
    problems: dict[str, list[str]] = {
        str(name): ["Followup does not know this field: send on, status, rating and note."]
        for name in sorted(str(n) for n in body if n not in FIELDS)
    }
    for name in FIELDS:
        if body.get(name) is not None and not isinstance(body[name], str):
            problems[name] = ["Send this field as text."]
    form = ActionUpdateForm(
        {name: body[name] for name in FIELDS if name not in problems and body.get(name) is not None}
    )
    if not form.is_valid():
        for name, errors in form.errors.as_data().items():
            if name not in problems:  # a field left out above is not "missing" as well
                problems[name] = [m for e in errors for m in e.messages]
    if problems:
        raise ValidationError(problems)
    cleaned: dict[str, Any] = form.cleaned_data
    return cleaned


class ActionUpdates(UpdateList):
    """Every update of one of the partnership's actions (GET, as ``views.UpdateList``), and a new
    one added as on the action's page (POST)."""

    @extend_schema(request=ActionUpdateInput, responses={201: UpdateSerializer})
    def post(self, request: Request, slug: str, pk: int) -> Response:
        NoQuery.read(request)
        action = queries.action_for(request.user, slug, pk)
        update = actions.add_update(request.user, action, _checked(request.data))
        found = queries.update_for(request.user, slug, update.pk)
        location = reverse("api:action_update", args=[slug, pk, update.pk])
        return Response(
            UpdateSerializer(found).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": request.build_absolute_uri(location)},
        )


class ActionUpdateDetail(generics.RetrieveAPIView[ActionUpdate]):
    """One update of one of the partnership's actions."""

    serializer_class = UpdateSerializer

    def get_object(self) -> ActionUpdate:
        NoQuery.read(self.request)
        update = queries.update_for(self.request.user, self.kwargs["slug"], self.kwargs["update"])
        if update.action_id != self.kwargs["pk"]:
            raise Http404("No such update.")
        return update
