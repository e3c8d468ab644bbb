"""WCAG 2.1 AA in a real browser: axe-core (bundled by axe-playwright-python, no download)
checks the main pages for contrast, labels, landmarks, headings, link and button names.

Each test logs in once and audits several pages with the same browser page, so the whole
file costs a few dozen page loads. A failure lists every violation: rule id, impact, help
text and the CSS selectors of the offending nodes, per page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import get_resolver

from samverkan.accounts.models import Role, Unit, UnitKind
from samverkan.deviations.models import DeviationReceiver
from tests.followup.conftest import world  # noqa: F401  (a fixture: a year of cooperation)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# WCAG 2.0 and 2.1, levels A and AA: the level the issue asks for.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe files landmarks and heading order under "best-practice", not under a WCAG tag; these
# rules back WCAG 1.3.1 (info and relationships) and 2.4.1/2.4.6 (bypass blocks, headings),
# so they run too.
STRUCTURE_RULES = [
    "region",
    "landmark-one-main",
    "landmark-unique",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-no-duplicate-main",
    "landmark-banner-is-top-level",
    "landmark-contentinfo-is-top-level",
    "landmark-main-is-top-level",
    "landmark-complementary-is-top-level",
    "page-has-heading-one",
    "heading-order",
    "empty-heading",
    "aria-allowed-role",
]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "rules": {rule: {"enabled": True} for rule in STRUCTURE_RULES},
    "resultTypes": ["violations"],
}

TABLET = {"width": 768, "height": 1024}

# The Jämtland case of the guide answered to a decision (see tests/guide).
GUIDE_DECIDED = (
    "/guide/?region=jamtland-harjedalen&intervention=nursing&time=10:00"
    "&residence=registered_in_county&housing=ordinary&day_activity=false"
    "&personal_assistance_lss=false&adl_needs_over_time=&adl_needs_over_time=dressing"
    "&end_of_life=false&wishes_health_centre=false&needs_health_and_social_care=false"
    "&discharge_from_inpatient_care=false"
)

_axe = Axe()


def _why(node: dict[str, Any]) -> str:
    """The first reason axe gives for one failing node ("Element has insufficient ...")."""
    lines = [line.strip() for line in node.get("failureSummary", "").splitlines()]
    return next((line for line in lines[1:] if line), "")


class Audit:
    """Runs axe on the pages visited and gathers the violations of all of them."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []
        self.views = 0

    def visit(self, url: str, label: str | None = None) -> None:
        response = self.page.goto(url)
        assert response is not None and response.ok, f"{url}: {response and response.status}"
        self.check(label or url)

    def check(self, label: str) -> None:
        """Audit the page as it is now (after clicks, at the current viewport)."""
        self.page.wait_for_load_state()
        results = _axe.run(self.page, options=AXE_OPTIONS)
        size = self.page.viewport_size or {}
        where = f"{label} ({size.get('width')}×{size.get('height')}, {self.page.url})"
        self.views += 1
        for violation in results.response["violations"]:
            nodes = "\n".join(
                f"      {' '.join(map(str, node['target']))}  – {_why(node)}"
                for node in violation["nodes"]
            )
            self.problems.append(
                f"{where}\n  {violation['id']} [{violation['impact']}]: {violation['help']}"
                f"\n    {violation['helpUrl']}\n{nodes}"
            )

    def assert_clean(self) -> None:
        assert not self.problems, (
            f"axe ({', '.join(WCAG_TAGS)} and the landmark/heading rules) found "
            f"{len(self.problems)} violation(s) in {self.views} page views:\n\n"
            + "\n\n".join(self.problems)
        )


@pytest.fixture
def audit(page):
    get_resolver().url_patterns  # noqa: B018  (import every app's views before the clock runs)
    return Audit(page)


@pytest.fixture
def staff(make_staff, orgs) -> Any:
    """An Östersund hemsjukvård nurse; the region receives deviations at its safety unit."""
    home = Unit.objects.create(
        organisation=orgs.ostersund, name="Hemsjukvården Östersund", kind=UnitKind.HOME_HEALTH_CARE
    )
    safety = Unit.objects.create(
        organisation=orgs.region_jh, name="Patientsäkerhetsenheten", kind=UnitKind.MANAGEMENT
    )
    DeviationReceiver.objects.create(organisation=orgs.region_jh, unit=safety)
    nurse = make_staff(Role.NURSE, orgs.ostersund, "ssk.a11y", unit=home)
    return nurse


