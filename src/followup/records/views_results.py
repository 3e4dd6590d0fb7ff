"""The page where the inspection team releases a sample's findings to the partnership, once."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from followup.records import actions_results, queries
from followup.records.forms import ReleaseForm
from followup.records.results import released_sample, sample_results
from followup.web.pages import form_page, posted, save_form


@login_required
def release(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """What releasing will fix (the records moderated of those drawn), and the button."""
    sample = queries.sample_for(request.user, slug, pk)
    back = reverse("records:sample", args=[slug, pk])
    form = ReleaseForm(posted(request))
    done = save_form(
        request,
        form,
        lambda _: actions_results.release_findings(request.user, sample),
        message="Findings released to the partnership.",
        then=lambda _: back,
    )
    inspection = sample.frame.inspection
    return done or form_page(
        request,
        form,
        title="Release the findings to the partnership",
        caption=str(sample),
        back_url=back,
        partnership=inspection.partnership,
        submit_label="Release the findings",
        template="records/release.html",
        context={
            "sample": sample,
            "inspection": inspection,
            "results": sample_results(inspection, exact=True),
            "released": released_sample(inspection),
            "is_current": queries.is_current(sample),
        },
    )
