"""The progress pack for the chief officers' group, read back from its three formats.

A PDF costs seconds to render, so the module renders two, once: the draft of pack 2 as a
viewer downloads it, and pack 2 as an editor makes it (pack 1 is made first with a stand-in PDF,
to have something to compare with). Every test reads those files back: the PDF with poppler's
pdftotext, the Word file with python-docx and the workbook with openpyxl.
"""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

import docx
import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from followup.audit.models import AuditEntry
from followup.indicators.models import DataElement, Release
from followup.plans.models import Action, ActionUpdate, UpdateDecision
from followup.reports import actions, packrender
from followup.reports.models import ProgressPack
from tests import factories as f
from tests.conftest import World
from tests.indicators.figures import put

FORMATS = ("pdf", "docx", "xlsx")
A1 = "Plan action for Homeshire"  # the world's action, answering recommendation 1
A2 = "Joint training for both recommendations"
A3 = "Staff wellbeing survey"  # answers no recommendation
A4 = "Children's panel pilot"  # new since pack 1
GONE = "Old action removed since pack 1"
REC1 = "Recommendation 1: Improve planning in Homeshire"
REC2 = "Recommendation 2: Listen to children"
NONE = "Actions answering no recommendation"
HIDDEN_NOTES = ("Update about Homeshire", "Returned note must not show", "Waiting note")


def update(
    action: Any, on: datetime.date, note: str, status: str = "in_progress", **more: Any
) -> Any:
    """An update waiting for acceptance, made directly (whatever decision a factory gives)."""
    return ActionUpdate.objects.create(action=action, on=on, note=note, status=status, **more)


def accepted(action: Any, on: datetime.date, status: str, rating: str, note: str) -> Any:
    made = update(action, on, note, status, rating=rating, author_name="contributor")
    UpdateDecision.objects.create(update=made, outcome="accepted", by_name="lead")
    return made


def figures(indicator: Any, values: dict[int, int]) -> None:
    release = Release.objects.create(
        name=f"{indicator.name} return", published_on=datetime.date(2025, 1, 1)
    )
    for year, value in values.items():
        put(release, indicator.numerator, indicator.area, str(year), value)


def plan_at_pack_one(world: World) -> dict[str, Any]:
    """The plan when pack 1 is made: A1, A2, A3 and GONE, some accepted updates, and two
    measures whose latest figures are a small count (3) and a large one (4,500)."""
    site = world.home
    partnership = site.partnership
    rec2 = f.RecommendationFactory(inspection=site.inspection, number=2, text="Listen to children")
    a1 = site.action
    # The world's own update of A1 waits for acceptance, whatever its factory decided.
    UpdateDecision.objects.filter(update=site.update).delete()
    Action.objects.filter(pk=a1.pk).update(due_date=datetime.date(2025, 3, 31))
    a2: Any = f.ActionFactory(
        partnership=partnership,
        title=A2,
        status="not_started",
        lead_person="Head of Education",
        due_date=datetime.date(2025, 6, 30),
    )
    a2.recommendations.add(site.recommendation, rec2)
    a3: Any = f.ActionFactory(partnership=partnership, title=A3, due_date=None)
    gone = f.ActionFactory(partnership=partnership, title=GONE)
    accepted(a1, datetime.date(2025, 1, 10), "in_progress", "at_risk", "Recruited two staff")
    accepted(a3, datetime.date(2025, 1, 12), "in_progress", "on_track", "Survey drafted")
    figures(site.indicator, {2023: 30, 2024: 3})
    element = DataElement.objects.create(
        code="referrals", name="Referrals", partnership=partnership
    )
    large: Any = f.IndicatorFactory(
        partnership=partnership, area=site.indicator.area, numerator=element, name="Referrals"
    )
    large.recommendations.add(rec2)
    figures(large, {2023: 4480, 2024: 4500})
    return {"a1": a1, "a2": a2, "a3": a3, "gone": gone, "rec2": rec2}