@pytest.fixture
def person(staff, orgs) -> Any:
    """A person the nurse registered, with a started SIP and a reported deviation."""
    from samverkan.deviations import services as deviations
    from samverkan.people import services as people
    from samverkan.people.testpersons import synthetic_persons
    from samverkan.sip import services as sip

    data = synthetic_persons(1, seed=20261124)[0]
    person, _ = people.create_person(
        staff,
        identifier=data["personnummer"],
        given_name=data["given"],
        family_name=data["family"],
        home_municipality="2380",
        confirm_care_relation=True,
        reason="Test",
    )
    person.sip = sip.start_sip(staff, person, agreement="jh-hemsjukvard")
    person.deviation = deviations.report_deviation(
        staff,
        receiving_organisation=orgs.region_jh,
        category="medication",
        severity="minor",
        occurred_on=dt.date.today() - dt.timedelta(days=1),
        location="Ordinärt boende",
        description="Läkemedelslistan saknades vid utskrivning.",
    )
    return person


def test_public_pages_meet_wcag_21_aa(audit) -> None:
    audit.visit("/accounts/login/", "inloggning")
    audit.visit("/avtal/", "Avtalsbiblioteket utan inloggning")
    audit.visit("/tillganglighet/", "tillgänglighetsredogörelsen")
    audit.page.set_viewport_size(TABLET)
    audit.visit("/accounts/login/", "inloggning")
    audit.visit("/tillganglighet/", "tillgänglighetsredogörelsen")
    audit.assert_clean()


def test_nurse_pages_meet_wcag_21_aa(audit, login, staff, person) -> None:
    login(audit.page, staff)
    audit.check("startsidan")
    audit.visit("/guide/", "Ansvarsguiden, välj region")
    audit.page.get_by_label("Region Jämtland Härjedalen").check()
    audit.page.get_by_role("button", name="Börja").click()
    audit.page.wait_for_selector("text=Nästa fråga")
    audit.check("Ansvarsguiden, en fråga")
    audit.visit(GUIDE_DECIDED, "Ansvarsguiden, svaret")
    audit.visit("/avtal/", "Avtalsbiblioteket")
    audit.visit("/avtal/klausul/jh-hemsjukvard-7.3", "en klausul")
    audit.visit("/avtal/sok?q=läkemedel+dosdispensering", "sökträffar")
    audit.visit("/personer/", "personer")
    audit.visit("/personer/ny/", "registrera person")
    audit.visit(f"/personer/{person.pk}/", "en person")
    audit.visit("/sip/", "SIP-listan")
    audit.visit(f"/sip/{person.sip.pk}/", "SIP")
    audit.visit("/tjanstekop/", "tjänsteköp")
    audit.visit("/avvikelser/", "avvikelser")
    audit.visit(f"/avvikelser/{person.deviation.pk}/", "en avvikelse")
    audit.visit("/avvikelser/ny/", "rapportera avvikelse")

    audit.page.set_viewport_size(TABLET)
    audit.visit("/", "startsidan")
    audit.visit(GUIDE_DECIDED, "Ansvarsguiden, svaret")
    audit.visit(f"/personer/{person.pk}/", "en person")
    audit.visit("/sip/", "SIP-listan")
    audit.visit(f"/sip/{person.sip.pk}/", "SIP")
    audit.visit("/tjanstekop/", "tjänsteköp")
    audit.visit("/avvikelser/", "avvikelser")
    audit.assert_clean()


def test_forum_member_and_admin_pages_meet_wcag_21_aa(audit, login, world) -> None:  # noqa: F811
    """A year of cooperation (tests/followup): the report's tables and charts, wide tables
    (prices, routines, an audit log with many events) that scroll sideways on a tablet."""
    login(audit.page, world.forum)
    audit.visit("/uppfoljning/", "uppföljning")
    audit.page.get_by_role("link", name=str(world.year)).first.click()
    audit.page.wait_for_url("**/uppfoljning/rapport/**")
    assert audit.page.locator("svg.chart-svg").count() > 0
    audit.check("årsrapporten")
    audit.visit("/uppfoljning/simulering/?example=two-adl-needs", "simulering")
    with audit.page.expect_navigation(timeout=60_000):
        audit.page.get_by_role("button", name="Kör simuleringen").click()
    audit.check("simuleringens resultat")  # the assumptions, the tables in words (issue 13)
    audit.visit("/utskrivning/villkor/", "lokala villkor för betalningsansvar")
    audit.page.get_by_role("button", name="Logga ut").click()
    login(audit.page, world.ekonom)
    audit.page.set_viewport_size(TABLET)
    audit.visit("/tjanstekop/priser/", "prislistor")
    audit.visit("/avvikelser/rutiner/", "rutiner per hälsocentral och kommun")
    audit.page.get_by_role("button", name="Logga ut").click()
    login(audit.page, world.admin)
    audit.visit("/audit/", "granskningsloggen")
    audit.page.set_viewport_size({"width": 1024, "height": 768})
    audit.check("granskningsloggen")
    audit.assert_clean()
