"""A log control search is itself logged; its purpose names the filters in Swedish (issue 13,
demo walk with forms: "Loggkontroll: action=view, date_from=2026-12-02, date_to=…")."""

from __future__ import annotations

import pytest

from samverkan.logcontrol.forms import EventFilterForm

pytestmark = pytest.mark.django_db


def test_the_search_is_described_by_the_forms_words() -> None:
    form = EventFilterForm(
        {"action": "view", "date_from": "2026-12-01", "date_to": "2026-12-02", "user": "ssk.gavle"}
    )
    assert form.is_valid(), form.errors
    assert form.describe() == (
        "Loggkontroll: Användarnamn: ssk.gavle, Händelse: visa, "
        "Från och med: 2026-12-01, Till och med: 2026-12-02"
    )