def change_the_plan(world: World, plan: dict[str, Any]) -> None:
    """Between pack 1 and pack 2: A1 completed by an accepted update (and one returned, one
    waiting, neither counting), A3's rating falls, A4 is added, GONE deleted."""
    a1, a3 = plan["a1"], plan["a3"]
    accepted(a1, datetime.date(2025, 2, 20), "complete", "on_track", "Finished the plan")
    Action.objects.filter(pk=a1.pk).update(status="complete")
    returned = update(
        a1, datetime.date(2025, 2, 25), "Returned note must not show", rating="off_track"
    )
    UpdateDecision.objects.create(
        update=returned, outcome="returned", reason="Say more", by_name="lead"
    )
    update(a1, datetime.date(2025, 2, 26), "Waiting note", rating="off_track")
    accepted(a3, datetime.date(2025, 3, 1), "in_progress", "at_risk", "Fewer answers than hoped")
    a4: Any = f.ActionFactory(
        partnership=world.home.partnership,
        title=A4,
        status="not_started",
        due_date=datetime.date(2025, 9, 30),
    )
    a4.recommendations.add(plan["rec2"])
    plan["gone"].delete()


@dataclass
class Read:
    """One pack read back from its files."""

    pdf: str  # pdftotext's text, pages ended by form feeds
    word: Any  # the python-docx Document
    book: Any  # the openpyxl workbook

    @property
    def word_text(self) -> list[str]:
        return [p.text for p in self.word.paragraphs]

    def word_rows(self) -> list[list[str]]:
        return [[c.text for c in row.cells] for t in self.word.tables for row in t.rows]

    def sheet(self, name: str) -> list[list[Any]]:
        return [list(row) for row in self.book[name].iter_rows(values_only=True)]


