"""The site's day: daily limits, rewards and sign-ins count in the site's time zone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def start_of_today() -> dt.datetime:
    """Midnight that began the current day in the site's time zone (aware)."""
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
