"""Scenarios from Bilaga 2 Samverkan och ansvar primärvård – kommun (jh-primarvard-kommun).

The baseline (helpers.JH_BASE) is a region-responsible patient: ordinary housing, no needs
over time, a nursing intervention (a district nurse's task).
"""

from __future__ import annotations

import pytest

from .helpers import assert_quotes, jh, outcome

HCR = "health_care_responsibility"
NIGHT = "jh-primarvard-kommun Tjänstgöring kvällar och nätter 17.00–08.00"
DAY = "jh-primarvard-kommun Dagtid 08.00–17.00"
NIGHT_OUTCOME = {
    HCR: "region",
    "performer": "municipality",
    "employer": "municipality",
    "cost": "region",
    "region_unit": "primary_care",
    "compensation": "none",
}


# --- Tjänstgöring kvällar och nätter 17.00–08.00 ---------------------------------------------


@pytest.mark.parametrize("time", ["17:00", "23:30", "00:00", "07:59"])
def test_night_kommun_performs_district_nurse_work_without_compensation(time: str) -> None:
    """Bilaga 2, Tjänstgöring kvällar och nätter 17.00–08.00: kommunen svarar utan
    ersättning för distriktssköterskeinsatser inom regionens primärvård; kommunen är
    arbetsgivare, vårdansvaret är regionens."""
    d = jh(time=time)
    assert d.outcome == NIGHT_OUTCOME
    assert d.rules["performer"] == "jh-pvk.performer.night_district_nurse"
    assert d.rules["employer"] == "jh-pvk.employer.night_district_nurse"
    assert d.rules[HCR] == "jh-hsv.responsibility.ordinary_without_needs"
    assert d.missing_facts == []
    assert_quotes(d, "performer", NIGHT, "utan ersättning för distriktssköterske-insatser")
    assert_quotes(d, "employer", NIGHT, "vårdansvaret finns hos Regionen")


@pytest.mark.parametrize("time", ["08:00", "12:00", "16:59"])
def test_day_the_region_performs_its_own_care(time: str) -> None:
    """Bilaga 2, Dagtid 08.00–17.00: dagtid utför regionen själv om den inte ber kommunen
    om tjänsteköp (08:00 och 16:59 är dagtid)."""
    d = jh(time=time)
    assert outcome(d, HCR, "performer", "employer") == ("region", "region", "region")
    assert d.rules["performer"] == "jh-hsv.performer.region"


def test_boundary_16_59_is_day_and_17_00_is_night() -> None:
    """Bilaga 2: gränsen går vid 17.00."""
    assert jh(time="16:59").outcome["performer"] == "region"
    assert jh(time="17:00").outcome["performer"] == "municipality"


def test_boundary_07_59_is_night_and_08_00_is_day() -> None:
    """Bilaga 2: gränsen går vid 08.00."""
    assert jh(time="07:59").outcome["performer"] == "municipality"
    assert jh(time="08:00").outcome["performer"] == "region"


@pytest.mark.parametrize("time", ["08:00", "16:59"])
def test_day_service_purchase_when_the_region_asks(time: str) -> None:
    """Bilaga 2, Dagtid 08.00–17.00: kommunen kan utföra insatser som regionen ber om genom
    tjänsteköp (bilaga 4)."""
    d = jh(time=time, service_purchase_requested=True)
    assert d.outcome == NIGHT_OUTCOME | {"compensation": "service_purchase"}
    assert d.rules["performer"] == "jh-pvk.performer.day_service_purchase"
    assert_quotes(d, "performer", DAY, "regionen ber kommunen utföra genom tjänsteköp")


def test_night_is_without_compensation_even_when_a_purchase_was_asked_for() -> None:
    """Bilaga 2, Tjänstgöring kvällar och nätter: nattetid sker det utan ersättning."""
    d = jh(time="02:00", service_purchase_requested=True)
    assert d.outcome["compensation"] == "none"
    assert d.rules["compensation"] == "jh-pvk.performer.night_district_nurse"


@pytest.mark.parametrize("intervention", ["medication_management", "lab_analysis"])
def test_night_covers_other_district_nurse_tasks(intervention: str) -> None:
    """Bilaga 2, Tjänstgöring kvällar och nätter: provtagning och läkemedel som distrikts-
    sköterskan gör räknas in (läkemedel här för en person med LSS-assistans, regionens)."""
    d = jh(
        time="21:00",
        intervention=intervention,
        personal_assistance_lss=True,
        medication_risk_remains=True,
    )
    assert outcome(d, HCR, "performer", "employer") == ("region", "municipality", "municipality")


def test_night_rehabilitation_is_not_a_district_nurse_task() -> None:
    """Bilaga 2, Tjänstgöring kvällar och nätter: bara distriktssköterskeinsatser; rehabilitering
    utförs av regionen."""
    d = jh(time="21:00", intervention="rehabilitation")
    assert outcome(d, "performer", "compensation") == ("region", "none")


