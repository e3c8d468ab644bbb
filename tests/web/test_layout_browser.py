"""Layout in a real browser (issue 13): every control is a 44×44 px target.

The guide's answer choices are radio buttons and checkboxes with a label beside them; the
input itself and its label must each give a 44 px high target, and the input 44 px wide
(a 22×22 px radio with a taller row around it was the finding).
"""

from __future__ import annotations

import pytest
from django.urls import get_resolver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TARGET = 44
VIEWPORTS = [{"width": 1280, "height": 800}, {"width": 768, "height": 1024}]


def _small_choices(page) -> list[str]:
    """Each choice input or label of the page smaller than a 44 px target, described."""
    boxes = page.eval_on_selector_all(
        ".choice input, .choice label",
        """els => els.map(el => {
            const r = el.getBoundingClientRect();
            return {tag: el.tagName.toLowerCase(), text: (el.textContent || el.id).trim(),
                    width: r.width, height: r.height};
        })""",
    )
    assert boxes, "the page shows no answer choices"
    small = []
    for box in boxes:
        too_narrow = box["tag"] == "input" and box["width"] < TARGET
        if box["height"] < TARGET or too_narrow:
            small.append(f"{box['tag']} {box['text']!r}: {box['width']:.0f}×{box['height']:.0f}")
    return small


def test_guide_choices_are_44_px_targets(page) -> None:
    get_resolver().url_patterns  # noqa: B018  (import every app's views before the clock runs)
    problems = []
    for size in VIEWPORTS:
        page.set_viewport_size(size)
        response = page.goto("/guide/")
        assert response is not None and response.ok
        problems += [f"{size['width']} px: {p}" for p in _small_choices(page)]
    assert not problems, "controls under 44×44 px on the guide:\n" + "\n".join(problems)
