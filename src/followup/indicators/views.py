from __future__ import annotations

import math
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from followup.frameworks.models import QualityIndicator
from followup.indicators import actions, queries
from followup.indicators.charts import chart_rows, indicator_chart
from followup.indicators.disclosed import (
    Shown,
    Withheld,
    as_shown,
    compared_as_shown,
    for_audience,
    shown_series,
)
from followup.indicators.forms import IndicatorForm, UploadForm
from followup.indicators.funnel import funnel_chart
from followup.indicators.models import WELLBEING, Indicator
from followup.indicators.tasks import import_upload, imported
from followup.inspections.queries import inspections_of
from followup.lib import disclosure
from followup.lib.dates import period as period_words
from followup.lib.disclosure import SUPPRESSED
from followup.lib.tables import table_download
from followup.lib.uploads import SHOWN_PROBLEMS
from followup.partnerships.access import (
    Capability,
    can,
    capabilities,
    partnership_for,
    require,
)
from followup.web.forms import MAX_ID
from followup.web.pages import apply_errors, create_page, edit_page, posted, posted_files
from followup.web.paging import whole_number
from followup.web.requestsize import takes_files


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else value


def _inspected_on(partnership: Any) -> Any:
    """The day the partnership's first published inspection was published (or None)."""
    inspection = (
        inspections_of(partnership)
        .filter(published_on__isnull=False)
        .order_by("published_on")
        .first()
    )
    return inspection.published_on if inspection else None


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    indicators = queries.indicators_of(partnership)
    chosen = {key: request.GET.get(key, "") for key in ("recommendation", "qi", "wellbeing")}
    recommendation = whole_number(chosen["recommendation"], MAX_ID)
    if recommendation is not None:
        indicators = indicators.filter(recommendations__pk=recommendation)
    qi = whole_number(chosen["qi"], MAX_ID)
    if qi is not None:
        indicators = indicators.filter(quality_indicators__pk=qi)
    exact = can(request.user, partnership, Capability.READ_EVIDENCE)
    analyses = as_shown(
        partnership,
        lambda withheld: [
            for_audience(a, exact=exact, withheld=withheld)
            for a in queries.dashboard(
                list(indicators.distinct()), inspected_on=_inspected_on(partnership)
            )
        ],
        exact=exact,
    )
    if chosen["wellbeing"] in WELLBEING:
        analyses = [a for a in analyses if chosen["wellbeing"] in a.indicator.wellbeing]
    recommendations = [r for i in inspections_of(partnership) for r in i.recommendations.all()]
    qis = QualityIndicator.objects.filter(indicator__partnership=partnership).distinct()
    return render(
        request,
        "indicators/dashboard.html",
        {
            "partnership": partnership,
            "caps": capabilities(request.user, partnership),
            "analyses": analyses,
            "chosen": chosen,
            "recommendations": recommendations,
            "qis": qis,
            "wellbeing": WELLBEING,
            "variation_text": queries.VARIATION_TEXT,
            "assurance_text": queries.ASSURANCE_TEXT,
        },
    )


def _analysed(
    indicator: Indicator,
    split_on: Any,
    withheld: Withheld | None,
    *,
    exact: bool,
    inspected_on: Any = None,
) -> tuple[Shown, Any]:
    """The indicator's analysis and its comparison with other areas, as the audience sees them."""
    analysis = for_audience(
        queries.analyse(indicator, split_on=split_on, inspected_on=inspected_on),
        exact=exact,
        withheld=withheld,
    )
    return analysis, compared_as_shown(indicator, analysis, withheld)


