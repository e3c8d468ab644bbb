"""The payment pages in a real browser at 1280 and 768 px (issue 16): no page wider than the
window, every control a 44×44 px target, no developer words (the demo walk's measure), and
axe's WCAG 2.1 A/AA rules (the accessibility test's audit)."""

from __future__ import annotations

import pytest

from samverkan.discharge.models import StayDispute
from tests.conftest import SCREENSHOTS
from tests.discharge.test_payment_view import ekonom, paid  # noqa: F401
from tests.web.test_accessibility_browser import Audit
from tests.web.test_demo_walk import DEVELOPER_WORDS, MEASURE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 768)


def test_payment_pages_fit_a_tablet(page, login, staff, paid, ekonom) -> None:  # noqa: F811
    walks = [
        (staff.assessor, [f"/utskrivning/{paid.pk}/betalning/", f"/utskrivning/{paid.pk}/betalning/bestrid/", "/utskrivning/betalning/?manad=2026-11"]),
        (ekonom["ostersund"], [f"/utskrivning/{paid.pk}/betalning/", "/utskrivning/betalning/?manad=2026-11"]),
    ]  # fmt: skip
    problems = []
    audit = Audit(page)
    for user, paths in walks:
        page.context.clear_cookies()
        login(page, user)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 1024})
            for path in paths:
                response = page.goto(path)
                for toggle in page.locator("details.days > summary").all():
                    toggle.click()  # the day-by-day list measured open
                where = f"{user.username} {width} px {path}"
                assert response is not None and response.ok, where
                seen = page.evaluate(MEASURE)
                audit.check(where)
                if seen["overflow"] > 0 or seen["wide"]:
                    problems.append(f"{where}: för bred {seen['overflow']} px {seen['wide'][:3]}")
                if seen["small"]:
                    problems.append(f"{where}: mindre än 44×44 px: {seen['small'][:5]}")
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                slug = path.strip("/").replace("/", "_").replace("?", "_")
                page.screenshot(
                    path=str(SCREENSHOTS / f"payment-{user.username}-{width}-{slug}.png"),
                    full_page=True,
                )
                words = sorted({m.group(0) for m in DEVELOPER_WORDS.finditer(seen["text"])})
                if words:
                    problems.append(f"{where}: utvecklarord: {words}")
    assert not problems, "\n".join(problems)
    audit.assert_clean()


def test_the_kommun_disputes_november_then_december_in_the_browser(
    page,
    login,
    staff,
    paid,  # noqa: F811
) -> None:
    """The kommun's biståndshandläggare disputes November's days from the month's row, and
    while that dispute is open December's too (issue 16: a second month was refused while any
    dispute of the stay was open); at 768 px, as on a tablet."""
    page.set_viewport_size({"width": 768, "height": 1024})
    login(page, staff.assessor)
    for month, name in (("2026-11", "november"), ("2026-12", "december")):
        page.goto(f"/utskrivning/{paid.pk}/betalning/")
        page.get_by_role("link", name=f"Bestrid dagarna i {name}").click()
        assert page.get_by_label("Månad som tvisten gäller").input_value() == month
        page.get_by_label("Skäl (obligatoriskt)").fill(f"Meddelandet kom inte fram i {name}.")
        page.get_by_label("Jag vill bestrida betalningsdagarna").check()
        page.get_by_role("button", name="Bestrid dagarna").click()
        page.wait_for_url(f"**/utskrivning/{paid.pk}/betalning/")
    text = page.inner_text("main")
    assert "Dagarna i november 2026 och december 2026 är bestridda" in text
    assert "Bestrid dagarna i" not in text and "Bestrid betalningsdagarna" not in text
    seen = page.evaluate(MEASURE)
    assert seen["overflow"] <= 0 and not seen["wide"] and not seen["small"], seen
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "payment-two-months-disputed-768.png"), full_page=True)
    assert StayDispute.objects.filter(stay=paid, dispute__status="open").count() == 2
