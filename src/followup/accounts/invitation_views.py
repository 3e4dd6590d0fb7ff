"""The page an invitation's link opens: it creates the account of the address the invitation
was sent to, or asks its owner to sign in, and then gives the membership. Nobody else can use it:
someone signed in with another address is refused."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from followup.accounts import actions, invitations
from followup.accounts.manage_forms import NewAccountForm
from followup.accounts.models import Invitation
from followup.web.pages import apply_errors


def _page(
    request: HttpRequest, invitation: Invitation | None, status: int = 200, **context: object
) -> HttpResponse:
    return render(
        request,
        "members/accept.html",
        {"invitation": invitation, **context},
        status=status,
    )


@never_cache
@sensitive_post_parameters("password1", "password2")
def accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitations.find(token)
    reason = invitations.why_unusable(invitation)
    if reason or invitation is None:
        return _page(request, invitation, 404 if invitation is None else 410, reason=reason)
    user = request.user
    if user.is_authenticated:
        assert isinstance(user, User)
        if not invitations.has_address(user, invitation.email):
            return _page(request, invitation, 403, wrong_account=True)
        if request.method != "POST":
            return _page(request, invitation, confirm=True)
        return _accept_signed_in(request, user, token)
    if invitations.account_for(invitation.email) is not None:
        here = reverse("members:accept", args=[token])
        sign_in = reverse("account_login") + "?" + urlencode({"next": here})
        return _page(request, invitation, sign_in=sign_in)
    return _new_account(request, invitation, token)


def _accept_signed_in(request: HttpRequest, user: User, token: str) -> HttpResponse:
    try:
        membership = actions.accept_invitation(user, token)
    except (ValidationError, PermissionDenied) as error:
        return _page(request, None, 410, reason=" ".join(getattr(error, "messages", [str(error)])))
    return redirect("front:partnership", membership.partnership.slug)


def _new_account(request: HttpRequest, invitation: Invitation, token: str) -> HttpResponse:
    form = NewAccountForm(
        request.POST if request.method == "POST" else None, email=invitation.email
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.accept_invitation_with_new_account(
                token, form.cleaned_data["username"], form.cleaned_data["password1"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            return redirect("front:partnership", invitation.partnership.slug)
    return _page(request, invitation, form=form)
