"""``followup check --deploy`` (and ``followup serve`` as it starts) finds a configuration that
would redirect every request to itself or send no HSTS header, and says what to set."""

from __future__ import annotations

from django.test import override_settings

from followup.web.checks import https_is_seen_behind_the_proxy
from tests.core.test_cli import documented_production_settings, run

BEHIND = {"HTTPS": True, "SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31536000}
HEADERS = ["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"]


def _ids() -> list[str]:
    return [problem.id or "" for problem in https_is_seen_behind_the_proxy()]


@override_settings(**BEHIND, TRUSTED_PROXY="127.0.0.1", TRUSTED_PROXY_HEADERS=HEADERS)
def test_a_trusted_proxy_that_forwards_the_scheme_is_a_sound_configuration():
    assert _ids() == []


@override_settings(**BEHIND, TRUSTED_PROXY="", TRUSTED_PROXY_HEADERS=HEADERS)
def test_https_with_the_redirect_and_no_trusted_proxy_is_an_error_that_names_the_loop():
    (problem,) = https_is_seen_behind_the_proxy()
    assert problem.id == "followup.E101"
    assert "every request would redirect to itself" in problem.msg
    assert "set FOLLOWUP_TRUSTED_PROXY to the proxy's address" in str(problem.hint)


@override_settings(
    **{**BEHIND, "SECURE_SSL_REDIRECT": False}, TRUSTED_PROXY="", TRUSTED_PROXY_HEADERS=HEADERS
)
def test_https_without_the_redirect_and_no_trusted_proxy_is_an_error_that_names_the_lost_hsts():
    (problem,) = https_is_seen_behind_the_proxy()
    assert "no HSTS header would be sent" in problem.msg


@override_settings(**BEHIND, TRUSTED_PROXY="127.0.0.1", TRUSTED_PROXY_HEADERS=["x-forwarded-for"])
def test_a_trusted_proxy_whose_scheme_header_is_not_taken_is_an_error():
    assert _ids() == ["followup.E101"]


@override_settings(
    **BEHIND,
    TRUSTED_PROXY="",
    TRUSTED_PROXY_HEADERS=HEADERS,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
def test_another_server_told_of_the_proxy_by_followup_behind_proxy_is_a_sound_configuration():
    assert _ids() == []


@override_settings(
    **{**BEHIND, "SECURE_HSTS_SECONDS": 0}, TRUSTED_PROXY="127.0.0.1", TRUSTED_PROXY_HEADERS=HEADERS
)
def test_https_with_hsts_seconds_zero_is_an_error():
    (problem,) = https_is_seen_behind_the_proxy()
    assert problem.id == "followup.E102"
    assert "Set FOLLOWUP_HSTS_SECONDS to 31536000" in str(problem.hint)


@override_settings(**BEHIND, TRUSTED_PROXY="*", TRUSTED_PROXY_HEADERS=HEADERS)
def test_trusting_every_address_as_the_proxy_is_a_warning():
    assert _ids() == ["followup.W103"]


@override_settings(HTTPS=False, SECURE_SSL_REDIRECT=False, SECURE_HSTS_SECONDS=0, TRUSTED_PROXY="")
def test_plain_http_on_this_machine_has_nothing_to_say_here():
    assert _ids() == []


def _production(tmp_path, **changes: str) -> dict[str, str]:
    env = documented_production_settings()
    key = tmp_path / "secret"
    key.write_text("a-production-secret-key-that-is-long-and-random-0123456789abcdefXYZ")
    key.chmod(0o600)
    env.update(FOLLOWUP_SECRET_KEY_FILE=str(key), FOLLOWUP_DATA_DIR=str(tmp_path / "var"))
    env.update(changes)
    return {name: value for name, value in env.items() if value != "-"}


def test_check_deploy_fails_for_the_documented_settings_without_the_trusted_proxy(tmp_path):
    result = run("check", "--deploy", env=_production(tmp_path, FOLLOWUP_TRUSTED_PROXY="-"))
    assert result.returncode == 1
    assert "(followup.E101) FOLLOWUP_HTTPS is on, but Followup cannot tell" in result.stderr
    assert "every request would redirect to itself" in result.stderr


def test_check_deploy_fails_for_the_documented_settings_with_hsts_seconds_zero(tmp_path):
    result = run("check", "--deploy", env=_production(tmp_path, FOLLOWUP_HSTS_SECONDS="0"))
    assert result.returncode == 1
    assert "(followup.E102) FOLLOWUP_HTTPS is on but FOLLOWUP_HSTS_SECONDS is 0" in result.stderr
