"""The stay page in a real browser (issue 13): its details toggles are 44 px targets."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = [{"width": 1280, "height": 800}, {"width": 768, "height": 1024}]


def test_stay_page_details_toggles_are_44_px_high(page, login, staff, stay) -> None:
    """Every <summary> opens and closes its details: a control, so at least 44 px high
    (the base CSS gives every summary that; "Så räknas betalningsansvaret" was 26 px)."""
    login(page, staff.ward_nurse)
    problems = []
    for size in VIEWPORTS:
        page.set_viewport_size(size)
        response = page.goto(reverse("discharge:detail", args=[stay.pk]))
        assert response is not None and response.ok
        boxes = page.eval_on_selector_all(
            "summary",
            """els => els.filter(el => el.offsetParent !== null).map(el => {
                const r = el.getBoundingClientRect();
                return {text: el.textContent.trim(), height: r.height};
            })""",
        )
        assert any(b["text"] == "Så räknas betalningsansvaret" for b in boxes), boxes
        problems += [
            f"{size['width']} px: {b['text']!r} {b['height']:.0f} px"
            for b in boxes
            if b["height"] < 44
        ]
    assert not problems, "details toggles under 44 px high:\n" + "\n".join(problems)
