"""In a real browser at desktop and tablet width: every control on the issue-11 pages (emergency
access, protected identity and spärr, log control) is at least 44×44 px (the house rule, beyond
WCAG 2.1 AA), so a nurse on a shared tablet can hit it."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from samverkan.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Buttons, form fields and links styled as buttons; inline text links are text, not controls.
CONTROLS = (
    "button, input:not([type=hidden]), select, textarea, a.button, "
    "label:has(> input[type=checkbox]), label:has(> input[type=radio])"
)
SMALL = f"""() => [...document.querySelectorAll({CONTROLS!r})]
  .filter(e => e.offsetParent !== null)
  .map(e => {{ const r = e.getBoundingClientRect();
    return {{tag: e.tagName, type: e.type || '', name: e.name || e.textContent.trim().slice(0, 30),
             w: Math.round(r.width), h: Math.round(r.height)}}; }})
  .filter(c => c.w < 44 || c.h < 44)"""


@pytest.mark.parametrize("width", [1280, 768])
def test_controls_are_at_least_44_px(
    page, login, screenshot, staff, person, make_staff, orgs, width
):
    get_resolver().url_patterns  # noqa: B018
    page.set_viewport_size({"width": width, "height": 900})
    admin = make_staff(Role.ADMINISTRATOR, orgs.ostersund, "admin.touch")
    walks = [
        (staff.ost, [("skydd", f"/personer/{person.pk}/skydd/")]),
        (staff.gavle, [("nodatkomst", "/sip/nodatkomst/")]),
        (admin, [("loggkontroll", "/loggkontroll/"), ("kontroller", "/loggkontroll/kontroller/")]),
    ]
    small = {}
    for user, urls in walks:
        page.context.clear_cookies()
        login(page, user)
        for name, url in urls:
            page.goto(url)
            assert page.title(), url
            found = page.evaluate(SMALL)
            if found:
                small[url] = found
            screenshot(page, f"{width}-{name}")
    assert not small, small
