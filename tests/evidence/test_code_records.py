"""Merging and deleting codes is on the record row by row: each coding moved or removed, each
quote and child code moved, and every value and link of the code that goes."""

from __future__ import annotations

from typing import Any

from followup.audit.models import AuditEntry
from followup.evidence import actions
from followup.evidence.models import Code, Coding, Quote, Source
from tests.conftest import World


def coded(world: World) -> tuple[Source, Code, Code]:
    partnership, lead = world.home.partnership, world.users["lead"]
    source = Source.objects.create(
        partnership=partnership,
        title="Notes",
        text="I feel safe at school. Home is noisy. Teachers listen.",
    )
    qi = world.home.evaluation.quality_indicator
    heard = actions.create_code(lead, partnership, {"name": "Heard", "quality_indicator": qi})
    heard.recommendations.add(world.home.recommendation)
    respected = actions.create_code(lead, partnership, {"name": "Respected"})
    actions.code_spans(lead, source, heard, [(38, 54), (0, 22)])
    actions.code_spans(lead, source, respected, [(38, 54)])
    return source, heard, respected


def entries_since(mark: int) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (e.verb, e.object_id, e.changes)
        for e in AuditEntry.objects.filter(id__gt=mark).order_by("id")
    ]


def test_merging_records_each_coding_moved_or_removed_and_each_quote_and_child_moved(
    world: World,
) -> None:
    _source, heard, respected = coded(world)
    lead, partnership = world.users["lead"], world.home.partnership
    child = actions.create_code(lead, partnership, {"name": "By teachers", "parent": heard})
    moving = Coding.objects.get(code=heard, start=0)
    doubled = Coding.objects.get(code=heard, start=38)
    kept = Coding.objects.get(code=respected, start=38)
    quote = Quote.objects.create(coding=doubled)
    qi, heard_id = heard.quality_indicator, heard.pk
    mark = AuditEntry.objects.order_by("id").last().pk  # type: ignore[union-attr]
    actions.merge_codes(lead, heard, respected)
    assert entries_since(mark) == [
        (
            "coding.delete",
            str(doubled.pk),
            {
                "code": ["Heard", None],
                "excerpt": ["Teachers listen.", None],
                "kept_as": [None, f"coding {kept.pk} (Respected)"],
            },
        ),
        ("coding.update", str(moving.pk), {"code": ["Heard", "Respected"]}),
        (
            "quote.update",
            str(quote.pk),
            {"coding": ["Heard: Teachers listen.", "Respected: Teachers listen."]},
        ),
        ("code.update", str(child.pk), {"parent": ["Heard", "Respected"]}),
        (
            "code.merge",
            str(respected.pk),
            {"merged": ["Heard", "Respected"], "codings_moved": [None, 1]},
        ),
        (
            "code.delete",
            str(heard_id),
            {
                "name": ["Heard", None],
                "colour": ["#1d70b8", None],
                "quality_indicator": [str(qi), None],
                "recommendations": [[str(world.home.recommendation)], None],
                "merged_into": [None, "Respected"],
                "merged_into_id": [None, respected.pk],
            },
        ),
    ]
    assert Quote.objects.get(pk=quote.pk).coding_id == kept.pk


def test_deleting_a_code_records_each_coding_it_removes_and_the_links_that_go(
    world: World,
) -> None:
    _source, heard, _ = coded(world)
    codings = list(Coding.objects.filter(code=heard).order_by("pk"))
    heard_id = heard.pk
    mark = AuditEntry.objects.order_by("id").last().pk  # type: ignore[union-attr]
    actions.delete_code(world.users["lead"], heard, confirmed=True)
    assert entries_since(mark) == [
        *[
            ("coding.delete", str(c.pk), {"code": ["Heard", None], "excerpt": [c.excerpt, None]})
            for c in codings
        ],
        (
            "code.delete",
            str(heard_id),
            {
                "name": ["Heard", None],
                "colour": ["#1d70b8", None],
                "quality_indicator": [str(world.home.evaluation.quality_indicator), None],
                "recommendations": [[str(world.home.recommendation)], None],
                "codings_removed": [2, None],
            },
        ),
    ]
