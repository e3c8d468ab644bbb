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


#: Each list card's cells at 768 px: the caption's width beside the list's, the cells' rows
#: (a card of one value per line has as many rows as cells), and cells whose text runs over.
CARD_LAYOUT = r"""
() => {
  const table = document.querySelector('table.table-cards');
  const caption = table.querySelector('caption').getBoundingClientRect();
  const cards = [...table.querySelectorAll('tbody tr')].map(tr => {
    const cells = [...tr.children];
    const rows = new Set(cells.map(c => Math.round(c.getBoundingClientRect().top)));
    const over = cells.filter(c => c.scrollWidth > c.clientWidth + 1)
      .map(c => c.innerText.trim().slice(0, 40));
    return {cells: cells.length, rows: rows.size, over};
  });
  return {caption: caption.width, table: table.getBoundingClientRect().width, cards};
}
"""


def test_list_cards_at_768_px_are_compact_and_nothing_runs_over(
    page, login, make_staff, orgs
) -> None:
    """At 768 px a list becomes cards (issue 13). The finding: the count above the list
    ("20 ärenden") broke into "20 / ärenden", each card stacked its nine cells one a line
    (twenty deviations made a 12 600 px page), and a long category ran over the next cell."""
    import datetime as dt

    from samverkan.accounts.models import Role, Unit, UnitKind
    from samverkan.deviations import services as deviations
    from samverkan.deviations.models import DeviationReceiver

    get_resolver().url_patterns  # noqa: B018
    home = Unit.objects.create(
        organisation=orgs.ostersund, name="Hemsjukvården Östersund", kind=UnitKind.HOME_HEALTH_CARE
    )
    safety = Unit.objects.create(
        organisation=orgs.region_jh, name="Patientsäkerhetsenheten", kind=UnitKind.MANAGEMENT
    )
    DeviationReceiver.objects.create(organisation=orgs.region_jh, unit=safety)
    nurse = make_staff(Role.NURSE, orgs.ostersund, "ssk.layout", unit=home)
    for _ in range(2):
        deviations.report_deviation(
            nurse,
            receiving_organisation=orgs.region_jh,
            category="care_transition",
            severity="minor",
            occurred_on=dt.date.today() - dt.timedelta(days=1),
            location="Ordinärt boende",
            description="Läkemedelslistan saknades vid utskrivning.",
        )
    page.set_viewport_size(VIEWPORTS[1])
    login(page, nurse)
    response = page.goto("/avvikelser/")
    assert response is not None and response.ok
    seen = page.evaluate(CARD_LAYOUT)
    assert seen["caption"] >= seen["table"] - 1, f"the count is squeezed: {seen}"
    assert len(seen["cards"]) == 2
    for card in seen["cards"]:
        assert card["rows"] <= card["cells"] / 2, f"one value per line: {card}"
        assert not card["over"], f"text runs over its cell: {card}"
