"""Shared fixtures: organisations, staff per role, logged-in clients, API token clients.

def test_x(client_as, nurse):           # a Django test client logged in as a nurse
    client = client_as(nurse)

def test_y(make_staff, orgs):           # anyone, anywhere
    user = make_staff(Role.MAS, orgs.krokom)

def test_z(api_client, nurse):          # Authorization: Bearer <token> on every request
    api_client(nurse).get("/api/me")
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import HealthCheck, settings

from samverkan.accounts.models import Organisation, OrganisationKind, Role, StaffProfile, Unit
from samverkan.accounts.services import create_token
from samverkan.core.append_only import allow_flush

# Django's flush between transactional tests empties every table, the append-only ones too.
allow_flush()

# Every test runs on a fixed clock: Wednesday 2 December 2026, 10:00 in Sweden, a working day
# and working hours. The clock ticks from there (timeouts, expiry and live servers work as
# usual), so a test gives the same answer whatever day or hour the suite runs. A test that
# needs another day travels there itself (time_machine nests); `@pytest.mark.real_clock`
# opts out.
FIXED_NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Europe/Stockholm"))

# Property tests are bounded by example count (max_examples), never by time: a loaded CI
# machine (two cores shared by the suite's workers) must not fail a property for being slow
# to generate or run its examples.
settings.register_profile("samverkan", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("samverkan")


@pytest.fixture(autouse=True)
def _fixed_clock(request):
    if request.node.get_closest_marker("real_clock"):
        yield None
        return
    with time_machine.travel(FIXED_NOW, tick=True) as traveller:
        yield traveller


TEST_PASSWORD = "samverkan-test-lösen"


@pytest.fixture(scope="session")
def _static_root(tmp_path_factory):
    return tmp_path_factory.mktemp("static")


@pytest.fixture(autouse=True)
def _recorded_notices(request):
    """Decisions read the notices recorded in the database; a test without database access
    decides on the declared terms only, and no test sees another test's notices."""
    from samverkan.agreements.selectors import cached_notices, forget_notices
    from samverkan.rules.ruleset import use_notices

    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )
    forget_notices()
    use_notices(cached_notices if uses_db else None)
    from samverkan.agreements.revisions import adopted_revisions, forget_revisions
    from samverkan.rules import use_revisions

    forget_revisions()
    use_revisions(adopted_revisions if uses_db else None)
    yield
    forget_notices()
    use_notices(None)
    forget_revisions()
    use_revisions(None)


@pytest.fixture(scope="session", autouse=True)
def _no_notices_outside_tests():
    """Module- and session-scoped fixtures (e.g. the rule-set enumeration) run before any
    test's database access is allowed: they decide on the declared terms."""
    from samverkan.rules.ruleset import use_notices

    use_notices(None)
    from samverkan.rules import use_revisions

    use_revisions(None)


