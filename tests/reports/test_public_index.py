"""Published reports can be found (#15): ``/public/`` lists every partnership that has
published, with the current version of each document; the sign-in page and a partnership's home
link to them; the public pages have a header, navigation and a way back. Only what is published
is ever shown: anyone, signed in or not, member or outsider, sees the same."""

from __future__ import annotations

import re

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from followup.reports import actions


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def main_of(response: HttpResponse) -> str:
    html = response.content.decode()
    return html[html.index('<main class="govuk-main-wrapper"') : html.index("</main>")]


def test_the_public_list_names_only_partnerships_that_have_published_and_their_current_versions(
    world,
):
    anyone = Client()
    assert "No partnership has published a report yet." in text_of(
        main_of(anyone.get(reverse("reports:public_index")))
    )
    first = actions.publish(world.users["inspector"], review=world.home.review)
    second = actions.publish(
        world.users["inspector"], review=world.home.review, correction_note="Corrected a figure"
    )
    response = anyone.get("/public/")
    assert response.status_code == 200
    main = main_of(response)
    assert "Homeshire" in main
    # Awayshire has only drafts: not named, and none of its drafts' titles appear.
    assert "Awayshire" not in main
    assert 'href="/public/home/"' in main
    # The current version is linked; the version it replaced is on the partnership's page.
    assert f'href="/public/home/reports/{second.pk}.html"' in main
    assert f"/reports/{first.pk}." not in main
    assert "Progress review report, version 2, published" in text_of(
        main
    ) and "Every version Homeshire has published, with its digests" in text_of(main)
    # No link into the partnership's own (signed-in) pages, where its drafts are.
    assert "/p/home/" not in main


def test_an_outsider_and_a_member_see_the_same_public_pages_as_anyone(world):
    actions.publish(world.users["inspector"], review=world.home.review)
    for who in ("outsider", "lead"):
        client = world.client_for(who)
        assert main_of(client.get("/public/")) == main_of(Client().get("/public/")), who
        assert main_of(client.get("/public/home/")) == main_of(Client().get("/public/home/"))
        # A partnership with nothing published has no public page, whoever asks.
        assert client.get("/public/away/").status_code == 404, who
    assert Client().get("/public/away/").status_code == 404


def test_the_sign_in_page_links_to_the_published_reports(db):
    html = Client().get(reverse("account_login")).content.decode()
    assert '<a class="govuk-link" href="/public/">Read published reports</a>' in html


def test_a_partnerships_home_links_its_public_page_once_it_has_published(world):
    lead = world.client_for("lead")
    before = text_of(lead.get("/p/home/").content.decode())
    assert "Nothing is published on Followup yet." in before
    assert 'href="/public/home/"' not in lead.get("/p/home/").content.decode()
    actions.publish(world.users["inspector"], review=world.home.review)
    after = lead.get("/p/home/").content.decode()
    assert '<a class="govuk-link" href="/public/home/">published reports of Homeshire</a>' in after
    # An outsider still cannot open the partnership's own home page.
    assert world.client_for("outsider").get("/p/home/").status_code == 404


def test_the_public_pages_have_a_header_navigation_and_a_way_back(world):
    actions.publish(world.users["inspector"], review=world.home.review)
    for path, crumbs in (
        ("/public/", ["Followup"]),
        ("/public/home/", ["Followup", "Published reports"]),
    ):
        html = Client().get(path).content.decode()
        assert 'class="govuk-generic-header followup-header"' in html
        nav = re.search(r'<section aria-label="Published reports".*?</section>', html, re.S)
        assert nav is not None, path
        links = re.findall(r'<a [^>]*href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(0))
        assert links == [
            ("/public/", "Published reports"),
            ("/public/", "All partnerships"),
            ("/accounts/login/", "Sign in"),
        ]
        trail = re.search(r'<nav class="govuk-breadcrumbs".*?</nav>', html, re.S)
        assert trail is not None
        assert re.findall(r'class="govuk-breadcrumbs__link"[^>]*>([^<]+)<', trail.group(0)) == (
            crumbs
        )
    # Signed in, the service's own navigation is shown and the trail starts at its home page.
    html = world.client_for("lead").get("/public/home/").content.decode()
    assert '<section aria-label="Published reports"' not in html
    assert '<a class="govuk-breadcrumbs__link" href="/">Followup</a>' in html
