"""The forum's discharge question in the revision simulation (issue 16: "the revision
simulation can ask what another number of days would have cost each kommun on last year's
recorded discharges"): from the form, the API and a saved copy; per kommun in days and
kronor, counted under each stay's own terms (so "today" is the yearly report's figure); small
kommuner hidden with their complement; exported as CSV and PDF; audited, no person shown.

The stays are those of ``test_discharge_figures.stays`` (today 2026-06-15): in 2025 five
Östersund stays, each utskrivningsklar 10 May (notice 10:00) and discharged 20 May, 7 paid
days each at 2025's amount (10 900 kr); in 2026 six Östersund and two Krokom stays (March)
and one psychiatric Östersund stay.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from samverkan.accounts.models import Role
from samverkan.audit.models import Action, AuditEvent
from samverkan.followup import report
from samverkan.followup.models import Simulation
from samverkan.followup.suppression import HIDDEN_TEXT

from .test_discharge_figures import stays  # noqa: F401  (the shared year of stays)

pytestmark = pytest.mark.django_db
URL = "/uppfoljning/simulering/"
API = "/api/followup/simulations"
JH = "jamtland-harjedalen"


@pytest.fixture
def year_of_stays(stays):  # noqa: F811  (the fixture imported above)
    return stays


def ask(client, **data):
    base = {"name": "Fem dagar", "op": "discharge_days", "days": "5", "region": JH}
    base.update(data)
    return client.post(URL, base)


def row(saved: Simulation, code: str) -> dict:
    found = saved.result["tables"]["by_municipality"]
    return next(r for r in found if r["municipality"] == code)


def test_five_days_on_last_years_stays_per_kommun_from_the_form(
    year_of_stays, client_as, forum_member
) -> None:
    response = ask(client_as(forum_member))  # the year left empty: last year, 2025
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = Simulation.objects.get()
    assert saved.source == "discharges" and saved.population == {"source": "discharges",
        "region": JH, "year": 2025}  # fmt: skip
    assert saved.variant["changes"] == [{"op": "set_discharge_days", "days": 5}]
    ost = row(saved, "2380")
    assert (ost["stays"], ost["persons"], ost["days_now"], ost["days_then"]) == (5, 5, 35, 25)
    assert Decimal(ost["amount_now"]) == 381500  # 35 × 10 900 kr
    assert Decimal(ost["amount_then"]) == 272500  # 25 × 10 900 kr
    assert Decimal(ost["change"]) == -109000
    # every kommun of the county is listed, 0 where none of its residents stayed; Gävle's
    # stays belong to the other region
    codes = [r["municipality"] for r in saved.result["tables"]["by_municipality"]]
    assert len(codes) == 8 and "2180" not in codes
    assert row(saved, "2309")["stays"] == 0 and not row(saved, "2309").get("suppressed")
    # "today" is the yearly report's figure for the same year
    built = report.build("jh-hemsjukvard", 2025)
    assert (
        Decimal(saved.result["summary"]["amount_now"])
        == built.section("discharge").extra["amount"].value
    )
    page = client_as(forum_member).get(response["Location"]).content.decode()
    assert "109\u00a0000\u00a0kr mindre" in page and "Östersund" in page
    assert "Med 5 dagar" in page
    assert "Villkor under året: lagens huvudregel för alla kommuner." in page
    assert "set_discharge_days" not in page.split("Visa teknisk information")[0]
    assert "Antaganden om timmar och priser" not in page


def test_zero_days_and_another_year(year_of_stays, client_as, forum_member) -> None:
    """0 days: betalningsansvar from the day of the notice (10 March, to 19 March)."""
    response = ask(client_as(forum_member), days="0", discharge_year="2026")
    assert response.status_code == 302
    saved = Simulation.objects.get()
    assert saved.population["year"] == 2026
    total = saved.result["summary"]
    # 9 stays of the region (8 somatic, 1 psychiatric), 7 days each now, 10 with 0 days
    assert (total["stays"], total["days_now"], total["days_then"]) == (9, 63, 90)


def test_a_small_kommun_is_hidden_with_its_complement(year_of_stays, forum_member) -> None:
    from samverkan.followup import discharge_days, services

    question = discharge_days.DischargeDays("Fem", "", 5)
    spec = services.PopulationSpec("discharges", JH, None, year=2026)
    saved = services.run_and_save(forum_member, question, spec)
    krokom, ost = row(saved, "2309"), row(saved, "2380")
    assert krokom["suppressed"] and krokom["stays"] is None  # 2 persons
    # alone hidden, Krokom would be the total minus Östersund: Östersund is hidden too
    assert ost["suppressed"] and ost["amount_now"] is None
    assert not row(saved, "2303").get("suppressed")  # Ragunda: 0, names nobody
    # one care type of two rests on one person: both hidden
    assert all(r["suppressed"] for r in saved.result["tables"]["by_care_type"])
    assert saved.result["summary"]["stays"] == 9  # the county's total, 9 persons


def test_csv_and_pdf_carry_the_result_in_words(year_of_stays, client_as, forum_member) -> None:
    from tests.pdf_checks import assert_document_layer, flat

    ask(client_as(forum_member))
    saved = Simulation.objects.get()
    client = client_as(forum_member)
    text = client.get(f"{URL}{saved.pk}/csv").content.decode("utf-8-sig")
    cells = list(csv.reader(io.StringIO(text), delimiter=";"))
    ost = {r[3]: r[4] for r in cells if r[2] == "Östersund" and r[1].startswith("Per kommun")}
    assert ost["Betalningsansvar"] == "381500" and ost["Med 5 dagar"] == "272500"
    assert ost["Skillnad"] == "-109000" and ost["Vårdtillfällen"] == "5"
    assert not any("Timmar" in c for r in cells for c in r)  # no home-care assumptions
    response = client.get(f"{URL}{saved.pk}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = flat(
        assert_document_layer(
            response.content,
            title="Revisionssimulering: Fem dagar",
            printed=("Fem dagar", "Per kommun: betalningsansvar", "minskar med 109 000 kr"),
        )
    )
    assert "Östersund" in pdf and "Hela jämförelsen" not in pdf


def test_the_run_is_audited_as_a_bulk_read_without_a_person(year_of_stays, client_as, forum_member):
    ask(client_as(forum_member))
    event = AuditEvent.objects.filter(action=Action.VIEW, object_type="discharge.stay").get()
    assert event.person_ref is None and "5 vårdtillfällen 2025" in event.why


def test_change_and_run_again_keeps_the_question(year_of_stays, client_as, forum_member) -> None:
    ask(client_as(forum_member), discharge_year="2025", days="4")
    saved = Simulation.objects.get()
    form = client_as(forum_member).get(f"{URL}?copy={saved.pk}").content.decode()
    assert 'value="discharge_days" selected' in form
    assert 'name="days" value="4"' in form and 'name="discharge_year" value="2025"' in form


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"days": ""}, "days", "Ange antalet dagar"),
        ({"days": "400"}, "days", "365"),
        ({"discharge_year": "2017"}, "discharge_year", "2018"),
        ({"discharge_year": "2027"}, "discharge_year", "2018–2026"),
    ],
)
def test_bad_input_is_named_on_its_field(client_as, forum_member, data, field, words) -> None:
    response = ask(client_as(forum_member), **data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and words in " ".join(errors[field]), errors
    assert not Simulation.objects.exists()


def _api(client, variant, **population):
    body = {"variant": variant, "population": {"region": JH, **population}}
    return client.post(API, body, content_type="application/json")


def test_the_api_asks_the_same_question(year_of_stays, api_client, forum_member) -> None:
    client = api_client(forum_member)
    five = {"name": "Fem", "changes": [{"op": "set_discharge_days", "days": 5}]}
    response = _api(client, five, source="discharges", year=2025)
    assert response.status_code == 201, response.content
    result = response.json()["result"]
    assert Decimal(result["summary"]["change"]) == -109000
    assert response.json()["population"] == {"source": "discharges", "region": JH, "year": 2025}


@pytest.mark.parametrize(
    ("variant", "population", "field", "code"),
    [
        (
            {"changes": [{"op": "set_discharge_days", "days": -1}]},
            {"source": "discharges"},
            "variant.changes.0.days",
            "out_of_range",
        ),
        (
            {"changes": [{"op": "set_discharge_days", "days": True}]},
            {"source": "discharges"},
            "variant.changes.0.days",
            "out_of_range",
        ),
        (
            {"changes": [{"op": "set_discharge_days", "days": 5}, {"op": "x"}]},
            {"source": "discharges"},
            "variant.changes",
            "discharge_days_alone",
        ),
        (
            {"changes": [{"op": "set_discharge_days", "days": 5}]},
            {"source": "synthetic", "date": "2026-01-01"},
            "population.source",
            "days_need_discharges",
        ),
        (
            {"changes": [{"op": "disable", "rule": "gvb.responsibility.child"}]},
            {"source": "discharges"},
            "variant.changes",
            "discharges_take_days_only",
        ),
        (
            {"changes": [{"op": "set_discharge_days", "days": 5}]},
            {"source": "discharges", "year": 2017},
            "population.year",
            "out_of_range",
        ),
        (
            {"changes": [{"op": "disable", "rule": "gvb.responsibility.child"}]},
            {"source": "synthetic"},
            "population.date",
            "required",
        ),
    ],
)
def test_api_refusals_name_the_field(api_client, forum_member, variant, population, field, code):
    response = _api(api_client(forum_member), variant, **population)
    assert response.status_code == 422, response.content
    (item,) = response.json()["detail"]
    assert (item["field"], item["code"]) == (field, code)
    assert not Simulation.objects.exists()


def test_another_region_and_other_roles(year_of_stays, client_as, api_client, make_staff, orgs):
    forum = make_staff(Role.FORUM_MEMBER, orgs.region_jh, "forum.utskr")
    ask(client_as(forum))
    saved = Simulation.objects.get()
    gvb = make_staff(Role.FORUM_MEMBER, orgs.region_gvb, "forum.gvb.utskr")
    for suffix in ("", "csv", "pdf"):
        assert client_as(gvb).get(f"{URL}{saved.pk}/{suffix}").status_code == 404
    assert api_client(gvb).get(f"{API}/{saved.pk}").status_code == 404
    five = {"changes": [{"op": "set_discharge_days", "days": 5}]}
    response = _api(api_client(gvb), five, source="discharges")
    assert response.status_code == 403 and response.json()["detail"][0]["code"] == "other_region"
    nurse = make_staff(Role.NURSE, orgs.region_jh, "ssk.utskr.sim")
    assert ask(client_as(nurse)).status_code == 403
    assert _api(api_client(nurse), five, source="discharges").status_code == 403
    assert Simulation.objects.count() == 1


def test_hidden_cells_say_so_on_the_page(year_of_stays, client_as, forum_member) -> None:
    ask(client_as(forum_member), discharge_year="2026")
    saved = Simulation.objects.get()
    page = client_as(forum_member).get(f"{URL}{saved.pk}/").content.decode()
    assert HIDDEN_TEXT in page


def test_a_local_version_governs_today_and_only_its_days_change(
    year_of_stays, orgs, make_staff, forum_member
) -> None:
    """Östersund's local version for 2025 (from the second day after the notice, 8 000 kr a
    day): "today" is counted under it, and with 5 days its amount per day stays."""
    import datetime as dt

    from samverkan.discharge import local_terms
    from samverkan.followup import discharge_days, services

    forum_ost = make_staff(Role.FORUM_MEMBER, orgs.ostersund, "forum.ost.sim")
    local_terms.enter_version(
        forum_ost,
        valid_from=dt.date(2025, 1, 1),
        name="Överenskommelse om utskrivning Östersund",
        terms={"days_after_notice": {"somatic": 2, "psychiatric": 3}, "amount_per_day": 8000},
        municipality=orgs.ostersund,
    )
    question = discharge_days.DischargeDays("Fem", "", 5)
    spec = services.PopulationSpec("discharges", JH, None, year=2025)
    saved = services.run_and_save(forum_member, question, spec)
    ost = row(saved, "2380")
    assert (ost["days_now"], ost["days_then"]) == (40, 25)  # 12–19 May; 15–19 May
    assert Decimal(ost["amount_now"]) == 40 * 8000 and Decimal(ost["amount_then"]) == 25 * 8000
    assert ost["local_terms"] == ["Överenskommelse om utskrivning Östersund"]
    built = report.build("jh-hemsjukvard", 2025)
    assert built.section("discharge").extra["amount"].value == 40 * 8000
    assert any(
        "utom för Östersund: Överenskommelse om utskrivning Östersund" in n
        for n in saved.result["notes"]
    )


# --- psychiatric care asked apart ---------------------------------------------------------


@pytest.fixture
def psychiatric_stays(year_of_stays, orgs):
    """Four more psychiatric Östersund stays in 2026 like the fixture's one (utskrivningsklar
    10 March, notice 10:00, discharged 20 March: 7 paid days each today), so that both care
    types rest on 5 persons or more and their row of the result is shown."""
    import datetime as dt

    from samverkan.accounts.models import Unit, UnitKind
    from samverkan.discharge.models import Notice, NoticeKind, Receiver, Stay, StayStatus
    from samverkan.people import services as people
    from samverkan.people.testpersons import test_personnummer

    from .conftest import STOCKHOLM

    ward = Unit.objects.create(
        organisation=orgs.region_jh, name="Psykiatriavdelning 2", kind=UnitKind.SPECIALIST_CARE
    )

    def at(text: str) -> dt.datetime:
        return dt.datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)

    for number in test_personnummer(4, seed=1612):
        person, _ = people.create_person(
            year_of_stays.nurse,
            identifier=number,
            given_name="Sigrid",
            family_name="Psykiatrisimuleringsdotter",
            home_municipality=orgs.ostersund.scb_code,
            confirm_care_relation=True,
            reason="Inskriven",
        )
        s = Stay.objects.create(
            person=person,
            organisation=orgs.region_jh,
            unit=ward,
            municipality=orgs.ostersund,
            care_type="psychiatric",
            admitted_at=at("2026-03-01 08:00"),
            needs_municipal_insatser=True,
            status=StayStatus.DISCHARGED,
            ready_at=at("2026-03-10 09:00"),
            discharged_at=at("2026-03-20 10:00"),
            source="board",
        )
        Notice.objects.create(stay=s, kind=NoticeKind.ADMISSION, sent_at=at("2026-03-01 10:00"),
            sender=orgs.region_jh, receiver=Receiver.MUNICIPAL_SOCIAL_SERVICES,
            receiver_organisation=orgs.ostersund, source="board")  # fmt: skip
        Notice.objects.create(stay=s, kind=NoticeKind.READY, sent_at=at("2026-03-10 10:00"),
            sender=orgs.region_jh, source="board")  # fmt: skip
    return year_of_stays


def care_row(saved: Simulation, care_type: str) -> dict:
    return next(r for r in saved.result["tables"]["by_care_type"] if r["care_type"] == care_type)


def test_each_care_type_is_counted_with_its_own_number(
    psychiatric_stays, client_as, forum_member
) -> None:
    """5 days for somatic care, 8 for psychiatric care, on 2026's stays (notice 10 March):
    a somatic stay pays 15–19 March (5 days), a psychiatric one 18–19 March (2 days); today
    each pays 13–19 March (7 days) at 11 300 kr a day."""
    client = client_as(forum_member)
    response = ask(client, days="5", psychiatric_days="8", discharge_year="2026")
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = Simulation.objects.get()
    assert saved.variant["changes"] == [
        {"op": "set_discharge_days", "days": 5, "psychiatric_days": 8}
    ]
    assert saved.result["days_by_care_type"] == {"somatic": 5, "psychiatric": 8}
    somatic, psychiatric = care_row(saved, "somatic"), care_row(saved, "psychiatric")
    assert (somatic["stays"], somatic["days_now"], somatic["days_then"]) == (8, 56, 40)
    assert (psychiatric["stays"], psychiatric["days_now"], psychiatric["days_then"]) == (5, 35, 10)
    assert Decimal(somatic["amount_then"]) == 40 * 11300
    assert Decimal(psychiatric["amount_then"]) == 10 * 11300
    assert Decimal(psychiatric["change"]) == -25 * 11300
    total = saved.result["summary"]
    assert (total["days_now"], total["days_then"]) == (91, 50)  # 5 for both would give 65
    page = client.get(response["Location"]).content.decode()
    assert (
        "Med 5 dagar i somatisk vård, 8 i psykiatrisk vård efter meddelandet om "
        "utskrivningsklar hade kommunerna i Jämtlands län betalat 463\u00a0300\u00a0kr mindre"
    ) in page
    assert "Somatisk slutenvård (5 dagar)" in page and "Sluten psykiatrisk vård (8 dagar)" in page
    assert (
        "Betalningsansvaret börjar 5 dagar efter att kommunen fått meddelandet om "
        "utskrivningsklar i somatisk slutenvård och 8 dagar i sluten psykiatrisk vård"
    ) in page
    assert "Med ändringen" in page and "Med 5 dagar<" not in page
    # the exports follow the view: both numbers named
    text = client.get(f"{URL}{saved.pk}/csv").content.decode("utf-8-sig")
    cells = list(csv.reader(io.StringIO(text), delimiter=";"))
    psych = {r[3]: r[4] for r in cells if r[2] == "Sluten psykiatrisk vård (8 dagar)"}
    assert psych["Med ändringen"] == str(10 * 11300) and psych["Vårdtillfällen"] == "5"
    assert any("Somatisk slutenvård (5 dagar)" in c for r in cells for c in r)
    assert any("8 i psykiatrisk vård" in c for r in cells for c in r)
    from tests.pdf_checks import flat, pdftotext

    pdf = flat(pdftotext(client.get(f"{URL}{saved.pk}/pdf").content))
    assert "8 i psykiatrisk vård" in pdf and "Sluten psykiatrisk vård (8 dagar)" in pdf
    # "Ändra och kör igen" keeps both numbers
    form = client.get(f"{URL}?copy={saved.pk}").content.decode()
    assert 'name="days" value="5"' in form and 'name="psychiatric_days" value="8"' in form


def test_an_empty_psychiatric_number_is_the_same_for_both(
    psychiatric_stays, client_as, forum_member
) -> None:
    response = ask(client_as(forum_member), days="5", psychiatric_days="", discharge_year="2026")
    assert response.status_code == 302
    saved = Simulation.objects.get()
    assert saved.variant["changes"] == [{"op": "set_discharge_days", "days": 5}]
    assert saved.result["days_by_care_type"] == {"somatic": 5, "psychiatric": 5}
    assert care_row(saved, "psychiatric")["days_then"] == 25  # 15–19 March, 5 stays
    assert saved.result["summary"]["days_then"] == 65
    page = client_as(forum_member).get(response["Location"]).content.decode()
    assert "Med 5 dagar efter meddelandet" in page and "i psykiatrisk vård" not in page


@pytest.mark.parametrize("value", ["400", "-1", "tre"])
def test_a_bad_psychiatric_number_is_named_on_its_field(client_as, forum_member, value) -> None:
    response = ask(client_as(forum_member), psychiatric_days=value)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["psychiatric_days"] == [
        "Dagar i sluten psykiatrisk vård ska vara ett heltal 0–365."
    ], errors
    assert "days" not in errors
    assert not Simulation.objects.exists()


def test_the_api_asks_psychiatric_care_apart(psychiatric_stays, api_client, forum_member) -> None:
    client = api_client(forum_member)
    change = {"op": "set_discharge_days", "days": 5, "psychiatric_days": 8}
    response = _api(client, {"name": "Fem och åtta", "changes": [change]}, source="discharges",
                    year=2026)  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["variant"]["changes"] == [change]
    assert body["result"]["days_by_care_type"] == {"somatic": 5, "psychiatric": 8}
    assert body["result"]["summary"]["days_then"] == 50
    # null: the same number for both, as without the key
    same = {"op": "set_discharge_days", "days": 5, "psychiatric_days": None}
    response = _api(client, {"changes": [same]}, source="discharges", year=2026)
    assert response.status_code == 201, response.content
    assert response.json()["result"]["days_by_care_type"] == {"somatic": 5, "psychiatric": 5}
    assert response.json()["name"] == "5 dagar efter meddelandet"
    response = _api(client, {"changes": [change]}, source="discharges", year=2026)
    assert (
        response.json()["name"] == "5 dagar i somatisk vård, 8 i psykiatrisk vård efter meddelandet"
    )


@pytest.mark.parametrize("value", [-1, 366, True, "5", 2.5])
def test_api_refuses_a_bad_psychiatric_number(api_client, forum_member, value) -> None:
    change = {"op": "set_discharge_days", "days": 5, "psychiatric_days": value}
    response = _api(api_client(forum_member), {"changes": [change]}, source="discharges")
    assert response.status_code == 422, response.content
    (item,) = response.json()["detail"]
    assert (item["field"], item["code"]) == ("variant.changes.0.psychiatric_days", "out_of_range")
    assert "psykiatrisk vård" in item["message"] and "0–365" in item["message"]
    assert not Simulation.objects.exists()


def test_an_old_saved_result_with_one_number_still_reads(
    year_of_stays, client_as, api_client, forum_member
) -> None:
    """A result saved before psychiatric care could be asked apart: its change has ``days``
    only and its result no ``days_by_care_type``; the page, the exports, the API and the copy
    read it as one number for both care types."""
    from samverkan.followup import discharge_days, services

    question = discharge_days.DischargeDays("Fyra dagar", "", 4)
    spec = services.PopulationSpec("discharges", JH, None, year=2025)
    saved = services.run_and_save(forum_member, question, spec)
    result = dict(saved.result)
    result.pop("days_by_care_type", None)
    Simulation.objects.filter(pk=saved.pk).update(
        result=result,
        variant={
            "name": "Fyra dagar",
            "description": "",
            "changes": [{"op": "set_discharge_days", "days": 4}],
        },  # fmt: skip
    )
    client = client_as(forum_member)
    page = client.get(f"{URL}{saved.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Med 4 dagar efter meddelandet om utskrivningsklar" in text
    assert "för somatisk och psykiatrisk slutenvård" in text and "i psykiatrisk vård" not in text
    csv_text = client.get(f"{URL}{saved.pk}/csv").content.decode("utf-8-sig")
    assert "Med 4 dagar" in csv_text
    assert client.get(f"{URL}{saved.pk}/pdf").status_code == 200
    assert api_client(forum_member).get(f"{API}/{saved.pk}").status_code == 200
    form = client.get(f"{URL}?copy={saved.pk}").content.decode()
    assert 'name="days" value="4"' in form
    assert 'name="psychiatric_days" value=' not in form  # empty: the same number
