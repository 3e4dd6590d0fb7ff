"""Pages for cases and their attributes, a source's details, and editing one coding."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from followup.core.views import apply_errors, form_page, save_form
from followup.evidence import actions, queries
from followup.evidence.forms import CaseForm, CodingEditForm, SelectionForm, SourceDetailsForm
from followup.evidence.models import Case
from followup.partnerships.access import Capability, capabilities, partnership_for, require


@login_required
def cases(request: HttpRequest, slug: str) -> HttpResponse:
    """Cases and their attributes describe people: for those who code or approve evidence."""
    partnership = partnership_for(request.user, slug)
    require(request.user, partnership, Capability.READ_EVIDENCE)
    return render(
        request,
        "evidence/cases.html",
        {
            "partnership": partnership,
            "caps": capabilities(request.user, partnership),
            "cases": queries.cases_of(partnership),
        },
    )


@login_required
def case_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    require(request.user, partnership, Capability.CODE_EVIDENCE)
    case = get_object_or_404(Case, partnership=partnership, pk=pk) if pk is not None else None
    form = CaseForm(
        request.POST if request.method == "POST" else None,
        initial=CaseForm.initial_for(case) if case else None,
    )
    back = reverse("evidence:cases", args=[slug])

    def save(data: dict[str, Any]) -> Case:
        return actions.save_case(
            request.user, partnership, case, {**data, "attributes": form.attributes()}
        )

    done = save_form(request, form, save, message="Case saved.", then=lambda _: back)
    return done or form_page(
        request,
        form,
        title=f"Change the case “{case.name}”" if case else "Add a case",
        caption="Qualitative evidence",
        back_url=back,
        partnership=partnership,
    )


@login_required
def source_details(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    source = queries.source_for(request.user, slug, pk)
    require(request.user, source.partnership, Capability.CODE_EVIDENCE)
    form = SourceDetailsForm(
        request.POST if request.method == "POST" else None,
        partnership=source.partnership,
        initial={"case": source.case, "memo": source.memo},
    )
    back = reverse("evidence:source", args=[slug, pk])
    done = save_form(
        request,
        form,
        lambda data: actions.update_source_details(request.user, source, data),
        message="Source details saved. Its text is unchanged.",
        then=lambda _: back,
    )
    return done or form_page(
        request,
        form,
        title=f"Case and memo of “{source.title}”",
        back_url=back,
        partnership=source.partnership,
    )


@login_required
def coding_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    coding = queries.coding_for(request.user, slug, pk)
    partnership = coding.source.partnership
    require(request.user, partnership, Capability.CODE_EVIDENCE)
    form = CodingEditForm(
        request.POST if request.method == "POST" else None,
        partnership=partnership,
        initial={
            "code": coding.code,
            "start": coding.start,
            "end": coding.end,
            "memo": coding.memo,
        },
    )
    back = reverse("evidence:source", args=[slug, coding.source_id])
    done = save_form(
        request,
        form,
        lambda data: actions.update_coding(request.user, coding, data),
        message="Coding saved.",
        then=lambda _: back,
    )
    return done or form_page(
        request,
        form,
        title="Change a coding",
        caption=f"“{coding.excerpt}”",
        back_url=back,
        partnership=partnership,
    )


@login_required
@require_POST
def code_selection(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Apply codes to the words selected with the mouse on the source page."""
    source = queries.source_for(request.user, slug, pk)
    require(request.user, source.partnership, Capability.CODE_EVIDENCE)
    form = SelectionForm(request.POST, source=source)
    if form.is_valid():
        data = form.cleaned_data
        try:
            made = []
            for code in data["codes"]:
                made += actions.code_spans(
                    request.user, source, code, [(data["start"], data["end"])]
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Coded the selected words with {len(data['codes'])} code{'s' if len(data['codes']) != 1 else ''}.",
            )
            return redirect("evidence:source", slug, pk)
    problems = [str(e) for errors in form.errors.values() for e in errors]
    messages.error(request, "Nothing was coded: " + " ".join(problems))
    return redirect("evidence:source", slug, pk)
