"""The "Your account" page: who is signed in, where, and how they sign in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from followup.accounts import queries


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
