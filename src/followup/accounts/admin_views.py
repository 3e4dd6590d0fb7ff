"""The administration pages: service administrators create and edit partnerships, their areas
and organisations, assign inspectors and archive. Everyone else gets 404 from them."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from followup.accounts.manage_forms import (
    InspectorForm,
    OrganisationForm,
    PartnershipForm,
    organisation_form,
    partnership_form,
)
from followup.audit.log import history
from followup.partnerships import actions, queries
from followup.partnerships.access import partnership_to_administer, require_service_admin
from followup.web.pages import create_page, edit_page, posted


@login_required
def partnerships(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "manage/partnerships.html",
        {"partnerships": queries.all_partnerships(request.user)},
    )


@login_required
def partnership_create(request: HttpRequest) -> HttpResponse:
    require_service_admin(request.user)
    return create_page(
        request,
        PartnershipForm(posted(request)),
        save=partial(actions.create_partnership, request.user),
        message="Partnership created.",
        then=lambda p: reverse("manage:partnership", args=[p.slug]),
        title="New partnership",
        caption="Administration",
        back_url=reverse("manage:partnerships"),
        partnership=None,
    )


@login_required
def partnership(request: HttpRequest, slug: str) -> HttpResponse:
    found = partnership_to_administer(request.user, slug)
    return render(
        request,
        "manage/partnership.html",
        {
            "managed": found,
            "organisations": found.organisations.select_related("contact"),
            "inspectors": queries.inspectors_of(request.user, found),
            "history": history([found])[:20],
        },
    )


@login_required
def partnership_edit(request: HttpRequest, slug: str) -> HttpResponse:
    found = partnership_to_administer(request.user, slug)
    return edit_page(
        request,
        found,
        reload=lambda: partnership_to_administer(request.user, slug),
        fields=actions.PARTNERSHIP_FIELDS,
        form=partnership_form,
        save=partial(actions.update_partnership, request.user, found),
        message="Partnership saved.",
        title="Edit partnership",
        caption=found.name,
        back_url=reverse("manage:partnership", args=[slug]),
        partnership=None,
    )


@login_required
@require_POST
def partnership_archive(request: HttpRequest, slug: str) -> HttpResponse:
    """Archive the partnership, or (with ``unarchive``) bring it back."""
    found = partnership_to_administer(request.user, slug)
    archive = "unarchive" not in request.POST
    actions.set_archived(request.user, found, archive)
    messages.success(
        request,
        "Partnership archived: it is kept, read-only." if archive else "Partnership unarchived.",
    )
    return redirect("manage:partnership", slug)


@login_required
def organisation_create(request: HttpRequest, slug: str) -> HttpResponse:
    found = partnership_to_administer(request.user, slug)
    return create_page(
        request,
        OrganisationForm(posted(request), initial={"kind": "council"}, partnership=found),
        save=partial(actions.add_organisation, request.user, found),
        message="Organisation added.",
        title="Add an organisation",
        caption=found.name,
        back_url=reverse("manage:partnership", args=[slug]),
        partnership=None,
    )


@login_required
def organisation_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = queries.organisation_for(request.user, slug, pk)
    return edit_page(
        request,
        organisation,
        reload=lambda: queries.organisation_for(request.user, slug, pk),
        fields=actions.ORGANISATION_FIELDS,
        form=organisation_form,
        save=partial(actions.update_organisation, request.user, organisation),
        message="Organisation saved.",
        title="Edit organisation",
        caption=organisation.partnership.name,
        back_url=reverse("manage:partnership", args=[slug]),
        partnership=None,
    )


@login_required
@require_POST
def organisation_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = queries.organisation_for(request.user, slug, pk)
    actions.remove_organisation(request.user, organisation)
    messages.success(request, f"{organisation.name} removed.")
    return redirect("manage:partnership", slug)


@login_required
def inspector_assign(request: HttpRequest, slug: str) -> HttpResponse:
    found = partnership_to_administer(request.user, slug)
    return create_page(
        request,
        InspectorForm(posted(request)),
        save=partial(actions.assign_inspector, request.user, found),
        message="Inspector assigned.",
        title="Assign an inspector",
        caption=found.name,
        back_url=reverse("manage:partnership", args=[slug]),
        partnership=None,
    )
