"""The "For you" page (#17): each person's update requests, updates to accept, quotes to approve
and files to import, in the partnerships where they can deal with them; and its count in the
header of every page, made in one query."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from followup.evidence.models import Quote, SurveyUpload
from followup.front import foryou as queries
from followup.front.templatetags import foryou
from followup.indicators.models import ImportUpload
from followup.lib import clock
from followup.partnerships import access
from followup.partnerships.models import Membership
from followup.plans.models import ActionUpdate, UpdateDecision, UpdateRequest, UpdateRound
from tests import factories as f

TODAY = datetime.date(2020, 8, 3)
NOW = timezone.make_aware(datetime.datetime(2020, 8, 3, 9, 0))
PEOPLE = ("lead", "editor", "contributor", "viewer", "inspector", "admin", "outsider")


class _Items(HTMLParser):
    """The page's items as a person sees them: (partnership, heading, link text, link)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[str, str, str, str]] = []
        self.main = False
        self.tag = ""
        self.partnership = self.heading = ""
        self.href = ""
        self.text = ""

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        attrs = dict(attributes)
        if tag == "main":
            self.main = True
        if self.main and tag in ("h2", "h3", "a"):
            self.tag, self.text, self.href = tag, "", attrs.get("href") or ""

    def handle_data(self, data: str) -> None:
        if self.tag:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if not self.main or tag != self.tag:
            return
        text = " ".join(self.text.split())
        if tag == "h2":
            self.partnership, self.heading = text, ""
        elif tag == "h3":
            self.heading = re.sub(r" \(\d+\)$", "", text)
        else:
            self.items.append((self.partnership, self.heading, text, self.href))
        self.tag = ""


def undecided(action: Any, on: datetime.date, **fields: Any) -> ActionUpdate:
    """An update with no decision yet (made directly: a factory's update may come accepted)."""
    values = {"status": "in_progress", "rating": "on_track", "note": "Progress note", **fields}
    return ActionUpdate.objects.create(action=action, on=on, **values)


def items_on_page(html: str) -> list[tuple[str, str, str, str]]:
    reader = _Items()
    reader.feed(html)
    return reader.items


def header_count(html: str) -> int:
    found = re.search(r'For you<span class="govuk-visually-hidden">:</span> \((\d+)<span', html)
    assert found is not None
    return int(found.group(1))


