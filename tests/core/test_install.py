"""docs/install.md's walk from a fresh installation to a first partnership and its first chart,
run as written: the test reads the ``followup`` lines of that section's code blocks and runs
each in this process (``followup.cli.main``), on a fresh database without the demo."""

from __future__ import annotations

import io
import re
import shlex
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from followup.audit.models import AuditEntry
from followup.cli import main
from followup.indicators.models import DataValue
from followup.partnerships.models import Area, Partnership

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / "docs" / "install.md"
SECTION = "## A new service, from nothing to its first partnership"
PASSWORD = "a-long-password-for-the-first-administrator"

CHART = """\
looked_after_total: Scotland (S92000003), run chart of 13 points
period            value     centre
2009-03-31       15,288   14,897.0
2010-07-31       15,892   14,897.0
2011-07-31       16,231   14,897.0
2012-07-31       16,248   14,897.0
2014-07-31       15,580   14,897.0
2016-07-31       15,317   14,897.0
2017-07-31       14,897   14,897.0
2018-07-31       14,738   14,897.0
2019-07-31       14,262   14,897.0
2020-07-31       14,458   14,897.0
2021-07-31       13,255   14,897.0
2022-07-31       12,596   14,897.0
2023-07-31       12,206   14,897.0
The number crossed its median only once in 12 points (chance would give at least 3): the process has shifted or drifted.
"""


def documented_commands() -> list[tuple[list[str], str | None]]:
    """Each ``followup`` line of the section's ``sh`` blocks: its arguments, and what it reads
    on standard input (the administrator's password, for a line piped from ``printf``)."""
    text = INSTALL.read_text(encoding="utf-8")
    section = text[text.index(SECTION) : text.index("\n## ", text.index(SECTION) + 1)]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.S):
        for line in block.splitlines():
            stdin = None
            if "| followup " in line:
                assert "$ADMIN_PASSWORD" in line, line
                line, stdin = line.split("| ", 1)[1], PASSWORD + "\n"
            if line.startswith("followup "):
                commands.append((shlex.split(line)[1:], stdin))
    return commands


def test_the_walk_documents_every_step():
    assert [arguments[0] for arguments, _ in documented_commands()] == [
        "setup",
        "setup",
        "create-partnership",
        "import-data",
        "chart",
    ]


@pytest.fixture
def followup(settings, tmp_path, monkeypatch, capsys):
    """Run ``followup ARGS`` in this process: (exit status, standard output, standard error)."""
    settings.STATIC_ROOT = str(tmp_path / "static")
    monkeypatch.chdir(ROOT)

    def run(arguments: list[str], stdin: str | None = None) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
        status = main(arguments)
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.mark.django_db
def test_a_fresh_install_without_the_demo_reaches_a_chart_of_scotlands_looked_after_children(
    followup,
):
    assert not Area.objects.exists() and not User.objects.exists()
    outputs = []
    for arguments, stdin in documented_commands():
        status, out, err = followup(arguments, stdin)
        assert status == 0, (arguments, out, err)
        outputs.append(out)
    setup, admin, partnership, imported, chart = outputs
    assert setup.splitlines()[0] == "Database: up to date."
    assert "Areas: 55 added, 0 updated, 0 unchanged (the official geography of Scotland)." in setup
    assert "Framework library: 4 loaded, 0 unchanged." in setup
    assert "Reading templates: 1 loaded, 0 unchanged." in setup
    # The second run is the administrator's: nothing else changes.
    assert admin.splitlines()[:3] == [
        "Database: up to date.",
        "Areas: up to date (55 official areas).",
        "Framework library: up to date (4 files).",
    ]
    assert "Administrator: created alice (a service administrator)." in admin
    assert partnership == (
        "Created the partnership Fife children's services partnership (fife) for Fife "
        "(S12000047).\n"
    )
    assert imported.endswith("Imported 14 values.\n")
    assert chart == CHART

    alice = User.objects.get(username="alice")
    assert alice.is_superuser and alice.check_password(PASSWORD)
    assert Partnership.objects.get(slug="fife").area == Area.objects.get(code="S12000047")
    scotland = DataValue.objects.filter(area__code="S92000003", element__code="looked_after_total")
    assert scotland.count() == 14
    assert sorted(scotland.filter(period_id="2019-07-31").values_list("value", flat=True)) == [
        14015.0,
        14262.0,
    ]
    # The first administrator must set up a second factor before anything else.
    client = Client()
    assert client.login(username="alice", password=PASSWORD)
    assert client.get("/")["Location"] == "/accounts/2fa/totp/activate/"
    verbs = set(AuditEntry.objects.values_list("verb", flat=True))
    assert {"area.create", "user.create", "partnership.create"} <= verbs


