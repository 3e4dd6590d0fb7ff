"""A partnership's members page, for its lead officers and administrators (and service
administrators): who the members are, invitations, roles, deactivation, and the requirement of
a second factor."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from followup.accounts import actions as account_actions
from followup.accounts import queries as account_queries
from followup.accounts.invitations import Link
from followup.accounts.manage_forms import InviteForm, RoleForm, SecondFactorForm
from followup.partnerships import access, actions, queries
from followup.partnerships.models import Membership, Partnership
from followup.web.pages import create_page, edit_page, posted


def accept_link(request: HttpRequest) -> Link:
    """The invitation's accept link, with this request's scheme and host."""
    return lambda token: request.build_absolute_uri(reverse("members:accept", args=[token]))


def _shown(request: HttpRequest, partnership: Partnership) -> Partnership | None:
    """The partnership for the page's navigation: only for a member; a service administrator
    who is not one sees no links to its other pages."""
    return partnership if access.membership_of(request.user, partnership) else None


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    partnership, memberships = queries.members_of(request.user, slug)
    return render(
        request,
        "members/members.html",
        {
            "managed": partnership,
            "partnership": _shown(request, partnership),
            "memberships": [(m, access.may_change_member(request.user, m)) for m in memberships],
            "invitations": account_queries.invitations_of(request.user, partnership),
            "now": timezone.now(),
            "service_admin": access.is_service_admin(request.user),
            "delegable": [role.value for role in access.DELEGABLE],
        },
    )


@login_required
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = access.members_partnership(request.user, slug, write=True)
    form = InviteForm(
        posted(request),
        partnership=partnership,
        roles=access.assignable_roles(request.user),
        initial={"role": "viewer"},
    )
    return create_page(
        request,
        form,
        save=lambda data: account_actions.invite(
            request.user, partnership, data, accept_link(request)
        ),
        message="Invitation sent.",
        title="Invite someone",
        caption=partnership.name,
        back_url=reverse("members:list", args=[slug]),
        partnership=_shown(request, partnership),
        submit_label="Send invitation",
    )


def _role_form(roles: tuple[Any, ...]) -> Any:
    return lambda data, membership: RoleForm(
        data,
        roles=roles,
        initial={"role": membership.role, "accepts_updates": membership.accepts_updates},
    )


@login_required
def role_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access.members_partnership(request.user, slug, write=True)
    membership = queries.membership_for(request.user, slug, pk)
    access.require_change_member(request.user, membership)
    return edit_page(
        request,
        membership,
        reload=lambda: queries.membership_for(request.user, slug, pk),
        fields=("role", "accepts_updates"),
        form=_role_form(access.assignable_roles(request.user)),
        save=lambda data, version: actions.change_role(
            request.user,
            membership,
            data["role"],
            accepts_updates=data["accepts_updates"],
            version=version,
        ),
        message="Role changed.",
        title="Change role",
        caption=membership.user.get_username(),
        back_url=reverse("members:list", args=[slug]),
        partnership=_shown(request, membership.partnership),
    )


def _post_and_return(request: HttpRequest, slug: str, write: Any, message: str) -> HttpResponse:
    try:
        write()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, message)
    return redirect("members:list", slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def deactivate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A page saying what deactivating the member will do, whose button (a POST) does it."""
    membership = queries.membership_for(request.user, slug, pk)
    name = membership.user.get_username()
    if request.method == "POST":
        write = partial(actions.deactivate_member, request.user, membership)
        return _post_and_return(request, slug, write, f"{name} deactivated.")
    partnership = access.members_partnership(request.user, slug, write=True)
    access.require_change_member(request.user, membership)
    if membership.deactivated_at is not None:
        return redirect("members:list", slug)
    person = membership.user
    ends_account = queries.deactivation_ends_account(membership)
    return render(
        request,
        "members/deactivate.html",
        {
            "managed": partnership,
            "partnership": _shown(request, partnership),
            "membership": membership,
            "name": person.get_full_name() or name,
            "ends_account": ends_account,
            "service_admin_member": person.is_superuser,
            "tokens": account_queries.tokens_in_force(person).count() if ends_account else 0,
        },
    )


@login_required
@require_POST
def reactivate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership: Membership = queries.membership_for(request.user, slug, pk)
    name = membership.user.get_username()
    write = partial(actions.reactivate_member, request.user, membership)
    return _post_and_return(request, slug, write, f"{name} reactivated.")


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    invitation = account_queries.invitation_for(request.user, slug, pk)
    write = partial(account_actions.revoke_invitation, request.user, invitation)
    return _post_and_return(request, slug, write, f"Invitation of {invitation.email} revoked.")


@login_required
@require_POST
def invitation_resend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    invitation = account_queries.invitation_for(request.user, slug, pk)
    write = partial(
        account_actions.resend_invitation, request.user, invitation, accept_link(request)
    )
    return _post_and_return(request, slug, write, f"Invitation sent again to {invitation.email}.")


@login_required
def second_factor(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = access.members_partnership(request.user, slug, write=True)
    return edit_page(
        request,
        partnership,
        reload=lambda: access.members_partnership(request.user, slug, write=True),
        fields=("require_mfa",),
        form=lambda data, p: SecondFactorForm(data, initial={"require_mfa": p.require_mfa}),
        save=lambda data, version: actions.set_require_mfa(
            request.user, partnership, data["require_mfa"], version=version
        ),
        message="Setting saved.",
        title="Second factor",
        caption=partnership.name,
        back_url=reverse("members:list", args=[slug]),
        partnership=_shown(request, partnership),
    )
