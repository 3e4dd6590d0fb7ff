"""FOLLOWUP_EMAIL_URL: one setting for how email is sent, read strictly."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from followup.env import Email, email_from_url

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_console_writes_each_message_to_standard_output():
    assert email_from_url("V", "console://") == Email(
        "django.core.mail.backends.console.EmailBackend"
    )


def test_plain_smtp_takes_user_password_host_and_port_percent_decoded():
    assert email_from_url(
        "V", "smtp://mail%40example.org:p%3Ass%2Fw%40rd@smtp.example.org:2525"
    ) == (Email(SMTP, "smtp.example.org", 2525, "mail@example.org", "p:ss/w@rd", False, False))
    assert email_from_url("V", "smtp://relay.internal") == Email(SMTP, "relay.internal", 25)


def test_starttls_is_smtp_tls_or_the_tls_option_and_defaults_to_port_587():
    expected = Email(SMTP, "smtp.example.org", 587, "u", "p", use_tls=True)
    assert email_from_url("V", "smtp+tls://u:p@smtp.example.org") == expected
    assert email_from_url("V", "smtp://u:p@smtp.example.org?tls=true") == expected
    assert email_from_url("V", "smtp://u:p@smtp.example.org:25?tls=false").use_tls is False


def test_smtps_is_tls_from_the_start_on_port_465():
    assert email_from_url("V", "smtps://u:p@smtp.example.org") == Email(
        SMTP, "smtp.example.org", 465, "u", "p", use_ssl=True
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "FOLLOWUP_EMAIL_URL must start with smtp://, smtp+tls://, smtps://, console://"),
        ("django.core.mail.backends.smtp.EmailBackend", "must start with smtp://"),
        ("http://smtp.example.org", "got http://"),
        ("smtp://", "an SMTP URL needs a host name"),
        ("smtp://smtp.example.org:port", "the port must be a number from 1 to 65535"),
        ("smtp://smtp.example.org:0", "the port must be a number from 1 to 65535"),
        ("smtp://smtp.example.org:70000", "the port must be a number from 1 to 65535"),
        ("smtp://smtp.example.org/inbox", "with no path"),
        ("smtp://smtp.example.org?ssl=true", "the only option an SMTP URL takes is ?tls="),
        ("smtp://smtp.example.org?tls=maybe", "the only option an SMTP URL takes is ?tls="),
        ("smtps://smtp.example.org?tls=true", "smtps:// is TLS already"),
        ("console://somewhere", "console:// takes nothing after it"),
    ],
)
def test_anything_else_stops_with_a_message_naming_the_variable(url, message):
    with pytest.raises(ImproperlyConfigured, match="FOLLOWUP_EMAIL_URL") as refused:
        email_from_url("FOLLOWUP_EMAIL_URL", url)
    assert message in str(refused.value)


def settings_in_a_fresh_process(**env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FOLLOWUP_", "DJANGO_"))}
    code = "import followup.settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT)"
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**base, "FOLLOWUP_SECRET_KEY": "k" * 10, "FOLLOWUP_DEBUG": "true", **env},
        timeout=60,
    )


def test_a_server_on_this_machine_writes_email_to_the_console_by_default():
    result = settings_in_a_fresh_process(FOLLOWUP_HTTPS="false")
    assert result.stdout.split()[0] == "django.core.mail.backends.console.EmailBackend"


def test_a_server_with_https_on_must_be_told_how_to_send_email():
    result = settings_in_a_fresh_process(FOLLOWUP_HTTPS="true")
    assert result.returncode == 1
    assert "FOLLOWUP_EMAIL_URL must be set when FOLLOWUP_HTTPS is on" in result.stderr
    given = settings_in_a_fresh_process(
        FOLLOWUP_HTTPS="true", FOLLOWUP_EMAIL_URL="smtp+tls://u:p@smtp.example.org"
    )
    assert given.stdout.split() == [SMTP, "smtp.example.org", "587"]
