"""No input gives a server error: every form, posted hostile values, answers below 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.partnerships.test_access_matrix import MATRIX

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

# Publishing renders a whole report in three formats, so its one field gets the values that
# matter for free text only (an empty note, a null character, any script, a very long note).
SLOW = {"reports:review_publish", "reports:inspection_publish"}
SLOW_VALUES = ["", "\x00", "Ceòl agus òrain 🎻 قصيدة", "x" * 20000]

FORM_URLS = sorted(
    name for name, row in MATRIX.items() if row[2] is not None and name.split(":")[0] != "accounts"
)


@pytest.mark.parametrize("name", FORM_URLS)
def test_hostile_values_in_every_field_never_give_a_server_error(world, name):
    client = world.client_for("admin")
    kwargs = MATRIX[name][0]
    url = reverse(name, kwargs=kwargs(world.home) if kwargs else None)
    page = client.get(url)
    form = page.context["form"] if page.context and "form" in page.context else None
    fields = list(form.fields) if form is not None else ["on", "status", "rating", "note"]
    if name in SLOW:
        fields.append("correction_note")
    for value in SLOW_VALUES if name in SLOW else HOSTILE:
        response = client.post(url, {field: value for field in fields})
        assert response.status_code < 500, (name, value[:20])
        many = client.post(url, {field: [value, value] for field in fields})
        assert many.status_code < 500, (name, value[:20])


def test_sign_in_with_hostile_values_never_gives_a_server_error(world):
    client = world.client_for(None)
    for value in HOSTILE:
        response = client.post(reverse("accounts:login"), {"username": value, "password": value})
        assert response.status_code == 200


def test_a_malformed_id_in_a_url_is_a_404_not_a_server_error(world):
    client = world.client_for("admin")
    for url in ["/p/home/inspections/99999999999999999999999/", "/p/home/actions/abc/", "/p/%00/"]:
        assert client.get(url).status_code == 404
