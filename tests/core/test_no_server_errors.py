"""No input gives a server error: every field of every form, posted hostile values, answers
below 500.

The fields come from the pages themselves: every page is read as the admin, and every
``<form method="post">`` on it is collected with the URL it posts to and the names of its
fields (hidden ones too), so a form on one page that posts to another (the mouse-selection
coding form on a source page, the publish buttons on a report) is reached as well as the page's
own form. A test checks that every page that takes a POST was found with its fields, and file
fields are sent hostile files as well as hostile values.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve, reverse

from tests import hostile
from tests.partnerships.matrix import MATRIX

HOSTILE = [
    "",
    " ",
    "\x00",
    "-1",
    "0",
    "99999999999999999999999",
    "1.5",
    "2024-13-45",
    "0000-00-00",
    "<script>alert(1)</script>",
    "Robert'); DROP TABLE partnerships_partnership;--",
    "Ceòl agus òrain 🎻 قصيدة",
    "x" * 20000,
]

# Each field sent twice (as a list): how a view reads a field given twice does not depend on
# its value, so an empty one, a number and words are enough.
TWICE = ["", "0", "Ceòl agus òrain 🎻 قصيدة"]

# Publishing renders a whole report in three formats, so its fields get the values that matter
# for free text only (an empty note, a null character, any script, a very long note).
SLOW = {"reports:review_publish", "reports:inspection_publish"}
SLOW_VALUES = ["", "\x00", "Ceòl agus òrain 🎻 قصيدة", "x" * 20000]

# Hostile files for file fields: small ones (the large ones are in test_hostile_uploads.py).
HOSTILE_FILES = [
    ("empty.csv", b""),
    ("garbage.csv", b"\xff\xfe\x00\x00garbage\x00\x01"),
    ("nul.txt", b"a\x00b"),
    ("broken.xlsx", b"PK\x03\x04 not a workbook"),
    ("entity.xlsx", hostile.xlsx_undefined_entity()),
    ("laughs.qdc", hostile.qdc_billion_laughs()),
    ("deep.qdc", hostile.qdc_nested(500)),
    ("crc.qdpx", hostile.qdpx_bad_crc()),
    ("broken.docx", b"PK\x03\x04 not a document"),
    ("broken.pdf", b"%PDF-1.4 nonsense"),
    ("no-extension", b"a,b\n1,2\n"),
]

FORM_URLS = sorted(
    name for name, row in MATRIX.items() if row[2] is not None and name.split(":")[0] != "accounts"
)


class _Forms(HTMLParser):
    """The POST forms of a page: (action, {field name: input type})."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "form" and found.get("method", "get").lower() == "post":
            self._current = {}
            self.forms.append((found.get("action", ""), self._current))
        elif tag in ("input", "select", "textarea") and self._current is not None:
            name = found.get("name")
            kind = found.get("type", tag).lower()
            if name and name != "csrfmiddlewaretoken" and kind not in ("submit", "button"):
                self._current[name] = kind

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def _url(world: Any, name: str) -> str:
    kwargs = MATRIX[name][0]
    return reverse(name, kwargs=kwargs(world.home) if kwargs else None)


_FIELDS: dict[str, dict[str, str]] = {}
# The fields of each page's own form (the ``form`` its template is given), by the page's URL
# name, read as the page is read for the forms it shows: the hostile test posts them too.
_OWN: dict[str, list[str]] = {}


def _who(name: str) -> str:
    """The administration pages are a service administrator's; every other, the admin's."""
    return "service_admin" if name.startswith("manage:") else "admin"


def fields_by_url_name(world: Any) -> dict[str, dict[str, str]]:
    """Every POST form's fields, by the URL name it posts to, read from every page once."""
    if _FIELDS:
        return _FIELDS
    clients: dict[str, Any] = {}  # one signed-in client each, not one a page
    for name in sorted(MATRIX):
        url = _url(world, name)
        who = _who(name)
        if who not in clients:
            clients[who] = world.client_for(who)
        page = clients[who].get(url)
        form = page.context["form"] if page.context and "form" in page.context else None
        _OWN[name] = list(form.fields) if form is not None else []
        if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(page.content.decode())
        for action, fields in parser.forms:
            try:
                target = resolve(action or url)
            except Resolver404:
                continue
            key = f"{target.namespace}:{target.url_name}" if target.namespace else target.url_name
            key = key or ""
            _FIELDS.setdefault(key, {}).update(fields)
    return _FIELDS


