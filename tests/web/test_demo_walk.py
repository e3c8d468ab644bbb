"""The demo walk (issue 13): every role's main path in a real browser, as the demo users.

Each demo user of a role group logs in through the login form, visits every link of the
navigation and the first detail link of each list page (a person, a SIP, a stay, a deviation,
an invoice), at 1280 px and at tablet width 768 px, and every page view is checked as a user
would look at it:

- nothing is cut off: the page is no wider than the window, and no element reaches past its
  right edge unless it sits in a container that scrolls on purpose (`.table-wrap`);
- every control is a 44×44 px target (links, buttons, fields, radio buttons and checkboxes
  with their label, details toggles). Links inside running text (`p`, `dd`, `blockquote`) are
  exempt, as WCAG 2.5.8 exempts inline targets; the house rule is for controls;
- the visible text is plain Swedish: no rule ids, agreement ids, English error codes, Python
  literals or source-file references; a select's empty choice is asked in words, not
  Django's "---------".

A screenshot of each page view (the window, not the whole page) is written to
`test-artifacts/screenshots/` for a person to look at. The roles are split into three groups
from the README's role table, one test each, so a failure names its group.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 768)

#: One demo user per role of the README's role table, in both counties and both kinds of
#: organisation (docs/demo-users.md), grouped as the access matrices are.
ROLE_GROUPS = {
    "vard": (
        "ssk.ostersund",
        "lakare.regiongvb",
        "arbetsterapeut.krokom",
        "fysioterapeut.regionjh",
    ),
    "samordning": ("sip.gavle", "bistand.ostersund", "mas.krokom", "chefslakare.regionjh"),
    "ekonomi-forum-admin": (
        "ekonom.regionjh",
        "ekonom.gavle",
        "forum.ostersund",
        "admin.regiongvb",
    ),
}

#: Words a nurse should never read: rule and agreement ids, English codes, Python literals,
#: references into the shipped text files.
DEVELOPER_WORDS = re.compile(
    r"\b(?:jh-hsv|jh-hemsjukvard|jh-psykisk|jh-primarvard-kommun|gvb-svart-sjuka)\b"
    r"|\b[a-z]+_[a-z_]+\b"  # snake_case codes: invalid_checksum, registered_elsewhere
    r"|\(regel:|\bNone\b|\bTrue\b|\bFalse\b|\.txt, rad"
)

MEASURE = r"""
() => {
  const vw = window.innerWidth;
  const scrolls = el => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if (x === 'auto' || x === 'scroll') return true;
    }
    return false;
  };
  const name = el => el.tagName.toLowerCase() + ' "' +
    (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 40) + '"';
  const wide = [];
  // An <svg> clips what is drawn in it: the chart itself is measured, not its glyphs.
  for (const el of document.querySelectorAll('body *:not(svg *)')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.height && r.right > vw + 1 && !scrolls(el)) wide.push(`${name(el)} till ${Math.round(r.right)} px`);
  }
  const small = [];
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
  for (const el of document.querySelectorAll(controls)) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') continue;
    if (el.tagName === 'A' && el.closest('p, dd, blockquote') && !el.closest('nav')) continue;
    let w = r.width, h = r.height;
    const label = el.labels && el.labels[0];
    if (label) { const l = label.getBoundingClientRect(); w = Math.max(w, l.width); h = Math.max(h, l.height); }
    if (w < 43.5 || h < 43.5) small.push(`${name(el)} ${Math.round(w)}×${Math.round(h)}`);
  }
  // A choice not made yet is asked in words ("– Välj köpare –"), never Django's "---------".
  const dashes = [...document.querySelectorAll('select')]
    .filter(s => [...s.options].some(o => /^-{3,}$/.test(o.textContent.trim()))).map(s => s.name);
  return {overflow: document.scrollingElement.scrollWidth - vw, wide, small, dashes,
          text: document.body.innerText};
}
"""


@pytest.fixture
def demo_data() -> None:
    """The demo `./dev serve` loads (every app's loader, in its order)."""
    from samverkan.config.serve import load_all_demo_data

    load_all_demo_data()


@pytest.fixture
def password() -> str:
    """The demo users' password (docs/demo-users.md), for the login fixture."""
    from samverkan.accounts.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def _paths(page: Any) -> list[str]:
    """The navigation's links, then the first detail link of each list page."""
    nav = page.eval_on_selector_all(
        ".site-nav a[href^='/']", "els => [...new Set(els.map(e => e.getAttribute('href')))]"
    )
    details: list[str] = []
    for path in nav:
        page.goto(path)
        first = page.eval_on_selector_all(
            "main table a[href^='/'], main ul a[href^='/']",
            "els => els.map(e => e.getAttribute('href'))",
        )
        if first and first[0] not in nav and first[0] not in details:
            details.append(first[0])
    return ["/", *[p for p in nav if p != "/"], *details]


def _walk(page, login, shot, usernames: tuple[str, ...]) -> list[str]:
    from django.contrib.auth import get_user_model

    problems: list[str] = []
    views = 0
    for username in usernames:
        user = get_user_model().objects.get(username=username)
        page.context.clear_cookies()
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        login(page, user)
        assert "/accounts/login" not in page.url, f"{username} kom inte in"
        paths = _paths(page)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for path in paths:
                response = page.goto(path)
                views += 1
                where = f"{username} {width} px {path}"
                if response is None or not response.ok:
                    problems.append(f"{where}: svar {response and response.status}")
                    continue
                seen = page.evaluate(MEASURE)
                if seen["overflow"] > 0:
                    problems.append(f"{where}: {seen['overflow']} px för bred: {seen['wide'][:3]}")
                elif seen["wide"]:
                    problems.append(f"{where}: utanför fönstret: {seen['wide'][:3]}")
                if seen["small"]:
                    problems.append(f"{where}: mindre än 44×44 px: {seen['small'][:5]}")
                if seen["dashes"]:
                    problems.append(f"{where}: val som visar '---------': {seen['dashes']}")
                words = sorted({m.group(0) for m in DEVELOPER_WORDS.finditer(seen["text"])})
                if words:
                    problems.append(f"{where}: utvecklarord: {words}")
                slug = path.strip("/").replace("/", "_") or "start"
                page.screenshot(path=str(shot.path(f"{username}-{width}-{slug}")))
    assert views >= len(usernames) * len(WIDTHS) * 3, "for få sidor besöktes"
    return problems


@pytest.fixture
def shot():
    """screenshot's folder and naming, for a window-sized picture (cheaper than a full page)."""
    from tests.conftest import SCREENSHOTS

    class Paths:
        @staticmethod
        def path(name: str):
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            return SCREENSHOTS / f"demo-walk-{name}.png"

    return Paths


@pytest.mark.parametrize("group", sorted(ROLE_GROUPS))
def test_demo_walk(group, demo_data, page, login, shot) -> None:
    problems = _walk(page, login, shot, ROLE_GROUPS[group])
    assert not problems, f"{len(problems)} fynd i rollgruppen {group}:\n" + "\n".join(problems)
