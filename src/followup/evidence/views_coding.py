"""Pages for cases and their attributes, a source's details, and editing one coding."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse

from followup.evidence import actions, queries
from followup.evidence.forms import CaseForm, CodingEditForm, SourceDetailsForm
from followup.evidence.models import Case, Coding, Source
from followup.partnerships.access import Capability, capabilities, partnership_for, require
from followup.web import paging
from followup.web.pages import create_page, edit_page, posted

CASES_PER_PAGE = 200


@login_required
def cases(request: HttpRequest, slug: str) -> HttpResponse:
    """Cases and their attributes describe people: for those who code or approve evidence."""
    partnership = partnership_for(request.user, slug)
    require(request.user, partnership, Capability.READ_EVIDENCE)
    page, pages = paging.page_of(
        request,
        queries.cases_of(partnership).order_by("name", "pk"),
        "page",
        CASES_PER_PAGE,
        "Pages of cases",
    )
    return render(
        request,
        "evidence/cases.html",
        {
            "partnership": partnership,
            "caps": capabilities(request.user, partnership),
            "cases": page,
            "total": page.paginator.count,
            "pages": pages,
        },
    )


def _case_form(data: QueryDict | None, case: Case) -> CaseForm:
    return CaseForm(data, initial=CaseForm.initial_for(case))


@login_required
def case_create(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    require(request.user, partnership, Capability.CODE_EVIDENCE)
    form = CaseForm(posted(request))
    return create_page(
        request,
        form,
        save=lambda data: actions.save_case(
            request.user, partnership, None, {**data, "attributes": form.attributes()}
        ),
        message="Case saved.",
        title="Add a case",
        caption="Qualitative evidence",
        back_url=reverse("evidence:cases", args=[slug]),
        partnership=partnership,
    )


@login_required
def case_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    require(request.user, partnership, Capability.CODE_EVIDENCE)
    case = queries.case_for(partnership, pk)

    def save(data: dict[str, Any], *, version: str) -> Case:
        attributes = CaseForm.attributes_of(data)
        return actions.save_case(
            request.user, partnership, case, {**data, "attributes": attributes}, version=version
        )

    return edit_page(
        request,
        case,
        reload=lambda: queries.case_for(partnership, pk),
        fields=actions.CASE_EDITS,
        form=_case_form,
        save=save,
        message="Case saved.",
        title=f"Change the case “{case.name}”",
        caption="Qualitative evidence",
        back_url=reverse("evidence:cases", args=[slug]),
        partnership=partnership,
    )


def _source_form(data: QueryDict | None, source: Source) -> SourceDetailsForm:
    return SourceDetailsForm(
        data, partnership=source.partnership, initial={"case": source.case, "memo": source.memo}
    )


@login_required
def source_details(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    source = queries.source_for(request.user, slug, pk)
    require(request.user, source.partnership, Capability.CODE_EVIDENCE)
    return edit_page(
        request,
        source,
        reload=lambda: queries.source_for(request.user, slug, pk),
        fields=actions.SOURCE_EDITS,
        form=_source_form,
        save=partial(actions.update_source_details, request.user, source),
        message="Source details saved. Its text is unchanged.",
        title=f"Case and memo of “{source.title}”",
        back_url=reverse("evidence:source", args=[slug, pk]),
        partnership=source.partnership,
    )


def _coding_form(data: QueryDict | None, coding: Coding) -> CodingEditForm:
    initial = {"code": coding.code, "start": coding.start, "end": coding.end, "memo": coding.memo}
    return CodingEditForm(data, partnership=coding.source.partnership, initial=initial)


@login_required
def coding_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    coding = queries.coding_for(request.user, slug, pk)
    partnership = coding.source.partnership
    require(request.user, partnership, Capability.CODE_EVIDENCE)
    return edit_page(
        request,
        coding,
        reload=lambda: queries.coding_for(request.user, slug, pk),
        fields=actions.CODING_EDITS,
        form=_coding_form,
        save=partial(actions.update_coding, request.user, coding),
        message="Coding saved.",
        title="Change a coding",
        caption=f"“{coding.preview}”",
        back_url=reverse("evidence:source", args=[slug, coding.source_id]),
        partnership=partnership,
    )
