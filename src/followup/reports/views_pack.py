"""The progress pack's page: the draft's downloads for every member, the packs made so far, and
the button that makes the next (the plan's editors, lead officers and administrators).

A draft is rendered in the request, as a draft report's downloads are; making a pack renders
and stores its three files in a background job, as publishing a report does (``tasks``)."""

from __future__ import annotations

import hashlib
import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from followup.jobs.actions import start_job
from followup.jobs.models import Job
from followup.lib import storedfiles
from followup.lib.tables import attachment
from followup.partnerships.access import Capability, capabilities, partnership_for, require
from followup.partnerships.models import Partnership
from followup.reports import actions, packrender, packs, queries
from followup.reports.forms import PackForm
from followup.reports.tasks import make_progress_pack
from followup.web.pages import apply_errors, posted

logger = logging.getLogger(__name__)


def _download(data: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=packrender.FORMATS[fmt])
    response["Content-Disposition"] = attachment(f"{name}.{fmt}", inline=fmt == "pdf")
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pack_page(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    if request.method == "POST":
        require(request.user, partnership, Capability.EDIT_PLAN)
    made = list(queries.packs_of(partnership))
    next_number = made[0].number + 1 if made else 1
    form = PackForm(posted(request), initial={"number": next_number})
    already = None
    if form.is_valid():
        number = form.cleaned_data["number"]
        try:
            actions.check_make_pack(request.user, partnership, number=number)
        except actions.PackAlreadyMade as done:
            already = done.pack
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return _start(request, partnership, number)
    return render(
        request,
        "reports/pack.html",
        {
            "partnership": partnership,
            "caps": capabilities(request.user, partnership),
            "packs": made,
            "next_number": next_number,
            "form": form,
            "already": already,
            "formats": packrender.NAMES,
            "title": packs.TITLE,
        },
    )


def _start(request: HttpRequest, partnership: Partnership, number: int) -> HttpResponse:
    """Rendering takes seconds: a job makes the pack, and its page follows it."""
    job = start_job(
        request.user,
        partnership,
        kind=Job.Kind.PACK,
        title=f"Making progress pack {number}",
        capability=Capability.EDIT_PLAN,
        task=make_progress_pack,
        arguments={"number": number},
    )
    return redirect("jobs:job", partnership.slug, job.pk)


@login_required
@require_safe
def pack_draft(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The next pack as it stands, marked DRAFT, rendered now."""
    partnership = partnership_for(request.user, slug)
    if fmt not in packrender.FORMATS:
        raise Http404("No such format.")
    pack = packs.progress_pack(partnership)
    return _download(
        packrender.render_pack(pack, fmt), fmt, f"draft-progress-pack-{partnership.slug}"
    )


@login_required
@require_safe
def pack_file(request: HttpRequest, slug: str, number: int, fmt: str) -> HttpResponse:
    """A pack's stored file, read back and compared with the digest recorded when it was made
    before it is sent."""
    if fmt not in packrender.FORMATS:
        raise Http404("No such format.")
    made = queries.pack_for(request.user, slug, number)
    stored = made.file(fmt)
    try:
        data = storedfiles.read_bytes(stored)
    except FileNotFoundError:
        data = b""
    if not data or hashlib.sha256(data).hexdigest() != made.digest(fmt):
        logger.error(
            "Progress pack %s: its %s file %s is missing or not the file that was made; "
            "run followup check-files",
            made.pk,
            fmt,
            stored.name,
        )
        raise Http404("This file cannot be given out now. The service's administrators are told.")
    return _download(data, fmt, f"progress-pack-{slug}-{made.number}")
