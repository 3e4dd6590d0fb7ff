"""The time as Followup's scheduled work sees it: one place, so that a test can move the clock
(``monkeypatch.setattr(clock, "now", ...)``) and see reminders and escalations fall due."""

from __future__ import annotations

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    """The current time, timezone-aware."""
    return timezone.now()


def today() -> datetime.date:
    """Today's date in the service's time zone."""
    return timezone.localdate(now())