@pytest.fixture(autouse=True)
def _fast_and_static(settings, _static_root):
    """Fast password hashing; plain static storage (tests run without collectstatic)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STATIC_ROOT = _static_root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def password() -> str:
    """The password of every user made by make_staff."""
    return TEST_PASSWORD


def _organisation(name: str, kind: str, scb_code: str, region: str) -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        scb_code=scb_code, defaults={"name": name, "kind": kind, "region": region}
    )
    return org


@pytest.fixture
def orgs(db) -> SimpleNamespace:
    """Five organisations: region_jh, ostersund, krokom, region_gvb, gavle."""
    jh, gvb = "jamtland-harjedalen", "gavleborg"
    return SimpleNamespace(
        region_jh=_organisation("Region Jämtland Härjedalen", OrganisationKind.REGION, "23", jh),
        ostersund=_organisation("Östersunds kommun", OrganisationKind.MUNICIPALITY, "2380", jh),
        krokom=_organisation("Krokoms kommun", OrganisationKind.MUNICIPALITY, "2309", jh),
        region_gvb=_organisation("Region Gävleborg", OrganisationKind.REGION, "21", gvb),
        gavle=_organisation("Gävle kommun", OrganisationKind.MUNICIPALITY, "2180", gvb),
    )


@pytest.fixture
def private_provider(orgs) -> Organisation:
    """Lillsjöns hälsocentral AB: a private provider contracted by Region Jämtland
    Härjedalen (its own vårdgivare, no SCB code), with one hälsocentral unit."""
    provider, _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.PRIVATE_PROVIDER,
        org_number="559900-0017",
        defaults={
            "name": "Lillsjöns hälsocentral AB",
            "region": "jamtland-harjedalen",
            "contracted_by": orgs.region_jh,
        },
    )
    Unit.objects.get_or_create(
        organisation=provider, name="Lillsjöns hälsocentral", defaults={"kind": "primary_care"}
    )
    return provider


@pytest.fixture
def make_staff(db, orgs) -> Callable[..., object]:
    """make_staff(role, organisation=orgs.ostersund, username=None, unit=None) -> User."""
    counter = iter(range(1, 10_000))

    def make(role: Role, organisation: Organisation | None = None, username: str | None = None,
             unit: Unit | None = None, **user_fields: object):  # fmt: skip
        organisation = organisation or orgs.ostersund
        username = username or f"{role.value}.{organisation.code}.{next(counter)}"
        user_fields.setdefault("first_name", "Testa")
        user_fields.setdefault("last_name", "Testsson")
        user = get_user_model().objects.create_user(
            username=username, password=TEST_PASSWORD, **user_fields
        )
        StaffProfile.objects.create(user=user, organisation=organisation, unit=unit, role=role)
        return user

    return make


@pytest.fixture
def nurse(make_staff, orgs):
    return make_staff(Role.NURSE, orgs.ostersund, "ssk.test")


@pytest.fixture
def physician(make_staff, orgs):
    return make_staff(Role.PHYSICIAN, orgs.region_jh, "lakare.test")


@pytest.fixture
def needs_assessor(make_staff, orgs):
    return make_staff(Role.NEEDS_ASSESSOR, orgs.ostersund, "bistand.test")


@pytest.fixture
def sip_coordinator(make_staff, orgs):
    return make_staff(Role.SIP_COORDINATOR, orgs.krokom, "sip.test")


@pytest.fixture
def mas(make_staff, orgs):
    return make_staff(Role.MAS, orgs.ostersund, "mas.test")


@pytest.fixture
def chief_physician(make_staff, orgs):
    return make_staff(Role.CHIEF_PHYSICIAN, orgs.region_jh, "chefslakare.test")


@pytest.fixture
def finance_officer(make_staff, orgs):
    return make_staff(Role.FINANCE_OFFICER, orgs.region_jh, "ekonom.test")


@pytest.fixture
def forum_member(make_staff, orgs):
    return make_staff(Role.FORUM_MEMBER, orgs.region_jh, "forum.test")


@pytest.fixture
def administrator(make_staff, orgs):
    """Administratör in Östersund: sees the audit log of Östersund only."""
    return make_staff(Role.ADMINISTRATOR, orgs.ostersund, "admin.test")


@pytest.fixture
def superuser(make_staff, orgs):
    return make_staff(
        Role.ADMINISTRATOR, orgs.region_jh, "super.test", is_staff=True, is_superuser=True
    )


@pytest.fixture
def client_as(db) -> Callable[[object], Client]:
    """client_as(user) -> a Client with that user's session (force_login; skips the form)."""

    def login(user: object) -> Client:
        client = Client()
        client.force_login(user)  # type: ignore[arg-type]
        return client

    return login


@pytest.fixture
def api_client(db) -> Callable[[object], Client]:
    """api_client(user) -> a Client sending a fresh bearer token of that user."""

    def make(user: object) -> Client:
        _, plain = create_token(user, "test")  # type: ignore[arg-type]
        return Client(headers={"Authorization": f"Bearer {plain}"})

    return make


# --- Browser tests: Playwright driving Debian's chromium (never a downloaded browser) ---

CHROMIUM = "/usr/bin/chromium"
# Chromium's own words in its form controls (a date field's "åååå-mm-dd", the date picker's
# button) come from the browser's language, which on Linux is read from LANGUAGE, and from
# its translations (Debian's chromium-l10n). The page's language decides the order of a date
# field's parts (year-month-day for lang="sv") also where the translations are missing.
CHROMIUM_SWEDISH = Path("/usr/lib/chromium/locales/sv.pak")
CHROMIUM_ENV = {"LANGUAGE": "sv", "LANG": "sv_SE.UTF-8"}
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=sv-SE",
    "--enable-blink-features=LangAttributeAwareFormControlUI",
]


@pytest.fixture(scope="session")
def chromium_browser():
    """One headless chromium per test session; skipped where it is not installed
    (a fresh machine), failing instead under CI (SAMVERKAN_REQUIRE_BROWSER=1)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("SAMVERKAN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} saknas: installera Debians paket chromium")
        pytest.skip(f"{CHROMIUM} saknas (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django's ORM then needs this to be allowed.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            env={**os.environ, **CHROMIUM_ENV},
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser, live_server):
    """A fresh browser context at tablet size, with `page.base_url` set to the live server,
    in Swedish and Swedish time, as the staff's browsers are."""
    from django.urls import get_resolver

    _ = get_resolver().url_patterns  # import every app's views now, not on the first page load
    context = chromium_browser.new_context(
        viewport={"width": 1024, "height": 768},
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
        base_url=live_server.url,
    )
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


@pytest.fixture
def screenshot(request):
    """screenshot(page, "name") saves test-artifacts/screenshots/<test>-<name>.png."""

    def take(pg, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{request.node.name}-{name}.png"
        pg.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(password):
    """login(page, user) signs in through the real login form."""

    def do(pg, user) -> None:
        pg.goto("/accounts/login/")
        pg.get_by_label("Användarnamn").fill(user.username)
        pg.get_by_label("Lösenord").fill(password)
        pg.get_by_role("button", name="Logga in").click()
        pg.wait_for_load_state()

    return do