@login_required
def detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    indicator = queries.indicator_for(request.user, slug, pk)
    partnership = indicator.partnership
    inspection = (
        inspections_of(partnership)
        .filter(published_on__isnull=False)
        .order_by("published_on")
        .first()
    )
    split = request.GET.get("split") == "inspection" and inspection is not None
    exact = can(request.user, partnership, Capability.READ_EVIDENCE)
    split_on = inspection.published_on if split and inspection else None
    analysis, compared = as_shown(
        partnership,
        partial(
            _analysed,
            indicator,
            split_on,
            exact=exact,
            inspected_on=inspection.published_on if inspection else None,
        ),
        exact=exact,
    )
    rows = [] if analysis.withheld else chart_rows(analysis)
    chart = indicator_chart(analysis, rows) if rows else None
    funnel = None
    if compared is not None and compared.funnel is not None:
        funnel = funnel_chart(
            f"{indicator.name}, {period_words(compared.period)}: every area",
            compared.funnel,
            indicator.area.code,
            indicator.unit,
            finding=compared.funnel_finding,
            caption=(
                f"Funnel plot, {period_words(compared.period)}: each area's figure against the number it "
                f"counts (log scale), {compared.own_label} marked as a red diamond and the "
                f"others as blue circles; the solid line is all areas together "
                f"({compared.funnel.centre:,.2f}), the dashed lines 95% limits and the dotted "
                "lines 99.8% limits for an area of that size"
                + (
                    ", widened because councils differ more than chance alone would explain."
                    if compared.funnel.widened
                    else "."
                )
            ),
            key=f"funnel-{indicator.pk}",
        )
    return render(
        request,
        "indicators/detail.html",
        {
            "partnership": partnership,
            "caps": capabilities(request.user, partnership),
            "indicator": indicator,
            "analysis": analysis,
            "rows": rows,
            "chart": chart,
            "benchmark": compared,
            "funnel": funnel,
            "inspection": inspection,
            "split": split,
            "disclosure_meaning": disclosure.meaning(),
            "variation_text": queries.VARIATION_TEXT,
            "assurance_text": queries.ASSURANCE_TEXT,
        },
    )


HEADERS = ["period", "value", "numerator", "denominator", "release", "status", "earlier releases"]


def _table(analysis: Shown) -> list[list[Any]]:
    table = []
    for p in analysis.points:
        num, den = p.numerator, p.denominator
        revisions = analysis.revisions.get(p.period)
        if revisions is None:
            revisions = [(f"{v:g}", r) for v, r in (num.earlier if num else [])]
        earlier = "; ".join(f"{v} ({r})" for v, r in revisions)
        hidden = p.period in analysis.withheld
        table.append(
            [
                p.period,
                SUPPRESSED if hidden else p.value,
                SUPPRESSED if hidden and num else (num.value if num else None),
                SUPPRESSED
                if den and p.period in analysis.hidden_denominators
                else (den.value if den else None),
                num.release if num else "",
                num.status if num else "",
                earlier,
            ]
        )
    return table


