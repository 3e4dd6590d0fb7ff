"""Report pages: the draft preview and downloads for members, publishing, and the public list."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from followup.inspections.models import Inspection
from followup.jobs.actions import start_job
from followup.jobs.models import Job
from followup.lib import disclosure, storedfiles
from followup.lib.tables import attachment
from followup.partnerships.access import Capability, capabilities, require
from followup.reports import actions, queries
from followup.reports import render as formats
from followup.reports.compose import Report, inspection_report, review_report
from followup.reports.forms import PublishForm
from followup.reports.models import Publication
from followup.reports.tasks import publish_report
from followup.reviews.models import ProgressReview
from followup.web.pages import apply_errors, posted

logger = logging.getLogger(__name__)

# A published HTML report carries its own styles and pictures, and runs nothing.
REPORT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)


def _file(data: bytes, fmt: str, name: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type=formats.FORMATS[fmt])
    response["Content-Disposition"] = attachment(f"{name}.{fmt}", inline=inline)
    if fmt == "html":
        response["Content-Security-Policy"] = REPORT_POLICY
    return response


def _preview(
    request: HttpRequest,
    report: Report,
    *,
    inspection: Inspection,
    review: ProgressReview | None,
) -> HttpResponse:
    caps = capabilities(request.user, inspection.partnership)
    versions = (
        queries.publications_of_review(review)
        if review is not None
        else queries.publications_of_inspection(inspection)
    )
    return render(
        request,
        "reports/preview.html",
        {
            "partnership": inspection.partnership,
            "inspection": inspection,
            "review": review,
            "report": report,
            "preview": True,
            "caps": caps,
            "versions": versions,
            "disclosure_meaning": disclosure.meaning(),
        },
    )


@login_required
@require_safe
def review_preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    review = queries.report_review_for(request.user, slug, pk)
    return _preview(
        request,
        review_report(review),
        inspection=review.inspection,
        review=review,
    )


@login_required
@require_safe
def review_file(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    review = queries.report_review_for(request.user, slug, pk)
    if fmt not in formats.FORMATS:
        raise Http404("No such format.")
    return _file(formats.render(review_report(review), fmt), fmt, f"draft-progress-review-{pk}")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    review = queries.report_review_for(request.user, slug, pk)
    require(request.user, review.inspection.partnership, Capability.PUBLISH_REPORTS)
    return _publish(request, review=review, inspection=review.inspection)


@login_required
@require_safe
def inspection_preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = queries.report_inspection_for(request.user, slug, pk)
    return _preview(
        request,
        inspection_report(inspection),
        inspection=inspection,
        review=None,
    )


@login_required
@require_safe
def inspection_file(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    inspection = queries.report_inspection_for(request.user, slug, pk)
    if fmt not in formats.FORMATS:
        raise Http404("No such format.")
    return _file(formats.render(inspection_report(inspection), fmt), fmt, f"draft-inspection-{pk}")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def inspection_publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = queries.report_inspection_for(request.user, slug, pk)
    require(request.user, inspection.partnership, Capability.PUBLISH_REPORTS)
    return _publish(request, review=None, inspection=inspection)


def _title(review: ProgressReview | None, inspection: Inspection) -> str:
    return str(review) if review is not None else str(inspection)


def _publish(
    request: HttpRequest, *, review: ProgressReview | None, inspection: Inspection
) -> HttpResponse:
    """The check page: what will be published, as which version, replacing what, and the gaps
    the preview found. Publishing needs the confirmation at its foot; the second of two identical
    submits is told the version is already published."""
    latest = queries.latest_publication(inspection, review)
    next_version = (latest.version + 1) if latest else 1
    form = PublishForm(posted(request), initial={"version": next_version})
    context = {"partnership": inspection.partnership, "inspection": inspection, "review": review}
    if form.is_valid():
        asked = form.cleaned_data["version"]
        note = form.cleaned_data["correction_note"]
        try:
            actions.check_publish(
                request.user,
                review=review,
                inspection=inspection,
                correction_note=note,
                version=asked,
            )
        except actions.AlreadyPublished as done:
            return render(
                request,
                "reports/already_published.html",
                {**context, "publication": done.publication, "asked": asked},
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            # Rendering takes seconds: a job does it, and its page follows it (followup.jobs).
            job = start_job(
                request.user,
                inspection.partnership,
                kind=Job.Kind.PUBLISH,
                title=f"Publishing version {asked} of “{_title(review, inspection)}”",
                capability=Capability.PUBLISH_REPORTS,
                task=publish_report,
                arguments={
                    "inspection_id": inspection.pk,
                    "review_id": review.pk if review is not None else None,
                    "correction_note": note,
                    "version": asked,
                },
            )
            return redirect("jobs:job", inspection.partnership.slug, job.pk)
    report = review_report(review) if review is not None else inspection_report(inspection)
    return render(
        request,
        "reports/check.html",
        {
            **context,
            "report": report,
            "kind": Publication.Kind.REVIEW.label if review else Publication.Kind.INSPECTION.label,
            "latest": latest,
            "next_version": next_version,
            "dated": actions.dated(
                report.date,
                queries.first_publication(inspection, review),
                timezone.localdate(),
            ),
            "form": form,
        },
    )


@require_safe
def public_index(request: HttpRequest) -> HttpResponse:
    """Every partnership that has published, for anyone, signed in or not."""
    return render(
        request,
        "reports/public_index.html",
        {"partnerships": queries.publishing_partnerships()},
    )


@require_safe
def public_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership, publications = queries.published(slug)
    return render(
        request,
        "reports/public.html",
        {"public_partnership": partnership, "publications": publications},
    )


@require_safe
def public_file(request: HttpRequest, slug: str, pk: int, fmt: str) -> FileResponse:
    if fmt not in formats.FORMATS:
        raise Http404("No such format.")
    publication: Publication = queries.publication(slug, pk)
    stored = publication.file(fmt)
    # Never serve bytes other than those published: the stored file is read back and compared
    # with the digest recorded at publishing (which the public page shows) before it is sent.
    try:
        found = storedfiles.sha256(stored.storage, str(stored.name))
    except FileNotFoundError:
        found = ""
    if found != publication.digest(fmt):
        logger.error(
            "Publication %s: its %s file %s is %s; run followup check-files",
            publication.pk,
            fmt,
            stored.name,
            "not in the storage" if not found else "not the file that was published",
        )
        raise Http404("This file cannot be given out now. The service's administrators are told.")
    # Streamed from the storage, a piece at a time.
    response = FileResponse(
        stored.storage.open(str(stored.name), "rb"), content_type=formats.FORMATS[fmt]
    )
    response["Content-Disposition"] = attachment(
        f"{slug}-report-{pk}-v{publication.version}.{fmt}", inline=fmt != "docx"
    )
    if fmt == "html":
        response["Content-Security-Policy"] = REPORT_POLICY
    response["ETag"] = f'"{publication.digest(fmt)}"'
    response["X-Content-SHA256"] = publication.digest(fmt)
    return response
