"""The payment pages in a real browser at 1280 and 768 px (issue 16): no page wider than the
window, every control a 44×44 px target, no developer words (the demo walk's measure), and
axe's WCAG 2.1 A/AA rules (the accessibility test's audit)."""

from __future__ import annotations

import pytest

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
