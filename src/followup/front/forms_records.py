"""The form of the page that makes a sample's notes a qualitative source."""

from __future__ import annotations

from followup.web.forms import StrictForm


class NotesToSourceForm(StrictForm):
    """No fields: the button makes the source of the notes as they are (its one-time key makes a
    second press harmless)."""