@pytest.mark.django_db
def test_setup_for_an_administrator_who_exists_changes_nothing_and_a_plain_user_is_refused(
    followup,
):
    assert followup(["setup", "--admin", "alice", "--password-stdin"], PASSWORD + "\n")[0] == 0
    entries = AuditEntry.objects.count()
    status, out, _ = followup(["setup", "--admin", "alice", "--password-stdin"], PASSWORD + "\n")
    assert status == 0
    assert out == (
        "Database: up to date.\n"
        "Areas: up to date (55 official areas).\n"
        "Framework library: up to date (4 files).\n"
        "Reading templates: up to date (1 template).\n"
        "Administrator: alice exists already, unchanged.\n"
    )
    assert AuditEntry.objects.count() == entries
    User.objects.create_user("bob", password=PASSWORD)
    status, _, err = followup(["setup", "--admin", "bob", "--password-stdin"], PASSWORD + "\n")
    assert status == 1
    assert "'bob' is a user already, and not an administrator" in err
    assert followup(["setup", "--password-stdin"])[2] == (
        "setup: --password-stdin is for the administrator: give --admin USERNAME.\n"
    )
    status, _, err = followup(["setup", "--admin", "carol", "--password-stdin"], "short\n")
    assert status == 1 and err.startswith("setup: This password is too short.")
    assert not User.objects.filter(username="carol").exists()


@pytest.mark.django_db
def test_create_partnership_refuses_an_unknown_or_replaced_area_and_a_taken_slug(followup):
    followup(["setup"])
    name = ["--name", "Fife children's services partnership"]
    assert followup(["create-partnership", "fife", *name, "--area", "S12999999"])[2] == (
        "create-partnership: no area has the code 'S12999999': expected an official code such "
        "as S12000028 (South Ayrshire). 'followup setup' loads them.\n"
    )
    assert followup(["create-partnership", "fife", *name, "--area", "S12000015"])[2] == (
        "create-partnership: Fife (S12000015) is no longer in use: its code was replaced by "
        "Fife (S12000047) from 2018-02-02.\n"
    )
    assert followup(["create-partnership", "fife", *name])[0] == 0
    status, _, err = followup(["create-partnership", "fife", *name])
    assert (status, err) == (
        1,
        "create-partnership: a partnership already has the slug 'fife'. Choose another slug (it "
        "is the partnership's part of every address, /p/SLUG/); nothing was created.\n",
    )
    assert Partnership.objects.count() == 1


@pytest.mark.django_db
def test_chart_names_what_it_cannot_find(followup):
    followup(["setup"])
    chart = ["chart", "--element", "looked_after_total"]
    assert followup([*chart, "--area", "S1"])[2] == "chart: no area has the code 'S1'.\n"
    assert followup([*chart, "--area", "S92000003"])[2] == (
        "chart: no data element has the code 'looked_after_total'.\n"
    )
    assert followup([*chart, "--area", "S92000003", "--partnership", "x"])[2] == (
        "chart: no partnership has the slug 'x'.\n"
    )
