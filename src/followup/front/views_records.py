"""The page that makes a sample's moderated free-text notes a qualitative source: what will be
made (the notes per question, and those left out), how many records are not yet moderated (their
notes will never reach it), then the button that makes it."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from followup.front import actions_records, queries_records
from followup.front.forms_records import NotesToSourceForm
from followup.partnerships.access import Capability, who_can
from followup.records.queries import sample_for
from followup.web.pages import posted, save_form


@login_required
def notes_to_source(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """For the inspection team (``read_records``): GET shows what the source will hold, POST
    makes it and goes to it."""
    sample = sample_for(request.user, slug, pk)
    form = NotesToSourceForm(posted(request))
    done = save_form(
        request,
        form,
        partial(actions_records.notes_to_source, request.user, sample),
        message=(
            f"Sample {sample.number}'s notes are now a qualitative source: the partnership's "
            "evidence coders can read and code them."
        ),
        then=lambda source: reverse("evidence:source", args=[slug, source.pk]),
    )
    if done is not None:
        return done
    inspection = sample.frame.inspection
    return render(
        request,
        "front/notes_to_source.html",
        {
            "sample": sample,
            "inspection": inspection,
            "partnership": inspection.partnership,
            "form": form,
            "made": queries_records.notes_source_of(sample),
            "notes": queries_records.sample_notes(sample),
            "waiting": queries_records.not_yet_moderated(sample),
            "title": queries_records.notes_title(sample),
            "readers": who_can(Capability.READ_EVIDENCE),
            "coders": who_can(Capability.CODE_EVIDENCE),
        },
    )