def pdftotext(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def read(files: dict[str, bytes]) -> Read:
    return Read(
        pdf=pdftotext(files["pdf"]),
        word=docx.Document(io.BytesIO(files["docx"])),
        book=openpyxl.load_workbook(io.BytesIO(files["xlsx"])),
    )


@pytest.fixture(scope="module")
def packs_for_module(world_for_module: World | None, django_db_blocker: Any) -> dict[str, Read]:
    """Pack 1 made (its PDF a stand-in), the plan changed, then the draft of pack 2 downloaded
    by a viewer and pack 2 made by an editor on the page, its files downloaded: each read back."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed (apt-get install poppler-utils)")
    world = world_for_module
    assert world is not None
    with django_db_blocker.unblock():
        plan = plan_at_pack_one(world)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(packrender, "pdf", lambda pack: b"%PDF-stand-in")
            actions.make_pack(world.users["lead"], world.home.partnership, number=1)
        change_the_plan(world, plan)
        viewer, editor = Client(), Client()
        viewer.force_login(world.users["viewer"])
        editor.force_login(world.users["editor"])
        draft = {
            fmt: viewer.get(reverse("reports:pack_draft", args=["home", fmt])).content
            for fmt in FORMATS
        }
        made = editor.post(reverse("reports:pack", args=["home"]), {"number": "2"})
        assert made.status_code == 302
        issued = {
            fmt: editor.get(reverse("reports:pack_file", args=["home", 2, fmt])).content
            for fmt in FORMATS
        }
    return {"draft": read(draft), "issued": read(issued)}


@pytest.fixture
def packs(packs_for_module: dict[str, Read], world: World) -> dict[str, Read]:
    """The packs read back, in a test with the database (the world's, as the module left it)."""
    return packs_for_module


KINDS = ("draft", "issued")


@pytest.mark.parametrize("kind", KINDS)
def test_the_word_file_groups_every_action_under_each_recommendation_it_answers(packs, kind):
    document = packs[kind].word
    headings = [
        (int(p.style.name[-1]), p.text)
        for p in document.paragraphs
        if p.style.name.startswith("Heading")
    ]
    assert headings == [
        (1, "Summary of the plan"),
        (1, REC1),
        (2, A1),
        (2, A2),
        (1, REC2),
        (2, A2),
        (2, A4),
        (1, NONE),
        (2, A3),
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_the_workbook_lists_every_action_in_its_groups(packs, kind):
    rows = [r for r in packs[kind].sheet("Actions") if r[0] != "DRAFT: not issued"]
    assert rows[0][:3] == ["Recommendation", "Action", "Owner"]
    assert [(r[0], r[1]) for r in rows[1:]] == [
        (REC1, A1),
        (REC1, A2),
        (REC2, A2),
        (REC2, A4),
        (NONE, A3),
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_the_pdf_has_every_group_and_action_in_order(packs, kind):
    text = packs[kind].pdf
    body = text[text.index("Summary of the plan", text.index("Contents") + 50) :]
    places = [body.index(words) for words in (REC1, A1, A2, REC2, A4, NONE, A3)]
    assert places == sorted(places)
    assert GONE in body  # listed as no longer in the plan


@pytest.mark.parametrize("kind", KINDS)
def test_only_accepted_updates_reach_the_pack_in_any_format(packs, kind):
    pack = packs[kind]
    word = "\n".join(pack.word_text)
    cells = [str(c) for row in pack.sheet("Actions") for c in row]
    for text in (pack.pdf, word, "\n".join(cells)):
        assert "Finished the plan" in text
        assert "Fewer answers than hoped" in text
        for hidden in HIDDEN_NOTES:
            assert hidden not in text


def details(pack: Read, title: str, group: str) -> dict[str, str]:
    """An action's lines in the Word file, under the group's heading."""
    paragraphs = pack.word.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == group)
    at = next(i for i, p in enumerate(paragraphs) if i > start and p.text == title)
    lines: dict[str, str] = {}
    for p in paragraphs[at + 1 :]:
        if p.style.name.startswith("Heading"):
            break
        label, _, value = p.text.partition(": ")
        lines[label] = value
    return lines


@pytest.mark.parametrize("kind", KINDS)
def test_each_action_says_exactly_what_changed_since_the_last_pack(packs, kind):
    pack = packs[kind]
    assert details(pack, A1, REC1) == {
        "Owner": "Homeshire Council",
        "Lead": "Not set",
        "Due": "31 March 2025",
        "Status": "Complete",
        "Latest rating": "Complete",
        "Latest accepted update": "20 February 2025, by contributor: Finished the plan",
        "Since the last pack": (
            "Status: In progress → Complete. 1 update accepted since: 20 February 2025."
        ),
    }
    assert details(pack, A2, REC2)["Since the last pack"] == "No change since the last pack."
    assert details(pack, A2, REC2)["Latest accepted update"] == "None yet"
    assert details(pack, A2, REC2)["Lead"] == "Head of Education"
    assert details(pack, A3, NONE)["Since the last pack"] == (
        "Rating: On track → At risk. 1 update accepted since: 1 March 2025."
    )
    assert details(pack, A4, REC2)["Since the last pack"] == "New since the last pack."
    rows = {(r[0], r[1]): r for r in pack.sheet("Actions")}
    assert rows[(REC1, A1)][5:] == [
        "Complete",
        "Complete",
        datetime.datetime(2025, 2, 20),
        "contributor",
        "Finished the plan",
        "In progress",
        "At risk",
        1,
        "Status: In progress → Complete. 1 update accepted since: 20 February 2025.",
    ]
    assert rows[(REC2, A4)][10:] == [None, None, None, "New since the last pack."]
    for text in (pack.pdf, "\n".join(pack.word_text)):
        assert "Rating: On track → At risk." in text
        assert re.search(
            r"What changed is measured from pack 1, made on \d+ \w+ \d{4} by\s+lead\.", text
        )


@pytest.mark.parametrize("kind", KINDS)
def test_a_small_count_is_withheld_and_a_large_figure_is_exact_in_every_format(packs, kind):
    pack = packs[kind]
    rows = pack.word_rows()
    assert ["Looked after in Homeshire, Homeshire", "2024", "[c]"] in rows
    assert ["Referrals, Homeshire", "2024", "4,500"] in rows
    assert re.search(r"Looked after in Homeshire, Homeshire\s+2024\s+\[c\]", pack.pdf)
    assert re.search(r"Referrals, Homeshire\s+2024\s+4,500", pack.pdf)
    measures = [r for r in pack.sheet("Measures") if r[0] != "DRAFT: not issued"]
    assert measures[1:] == [
        [REC1, "Looked after in Homeshire", "Homeshire", None, "2024", "[c]"],
        [REC2, "Referrals", "Homeshire", None, "2024", 4500],
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_the_summary_counts_actions_by_status_and_rating_as_tables_and_charts(packs, kind):
    pack = packs[kind]
    rows = pack.word_rows()
    by_status = [
        ["Status", "Actions"],
        ["Not started", "2"],
        ["In progress", "1"],
        ["On hold", "0"],
        ["Complete", "1"],
        ["Cancelled", "0"],
        ["All actions", "4"],
    ]
    by_rating = [
        ["Latest rating", "Actions"],
        ["On track", "0"],
        ["At risk", "1"],
        ["Off track", "0"],
        ["Complete", "1"],
        ["Cancelled", "0"],
        ["No accepted update yet", "2"],
        ["All actions", "4"],
    ]
    assert rows[: len(by_status) + len(by_rating)] == by_status + by_rating
    status_finding = "Of 4 actions, by status: 2 not started, 1 in progress and 1 complete."
    rating_finding = (
        "Of 4 actions, by latest rating: 1 at risk, 1 complete and 2 with no accepted update yet."
    )
    pictures = [shape._inline.docPr.get("descr") for shape in pack.word.inline_shapes]
    assert [d.split(" A bar chart")[0] for d in pictures] == [status_finding, rating_finding]
    flat = re.sub(r"\s+", " ", pack.pdf)
    assert status_finding in flat and rating_finding in flat
    summary = [r for r in pack.sheet("Summary") if r[0] != "DRAFT: not issued"]
    assert summary[:8] == [
        ["Status", "Actions"],
        ["Not started", 2],
        ["In progress", 1],
        ["On hold", 0],
        ["Complete", 1],
        ["Cancelled", 0],
        ["All actions", 4],
        [status_finding, None],
    ]


def test_the_draft_says_draft_on_every_page_and_sheet_and_the_made_pack_does_not(packs):
    draft, issued = packs["draft"], packs["issued"]
    pages = draft.pdf.split("\f")[:-1]
    assert len(pages) >= 3
    assert [n for n, page in enumerate(pages, 1) if "DRAFT: not issued" not in page] == []
    assert "DRAFT" not in issued.pdf
    for section in draft.word.sections:
        assert section.header.paragraphs[0].text == "DRAFT: not issued"
        assert section.first_page_header.paragraphs[0].text == "DRAFT: not issued"
    assert "DRAFT" not in "\n".join(issued.word_text)
    assert all(s.header.paragraphs[0].text != "DRAFT: not issued" for s in issued.word.sections)
    for name in ("About", "Summary", "Actions", "Measures"):
        assert draft.sheet(name)[0][0] == "DRAFT: not issued"
        assert issued.sheet(name)[0][0] != "DRAFT: not issued"
    assert "Not yet issued: a draft of what would be pack 2." in "\n".join(draft.word_text)
    assert any(
        re.fullmatch(r"Pack 2, made on \d+ \w+ \d{4} by editor\.", t) for t in issued.word_text
    )


def test_the_cover_names_the_partnership_the_date_and_the_pack(packs):
    for pack in packs.values():
        text = "\n".join(pack.word_text)
        assert "Progress pack for the chief officers' group" in text
        assert "Partnership: Homeshire" in text
        assert re.search(r"Date: \d+ \w+ \d{4}", text)
        assert "Reference: home/pack-2" in text
        assert "Progress pack for the chief officers' group" in pack.pdf
        assert pack.sheet("About")[-5][1] == "home/pack-2"


def test_making_a_pack_keeps_its_files_digests_snapshot_and_audit_entry(packs):
    made = ProgressPack.objects.get(partnership__slug="home", number=2)
    assert made.made_by_name == "editor"
    a1 = Action.objects.get(title=A1)
    updates = ActionUpdate.objects.filter(action=a1, decision__outcome="accepted").order_by("on")
    assert made.snapshot["actions"][str(a1.pk)] == {
        "title": A1,
        "status": "complete",
        "rating": "on_track",
        "update": updates.last().pk,
        "accepted": sorted(u.pk for u in updates),
    }
    assert sorted(a["title"] for a in made.snapshot["actions"].values()) == sorted([A1, A2, A3, A4])
    entry = AuditEntry.objects.get(verb="pack.make", object_id=str(made.pk))
    assert entry.actor_name == "editor"
    assert entry.changes["number"] == [None, 2]
    assert entry.changes["sha256_pdf"] == [None, made.sha256_pdf]
