"""Loading records reading templates (split from ``actions``): from a file given to ``followup
load-template``, or the bundled ones, as ``followup setup`` and the demo load them.

A version once loaded is frozen: the same content again writes nothing, and other content under
the same key and version is refused, with the samples that read with it named, so that readings
always keep the questions they answered. Each template loaded is in the audit log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from followup.audit.log import record
from followup.frameworks.library import (
    LibraryFileError,
    LoadResult,
    find_in_library,
    load_file,
)
from followup.frameworks.models import Framework
from followup.lib.types import Actor
from followup.records.models import ReadingTemplate, TemplateQuestion, TemplateSection
from followup.records.template_files import TEMPLATES_DIR, parse_template_file


def load_template_file(path: Path | str, actor: Actor) -> list[LoadResult]:
    """Validate and load a template file (and its bundled framework when that is not loaded yet).
    All or nothing."""
    data = parse_template_file(path)
    with transaction.atomic():
        return load_template(data, Path(path).name, actor)


def load_template_library(actor: Actor) -> list[LoadResult]:
    """Load every bundled template. Idempotent: a template loaded already writes nothing."""
    parsed = [(path, parse_template_file(path)) for path in sorted(TEMPLATES_DIR.glob("*.yaml"))]
    results: list[LoadResult] = []
    with transaction.atomic():
        for path, data in parsed:
            results.extend(load_template(data, path.name, actor))
    return results


def _framework(data: dict[str, Any], name: str, actor: Actor) -> tuple[Framework, list[LoadResult]]:
    framework = Framework.objects.filter(urn=data["framework"]).order_by("-version").first()
    if framework is not None:
        return framework, []
    path = find_in_library(data["framework"])
    if path is None:
        raise LibraryFileError(
            name, [f"{name}: the framework '{data['framework']}' is not loaded; load it first."]
        )
    results = load_file(path, actor)
    return Framework.objects.get(urn=data["framework"], version=results[-1].version), results


def load_template(data: dict[str, Any], name: str, actor: Actor) -> list[LoadResult]:
    """Load a validated template (``parse_template_file``'s); call inside a transaction."""
    result = LoadResult("template", data["key"], data["version"], data["name"], created=False)
    existing = ReadingTemplate.objects.filter(key=data["key"], version=data["version"]).first()
    if existing is not None:
        if existing.digest != data["digest"]:
            samples = existing.samples.count()
            used = (
                f", and {samples} sample{'s' if samples != 1 else ''} read with it"
                if samples
                else ""
            )
            raise LibraryFileError(
                name,
                [
                    f"{name}: version {data['version']} of the template '{data['key']}' is "
                    f"already loaded with different content{used}; a loaded version never "
                    f"changes: make a new version (version: {data['version'] + 1})."
                ],
            )
        result.messages.append("already loaded, unchanged")
        return [result]
    framework, results = _framework(data, name, actor)
    template = ReadingTemplate.objects.create(
        key=data["key"],
        version=data["version"],
        name=data["name"],
        description=data["description"],
        framework=framework,
        digest=data["digest"],
    )
    indicators = {qi.ref_id: qi for qi in framework.assessable_indicators() if qi.ref_id}
    order = 0
    for number, section_data in enumerate(data["sections"], start=1):
        section = TemplateSection.objects.create(
            template=template, order=number, title=section_data["title"]
        )
        for question_data in section_data["questions"]:
            order += 1
            question = TemplateQuestion.objects.create(
                section=section,
                template=template,
                order=order,
                **{
                    key: question_data[key]
                    for key in ("key", "prompt", "records", "answer", "critical")
                },
            )
            question.indicators.set(
                [indicators[code] for code in question_data["indicators"] if code in indicators]
            )
    record(
        actor,
        "reading_template.load",
        template,
        {
            "file": [None, name],
            "key": [None, template.key],
            "version": [None, template.version],
            "name": [None, template.name],
            "framework": [None, str(framework)],
            "questions": [None, order],
            "digest": [None, template.digest],
        },
    )
    result.created = True
    result.messages.append(f"{order} questions in {len(data['sections'])} sections")
    return [*results, result]
