"""What the web helpers keep themselves: the one-time keys of create forms (``web.submissions``)."""

from __future__ import annotations

from django.db import models


class Submission(models.Model):
    """A create form's one-time key, written in the same transaction as what the form made, so
    a second submit of the same form finds it and is told the first one's result."""

    key = models.CharField(max_length=64, unique=True, help_text="The form's one-time key.")
    user_id = models.BigIntegerField(null=True, blank=True, help_text="Who submitted it.")
    path = models.CharField(max_length=500, help_text="The address the form was sent to.")
    at = models.DateTimeField(auto_now_add=True)
    done_url = models.CharField(
        max_length=500, blank=True, help_text="Where the first submit led: what it made."
    )

    def __str__(self) -> str:
        return f"{self.path} at {self.at:%Y-%m-%d %H:%M}"
