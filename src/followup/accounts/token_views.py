"""The signed-in person's API tokens (docs/api.md): the list, making one (shown once, on the
page after), and revoking one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from followup.accounts import actions, queries
from followup.accounts.models import AccessToken
from followup.accounts.token_forms import TokenForm
from followup.web.pages import create_page, posted

# Where the text of a token just made waits, in the maker's session, for the one page that
# shows it: that page takes it out, so that it is shown once.
JUST_MADE = "followup.accounts.token_just_made"


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@require_GET
def tokens(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = [(token, token.status(now)) for token in queries.own_tokens(_me(request))]
    return render(request, "accounts/tokens.html", {"tokens": rows})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def token_create(request: HttpRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> AccessToken:
        token, text = actions.create_token(
            request.user,
            _me(request),
            name=data["name"],
            days=data["days"],
            can_write=data["scope"] == "write",
            allowed_addresses=data["allowed_addresses"].splitlines(),
        )
        request.session[JUST_MADE] = [token.pk, text]
        return token

    return create_page(
        request,
        TokenForm(posted(request)),
        save=save,
        message="Your token was made. Copy it now: it is shown only once.",
        title="Make an API token",
        back_url=reverse("accounts:tokens"),
        partnership=None,
        then=lambda token: reverse("accounts:token_made", args=[token.pk]),
        submit_label="Make the token",
    )


@login_required
@require_GET
def token_made(request: HttpRequest, pk: int) -> HttpResponse:
    token = queries.own_token(_me(request), pk)
    kept = request.session.get(JUST_MADE)
    text = ""
    if isinstance(kept, list) and len(kept) == 2 and kept[0] == token.pk:
        text = str(kept[1])
        del request.session[JUST_MADE]
    return render(request, "accounts/token_made.html", {"token": token, "text": text})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = queries.own_token(_me(request), pk)
    if request.method == "POST":
        if token.revoked_at is not None:
            messages.info(request, f"The token “{token.name}” was revoked already.")
        else:
            actions.revoke_token(request.user, token)
            messages.success(request, f"The token “{token.name}” was revoked: it no longer works.")
        return redirect("accounts:tokens")
    return render(request, "accounts/token_revoke.html", {"token": token})
