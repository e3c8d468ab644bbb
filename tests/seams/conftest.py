"""Seam tests follow one person through several rooms. They reuse the tjänsteköp world
(`tk`, `register`) and run on a fixed clock: 2026-03-20 12:00 in Stockholm."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.purchases.conftest import register, tk  # noqa: F401  (fixtures)

STOCKHOLM = dt.timezone(dt.timedelta(hours=1))
NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=STOCKHOLM)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """`timezone.now()` (and so `timezone.localdate()`) is NOW in every room."""
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    return NOW
