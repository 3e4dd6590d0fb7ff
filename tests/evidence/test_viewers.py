"""Viewers see what a published report would: approved, redacted quotes, never original words.

Every page and download the project defines is fetched as a viewer, and none may carry a word
that only the original evidence holds: a name redacted from an approved quote, the words of an
unapproved one, a source's title, a case's reference, a coder's memo.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from followup.evidence.models import Case, Code, Coding, Quote, Source
from tests.partnerships.matrix import MATRIX, url_of

SECRETS = ("Jamie", "Quarrybank", "Ref-7731", "Marram", "followed up on Tuesday")


@pytest.fixture
def words(world):
    """A child's answer naming a worker, an approved quote with the name hidden, an unapproved
    quote, and the title, case reference and memo only readers of evidence may see."""
    site = world.home
    partnership = site.partnership
    case = Case.objects.create(
        partnership=partnership,
        name="Ref-7731",
        attributes={"Respondent group": "Child or young person"},
    )
    text = "My worker Jamie listens to me. We walked to Marram beach."
    source = Source.objects.create(
        partnership=partnership,
        title="Visit to the Quarrybank family",
        text=text,
        case=case,
        memo="followed up on Tuesday",
    )
    code = Code.objects.create(partnership=partnership, name="Listened to")
    code.recommendations.add(site.recommendation)
    listened = Coding.objects.create(
        source=source, code=code, start=0, end=30, memo="followed up on Tuesday"
    )
    outing = Coding.objects.create(source=source, code=code, start=31, end=len(text))
    approved = Quote.objects.create(
        coding=listened, redactions=[[10, 15, "name"]], status=Quote.Status.APPROVED
    )
    approved.recommendations.add(site.recommendation)
    Quote.objects.create(coding=outing)  # proposed, not approved
    return approved


def _text(content: bytes) -> str:
    """A response's text, with the files inside a zip (XLSX, DOCX) read out."""
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return content.decode("utf-8", "replace")


def _every_get(world) -> list[str]:
    urls = [url_of(world, name) for name in sorted(MATRIX)]
    home = world.home
    for name, fmt in [("matrix_download", "xlsx"), ("cooccurrence_download", "csv")]:
        urls.append(reverse(f"evidence:{name}", args=["home", fmt]))
    for fmt in ("csv", "xlsx"):
        urls.append(reverse("evidence:excerpts_download", args=["home", fmt]))
    urls.append(reverse("reports:review_file", args=["home", home.review.pk, "html"]))
    return urls


def test_a_viewer_reads_the_approved_redacted_quote_and_no_original_word_anywhere(world, words):
    client = world.client_for("viewer")
    quotes = client.get(reverse("evidence:quotes", args=["home"])).content.decode()
    assert "My worker [name] listens to me" in quotes
    reached = []
    for url in _every_get(world):
        response = client.get(url)
        if response.status_code != 200:
            continue
        reached.append(url)
        body = _text(response.getvalue())
        for secret in SECRETS:
            assert secret not in body, (url, secret)
        assert "We walked to" not in body, url  # the unapproved quote's words
    for name in ("evidence:analysis", "evidence:quotes", "front:recommendation"):
        assert url_of(world, name) in reached
    assert len(reached) >= 20


def test_those_who_read_evidence_do_see_the_original_words(world, words):
    """The crawl above could find them: a contributor sees each secret somewhere."""
    client = world.client_for("contributor")
    responses = [client.get(url) for url in _every_get(world)]
    bodies = "\n".join(_text(r.getvalue()) for r in responses if r.status_code == 200)
    for secret in SECRETS:
        assert secret in bodies, secret


@pytest.mark.parametrize(
    "name", ["evidence:source", "evidence:excerpts", "evidence:cases", "evidence:excerpts_download"]
)
def test_a_viewer_is_refused_the_pages_of_original_words(world, words, name):
    assert world.client_for("viewer").get(url_of(world, name)).status_code == 403