# Pages that take a POST with no field at all (a button), or whose form no page shows in the
# test world: every other POST page must be found with its fields.
BUTTONS = {
    "evidence:add_qi_codes",
    "evidence:add_wellbeing",
    "evidence:coding_remove",
    "evidence:quote_approve",
    "evidence:survey_discard",
    "indicators:upload_discard",
    "indicators:upload_preview",
    "manage:organisation_remove",
    "manage:partnership_archive",
    "members:deactivate",
    "members:reactivate",
    "members:invitation_resend",
    "members:invitation_revoke",
    # Shown only to someone signed out; tests/partnerships/test_invitations.py posts to it.
    "members:accept",
    # The button of a large download's page (jobs.exports), shown only above
    # FOLLOWUP_BACKGROUND_EXPORT_ROWS; tests/jobs/test_exports.py presses it.
    "evidence:excerpts_download",
    "evidence:export_qdpx",
}
# django-allauth's pages that the test world's admin is not shown a form for: signed-out pages
# (sign in, a reset or confirmation link), flows Followup leaves off (signing up, codes by email,
# a first password), second factors not set up, and pages with no form (a POST is refused). Their
# forms are allauth's; tests/accounts posts the ones Followup uses as they render. They still get
# the hostile values below.
ALLAUTH_UNSEEN = {
    "account_confirm_email",
    "account_confirm_login_code",
    "account_confirm_reauthentication_code",
    "account_email_verification_sent",
    "account_inactive",
    "account_login",
    "account_logout",
    "account_request_reauthentication_code",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_set_password",
    "account_signup",
}


def test_every_page_that_takes_a_post_is_found_in_a_page_with_its_fields(world):
    """The fields the pages show are what the hostile test posts, so a new form cannot be left
    out: a POST page found without fields must be a button, named here."""
    found = fields_by_url_name(world)
    assert {name for name in FORM_URLS if not found.get(name)} == BUTTONS | ALLAUTH_UNSEEN


@pytest.mark.parametrize("name", FORM_URLS)
def test_hostile_values_in_every_field_never_give_a_server_error(world, name):
    fields = fields_by_url_name(world).get(name, {})
    client = world.client_for(_who(name))
    url = _url(world, name)
    names = {field: "text" for field in _OWN[name]}
    names |= fields
    if name in SLOW:  # shown only once a first version is published
        names["correction_note"] = "textarea"
    files = [field for field, kind in names.items() if kind == "file"]
    values = [field for field in names if field not in files]
    for value in SLOW_VALUES if name in SLOW else HOSTILE:
        response = client.post(url, {field: value for field in values})
        assert response.status_code < 500, (name, value[:20])
    for value in SLOW_VALUES[:2] if name in SLOW else TWICE:
        many = client.post(url, {field: [value, value] for field in values})
        assert many.status_code < 500, (name, value[:20])
    for filename, content in HOSTILE_FILES if files else []:
        data: dict[str, Any] = {field: "x" for field in values}
        data |= {field: SimpleUploadedFile(filename, content) for field in files}
        response = client.post(url, data)
        assert response.status_code < 500, (name, filename)


def test_sign_in_with_hostile_values_never_gives_a_server_error(world):
    client = world.client_for(None)
    for value in HOSTILE:
        response = client.post(reverse("account_login"), {"login": value, "password": value})
        assert response.status_code == 200


def test_a_malformed_id_in_a_url_is_a_404_not_a_server_error(world):
    client = world.client_for("admin")
    for url in ["/p/home/inspections/99999999999999999999999/", "/p/home/actions/abc/", "/p/%00/"]:
        assert client.get(url).status_code == 404