@login_required
def download(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    indicator = queries.indicator_for(request.user, slug, pk)
    rows = _table(shown_series(request.user, indicator))
    name = f"{indicator.code}-{indicator.area.code}"
    return table_download(name, fmt, HEADERS, rows, sheet=indicator.code)


@takes_files
@login_required
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose a file and check it. A file that passed its own checks is kept when the form has
    another problem (a missing release, say): the page says so, and checking again without
    choosing another uses it. The preview page's "check again" link comes back with it too."""
    partnership = partnership_for(request.user, slug)
    require(request.user, partnership, Capability.MANAGE_DATA)
    asked = request.POST if request.method == "POST" else request.GET
    kept = queries.kept_upload(partnership, asked.get("kept", ""))
    initial = {"release": kept.release, "create_elements": kept.create_elements} if kept else {}
    form = UploadForm(posted(request), posted_files(request), kept=kept, initial=initial)
    if request.method == "POST":
        staged = _check_upload(request, partnership, form)
        if staged is not None:
            return redirect("indicators:upload_preview", slug, staged.pk)
    return render(
        request,
        "indicators/upload.html",
        {
            "partnership": partnership,
            "form": form,
            "kept": form.kept,
            "kept_token": queries.upload_token(form.kept) if form.kept else "",
            "caps": capabilities(request.user, partnership),
        },
    )


def _check_upload(request: HttpRequest, partnership: Any, form: UploadForm) -> Any:
    """The staged upload to preview, or None with the problems on the form (and the chosen
    file kept on ``form.kept`` when it passed its own checks)."""
    valid = form.is_valid()
    data = form.cleaned_data
    chosen = data.get("file")
    try:
        if valid and chosen is None:
            return actions.choose_again(
                request.user,
                form.kept,
                release=data["release"],
                create_elements=data["create_elements"],
                mapping=data["mapping"] or form.kept.mapping,
            )
        if chosen is None:
            return None
        staged = actions.stage_upload(
            request.user,
            partnership,
            filename=chosen.name,
            data=chosen.read(),
            release=data.get("release", ""),
            create_elements=data.get("create_elements", False),
            mapping=data.get("mapping", ""),
        )
    except ValidationError as error:
        apply_errors(form, error)
        if chosen is None:
            form.kept = None  # gone since it was kept
        return None
    if valid:
        return staged
    form.kept = staged
    return None


# The rows a preview lists of each kind (new, revised); the rest are counted. Enough to see that
# the file is read as meant; a whole national file would be a page nobody reads.
PREVIEW_ROWS = 50


@login_required
def upload_preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    staged = queries.upload_for(request.user, slug, pk)
    require(request.user, staged.partnership, Capability.MANAGE_DATA)
    again = False
    if request.method == "POST" and staged.applied_at is None:
        rows = queries.upload_rows(staged)
        if rows > settings.BACKGROUND_IMPORT_ROWS:
            # A large file is imported by a job, whose page shows its progress (the job already
            # importing it, when Import is pressed again).
            job = actions.import_in_background(request.user, staged, rows=rows, task=import_upload)
            return redirect("jobs:job", slug, job.pk)
    if request.method == "POST":
        try:
            counts = actions.apply_upload(request.user, staged)
        except actions.AlreadyImported:
            again = True
            staged = queries.upload_for(request.user, slug, pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, imported(counts, staged.filename))
            return redirect("indicators:dashboard", slug)
    plan = actions.preview_upload(request.user, staged) if staged.applied_at is None else None
    importing = staged.job if staged.job is not None and not staged.job.finished else None
    return render(
        request,
        "indicators/upload_preview.html",
        {
            "partnership": staged.partnership,
            "upload": staged,
            "plan": plan,
            "problems": plan.errors[:SHOWN_PROBLEMS] if plan else [],
            "more_problems": max(0, len(plan.errors) - SHOWN_PROBLEMS) if plan else 0,
            "new_rows": plan.new[:PREVIEW_ROWS] if plan else [],
            "more_new": max(0, len(plan.new) - PREVIEW_ROWS) if plan else 0,
            "revised_rows": plan.revisions[:PREVIEW_ROWS] if plan else [],
            "more_revised": max(0, len(plan.revisions) - PREVIEW_ROWS) if plan else 0,
            "preview_rows": PREVIEW_ROWS,
            "kept_token": queries.upload_token(staged) if staged.data else "",
            "again": again,
            "importing": importing,
            "caps": capabilities(request.user, staged.partnership),
            "staged_days": settings.STAGED_UPLOAD_DAYS,
        },
    )


@login_required
@require_POST
def upload_discard(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    require(request.user, partnership_for(request.user, slug), Capability.MANAGE_DATA)
    staged = queries.upload_for(request.user, slug, pk)
    try:
        actions.discard_upload(request.user, staged)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The file {staged.filename} was discarded.")
    return redirect("indicators:upload", slug)


@login_required
def quality(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    return render(
        request,
        "indicators/quality.html",
        {
            "partnership": partnership,
            "reports": queries.data_quality(partnership),
            "caps": capabilities(request.user, partnership),
            # The figures that break a check may be small counts: for those who may see them.
            "exact": can(request.user, partnership, Capability.READ_EVIDENCE),
        },
    )


INITIAL_FIELDS = (
    "name",
    "code",
    "description",
    "numerator",
    "denominator",
    "factor",
    "unit",
    "area",
    "improvement_direction",
    "target",
    "chart",
    "funnel_method",
    "source",
    "wellbeing",
)


@login_required
def create(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_for(request.user, slug)
    require(request.user, partnership, Capability.MANAGE_DATA)
    initial = {"factor": 1, "improvement_direction": "neutral", "area": partnership.area_id}
    return create_page(
        request,
        IndicatorForm(posted(request), partnership=partnership, initial=initial),
        save=partial(actions.create_indicator, request.user, partnership),
        message="Indicator added.",
        then=lambda i: reverse("indicators:detail", args=[slug, i.pk]),
        title="New indicator",
        back_url=reverse("indicators:dashboard", args=[slug]),
        partnership=partnership,
    )


def _indicator_form(data: QueryDict | None, indicator: Indicator) -> IndicatorForm:
    initial = {name: getattr(indicator, name) for name in INITIAL_FIELDS}
    initial["recommendations"] = list(indicator.recommendations.all())
    initial["quality_indicators"] = list(indicator.quality_indicators.all())
    initial["chart"] = indicator.chart or ""
    return IndicatorForm(
        data, partnership=indicator.partnership, indicator=indicator, initial=initial
    )


@login_required
def edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    indicator = queries.indicator_for(request.user, slug, pk)
    require(request.user, indicator.partnership, Capability.MANAGE_DATA)
    return edit_page(
        request,
        indicator,
        reload=lambda: queries.indicator_for(request.user, slug, pk),
        fields=actions.EDITS,
        form=_indicator_form,
        save=partial(actions.update_indicator, request.user, indicator),
        message="Indicator saved.",
        title="Edit indicator",
        caption=indicator.name,
        back_url=reverse("indicators:detail", args=[slug, pk]),
        partnership=indicator.partnership,
    )
