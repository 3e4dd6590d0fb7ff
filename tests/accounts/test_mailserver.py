from __future__ import annotations

from django.core.mail import send_mail

from tests.mailserver import Inbox


def test_a_message_sent_through_the_settings_smtp_server_arrives_in_the_test_inbox(
    smtp_server: Inbox,
) -> None:
    send_mail("Hello", "Go to https://followup.example/x/ now.", None, ["someone@example.org"])
    (message,) = smtp_server.to("someone@example.org")
    assert message["Subject"] == "Hello"
    assert smtp_server.links(message) == ["https://followup.example/x/"]
