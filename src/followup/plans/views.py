from __future__ import annotations

import datetime
from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from followup.audit.log import history
from followup.partnerships.access import Capability, capabilities, partnership_for, require
from followup.plans import actions, queries
from followup.plans.forms import ActionForm, ActionUpdateForm
from followup.plans.models import Action
from followup.web.pages import create_page, edit_page, posted, save_form


@login_required
def action_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    return render(
        request,
        "plans/action_list.html",
        {
            "partnership": partnership,
            "caps": capabilities(request.user, partnership),
            "actions": queries.actions_of(partnership),
            "plan": queries.plan_summary(partnership),
            "today": datetime.date.today(),
        },
    )


def _action_page(
    request: HttpRequest, action: Action, form: ActionUpdateForm, status: int = 200
) -> HttpResponse:
    caps = capabilities(request.user, action.partnership)
    return render(
        request,
        "plans/action_detail.html",
        {
            "action": action,
            "partnership": action.partnership,
            "caps": caps,
            "form": form,
            "updates": action.updates.all(),
            "today": datetime.date.today(),
            "history": history([action, *action.updates.all()])[:50]
            if Capability.VIEW_HISTORY in caps
            else None,
        },
        status=status,
    )


@login_required
def action_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    action = queries.action_for(request.user, slug, pk)
    form = ActionUpdateForm(initial={"on": datetime.date.today(), "status": action.status})
    return _action_page(request, action, form)


@login_required
def update_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Add an update from the form on the action page (GET shows that page)."""
    action = queries.action_for(request.user, slug, pk)
    require(request.user, action.partnership, Capability.UPDATE_ACTION)
    if request.method != "POST":
        return redirect("plans:detail", slug, pk)
    form = ActionUpdateForm(request.POST)
    done = save_form(
        request,
        form,
        partial(actions.add_update, request.user, action),
        message="Update added.",
        then=lambda _: reverse("plans:detail", args=[slug, pk]),
    )
    return done or _action_page(request, action, form)


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
