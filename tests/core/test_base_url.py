"""FOLLOWUP_BASE_URL (#17): the address the update cycle's emailed links start with, read
strictly, and required in production by ``followup check --deploy``."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from followup.env import base_url
from followup.web.checks import emailed_links_have_an_address
from tests.core.test_cli import run
from tests.core.test_deploy_checks import _production


@pytest.mark.parametrize(
    ("given", "read"),
    [
        ("", ""),
        ("https://followup.example.org", "https://followup.example.org"),
        ("https://followup.example.org/", "https://followup.example.org"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        (" https://Followup.Example.org:8443 ", "https://Followup.Example.org:8443"),
    ],
)
def test_the_address_is_a_scheme_a_host_and_a_port_without_a_trailing_slash(given, read):
    assert base_url("FOLLOWUP_BASE_URL", given) == read


@pytest.mark.parametrize(
    "given",
    [
        "followup.example.org",
        "ftp://followup.example.org",
        "https://",
        "https://followup.example.org/followup/",
        "https://followup.example.org?next=/",
        "https://followup.example.org#top",
        "https://user:secret@followup.example.org",
        "https://followup.example.org:0",
        "https://followup.example.org:99999",
        "javascript:alert(1)",
    ],
)
def test_anything_else_stops_the_process_naming_the_variable(given):
    with pytest.raises(ImproperlyConfigured, match=r"^FOLLOWUP_BASE_URL must be the address"):
        base_url("FOLLOWUP_BASE_URL", given)


@override_settings(HTTPS=True, BASE_URL="")
def test_a_production_server_without_the_address_is_an_error():
    (problem,) = emailed_links_have_an_address()
    assert problem.id == "followup.E105"
    assert "Set FOLLOWUP_BASE_URL to the address people reach Followup at" in str(problem.hint)


@pytest.mark.parametrize(
    ("https", "address"), [(True, "https://followup.example.org"), (False, "")]
)
def test_with_the_address_or_on_this_machine_there_is_nothing_to_say(https, address):
    with override_settings(HTTPS=https, BASE_URL=address):
        assert emailed_links_have_an_address() == []


def test_check_deploy_fails_for_the_documented_settings_without_the_address(tmp_path):
    result = run("check", "--deploy", env=_production(tmp_path, FOLLOWUP_BASE_URL="-"))
    assert result.returncode == 1
    assert "(followup.E105) FOLLOWUP_BASE_URL is not set" in result.stderr
