"""The update cycle's pages, for those who edit the plan: its schedule, its rounds of requests,
and the record of every message sent about them."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from followup.lib import clock
from followup.lib.dates import day
from followup.partnerships.access import Capability, partnership_for, require
from followup.plans import actions_cycle, queries_cycle
from followup.plans import cycle as calendar
from followup.plans.forms_cycle import CycleForm, days_text
from followup.plans.models import UpdateCycle
from followup.web.pages import edit_page


@login_required
@require_http_methods(["GET", "HEAD"])
def requests(request: HttpRequest, slug: str) -> HttpResponse:
    """The schedule in words, and each round with its requests counted."""
    partnership = partnership_for(request.user, slug)
    require(request.user, partnership, Capability.EDIT_PLAN)
    cycle = queries_cycle.cycle_of(partnership)
    dates = queries_cycle.own_dates(cycle)
    today = clock.today()
    following = calendar.next_due(cycle, dates, today) if cycle.is_active else None
    rounds = queries_cycle.rounds_of(partnership)
    return render(
        request,
        "plans/requests.html",
        {
            "partnership": partnership,
            "cycle": cycle,
            "described": calendar.describe(cycle, dates) if cycle.pk else [],
            "next_due": following,
            "opens_on": calendar.opens_on(cycle, following) if following else None,
            "opened": any(row.round.due_on == following for row in rounds),
            "today": today,
            "rounds": rounds,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def round_page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One round: each request, who was asked and where it stands, and the messages sent."""
    round_ = queries_cycle.round_for(request.user, slug, pk)
    require(request.user, round_.partnership, Capability.EDIT_PLAN)
    return render(
        request,
        "plans/round.html",
        {
            "partnership": round_.partnership,
            "round": round_,
            "requests": queries_cycle.requests_of(round_),
            "sent": queries_cycle.messages_of(round_),
            "today": clock.today(),
        },
    )


def _cycle_form(data: QueryDict | None, cycle: UpdateCycle) -> CycleForm:
    initial = {name: getattr(cycle, name) for name in actions_cycle.CYCLE_FIELDS}
    initial["remind_before"] = days_text(cycle.remind_before)
    initial["remind_after"] = days_text(cycle.remind_after)
    dates = queries_cycle.own_dates(cycle)
    initial["dates"] = "\n".join(day(d) for d in dates)
    initial["dates_seen"] = calendar.dates_seen(dates)
    return CycleForm(data, initial=initial, saved_dates=dates)


@login_required
def cycle_edit(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    require(request.user, partnership, Capability.EDIT_PLAN)
    return edit_page(
        request,
        queries_cycle.cycle_of(partnership),
        reload=lambda: queries_cycle.cycle_of(partnership),
        fields=actions_cycle.CYCLE_FIELDS,
        form=_cycle_form,
        save=partial(actions_cycle.set_cycle, request.user, partnership),
        message="Update schedule saved.",
        title="Update schedule",
        caption=partnership.name,
        back_url=reverse("plans:requests", args=[slug]),
        partnership=partnership,
    )
