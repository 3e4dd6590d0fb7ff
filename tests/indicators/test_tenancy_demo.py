"""The exact sequences of #10 on the demo: Glenmorran's lead (the demo's `outsider`) and South
Ayrshire's published report; and South Ayrshire's own new figures, its derived total and its
comparisons. One demo load each: these are the sequences as filed."""

from __future__ import annotations

import contextlib
import datetime
import html as entities
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from followup.cli import build_parser
from followup.cli_data import cmd_export_data
from followup.indicators.models import DataElement, DataValue, Indicator, Release
from followup.partnerships.models import Area, Partnership
from followup.reviews.models import ProgressReview
from tests.indicators.figures import put

PASSWORD = "demo-password-for-tests"
ATTACK = b"area_code,period,data_element,value\nS12000028,2024-07-31,looked_after_residential,0\n"


@pytest.fixture
def demo(demo_for_module, db) -> None:
    """The demo as loaded (once for the module); each test's changes are rolled back."""


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def words(content: bytes | str) -> str:
    text = content.decode() if isinstance(content, bytes) else content
    return " ".join(entities.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def test_glenmorrans_import_changes_and_reveals_nothing_of_south_ayrshire(demo):
    outsider = signed_in("outsider")
    before = DataValue.objects.count()
    staged = outsider.post(
        reverse("indicators:upload", args=["glenmorran"]),
        {
            "file": SimpleUploadedFile("figures.csv", ATTACK),
            "release": "Glenmorran private release",
        },
    )
    preview = words(outsider.get(staged["Location"]).content)
    assert "Nothing can be imported from this file" in preview
    assert (
        "looked_after_residential is an official data element: Glenmorran children's services "
        "partnership may give no figures for it, having no area of its own, not for S12000028"
        in preview
    )
    assert outsider.post(staged["Location"]).status_code == 200
    assert DataValue.objects.count() == before
    assert not Release.objects.filter(name="Glenmorran private release").exists()

    # Even the figure the bug let Glenmorran write stays Glenmorran's alone.
    glenmorran = Partnership.objects.get(slug="glenmorran")
    south_ayrshire = Area.objects.get(code="S12000028")
    residential = DataElement.objects.get(code="looked_after_residential", partnership=None)
    # Both are dated before the demo review's evidence cut-off, so its report would show them.
    published = datetime.date(2018, 1, 31)
    planted = Release.objects.create(
        name="Glenmorran private release", partnership=glenmorran, published_on=published
    )
    put(planted, residential, south_ayrshire, "2024-07-31", 0)
    # And South Ayrshire has a private figure of its own that Glenmorran must never see.
    sa = Partnership.objects.get(slug="south-ayrshire")
    own = Release.objects.create(
        name="South Ayrshire private return", partnership=sa, published_on=published
    )
    put(own, residential, south_ayrshire, "2021-07-31", 31)

    lead = signed_in("lead")
    indicator = Indicator.objects.get(partnership=sa, code="residential-care")
    page = lead.get(reverse("indicators:detail", args=["south-ayrshire", indicator.pk]))
    assert [p.period for p in page.context["analysis"].points][-2:] == ["2020-07-31", "2021-07-31"]
    assert "Glenmorran" not in page.content.decode()
    review = ProgressReview.objects.get(inspection__partnership=sa)
    draft = lead.get(reverse("reports:review", args=["south-ayrshire", review.pk]))
    assert "Glenmorran" not in draft.content.decode()
    assert "South Ayrshire private return" in draft.content.decode()
    # Publishing freezes this same composition: tests/reports/test_tenancy.py publishes one.

    # The other way: Glenmorran's preview and export-data show nothing of South Ayrshire's own.
    staged = outsider.post(
        reverse("indicators:upload", args=["glenmorran"]),
        {
            "file": SimpleUploadedFile(
                "figures.csv",
                b"area_code,period,data_element,value\nS12000028,2021-07-31,looked_after_residential,5\n",
            ),
            "release": "Glenmorran return",
        },
    )
    preview = outsider.get(staged["Location"]).content.decode()
    assert "South Ayrshire private return" not in preview and "31" not in words(preview)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        args = ["export-data", "--partnership", "glenmorran", "--all-releases"]
        assert cmd_export_data(build_parser().parse_args(args)) == 0
    assert "South Ayrshire private return" not in out.getvalue()
    assert "S12000028,2024-07-31,looked_after_residential,0,Glenmorran private release" in (
        out.getvalue()
    )  # Glenmorran's own, to Glenmorran


def test_south_ayrshires_new_parts_carry_its_derived_total_and_comparisons_on(demo):
    lead = signed_in("lead")
    staged = lead.post(
        reverse("indicators:upload", args=["south-ayrshire"]),
        {
            "file": SimpleUploadedFile(
                "figures.csv",
                b"area_code,period,data_element,value\n"
                b"S12000028,2021-07-31,looked_after_community,280\n"
                b"S12000028,2021-07-31,looked_after_residential,20\n",
            ),
            "release": "South Ayrshire return, July 2021",
        },
    )
    preview = words(lead.get(staged["Location"]).content)
    assert (
        "so importing this file changes these series too: "
        "looked_after_community_and_residential for S12000028." in preview
    )
    assert "looked_after_community_and_residential S12000028 31 July 2021 No figure 300" in preview
    assert lead.post(staged["Location"]).status_code == 302
    share = Indicator.objects.get(partnership__slug="south-ayrshire", code="residential-share")
    page = lead.get(reverse("indicators:detail", args=["south-ayrshire", share.pk]))
    points = page.context["analysis"].points
    assert (points[-1].period, points[-1].value) == ("2021-07-31", 20 / 300 * 100)
    # 2021 is South Ayrshire's own figure: no other council has one, so no "1st highest of 1".
    residential = Indicator.objects.get(partnership__slug="south-ayrshire", code="residential-care")
    text = words(
        lead.get(reverse("indicators:detail", args=["south-ayrshire", residential.pk])).content
    )
    assert "highest of 1 " not in text
    assert "No other area has a figure for 31 July 2021 yet, so this compares 31 July 2020" in text
    assert (
        "Compared with Scotland and other councils, 31 July 2020 South Ayrshire: 29 ; "
        "Scotland: 1,436 ; the 19th highest of the 32 areas in ‘All 32 Scottish councils’ with a "
        "figure for 31 July 2020." in text
    )