def test_night_does_not_move_the_kommuns_own_patients() -> None:
    """Bilaga 2, Tjänstgöring kvällar och nätter: gäller regionens primärvård; kommunens egna
    hemsjukvårdspatienter är kommunens dygnet runt."""
    d = jh(time="22:00", adl_needs_over_time=["hygiene"])
    assert d.outcome[HCR] == "municipality"
    assert d.rules["performer"] == "jh-hsv.performer.municipality"


def test_unknown_time_leaves_the_performer_open_and_names_time() -> None:
    """Bilaga 2: dag eller natt avgör vem som utför; okänd tid saknas som uppgift."""
    d = jh(time=None)
    assert outcome(d, HCR, "cost") == ("region", "region")
    assert outcome(d, "performer", "employer", "compensation") == ("undetermined",) * 3
    assert d.missing_facts == ["time"]


def test_unknown_service_purchase_matters_by_day_but_not_at_night() -> None:
    """Bilaga 2 and jh-hemsjukvard §7.5: dagtid avgör tjänsteköpet, nattetid inte."""
    day = jh(time="10:00", service_purchase_requested=None)
    assert day.outcome["performer"] == "undetermined"
    assert day.missing_facts == ["service_purchase_requested"]
    night = jh(time="03:00", service_purchase_requested=None)
    assert night.outcome == NIGHT_OUTCOME
    assert night.missing_facts == []


# --- Läkarmedverkan ------------------------------------------------------------------------


@pytest.mark.parametrize("housing", ["ordinary", "special_housing", "lss_housing"])
def test_physician_home_visits_regardless_of_housing(housing: str) -> None:
    """Bilaga 2, Läkarmedverkan: hembesök utifrån patientens behov, oavsett boendeform; även
    nattetid är läkaren regionens."""
    d = jh(intervention="physician", housing=housing, time="23:00")
    assert outcome(d, HCR, "performer", "employer", "region_unit") == (
        "region",
        "region",
        "region",
        "primary_care",
    )
    assert d.rules["performer"] == "jh-pvk.performer.physician"
    assert_quotes(d, "performer", "jh-primarvard-kommun Läkarmedverkan", "oavsett boendeform")


# --- Laboratorieservice och högrentservice ------------------------------------------------


def test_laboratory_costs_are_the_regions_even_for_kommun_patients() -> None:
    """Bilaga 2, Laboratorieservice och högrentservice: alla kostnader för provtagnings-
    material och analyser betalas av regionen, också när kommunen tar provet."""
    d = jh(intervention="lab_analysis", housing="special_housing")
    assert outcome(d, HCR, "performer", "cost") == ("municipality", "municipality", "region")
    assert d.rules["cost"] == "jh-pvk.cost.laboratory"
    assert_quotes(
        d,
        "cost",
        "jh-primarvard-kommun Laboratorieservice och högrentservice",
        "laboratorieanalyser",
    )


def test_laboratory_for_self_care_is_still_paid_by_the_region() -> None:
    """Bilaga 2, Laboratorieservice: analyserna betalas av regionen även vid egenvård."""
    d = jh(intervention="lab_analysis", self_care_assessment="self_care")
    assert outcome(d, HCR, "cost") == ("self_care", "region")


def test_laboratory_for_someone_registered_elsewhere_is_billed_on() -> None:
    """Bilaga 2 and jh-hemsjukvard §7.2: regionen betalar och fakturerar hemregionen."""
    d = jh(intervention="lab_analysis", residence="registered_elsewhere")
    assert d.outcome["cost"] == "home_region"
    assert d.actions == ["bill_home_region"]


# --- Medicinteknisk utrustning och läkemedel -----------------------------------------------


def test_basic_equipment_in_kommunal_care_is_the_kommuns() -> None:
    """Bilaga 2, Medicinteknisk utrustning och läkemedel: regleras i huvudavtalet 7.7;
    basutrustning i kommunal hälso- och sjukvård som kommunen förskriver betalar kommunen."""
    d = jh(intervention="aids_and_materials", housing="special_housing", prescriber="municipality")
    assert outcome(d, HCR, "cost") == ("municipality", "municipality")
    assert d.rules["cost"] == "jh-hsv.cost.aids_prescriber_municipality"
    assert_quotes(d, "cost", "jh-hemsjukvard §7.7", "följer ansvaret för patient och förskrivare")


def test_annex_follows_the_main_agreement() -> None:
    """Bilaga 2 följer huvudavtalets giltighet: båda styr hemsjukvårdsfrågor."""
    d = jh(date="2026-11-24")
    assert [(a["id"], a["valid_to"]) for a in d.agreements] == [
        ("jh-hemsjukvard", None),
        ("jh-primarvard-kommun", None),
    ]
