"""Co-occurrence counted by a sweep over each source's codings (#11): the same counts as comparing
every pair of codings, at a cost growing in proportion to the codings rather than their square."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from followup.evidence import actions, analysis
from followup.evidence.models import Coding
from tests.core.test_upload_growth import RATIO, cpu


def pairwise(spans: list[tuple[int, int, int]]) -> dict[tuple[int, int], int]:
    """The algorithm co-occurrence used before the sweep: every coding against each later one
    that starts before it ends."""
    pairs: dict[tuple[int, int], int] = defaultdict(int)
    spans = sorted(spans)
    for i, (start, end, code) in enumerate(spans):
        for other_start, other_end, other in spans[i + 1 :]:
            if other_start >= end:
                break
            if other != code and other_end > start:
                pairs[(code, other)] += 1
                pairs[(other, code)] += 1
    return pairs


spans = st.lists(
    st.tuples(st.integers(0, 30), st.integers(1, 12), st.integers(1, 5)).map(
        lambda t: (t[0], t[0] + t[1], t[2])
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(spans)
def test_the_sweep_counts_the_same_overlaps_as_comparing_every_pair(found):
    assert dict(analysis.overlaps(found)) == dict(pairwise(found))


@settings(max_examples=100, deadline=None)
@given(spans)
def test_the_counts_do_not_depend_on_the_order_the_codings_arrive_in(found):
    assert dict(analysis.overlaps(found)) == dict(analysis.overlaps(list(reversed(found))))


def test_codings_that_only_touch_do_not_overlap_and_one_character_shared_does():
    assert dict(analysis.overlaps([(0, 5, 1), (5, 9, 2)])) == {}
    assert dict(analysis.overlaps([(0, 5, 1), (4, 9, 2), (4, 6, 1)])) == {(1, 2): 2, (2, 1): 2}


def test_the_table_of_a_partnership_sums_the_overlaps_of_each_source(world):
    lead = world.users["lead"]
    partnership = world.home.partnership
    text = {"kind": "document", "text": "One two three four five six seven eight nine ten."}
    first = actions.create_source(lead, partnership, {"title": "First", **text})
    second = actions.create_source(lead, partnership, {"title": "Second", **text})
    a, b, c = (actions.create_code(lead, partnership, {"name": n}) for n in "ABC")
    actions.code_spans(lead, first, a, [(0, 10), (20, 30)])
    actions.code_spans(lead, first, b, [(5, 25)])
    actions.code_spans(lead, second, b, [(0, 10)])
    actions.code_spans(lead, second, c, [(9, 12)])
    actions.code_spans(lead, second, a, [(10, 12)])  # touches B's end, overlaps C
    codes, table = analysis.cooccurrence(partnership, source_ids=[first.pk, second.pk])
    assert [code.name for code in codes] == ["A", "B", "C"]
    assert table == [[0, 2, 1], [2, 0, 1], [1, 1, 0]]


def test_four_times_the_overlapping_codings_take_less_than_eight_times_as_long():
    """Every coding overlaps every other: comparing pairs took 16 times as long at 4n."""

    def work(n: int) -> Callable[[], Any]:
        found = [(k % 1000, k % 1000 + 5000, k % 8) for k in range(n)]
        return lambda: analysis.overlaps(found)

    small, large = cpu(work(4_000)), cpu(work(16_000))
    assert large < RATIO * max(small, 0.005), (small, large)


def test_a_partnership_with_16000_overlapping_codings_counts_them_in_one_pass(world):
    lead = world.users["lead"]
    partnership = world.home.partnership
    source = actions.create_source(
        lead, partnership, {"title": "Long", "kind": "document", "text": "Words. " * 5000}
    )
    codes = [actions.create_code(lead, partnership, {"name": f"Code {n}"}) for n in range(4)]
    Coding.objects.bulk_create(
        Coding(source=source, code=codes[k % 4], start=k, end=k + 17_000) for k in range(16_000)
    )
    found, table = analysis.cooccurrence(partnership, source_ids=[source.pk])
    assert [code.name for code in found] == ["Code 0", "Code 1", "Code 2", "Code 3"]
    # Every coding overlaps every other: 4,000 of each code, so each pair of codes 4,000 squared.
    assert table == [[0 if i == j else 16_000_000 for j in range(4)] for i in range(4)]
