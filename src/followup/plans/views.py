from __future__ import annotations

import datetime
from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse

from followup.audit.log import history
from followup.lib.tables import table_download
from followup.partnerships.access import Capability, capabilities, partnership_for, require
from followup.plans import actions, health, queries
from followup.plans.forms import ActionForm
from followup.plans.models import Action, ActionUpdate
from followup.web.pages import create_page, edit_page, posted


@login_required
def action_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    filters = queries.plan_filters(request.GET)
    query = request.GET.urlencode()
    return render(
        request,
        "plans/action_list.html",
        {
            "partnership": partnership,
            "caps": capabilities(request.user, partnership),
            "rows": queries.plan_rows(partnership, filters),
            "filters": filters,
            "chosen": filters.chosen(),
            "sort_label": queries.PLAN_SORTS[filters.sort],
            "choices": queries.plan_choices(partnership),
            "query": f"?{query}" if query else "",
            "stale_after": queries.STALE_AFTER_DAYS,
            "plan": queries.plan_summary(partnership),
            "health": health.plan_health(partnership),
            "today": datetime.date.today(),
        },
    )


EXPORT_HEADERS = [
    "Action",
    "Recommendations",
    "Owner",
    "Lead",
    "Start date",
    "Due date",
    "Status",
    "Latest rating",
    "Last update",
    "Days since last update, when stale",
    "Illustrative",
]


@login_required
def plan_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The plan as the page shows it, with the same filters and order, as CSV or XLSX."""
    partnership = partnership_for(request.user, slug)
    rows = queries.plan_rows(partnership, queries.plan_filters(request.GET))
    table = [
        [
            row.action.title,
            ", ".join(str(r.number) for r in row.action.recommendations.all()),
            row.action.owner_organisation.name if row.action.owner_organisation else "",
            row.action.lead_person,
            row.action.start_date,
            row.action.due_date,
            row.action.get_status_display(),
            row.rating_label,
            row.latest.on if row.latest else None,
            row.stale_days,
            "yes" if row.action.is_illustrative else "",
        ]
        for row in rows
    ]
    notes = [
        f"The improvement plan of {partnership.name}, with the filters and order of the page "
        "it was exported from.",
        f"An open action is stale when it has had no update for more than "
        f"{queries.STALE_AFTER_DAYS} days.",
    ]
    return table_download(
        f"plan-{partnership.slug}", fmt, EXPORT_HEADERS, table, sheet="Plan", notes=notes
    )


@login_required
def action_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An action with all its updates: accepted ones are its progress; those waiting for
    acceptance and those returned are shown to its members with their state."""
    action = queries.action_for(request.user, slug, pk)
    caps = capabilities(request.user, action.partnership)
    updates = list(queries.updates_of(action))
    recorded: list[Any] = [action, *updates]
    for update in updates:
        recorded += [*update.files.all(), *([update.decision] if decided(update) else [])]
    return render(
        request,
        "plans/action_detail.html",
        {
            "action": action,
            "partnership": action.partnership,
            "caps": caps,
            "updates": updates,
            "today": datetime.date.today(),
            "history": history(recorded)[:50] if Capability.VIEW_HISTORY in caps else None,
        },
    )


def decided(update: ActionUpdate) -> bool:
    return hasattr(update, "decision")


@login_required
def action_create(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    require(request.user, partnership, Capability.EDIT_PLAN)
    initial: dict[str, object] = {"status": "not_started"}
    if "recommendation" in request.GET:
        initial["recommendations"] = request.GET.getlist("recommendation")
    return create_page(
        request,
        ActionForm(posted(request), partnership=partnership, initial=initial),
        save=partial(actions.create_action, request.user, partnership),
        message="Action added to the improvement plan.",
        then=lambda a: reverse("plans:detail", args=[slug, a.pk]),
        title="New action",
        caption="Improvement plan",
        back_url=reverse("plans:list", args=[slug]),
        partnership=partnership,
    )


def _action_form(data: QueryDict | None, action: Action) -> ActionForm:
    initial = {name: getattr(action, name) for name in actions.ACTION_FIELDS}
    initial["recommendations"] = list(action.recommendations.all())
    return ActionForm(data, partnership=action.partnership, initial=initial)


@login_required
def action_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    action = queries.action_for(request.user, slug, pk)
    require(request.user, action.partnership, Capability.EDIT_PLAN)
    return edit_page(
        request,
        action,
        reload=lambda: queries.action_for(request.user, slug, pk),
        fields=actions.ACTION_EDITS,
        form=_action_form,
        save=partial(actions.update_action, request.user, action),
        message="Action saved.",
        title="Edit action",
        caption=action.title,
        back_url=reverse("plans:detail", args=[slug, pk]),
        partnership=action.partnership,
    )
