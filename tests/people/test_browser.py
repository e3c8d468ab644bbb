"""In a real browser (chromium through Playwright): register a person with a Skatteverket
test number, add facts, create an intervention and decide it, then re-decide after a fact
change. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest

from samverkan.accounts.models import Unit, UnitKind
from samverkan.people.models import Person, ResponsibilityDecision
from samverkan.rules.facts import FACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _field(page, label: str):
    """The control with exactly this label (Django adds a ':' after it)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def _set_fact(page, person: Person, name: str, value: str | list[str]) -> None:
    page.goto(f"/personer/{person.pk}/uppgift/?name={name}")
    if isinstance(value, list):
        for option in value:
            page.get_by_label(option).check()
    else:
        _field(page, FACTS[name].label).select_option(value)
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"**/personer/{person.pk}/#uppgifter")


def test_create_person_add_facts_decide_and_redecide(page, login, nurse, orgs, testpersons,
                                                     screenshot) -> None:  # fmt: skip
    unit = Unit.objects.create(
        organisation=orgs.ostersund, name="Hemsjukvården Östersund", kind=UnitKind.HOME_HEALTH_CARE
    )
    nurse.staff_profile.unit = unit
    nurse.staff_profile.save()
    data = testpersons[0]
    number = data["personnummer"]
    # The first request imports every app (seconds on a busy CI machine).
    page.set_default_timeout(30_000)
    page.set_default_navigation_timeout(60_000)
    login(page, nurse)

    page.get_by_role("link", name="Personer").first.click()
    page.get_by_label("Personnummer, samordningsnummer").fill(number)
    page.get_by_role("button", name="Sök").click()
    page.wait_for_selector("#sokresultat [role=status]")
    screenshot(page, "search-empty")

    page.get_by_role("link", name="Registrera person").first.click()
    page.get_by_label("Identitetsnummer").fill(f"{number[:8]}-{number[8:]}")
    page.get_by_label("Förnamn").fill(data["given"])
    page.get_by_label("Efternamn").fill(data["family"])
    page.get_by_label("Hemkommun").select_option("2380")
    page.get_by_label("Personen är patient eller brukare hos min verksamhet").check()
    page.get_by_label("Anledning till vårdrelationen").fill("Inskrivning i hemsjukvården")
    screenshot(page, "create-form")
    page.get_by_role("button", name="Registrera").click()
    page.wait_for_selector("h1")
    person = Person.objects.get()
    assert page.locator("h1").inner_text() == f"{data['given']} {data['family']}"
    assert f"{number[:8]}-****" in page.content()

    # Reveal the whole number (HTMX swaps only the identity block).
    page.get_by_role("link", name="Visa hela numren").click()
    page.wait_for_selector(f"text={number[:8]}-{number[8:]}")

    for name, value in [
        ("residence", "registered_in_county"),
        ("housing", "ordinary"),
        ("personal_assistance_lss", "false"),
        ("end_of_life", "false"),
        ("wishes_health_centre", "false"),
        ("needs_health_and_social_care", "false"),
        ("discharge_from_inpatient_care", "false"),
        ("psychiatric_disability", "false"),
        ("compulsory_care", "none"),
    ]:
        _set_fact(page, person, name, value)
    _set_fact(page, person, "adl_needs_over_time", ["Klä sig"])
    page.goto(f"/personer/{person.pk}/#uppgifter")
    screenshot(page, "person-facts")

    page.get_by_role("link", name="Ny insats").click()
    _field(page, "Insats").select_option("nursing")
    page.get_by_label("Startdatum").fill("2022-02-01")
    page.locator("summary", has_text="Fakta som gäller just denna insats").click()
    page.get_by_label("Klockslag").fill("10:00")
    for label in ("Dagverksamhet", "Risk kvarstår trots dosdispensering/hjälpmedel",
                  "Vård som inte kan anstå", "Tjänsteköp begärt",
                  "Vård som alltid ska erbjudas asylsökande och papperslösa"):  # fmt: skip
        _field(page, label).select_option("false")
    page.get_by_label("Förskrivare").select_option("region")
    page.get_by_label("Typ av habilitering").select_option("medical")
    screenshot(page, "intervention-form")
    page.get_by_role("button", name="Spara insats").click()
    page.wait_for_selector("text=Gällande beslut")
    screenshot(page, "decision")
    content = page.content()
    assert "Kommunen" in content
    assert "Ta ställning till egenvård innan överföring" in content
    assert "Hemsjukvårdsavtalet, version 2020-03-01" in content
    assert ResponsibilityDecision.objects.count() == 1

    _set_fact(page, person, "housing", "lss_housing")
    # Issue 10: the fact change re-decides the intervention; its diff page shows the change.
    latest = ResponsibilityDecision.objects.order_by("-pk").first()
    assert latest is not None
    page.goto(f"/personer/{person.pk}/beslut/{latest.pk}/")
    page.wait_for_selector("text=Ändrat ansvar")
    screenshot(page, "redecide-diff")
    assert "Regionen" in page.content()
    assert ResponsibilityDecision.objects.count() == 2

    page.goto(f"/personer/{person.pk}/")
    screenshot(page, "person-page")
    page.goto("/")
    screenshot(page, "start-tasks")
    # The region is now responsible: the egenvård task of the old decision is closed.
    assert "Egenvårdsbedömning: sjuksköterskeinsats" not in page.content()
