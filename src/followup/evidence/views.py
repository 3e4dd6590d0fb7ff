from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from followup.audit.log import last_deletion
from followup.evidence import actions, queries, surveys
from followup.evidence.exports import project_filename
from followup.evidence.forms import (
    CodeForm,
    DeleteCodeForm,
    ExchangeForm,
    MergeForm,
    QuoteForm,
    SourceForm,
    SurveyDateForm,
    SurveyForm,
)
from followup.evidence.models import Code, Source
from followup.evidence.refi import ExchangeError, codebook_xml, project_qdpx
from followup.evidence.refi_import import import_summary, read_qdc, read_qdpx
from followup.evidence.tasks import export_project
from followup.frameworks.models import Framework
from followup.jobs import exports as background
from followup.lib.tables import attachment
from followup.lib.tabular import TableError
from followup.lib.uploads import SHOWN_PROBLEMS
from followup.partnerships.access import (
    Capability,
    can,
    capabilities,
    partnership_for,
    require,
)
from followup.web import paging
from followup.web.pages import (
    create_page,
    edit_page,
    gone_page,
    posted,
    posted_files,
    save_form,
)
from followup.web.requestsize import takes_files


@login_required
def sources(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    return render(
        request,
        "evidence/sources.html",
        {
            "partnership": partnership,
            "caps": capabilities(request.user, partnership),
            # The list of sources is for those who read evidence; others see the way in only.
            "sources": (
                queries.sources_of(partnership)
                if can(request.user, partnership, Capability.READ_EVIDENCE)
                else []
            ),
        },
    )


@takes_files
@login_required
def source_create(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    require(request.user, partnership, Capability.CODE_EVIDENCE)
    return create_page(
        request,
        SourceForm(posted(request), posted_files(request), initial={"kind": Source.Kind.DOCUMENT}),
        save=partial(actions.create_source, request.user, partnership),
        message="Source added.",
        then=lambda s: reverse("evidence:source", args=[slug, s.pk]),
        title="Add a source",
        caption="Qualitative evidence",
        back_url=reverse("evidence:sources", args=[slug]),
        partnership=partnership,
        multipart=True,
    )


@login_required
@require_POST
def coding_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    coding = queries.coding_for(request.user, slug, pk)
    source = coding.source
    try:
        actions.remove_coding(request.user, coding)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Coding removed.")
    return redirect(paging.on_page(request, reverse("evidence:source", args=[slug, source.pk])))


@login_required
def codebook(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    caps = capabilities(request.user, partnership)
    form = CodeForm(posted(request), partnership=partnership)
    if request.method == "POST":
        require(request.user, partnership, Capability.CODE_EVIDENCE)
        done = save_form(
            request,
            form,
            partial(actions.create_code, request.user, partnership),
            message="Code added.",
            then=lambda _: reverse("evidence:codebook", args=[slug]),
        )
        if done is not None:
            return done
    return render(
        request,
        "evidence/codebook.html",
        {
            "partnership": partnership,
            "caps": caps,
            "codes": queries.codebook(partnership),
            "form": form,
            "frameworks": Framework.objects.filter(inspections__partnership=partnership).distinct(),
        },
    )


@login_required
@require_POST
def add_wellbeing(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    made = actions.add_wellbeing_codes(request.user, partnership)
    messages.success(
        request, f"Added {len(made)} wellbeing indicator code{'' if len(made) == 1 else 's'}."
    )
    return redirect("evidence:codebook", slug)


@login_required
@require_POST
def add_qi_codes(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    framework = get_object_or_404(
        Framework.objects.filter(inspections__partnership=partnership).distinct(), pk=pk
    )
    made = actions.add_qi_codes(request.user, partnership, framework)
    messages.success(
        request, f"Added {len(made)} quality indicator code{'' if len(made) == 1 else 's'}."
    )
    return redirect("evidence:codebook", slug)


def _code_form(data: QueryDict | None, code: Code) -> CodeForm:
    initial = {
        "name": code.name,
        "parent": code.parent,
        "description": code.description,
        "colour": code.colour,
        "memo": code.memo,
        "recommendations": list(code.recommendations.all()),
    }
    return CodeForm(data, partnership=code.partnership, initial=initial)


def _code_or_gone(
    request: HttpRequest, slug: str, pk: int, typed: type[CodeForm] | None = None
) -> Code | HttpResponse:
    """The code, or, when it was deleted or merged since the page was opened, a page saying so
    (by whom, when, into what) with the values the user typed into ``typed``'s form."""
    try:
        return queries.code_for(request.user, slug, pk)
    except Http404:
        partnership = partnership_for(request.user, slug)
        require(request.user, partnership, Capability.CODE_EVIDENCE)
        entry = last_deletion(Code, pk, partnership)
        if entry is None:
            raise
    into_id = (entry.changes.get("merged_into_id") or [None, None])[1]
    into = Code.objects.filter(partnership=partnership, pk=into_id).first() if into_id else None
    form = None
    if typed is not None and request.method == "POST":
        form = typed(request.POST, partnership=partnership)
    return gone_page(
        request,
        entry,
        what="code",
        partnership=partnership,
        back_url=reverse("evidence:codebook", args=[slug]),
        back_label="Back to the codebook",
        typed=form,
        merged_into=(into.name, reverse("evidence:code_edit", args=[slug, into.pk]))
        if into is not None
        else None,
    )


@login_required
def code_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    code = _code_or_gone(request, slug, pk, typed=CodeForm)
    if isinstance(code, HttpResponse):
        return code
    require(request.user, code.partnership, Capability.CODE_EVIDENCE)
    return edit_page(
        request,
        code,
        reload=lambda: queries.code_for(request.user, slug, pk),
        fields=actions.CODE_EDITS,
        form=_code_form,
        save=partial(actions.update_code, request.user, code),
        message="Code saved. Its codings are unchanged.",
        title=f"Change the code “{code.name}”",
        back_url=reverse("evidence:codebook", args=[slug]),
        partnership=code.partnership,
    )


@login_required
def code_merge(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    code = _code_or_gone(request, slug, pk)
    if isinstance(code, HttpResponse):
        return code
    require(request.user, code.partnership, Capability.CODE_EVIDENCE)
    return create_page(
        request,
        MergeForm(posted(request), code=code),
        save=lambda data: actions.merge_codes(request.user, code, data["into"]),
        message=f"“{code.name}” merged: its codings now carry the code you chose.",
        title=f"Merge the code “{code.name}”",
        back_url=reverse("evidence:codebook", args=[slug]),
        partnership=code.partnership,
        submit_label="Merge",
    )


def _used(code: Code) -> str:
    used = code.codings.count()
    return f"It is used {used} time{'s' if used != 1 else ''}." if used else "It is not used yet."


@login_required
def code_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    code = _code_or_gone(request, slug, pk)
    if isinstance(code, HttpResponse):
        return code
    require(request.user, code.partnership, Capability.CODE_EVIDENCE)
    return create_page(
        request,
        DeleteCodeForm(posted(request)),
        save=lambda data: actions.delete_code(request.user, code, confirmed=data["confirm"]),
        message=f"The code “{code.name}” was deleted.",
        title=f"Delete the code “{code.name}”",
        caption=_used(code),
        back_url=reverse("evidence:codebook", args=[slug]),
        partnership=code.partnership,
        submit_label="Delete",
    )


@takes_files
@login_required
def survey_upload(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    require(request.user, partnership, Capability.CODE_EVIDENCE)

    def stage(data: dict[str, Any]) -> Any:
        upload = data["file"]
        return surveys.stage_survey(
            request.user,
            partnership,
            title=str(data["title"]),
            filename=upload.name,
            data=upload.read(),
        )

    return create_page(
        request,
        SurveyForm(posted(request), posted_files(request)),
        save=stage,
        message="Now say what each column holds.",
        then=lambda u: reverse("evidence:survey_preview", args=[slug, u.pk]),
        title="Import a survey",
        caption="Qualitative evidence",
        back_url=reverse("evidence:sources", args=[slug]),
        partnership=partnership,
        multipart=True,
        submit_label="Continue",
    )


@login_required
def survey_preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    upload = queries.survey_for(request.user, slug, pk)
    require(request.user, upload.partnership, Capability.CODE_EVIDENCE)
    if upload.imported_at is not None:
        messages.success(request, "This survey has been imported.")
        return redirect("evidence:sources", slug)
    try:
        table = surveys.read(upload)
        # Only an upload staged before these checks can hold a control character.
        control = surveys.control_character(table)
        if control:
            raise TableError(control)
    except TableError as error:
        # Only an upload staged before tables were kept read once can get here.
        return render(
            request,
            "evidence/survey_preview.html",
            {
                "partnership": upload.partnership,
                "upload": upload,
                "unreadable": str(error),
                "staged_days": settings.STAGED_UPLOAD_DAYS,
            },
        )
    roles = surveys.guess_roles(table)
    errors: list[str] = []
    dated = SurveyDateForm(posted(request))
    if request.method == "POST":
        roles = surveys.roles_from(request.POST, table.headers)
        try:
            if not dated.is_valid():
                raise ValidationError([e for es in dated.errors.values() for e in es])
            made = surveys.import_survey(
                request.user, upload, roles, collected_on=dated.cleaned_data["collected_on"]
            )
        except surveys.AlreadyImported:
            messages.success(request, "This survey has already been imported; nothing was added.")
            return redirect("evidence:sources", slug)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request, f"Imported {made:,} respondent{'' if made == 1 else 's'} as sources."
            )
            return redirect("evidence:sources", slug)
    columns = [
        (
            i,
            header,
            roles.get(header, "ignore"),
            [cells.get(header, "") for _, cells in table.rows[:3]],
        )
        for i, header in enumerate(table.headers)
    ]
    return render(
        request,
        "evidence/survey_preview.html",
        {
            "partnership": upload.partnership,
            "upload": upload,
            "columns": columns,
            "roles": surveys.ROLES,
            "errors": errors[:SHOWN_PROBLEMS],
            "more_errors": max(0, len(errors) - SHOWN_PROBLEMS),
            "rows": len(table.rows),
            "form": dated,
            "staged_days": settings.STAGED_UPLOAD_DAYS,
        },
    )


@login_required
@require_POST
def survey_discard(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    require(request.user, partnership_for(request.user, slug), Capability.CODE_EVIDENCE)
    upload = queries.survey_for(request.user, slug, pk)
    try:
        surveys.discard_survey(request.user, upload)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The survey file {upload.filename} was discarded.")
    return redirect("evidence:sources", slug)


@login_required
def quote_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    coding = queries.coding_for(request.user, slug, pk)
    partnership = coding.source.partnership
    require(request.user, partnership, Capability.CODE_EVIDENCE)
    return create_page(
        request,
        QuoteForm(posted(request), partnership=partnership),
        save=partial(actions.propose_quote, request.user, coding),
        message="Quote proposed. A lead officer or inspector approves it before it can be published.",
        then=lambda _: reverse("evidence:quotes", args=[slug]),
        title="Propose a quote",
        caption=f"“{coding.preview}”",
        back_url=reverse("evidence:source", args=[slug, coding.source_id]),
        partnership=partnership,
        submit_label="Propose the quote",
    )


@login_required
def quotes(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    caps = capabilities(request.user, partnership)
    sees_originals = Capability.READ_EVIDENCE in caps
    return render(
        request,
        "evidence/quotes.html",
        {
            "partnership": partnership,
            "caps": caps,
            "quotes": queries.quotes_of(partnership, approved_only=not sees_originals),
            "sees_originals": sees_originals,
        },
    )


@login_required
@require_POST
def quote_approve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    quote = queries.quote_for(request.user, slug, pk)
    actions.approve_quote(request.user, quote)
    messages.success(request, "Quote approved for publication.")
    return redirect("evidence:quotes", slug)


@takes_files
@login_required
def exchange(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    require(request.user, partnership, Capability.CODE_EVIDENCE)
    form = ExchangeForm(
        posted(request),
        posted_files(request),
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            reader = read_qdc if upload.name.lower().endswith(".qdc") else read_qdpx
            found = reader(data)
            counts = actions.import_exchange(request.user, partnership, found)
        except actions.AlreadyImported as error:
            messages.info(request, str(error))
            return redirect("evidence:exchange", slug)
        except ExchangeError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, import_summary(counts, found.warnings))
            return redirect("evidence:exchange", slug)
    return render(
        request,
        "evidence/exchange.html",
        {
            "partnership": partnership,
            "form": form,
            "has_codes": queries.codebook(partnership),
            "project_in_background": background.in_background(queries.coding_count(partnership)),
        },
    )


@login_required
@require_safe
def export_qdc(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    require(request.user, partnership, Capability.CODE_EVIDENCE)
    try:
        data = codebook_xml(partnership)
    except ExchangeError as error:
        messages.error(request, str(error))
        return redirect("evidence:exchange", slug)
    return _download(data, f"{slug}-codebook.qdc", "application/xml")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def export_qdpx(request: HttpRequest, slug: str) -> HttpResponse:
    """The whole project; with more than ``FOLLOWUP_BACKGROUND_EXPORT_ROWS`` coded passages,
    prepared in the background from a page with a button (``jobs.exports``)."""
    partnership = partnership_for(request.user, slug)
    require(request.user, partnership, Capability.CODE_EVIDENCE)
    passages = queries.coding_count(partnership)
    if background.in_background(passages):
        return background.start_page(
            request,
            partnership,
            heading="Download the whole project (.qdpx)",
            what=f"{passages:,} coded passages",
            title=f"Preparing the whole project ({passages:,} coded passages)",
            capability=Capability.CODE_EVIDENCE,
            task=export_project,
            arguments={},
        )
    return _download(project_qdpx(partnership), project_filename(partnership), "application/zip")


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = attachment(filename)
    return response
