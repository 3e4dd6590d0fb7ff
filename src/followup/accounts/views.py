"""Followup's own account pages (allauth draws the rest): "Your account" (who is signed in,
where, and how they sign in), and a service administrator resetting the second factors of someone
who has lost theirs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from followup.accounts import actions, queries
from followup.accounts.receivers import kind
from followup.partnerships import access


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": queries.memberships(user),
            "addresses": queries.email_addresses(user),
            "sign_ins": queries.recent_sign_ins(user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reset_second_factors(request: HttpRequest, pk: int) -> HttpResponse:
    person = queries.person_for(request.user, pk)
    if request.method == "POST":
        removed = actions.reset_second_factors(request.user, person)
        if removed:
            messages.success(
                request,
                f"{person.get_username()}'s second factors were removed and they were signed out "
                "everywhere.",
            )
        else:
            messages.info(
                request,
                f"{person.get_username()} had no second factor to remove: nothing was changed.",
            )
        return redirect("accounts:reset_second_factors", pk=person.pk)
    factors = queries.second_factors(person)
    return render(
        request,
        "accounts/reset_second_factors.html",
        {
            "person": person,
            "factors": [kind(f) for f in factors],
            "must_enrol": access.mfa_required(person),
            "self": person.pk == request.user.pk,
        },
    )