@pytest.fixture
def waiting(world: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Something waiting for most of the cast, and things waiting for nobody, on 3 August 2020:
    a round of home due 31 July (so overdue by 3 days) and one due 14 August; the world's own
    updates accepted, and its proposed quotes left waiting for approval."""
    monkeypatch.setattr(clock, "now", lambda: NOW)
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    home, away, users = world.home, world.away, world.users
    for update in (home.update, away.update):
        UpdateDecision.objects.get_or_create(update=update, defaults={"outcome": "accepted"})
    Membership.objects.filter(user=users["editor"], partnership=home.partnership).update(
        accepts_updates=True
    )
    guidance: Any = f.ActionFactory(partnership=home.partnership, title="Write the guidance")
    july = UpdateRound.objects.create(
        partnership=home.partnership, due_on=datetime.date(2020, 7, 31)
    )
    august = UpdateRound.objects.create(
        partnership=home.partnership, due_on=datetime.date(2020, 8, 14)
    )
    away_round = UpdateRound.objects.create(
        partnership=away.partnership, due_on=datetime.date(2020, 7, 31)
    )

    def ask(round_: UpdateRound, action: Any, who: str, state: str) -> UpdateRequest:
        return UpdateRequest.objects.create(
            round=round_, action=action, addressee=users[who], state=state
        )

    # Each action is asked in one round at a time: opening a round closes an earlier request
    # still waiting (tests/plans/test_requests_close.py).
    carers: Any = f.ActionFactory(partnership=home.partnership, title="Recruit foster carers")
    overdue = ask(july, carers, "contributor", "pending")
    returned = ask(august, home.action, "contributor", "returned")
    submitted = ask(august, guidance, "editor", "submitted")
    ask(july, guidance, "viewer", "pending")  # a viewer adds no updates
    other = f.ActionFactory(partnership=away.partnership, title="Awayshire's other action")
    ask(away_round, other, "contributor", "pending")  # not a member of away
    away_request = ask(away_round, away.action, "outsider", "pending")
    to_accept = undecided(
        guidance, datetime.date(2020, 7, 30), request=submitted, author_name="editor"
    )
    was_returned = undecided(home.action, datetime.date(2020, 7, 29), request=returned)
    UpdateDecision.objects.create(update=was_returned, outcome="returned", reason="Say more")
    away_update = undecided(away.action, datetime.date(2020, 7, 28), author_name="outsider")
    Quote.objects.create(coding=home.coding, status="approved")  # approved: nobody's
    upload = ImportUpload.objects.create(
        partnership=home.partnership,
        created_by=users["editor"],
        filename="looked-after.csv",
        data=ContentFile(b"area_code,period\n", name="u.csv"),
        release="Homeshire return 2020",
    )
    old = ImportUpload.objects.create(
        partnership=home.partnership,
        created_by=users["editor"],
        filename="old.csv",
        data=ContentFile(b"x\n", name="o.csv"),
        release="Old",
    )
    ImportUpload.objects.filter(pk=old.pk).update(created_at=NOW - datetime.timedelta(days=400))
    ImportUpload.objects.create(
        partnership=home.partnership,
        created_by=users["lead"],
        filename="done.csv",
        release="Imported",
        applied_at=NOW,
    )
    survey = SurveyUpload.objects.create(
        partnership=home.partnership,
        created_by=users["contributor"],
        title="Young people's survey 2020",
        filename="young.csv",
        data=ContentFile(b"id\n1\n", name="y.csv"),
    )
    for staged in (upload, survey):
        type(staged).objects.filter(pk=staged.pk).update(created_at=NOW)
    return {
        "guidance": guidance,
        "carers": carers,
        "overdue": overdue,
        "returned": returned,
        "to_accept": to_accept,
        "away_request": away_request,
        "away_update": away_update,
        "was_returned": was_returned,
        "upload": upload,
        "survey": survey,
    }


def expected(world: Any, w: dict[str, Any]) -> dict[str, list[tuple[str, str, str, str]]]:
    """Each person's items, exactly, in the order the page lists them."""
    home, away = world.home, world.away
    homeshire, awayshire = home.partnership.name, away.partnership.name
    action, guidance = home.action, w["guidance"]
    accept = (
        homeshire,
        "Updates for you to accept or return",
        "Write the guidance",
        f"/p/home/actions/{guidance.pk}/#update-{w['to_accept'].pk}",
    )
    quote = (
        homeshire,
        "Quotes for you to approve",
        "“Staff in [place] feel supported.”",
        f"/p/home/evidence/quotes/#quote-{home.quote.pk}",
    )
    return {
        "lead": [accept, quote],
        "admin": [accept, quote],
        "inspector": [quote],
        "editor": [
            accept,
            (
                homeshire,
                "Files for you to import",
                "looked-after.csv",
                f"/p/home/data/uploads/{w['upload'].pk}/",
            ),
        ],
        "contributor": [
            (
                homeshire,
                "Updates asked of you",
                w["carers"].title,
                f"/p/home/actions/{w['carers'].pk}/updates/?request={w['overdue'].pk}",
            ),
            (
                homeshire,
                "Updates asked of you",
                action.title,
                f"/p/home/actions/{action.pk}/updates/"
                f"?request={w['returned'].pk}&revises={w['was_returned'].pk}",
            ),
            (
                homeshire,
                "Files for you to import",
                "Young people's survey 2020",
                f"/p/home/evidence/surveys/{w['survey'].pk}/",
            ),
        ],
        "viewer": [],
        "outsider": [
            (
                awayshire,
                "Updates asked of you",
                away.action.title,
                f"/p/away/actions/{away.action.pk}/updates/?request={w['away_request'].pk}",
            ),
            (
                awayshire,
                "Updates for you to accept or return",
                away.action.title,
                f"/p/away/actions/{away.action.pk}/#update-{w['away_update'].pk}",
            ),
            (
                awayshire,
                "Quotes for you to approve",
                "“Staff in [place] feel supported.”",
                f"/p/away/evidence/quotes/#quote-{away.quote.pk}",
            ),
        ],
    }


@pytest.mark.parametrize("who", PEOPLE)
def test_the_for_you_page_shows_each_person_exactly_their_items(world, waiting, who):
    html = world.client_for(who).get("/for-you/").content.decode()
    assert items_on_page(html) == expected(world, waiting)[who]
    assert header_count(html) == len(expected(world, waiting)[who])


def test_the_header_count_equals_the_pages_count_on_every_page(world, waiting):
    for who in PEOPLE:
        page = queries.for_you(world.users[who])
        assert queries.for_you_count(world.users[who]) == page.count
        html = world.client_for(who).get("/glossary/").content.decode()
        assert header_count(html) == page.count


def test_requests_say_when_they_are_due_and_by_how_many_days_they_are_overdue(world, waiting):
    html = world.client_for("contributor").get("/for-you/").content.decode()
    assert '31 July 2020<br><strong class="govuk-tag govuk-tag--red">Overdue by 3 days' in html
    assert "14 August 2020</td>" in html
    assert "Your update was returned: revise it" in html
    page = queries.for_you(world.users["contributor"])
    [group] = page.groups
    assert [(i.due_on, i.overdue_days) for i in group.requests] == [
        (datetime.date(2020, 7, 31), 3),
        (datetime.date(2020, 8, 14), 0),
    ]
    assert "3 things waiting for you." in html


def test_an_outsiders_page_shows_nothing_of_another_partnership(world, waiting):
    html = world.client_for("outsider").get("/for-you/").content.decode()
    for name in ("Homeshire", "/p/home/", "Write the guidance", "looked-after.csv"):
        assert name not in html
    # A home member's page holds nothing of away, though a request of away names them.
    html = world.client_for("contributor").get("/for-you/").content.decode()
    assert "Awayshire" not in html and "/p/away/" not in html


def test_a_deactivated_membership_shows_nothing_actionable(world, waiting):
    Membership.objects.filter(user=world.users["contributor"]).update(deactivated_at=NOW)
    html = world.client_for("contributor").get("/for-you/").content.decode()
    assert items_on_page(html) == []
    assert "Nothing is waiting for you." in html
    assert header_count(html) == 0


def test_an_archived_partnership_shows_nothing_actionable(world, waiting):
    home = world.home.partnership
    home.archived_at = NOW
    home.save()
    for who in ("lead", "editor", "contributor", "inspector", "admin"):
        assert queries.for_you(world.users[who]).groups == [], who
        assert queries.for_you_count(world.users[who]) == 0, who
    assert queries.for_you_count(world.users["outsider"]) == 3


def test_a_delegate_accepts_updates_only_while_the_delegation_lasts(world, waiting):
    assert queries.for_you_count(world.users["editor"]) == 2
    Membership.objects.filter(user=world.users["editor"]).update(accepts_updates=False)
    assert [i.title for g in queries.for_you(world.users["editor"]).groups for i in g.imports] == [
        "looked-after.csv"
    ]
    assert queries.for_you_count(world.users["editor"]) == 1


def test_decided_updates_and_answered_requests_are_no_longer_waiting(world, waiting):
    UpdateDecision.objects.create(update=waiting["to_accept"], outcome="accepted")
    UpdateRequest.objects.filter(pk=waiting["overdue"].pk).update(state="submitted")
    assert [item[2] for item in expected(world, waiting)["lead"]][1:] == [
        i.title for g in queries.for_you(world.users["lead"]).groups for i in g.quotes
    ]
    assert queries.for_you_count(world.users["lead"]) == 1
    assert queries.for_you_count(world.users["contributor"]) == 2


def test_the_quotes_page_has_the_anchor_the_for_you_page_links_to(world, waiting):
    html = world.client_for("lead").get("/p/home/evidence/quotes/").content.decode()
    assert f'id="quote-{world.home.quote.pk}"' in html


def test_a_signed_out_visitor_is_sent_to_sign_in_and_has_no_count(world):
    response = world.client_for(None).get("/for-you/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "For you" not in world.client_for(None).get("/glossary/").content.decode()


@pytest.mark.parametrize("who", PEOPLE)
def test_the_count_is_one_query_however_much_is_waiting_and_none_for_a_viewer(
    world, waiting, who, django_assert_num_queries
):
    user = world.users[who]
    with access.request_scope():
        access.memberships(user)  # as every page has read them, for the header
        with django_assert_num_queries(0 if who == "viewer" else 1):
            foryou.for_you_count(user)


def test_the_header_adds_one_query_to_a_page(world, waiting, monkeypatch):
    client = world.client_for("lead")
    client.get("/p/home/plan/")  # the session and its caches, once

    def queries_of_page() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/p/home/plan/").status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    with_count = queries_of_page()
    monkeypatch.setattr(foryou, "count_waiting", lambda user: 0)
    without = queries_of_page()
    assert len(with_count) - len(without) == 1
    [count] = [sql for sql in with_count if "evidence_surveyupload" in sql]
    for table in ("plans_updaterequest", "plans_actionupdate", "evidence_quote", "indicators_"):
        assert table in count
    assert not [sql for sql in without if "evidence_surveyupload" in sql]


def test_the_page_reads_the_same_number_of_times_however_much_is_waiting(world, waiting):
    client = world.client_for("lead")
    client.get("/for-you/")

    def reads() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get("/for-you/")
        return len(captured.captured_queries)

    before = reads()
    for n in range(3):
        action: Any = f.ActionFactory(partnership=world.home.partnership, title=f"More {n}")
        undecided(action, TODAY)
        Quote.objects.create(coding=world.home.coding)
    assert reads() == before
    assert queries.for_you_count(world.users["lead"]) == 2 + 3 + 3
    assert ActionUpdate.objects.filter(decision__isnull=True).count() == 2 + 3


def test_each_link_opens_the_page_where_the_item_is_dealt_with(world, waiting):
    """The update form answers the request (and revises the returned update); the action page
    holds the update waiting for acceptance; the quotes page and the previews open."""
    for who in ("contributor", "lead", "editor"):
        client = world.client_for(who)
        for _, heading, _, link in expected(world, waiting)[who]:
            path, _, anchor = link.partition("#")
            response = client.get(path)
            assert response.status_code == 200, link
            html = response.content.decode()
            if anchor:
                assert f'id="{anchor}"' in html, link
            if heading == "Updates asked of you":
                request = path.split("request=")[1].split("&")[0]
                assert f'<input type="hidden" name="request" value="{request}">' in html
    returned = waiting["was_returned"].pk
    link = expected(world, waiting)["contributor"][1][3]
    html = world.client_for("contributor").get(link).content.decode()
    assert "Revise a returned update" in html
    assert f'<input type="hidden" name="revises" value="{returned}">' in html
