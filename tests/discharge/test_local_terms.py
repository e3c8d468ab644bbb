"""Local discharge terms (issue 16): one party enters a version from a date on the page or
through the API, the other party confirms it after a confirmation step; the stay's count
uses the version in force on its day, confirmed or not, and says when it is not confirmed.
Clock: 2026-12-02 (tests/discharge/conftest.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan.accounts.models import Role
from samverkan.discharge import local_terms, selectors, services
from samverkan.discharge.models import LocalTermsConfirmation, LocalTermsVersion

pytestmark = pytest.mark.django_db

T = dt.datetime


@pytest.fixture
def forum(make_staff, orgs):
    return {
        "region": make_staff(Role.FORUM_MEMBER, orgs.region_jh, "forum.jh"),
        "ost": make_staff(Role.FORUM_MEMBER, orgs.ostersund, "forum.ost"),
        "krokom": make_staff(Role.ADMINISTRATOR, orgs.krokom, "admin.krokom"),
        "gvb": make_staff(Role.FORUM_MEMBER, orgs.region_gvb, "forum.gvb"),
    }


FORM = {
    "valid_from": "2026-11-01",
    "name": "Överenskommelse om utskrivning, Östersund",
    "source": "Dnr 2026/123",
    "days_after_notice_somatic": "1",
    "cutoff": "12:00",
    "count_from_day_zero": "nej",
    "amount_per_day_somatic": "8 000,50",
}


def test_page_enter_then_other_party_confirms(forum, orgs, client_as):
    region = client_as(forum["region"])
    page = region.get("/utskrivning/villkor/")
    assert page.status_code == 200
    assert "Lagens huvudregel" in page.text and "Lägg in en ny version" in page.text
    response = region.post("/utskrivning/villkor/", {**FORM, "municipality": orgs.ostersund.pk})
    assert response.status_code == 302
    version = LocalTermsVersion.objects.get()
    assert version.municipality == orgs.ostersund
    assert version.entered_by_organisation == orgs.region_jh
    assert version.terms == {
        "days_after_notice": {"somatic": 1},
        "cutoff": "12:00",
        "count_from_day_zero": False,
        "amount_per_day": {"somatic": "8000.50"},
    }
    listed = region.get("/utskrivning/villkor/").text
    assert "Ej bekräftad" in listed and "Meddelanden från klockan 12:00" in listed
    assert "Granska och bekräfta" not in listed  # the entering party cannot confirm
    confirm_url = f"/utskrivning/villkor/{version.pk}/bekrafta/"
    assert region.get(confirm_url).status_code == 403
    assert region.post(confirm_url, {"confirm": "on"}).status_code == 403
    # a kommun of the region that is not the version's is not the other party
    assert client_as(forum["krokom"]).post(confirm_url, {"confirm": "on"}).status_code == 403
    assert client_as(forum["gvb"]).get(confirm_url).status_code == 404

    kommun = client_as(forum["ost"])
    assert "Granska och bekräfta" in kommun.get("/utskrivning/villkor/").text
    step = kommun.get(confirm_url)
    assert step.status_code == 200 and "kan inte ångras" in step.text
    unticked = kommun.post(confirm_url, {})
    assert unticked.status_code == 200 and "Bekräfta att villkoren stämmer" in unticked.text
    assert not LocalTermsConfirmation.objects.exists()
    assert kommun.post(confirm_url, {"confirm": "on"}).status_code == 302
    confirmation = LocalTermsConfirmation.objects.get()
    assert confirmation.version == version
    assert confirmation.confirmed_by_organisation == orgs.ostersund
    listed = kommun.get("/utskrivning/villkor/").text
    assert "Bekräftad av Östersunds kommun" in listed or "Bekräftad av" in listed
    assert "Ej bekräftad" not in listed


def test_a_kommun_enters_and_the_region_confirms(forum, client_as):
    response = client_as(forum["ost"]).post("/utskrivning/villkor/", FORM)
    assert response.status_code == 302
    version = LocalTermsVersion.objects.get()
    assert version.municipality_id == version.entered_by_organisation_id
    url = f"/utskrivning/villkor/{version.pk}/bekrafta/"
    assert client_as(forum["ost"]).post(url, {"confirm": "on"}).status_code == 403
    assert client_as(forum["region"]).post(url, {"confirm": "on"}).status_code == 302
    assert local_terms.is_confirmed(version)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"valid_from": "1.11.2026"}, "Gäller från: ange ett datum (ÅÅÅÅ-MM-DD)."),
        ({"valid_from": "2017-06-01"}, "Gäller från: lagen (2017:612) gäller från 2018-01-01."),
        ({"name": " "}, "Överenskommelsens namn: måste anges."),
        ({"days_after_notice_somatic": "tre"}, "Dagar efter meddelandet, somatisk vård: ange"),
        ({"days_after_notice_somatic": "400"}, "Dagar efter meddelandet om utskrivningsklar:"),
        ({"cutoff": "25:00"}, "Klockslag då ett meddelande räknas till nästa dag:"),
        ({"amount_per_day_somatic": "12,345"}, "Belopp per vårddygn: ett belopp i hela ören"),
        ({"average_days_per_month": "-2"}, "Genomsnittligt antal dagar per månad:"),
    ],
)
def test_page_names_the_field_and_saves_nothing(forum, client_as, change, message):
    response = client_as(forum["region"]).post("/utskrivning/villkor/", {**FORM, **change})
    assert response.status_code == 200
    assert message in response.text
    assert "Traceback" not in response.text
    assert not LocalTermsVersion.objects.exists()


def test_same_date_twice_is_refused(forum, client_as):
    client = client_as(forum["region"])
    assert client.post("/utskrivning/villkor/", FORM).status_code == 302
    again = client.post("/utskrivning/villkor/", FORM)
    assert "det finns redan en version från det datumet" in again.text
    assert LocalTermsVersion.objects.count() == 1


def test_api_enter_confirm_and_error_shape(forum, orgs, api_client):
    region, kommun = api_client(forum["region"]), api_client(forum["ost"])
    body = {
        "valid_from": "2026-11-01",
        "name": "Överenskommelse om utskrivning",
        "days_after_notice": {"somatic": 1, "psychiatric": 5},
        "amount_per_day": 8000,
    }
    bad = region.post(
        "/api/discharge/local-terms",
        {**body, "days_after_notice": 400},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "days_after_notice"
    assert bad.json()["detail"][0]["code"] == "invalid_terms"
    assert not LocalTermsVersion.objects.exists()
    created = region.post("/api/discharge/local-terms", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    out = created.json()
    assert out["valid_from"] == "2026-11-01" and out["confirmed"] is False
    assert out["municipality_id"] is None
    url = f"/api/discharge/local-terms/{out['id']}/confirm"
    own = region.post(url, {"confirm": True}, content_type="application/json")
    assert own.status_code == 403 and own.json()["detail"][0]["code"] == "forbidden"
    other_region = api_client(forum["gvb"]).post(
        url, {"confirm": True}, content_type="application/json"
    )
    assert other_region.status_code == 404
    unconfirmed = kommun.post(url, {}, content_type="application/json")
    assert unconfirmed.status_code == 422
    assert unconfirmed.json()["detail"][0]["code"] == "confirmation_required"
    done = kommun.post(url, {"confirm": True}, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["confirmed"] is True
    assert done.json()["confirmed_by_organisation_id"] == orgs.ostersund.pk
    twice = kommun.post(url, {"confirm": True}, content_type="application/json")
    assert twice.status_code == 409 and twice.json()["detail"][0]["code"] == "already_confirmed"
    listed = kommun.get("/api/discharge/local-terms").json()
    assert [v["confirmed"] for v in listed] == [True]
    assert api_client(forum["gvb"]).get("/api/discharge/local-terms").json() == []


@pytest.fixture
def ready(noticed, staff):
    """Utskrivningsklar notified 2026-11-30 12:00 UTC (the terms day: 30 November)."""
    services.mark_ready(
        staff.doctor, noticed, ready_at=T(2026, 11, 30, 12, tzinfo=dt.UTC), confirm=True
    )
    noticed.refresh_from_db()
    return noticed


def _enter(actor, on, days, municipality=None):
    return local_terms.enter_version(
        actor,
        valid_from=on,
        name=f"Lokal överenskommelse från {on}",
        terms={"days_after_notice": days},
        municipality=municipality,
    )


def test_the_count_uses_the_version_in_force_on_the_stays_day(ready, forum, orgs):
    facts = selectors.stay_facts(ready)
    until = dt.date(2026, 12, 5)
    # the law: three calendar days after the notice (30 Nov) -> 3, 4, 5 December
    assert selectors.terms_of(ready, facts).version is None
    assert selectors.payment(facts, until, selectors.terms_of(ready, facts).local).days == 3
    # a version from after the stay's day does not change its counting model
    _enter(forum["region"], dt.date(2026, 12, 1), 0)
    terms = selectors.terms_of(ready, facts)
    assert terms.version is None
    assert selectors.payment(facts, until, terms.local).days == 3
    # the region's version in force on 30 November counts, unconfirmed as it is
    region_wide = _enter(forum["region"], dt.date(2026, 11, 1), 1)
    terms = selectors.terms_of(ready, facts)
    assert terms.version["name"] == region_wide.name and terms.unverified
    assert selectors.payment(facts, until, terms.local).days == 5  # 1–5 December
    # Krokom's own version does not govern Östersund's stays
    _enter(forum["krokom"], dt.date(2026, 11, 15), 2)
    assert selectors.payment(facts, until, selectors.terms_of(ready, facts).local).days == 5
    # Östersund's own later version does
    own = _enter(forum["ost"], dt.date(2026, 11, 20), 2)
    terms = selectors.terms_of(ready, facts)
    assert terms.version["name"] == own.name
    assert selectors.payment(facts, until, terms.local).days == 4  # 2–5 December
    local_terms.confirm_version(forum["region"], own, confirm=True)
    assert not selectors.terms_of(ready, facts).unverified


def test_stay_page_and_board_say_when_the_terms_are_unconfirmed(ready, forum, staff, client_as):
    nurse = client_as(staff.ward_nurse)
    assert "Lagens huvudregel" in nurse.get(f"/utskrivning/{ready.pk}/").text
    version = _enter(forum["region"], dt.date(2026, 11, 1), 1)
    page = nurse.get(f"/utskrivning/{ready.pk}/").text
    assert version.name in page and "Ej bekräftad" in page
    assert "Den andra parten har ännu inte bekräftat" in page
    board = nurse.get("/utskrivning/").text
    assert "ej bekräftade villkor" in board
    row = next(r for r in selectors.board_rows(staff.ward_nurse) if r.stay.pk == ready.pk)
    assert row.payment_days == 2  # 1 and 2 December under the local version
    local_terms.confirm_version(forum["ost"], version, confirm=True)
    page = nurse.get(f"/utskrivning/{ready.pk}/").text
    assert version.name in page and "Ej bekräftad" not in page
    assert "ej bekräftade villkor" not in nurse.get("/utskrivning/").text
    # the staff read the terms page; the form is the parties'
    terms_page = nurse.get("/utskrivning/villkor/")
    assert terms_page.status_code == 200 and "Lägg in en ny version" not in terms_page.text
    assert nurse.post("/utskrivning/villkor/", FORM).status_code == 403


def test_forum_members_reach_the_terms_from_the_nav(forum, client_as):
    client = client_as(forum["ost"])
    response = client.get("/utskrivning/")
    assert response.status_code == 302 and response.url == "/utskrivning/villkor/"
    assert 'href="/utskrivning/"' in client.get("/utskrivning/villkor/").text


def test_a_region_wide_version_is_confirmed_by_each_kommun_for_itself(
    ready, forum, orgs, client_as, api_client
):
    """Östersund confirming the region's version verifies it for Östersund's stays only:
    Krokom has still not confirmed it, and Krokom's stays are still counted under it
    unconfirmed (as any unverified version), until Krokom confirms it too."""
    version = _enter(forum["region"], dt.date(2026, 11, 1), 1)
    local_terms.confirm_version(forum["ost"], version, confirm=True)
    assert local_terms.is_confirmed(version, orgs.ostersund.pk)
    assert not local_terms.is_confirmed(version, orgs.krokom.pk)
    assert not local_terms.is_confirmed(version)  # not yet by every kommun
    assert local_terms.unconfirmed_municipalities(version) == [orgs.krokom]
    # the count: verified for Östersund, unverified for Krokom (still applied)
    ost = local_terms.local_for(orgs.region_jh.region, orgs.ostersund)
    krokom = local_terms.local_for(orgs.region_jh.region, orgs.krokom)
    assert [v["verified"] for v in ost] == [True]
    assert [(v["name"], v["verified"]) for v in krokom] == [(version.name, False)]
    by_kommun = local_terms.local_by_municipality(orgs.region_jh.region)
    assert by_kommun[orgs.ostersund.pk][0]["verified"] is True
    assert by_kommun[orgs.krokom.pk][0]["verified"] is False
    facts = selectors.stay_facts(ready)
    assert not selectors.terms_of(ready, facts).unverified  # an Östersund stay

    # Krokom still sees it unconfirmed and may confirm it; Östersund may not again
    page = client_as(forum["krokom"]).get("/utskrivning/villkor/").text
    assert "Ej bekräftad" in page and "Granska och bekräfta" in page
    assert "Granska och bekräfta" not in client_as(forum["ost"]).get("/utskrivning/villkor/").text
    # the region reads it kommun by kommun
    region_page = client_as(forum["region"]).get("/utskrivning/villkor/").text
    assert "Bekräftad av Östersunds kommun" in region_page
    assert "Ej bekräftad</span> av Krokoms kommun" in region_page
    listed = api_client(forum["krokom"]).get("/api/discharge/local-terms").json()
    assert [v["confirmed"] for v in listed] == [False]
    assert listed[0]["unconfirmed_municipality_ids"] == [orgs.krokom.pk]
    assert [c["confirmed_by_organisation_id"] for c in listed[0]["confirmations"]] == [
        orgs.ostersund.pk
    ]
    assert (
        api_client(forum["region"]).get("/api/discharge/local-terms").json()[0]["confirmed"]
        is False
    )
    url = f"/api/discharge/local-terms/{version.pk}/confirm"
    twice = api_client(forum["ost"]).post(url, {"confirm": True}, content_type="application/json")
    assert twice.status_code == 409 and twice.json()["detail"][0]["code"] == "already_confirmed"

    done = api_client(forum["krokom"]).post(url, {"confirm": True}, content_type="application/json")
    assert done.status_code == 200 and done.json()["confirmed"] is True
    assert done.json()["confirmed_by_organisation_id"] == orgs.krokom.pk
    assert local_terms.is_confirmed(version, orgs.krokom.pk) and local_terms.is_confirmed(version)
    assert local_terms.local_for(orgs.region_jh.region, orgs.krokom)[0]["verified"] is True
