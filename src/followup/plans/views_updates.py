"""The pages of an action's updates: adding one (answering a request, or revising a returned
one), its files, and accepting or returning it."""

from __future__ import annotations

import datetime
import logging
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from followup.lib.dates import day
from followup.lib.tables import attachment
from followup.partnerships.access import (
    Capability,
    can,
    capabilities,
    partnership_for,
    require,
)
from followup.plans import actions, queries
from followup.plans.forms import ActionUpdateForm, ReturnForm
from followup.plans.models import Action, ActionUpdate, UpdateDecision
from followup.web.pages import form_page, posted, posted_files, save_form
from followup.web.requestsize import takes_files

logger = logging.getLogger(__name__)


def _initial(action: Action, revises: ActionUpdate | None) -> dict[str, Any]:
    """A new update starts from today and the action's status; a revision from the returned
    update's own values."""
    if revises is None:
        return {"on": datetime.date.today(), "status": action.status}
    return {name: getattr(revises, name) for name in ("on", "status", "rating", "note")}


@takes_files
@login_required
def update_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The form that adds an update to an action. ``?request=`` names the update request it
    answers (from a request's email), ``?revises=`` the returned update it revises; each is
    carried in a hidden field, and must be this action's (404 otherwise). With neither, the
    form answers the action's request still waiting, if any, revising its returned update if
    it was returned; a request named that is no longer asked is not answered
    (``queries.answering``)."""
    action = queries.action_for(request.user, slug, pk)
    require(request.user, action.partnership, Capability.UPDATE_ACTION)
    sent = request.method == "POST"
    asked = request.POST if sent else request.GET
    revises = queries.revisable_of(action, asked.get("revises"), unrevised=not sent)
    named = queries.request_of(action, asked.get("request"))
    answering = named
    if not sent:  # the form says what it answers: as ``actions.add_update`` will decide
        answering, revises = queries.answering(action, named, revises)
    form = ActionUpdateForm(
        posted(request), posted_files(request), initial=_initial(action, revises)
    )
    accepted_at_once = can(request.user, action.partnership, Capability.ACCEPT_UPDATES)
    done = save_form(
        request,
        form,
        partial(actions.add_update, request.user, action, request=answering, revises=revises),
        message="Update added." if accepted_at_once else "Update added: it waits for acceptance.",
        then=lambda _: reverse("plans:detail", args=[slug, pk]),
    )
    if done:
        return done
    if sent and revises is not None and queries.is_revised(revises):
        # Revised meanwhile (in another session): sent again, the form adds a new update.
        revises = None
    if sent:  # shown again: what it will answer now (its request may have closed meanwhile)
        answering, revises = queries.answering(action, named, revises)
    return render(
        request,
        "plans/update_form.html",
        {
            "action": action,
            "partnership": action.partnership,
            "form": form,
            "answering": answering,
            "revises": revises,
            "no_longer_asked": named if named is not None and named != answering else None,
            "accepted_at_once": accepted_at_once,
        },
    )


@login_required
@require_safe
def update_file(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """A file of an update, for the members who can see its action: always as a download, with
    the content type its kind has."""
    found = queries.update_file_for(request.user, slug, pk)
    try:
        handle = found.file.storage.open(str(found.file.name), "rb")
    except FileNotFoundError:
        logger.error("Update file %s: %s is not in the storage", found.pk, found.file.name)
        raise Http404("This file cannot be given out now.") from None
    response = FileResponse(handle, content_type=found.content_type)
    response["Content-Disposition"] = attachment(found.filename)
    return response


def _after_deciding(request: HttpRequest, update: ActionUpdate) -> str:
    """Back to the list of updates waiting, when the decision was made there; else the action."""
    slug = update.action.partnership.slug
    if request.POST.get("from") == "waiting":
        return reverse("plans:updates_waiting", args=[slug])
    return reverse("plans:detail", args=[slug, update.action_id])


@login_required
@require_POST
def update_accept(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    update = queries.update_for(request.user, slug, pk)
    try:
        actions.decide_update(request.user, update, UpdateDecision.Outcome.ACCEPTED)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Update of {day(update.on)} accepted.")
    return redirect(_after_deciding(request, update))


@login_required
def update_return(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The page that returns an update to its author, with the reason they must see."""
    update = queries.update_for(request.user, slug, pk)
    require(request.user, update.action.partnership, Capability.ACCEPT_UPDATES)
    back = reverse("plans:detail", args=[slug, update.action_id])
    decided = getattr(update, "decision", None)
    if decided is not None and request.method != "POST":
        messages.info(request, " ".join(actions.already_decided(update).messages))
        return redirect(back)
    form = ReturnForm(posted(request))
    done = save_form(
        request,
        form,
        lambda data: actions.decide_update(
            request.user, update, UpdateDecision.Outcome.RETURNED, data["reason"]
        ),
        message=f"Update of {day(update.on)} returned to its author.",
        then=lambda _: _after_deciding(request, update),
    )
    return done or form_page(
        request,
        form,
        title="Return this update",
        caption=update.action.title,
        back_url=back,
        partnership=update.action.partnership,
        submit_label="Return update",
        template="plans/update_return.html",
        context={"update": update, "came_from": request.POST.get("from", request.GET.get("from"))},
    )


@login_required
def updates_waiting(request: HttpRequest, slug: str) -> HttpResponse:
    """The partnership's updates waiting for acceptance, for those who accept them."""
    partnership = partnership_for(request.user, slug)
    require(request.user, partnership, Capability.ACCEPT_UPDATES)
    return render(
        request,
        "plans/updates_waiting.html",
        {
            "partnership": partnership,
            "caps": capabilities(request.user, partnership),
            "updates": queries.waiting_of(partnership),
        },
    )
