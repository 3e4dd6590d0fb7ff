"""The pages of the paired, blind reading: a reader's queue, a record's page (the reading form),
the moderation page, and the inspection team's pairs, sharing and progress pages."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from followup.agreement import Agreement, Estimate
from followup.records import actions_reading, agreement, queries
from followup.records.actions_reading import short
from followup.records.forms import (
    ANSWER_WORDS,
    AssignForm,
    ModerationForm,
    PairForm,
    ReadingForm,
    ReassignForm,
)
from followup.records.models import ReadingPair, SampledRecord, TemplateQuestion
from followup.web.pages import apply_errors, create_page, form_page, posted, save_form


@require_safe
@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    """The records assigned to the user's pairs, each with their own status, and the next."""
    partnership, queued = queries.reading_queue(request.user, slug)
    waiting = [q for q in queued if q.status in ("Not started", "Draft")]
    return render(
        request,
        "records/queue.html",
        {
            "partnership": partnership,
            "queued": queued,
            "next": waiting[0] if waiting else None,
            "done": len(queued) - len(waiting),
        },
    )


def _answers(data: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in data.items() if name.startswith(("q-", "why-"))}


@login_required
def record(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A sampled record's page for one of its pair: their own answers, as a form until they
    submit; their partner's only once both have submitted. Each time it is shown, the audit log
    records who saw the record's readings."""
    member = queries.reading_member(request.user, slug, pk)
    pair = actions_reading.in_pair(request.user, member)
    template = member.sample.template
    questions = queries.template_questions(template) if template else []
    view = queries.record_view(request.user, member, pair)
    initial: dict[str, str] = {
        f"q-{line.question.key}": line.mine for _, lines in view.sections for line in lines
    }
    initial["saved"] = view.mine.saved_at.isoformat() if view.mine else ""
    form = ReadingForm(posted(request), questions=questions, initial=initial)
    if request.method == "POST" and request.headers.get(AUTOSAVE) == "draft":
        return _autosave(request, member, form)
    if request.method == "POST" and template is not None and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            actions_reading.save_reading(
                request.user,
                member,
                _answers(form.cleaned_data),
                submit=submit,
                saved=form.cleaned_data.get("saved") if "saved" in request.POST else None,
            )
        except ValidationError as error:
            apply_errors(form, error)
            _name_questions(form, questions)
        else:
            messages.success(request, "Reading submitted." if submit else "Draft saved.")
            return redirect(
                reverse("records:queue", args=[slug])
                if submit
                else reverse("records:record", args=[slug, pk])
            )
    actions_reading.record_viewed(request.user, member, actions_reading.RECORD_PAGE)
    return render(
        request,
        "records/record.html",
        {
            "partnership": member.sample.frame.inspection.partnership,
            "member": member,
            "view": view,
            "form": form,
            "sections": [
                (section, [(line, form[f"q-{line.question.key}"]) for line in lines])
                for section, lines in view.sections
            ],
            "words": ANSWER_WORDS,
            "is_inspector": pair.inspector_id == request.user.pk,
        },
        status=200,
    )


def _name_questions(form: ReadingForm | ModerationForm, questions: list[TemplateQuestion]) -> None:
    """Each error about an answer or a reason names its question (the error summary lists them
    together, and "This holds what looks like a date" twice tells a reader nothing)."""
    named = {}
    for question in questions:
        named[f"q-{question.key}"] = named[f"why-{question.key}"] = short(question.prompt)
    for field, errors in list(form.errors.items()):
        words = named.get(field)
        if words is not None:
            form.errors[field] = form.error_class(
                [str(m) if words in str(m) else f"{words}: {m}" for m in errors]
            )


# The header the record page's script sends when it saves a draft by itself.
AUTOSAVE = "X-Followup-Autosave"


def _autosave(request: HttpRequest, member: SampledRecord, form: ReadingForm) -> JsonResponse:
    """A draft saved by the record page's script as the reader answers (the page saves nothing
    by itself without JavaScript: Save draft does). Every answer that is valid is saved; an
    answer that is not (a note holding what looks like a date) keeps the value last saved for
    it, so that one bad answer never holds back the rest. Answers as JSON: when the reading was
    saved (the page keeps it, so that its next save is not taken for an older tab's), what to
    say, and each answer left unsaved, by its field, with why (the page marks it); or, refused,
    why: a save from an older tab or after submitting (409), or a draft of which nothing could
    be saved (400)."""
    form.is_valid()
    problems = {name: str(errors[0]) for name, errors in form.errors.items()}
    if any(not name.startswith("q-") for name in problems):
        field, message = next((n, m) for n, m in problems.items() if not n.startswith("q-"))
        return JsonResponse({"error": _say(form, field, message)}, status=400)
    saved = form.cleaned_data.get("saved") if "saved" in request.POST else None
    stored: dict[str, str] | None = None
    while True:
        data = _answers(form.cleaned_data)
        if problems:
            # An answer missing from the data would be cleared: send the one stored instead.
            if stored is None:
                stored = queries.my_answers(member, request.user.pk)
            data |= {name: stored.get(name, "") for name in problems}
        try:
            reading = actions_reading.save_reading(request.user, member, data, saved=saved)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return JsonResponse({"error": error.messages[0]}, status=409)
            found = {field: messages[0] for field, messages in error.message_dict.items()}
            if all(field in problems for field in found):
                # The value stored for an answer is refused too (it was saved under other
                # rules): nothing is saved, and the page says which.
                field, message = next(iter(found.items()))
                return JsonResponse({"error": _say(form, field, message)}, status=400)
            problems |= {
                field: message for field, message in found.items() if field not in problems
            }
        else:
            break
    at = f"{timezone.localtime(reading.saved_at):%H:%M}"
    return JsonResponse(
        {
            "saved": reading.saved_at.isoformat(),
            "message": _saved_message(form, at, problems),
            "problems": problems,
        }
    )


def _saved_message(form: ReadingForm, at: str, problems: dict[str, str]) -> str:
    """What the page says of a draft saved at ``at``: and of each answer left as it was."""
    if not problems:
        return f"Draft saved at {at}."
    told = " ".join(
        f"{_say(form, field, message).removesuffix('.')}." for field, message in problems.items()
    )
    if len(problems) == 1:
        return f"Draft saved at {at}, except one answer, which keeps its last saved value. {told}"
    return (
        f"Draft saved at {at}, except {len(problems)} answers, which keep their last saved "
        f"values. {told}"
    )


def _say(form: ReadingForm, field: str, message: str) -> str:
    """A problem with the question it is about: "<prompt>: <message>", the prompt without its
    full stop ("... identifying detail: This holds ..."); after a question mark, a space."""
    label = str(form.fields[field].label or "") if field in form.fields else ""
    label = label.strip().removesuffix(".")
    if not label:
        return message
    return f"{label} {message}" if label.endswith(("?", "!")) else f"{label}: {message}"


@login_required
def moderate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The pair's inspector records the agreed answers once both readings are submitted. The
    form shows both readings, so each time it is shown the audit log records who saw them."""
    member = queries.reading_member(request.user, slug, pk)
    pair = actions_reading.in_pair(request.user, member)
    view = queries.record_view(request.user, member, pair)
    back = reverse("records:record", args=[slug, pk])
    partnership = member.sample.frame.inspection.partnership
    if pair.inspector_id != request.user.pk or not view.both_submitted or view.moderated:
        actions_reading.may_moderate(request.user, pair)  # refuses the pair's reader (403)
        return render(
            request,
            "records/moderation_closed.html",
            {"partnership": partnership, "member": member, "view": view, "back_url": back},
        )
    questions = queries.template_questions(member.sample.template) if member.sample.template else []
    initial = {
        f"q-{line.question.key}": line.mine
        for _, lines in view.sections
        for line in lines
        if line.agreed
    }
    form = ModerationForm(posted(request), questions=questions, initial=initial)
    done = save_form(
        request,
        form,
        lambda data: actions_reading.moderate(request.user, member, _answers(data)),
        message="Moderated answers recorded.",
        then=lambda _: back,
    )
    if done is not None:
        return done
    _name_questions(form, questions)
    # The closed page above shows no answer; this one shows both readings.
    actions_reading.record_viewed(request.user, member, actions_reading.MODERATION_PAGE)
    return form_page(
        request,
        form,
        title="Moderate the readings",
        caption=f"Row {member.record.row} ({member.record.reference})",
        back_url=back,
        partnership=partnership,
        submit_label="Record the moderated answers",
        template="records/moderate.html",
        context={"view": view, "words": ANSWER_WORDS},
    )


@require_safe
@login_required
def progress(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Counts only, per pair and overall: no answer is shown here."""
    sample = queries.sample_for(request.user, slug, pk)
    rows, total, unassigned = queries.reading_progress(sample)
    return render(
        request,
        "records/progress.html",
        {
            "sample": sample,
            "inspection": sample.frame.inspection,
            "partnership": sample.frame.inspection.partnership,
            "rows": rows,
            "total": total,
            "unassigned": unassigned,
            "pairs": queries.sample_pairs(sample),
            "shared": queries.shared_records(sample),
        },
    )


def _cells(figures: Agreement) -> list[str]:
    """A row of the agreement tables: the shares as percentages, the coefficients as decimals,
    each with its 95% interval, or why there is none."""
    values = agreement.estimates(figures)
    return [
        *(_percent(estimate) for estimate in values[:2]),
        *(agreement.shown(estimate) for estimate in values[2:]),
    ]


def _percent(estimate: Estimate) -> str:
    if estimate.value is None or estimate.interval is None:
        return agreement.shown(estimate)
    low, high = estimate.interval.lower, estimate.interval.upper
    return f"{100 * estimate.value:.0f}% ({100 * low:.0f}% to {100 * high:.0f}%)"


def _finding(figures: Agreement | None) -> str:
    """The page's one-line finding: how often the two readers gave the same grade."""
    pair = figures.pair if figures else None
    if pair is None or pair.exact.value is None or pair.within_one.value is None:
        return ""
    return (
        f"Of the {pair.n_pairs} grades given by both, {100 * pair.exact.value:.0f}% were the "
        f"same and {100 * pair.within_one.value:.0f}% the same or one apart."
    )


@require_safe
@login_required
def agreement_page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """How far the pairs agree, from the records both have submitted: per question, per pair,
    overall and by reading day, with the confusion matrix of every grade given by both."""
    sample = queries.sample_for(request.user, slug, pk)
    found = agreement.sample_agreement(sample)
    rows = {
        name: [
            (row.label, row.figures.pair.n_pairs if row.figures.pair else 0, _cells(row.figures))
            for row in rows
        ]
        for name, rows in (
            ("questions", found.questions),
            ("pairs", found.pairs),
            ("days", found.days),
        )
    }
    overall = found.overall
    matrix = overall.pair.confusion.tolist() if overall and overall.pair else []
    return render(
        request,
        "records/agreement.html",
        {
            "sample": sample,
            "inspection": sample.frame.inspection,
            "partnership": sample.frame.inspection.partnership,
            "columns": agreement.COLUMNS,
            "rows": rows,
            "overall": (overall.pair.n_pairs if overall and overall.pair else 0, _cells(overall))
            if overall
            else None,
            "matrix": list(zip(agreement.SCALE, matrix, strict=False)),
            "scale": agreement.SCALE,
            "items": found.items,
            "finding": _finding(overall),
        },
    )


@login_required
def pair_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    sample = queries.sample_for(request.user, slug, pk)
    partnership = sample.frame.inspection.partnership
    form = PairForm(
        posted(request),
        inspectors=queries.pair_inspectors(partnership),
        readers=queries.local_readers(partnership),
    )
    return create_page(
        request,
        form,
        save=partial(actions_reading.add_pair, request.user, sample),
        message="Reading pair set up.",
        title="Set up a reading pair",
        caption=str(sample),
        back_url=reverse("records:progress", args=[slug, pk]),
        partnership=partnership,
        submit_label="Set up the pair",
    )


@login_required
def assign(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    sample = queries.sample_for(request.user, slug, pk)
    return create_page(
        request,
        AssignForm(posted(request)),
        save=lambda _: actions_reading.assign_records(request.user, sample),
        message="Records shared among the pairs.",
        title="Share the records among the pairs",
        caption=str(sample),
        back_url=reverse("records:progress", args=[slug, pk]),
        partnership=sample.frame.inspection.partnership,
        submit_label="Share the records",
    )


@login_required
def reassign(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Give a record nobody has started reading to another pair of its sample."""
    member = queries.sampled_record_for(request.user, slug, pk)
    sample = member.sample
    pairs = ReadingPair.objects.filter(sample=sample).order_by("number")
    return create_page(
        request,
        ReassignForm(posted(request), pairs=pairs),
        save=lambda data: actions_reading.reassign(request.user, member, data["pair"]),
        message="Record given to another pair.",
        title=f"Give row {member.record.row} to another pair",
        caption=str(sample),
        back_url=reverse("records:progress", args=[slug, sample.pk]),
        partnership=sample.frame.inspection.partnership,
        submit_label="Give it to this pair",
    )
