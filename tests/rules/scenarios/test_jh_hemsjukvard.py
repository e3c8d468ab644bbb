"""Scenarios from Samverkansavtal gällande hemsjukvård (jh-hemsjukvard, rev. 2020-03-01).

Each test names the clause it checks; the baseline (helpers.JH_BASE) is an 80-year-old
registered in Östersund, living in ordinary housing without needs over time, on
2022-02-01 at 10:00, a nursing intervention, every other fact known and false.
"""

from __future__ import annotations

import pytest

from .helpers import assert_quotes, jh, outcome, reason

HCR = "health_care_responsibility"
KOMMUN_ALL = {
    HCR: "municipality",
    "performer": "municipality",
    "employer": "municipality",
    "cost": "municipality",
    "region_unit": "none",
    "compensation": "none",
}
REGION_ALL = {
    HCR: "region",
    "performer": "region",
    "employer": "region",
    "cost": "region",
    "region_unit": "primary_care",
    "compensation": "none",
}


# --- §7.3 and §7.2: region or kommun by housing form ---------------------------------------


def test_7_3_ordinary_housing_with_one_adl_need_is_kommun() -> None:
    """jh-hemsjukvard §7.3: ordinärt boende med behov av stöd över tid med en insats
    (klä sig) ger kommunens hälso- och sjukvård; egenvård ska bedömas före överföring (§1)."""
    d = jh(adl_needs_over_time=["dressing"])
    assert d.in_force is True
    assert d.outcome == KOMMUN_ALL
    assert d.rules[HCR] == "jh-hsv.responsibility.ordinary_with_needs"
    assert d.rules["performer"] == "jh-hsv.performer.municipality"
    assert d.rules["cost"] == "jh-hsv.cost.municipality"
    assert d.actions == ["assess_self_care_first"]
    assert d.missing_facts == []
    assert [a["id"] for a in d.agreements] == ["jh-hemsjukvard", "jh-primarvard-kommun"]
    assert_quotes(d, HCR, "jh-hemsjukvard §7.3", "personer i ordinärt boende som har behov")
    assert_quotes(d, "performer", "jh-hemsjukvard §7.3", "upp till läkarnivå")
    assert "Avtalet anger ingen egen kostnadsfördelning" in reason(d, "cost").text  # §7.1


@pytest.mark.parametrize("need", ["eating", "dressing", "moving", "hygiene"])
def test_7_3_each_adl_criterion_alone_is_enough(need: str) -> None:
    """jh-hemsjukvard §7.3: vart och ett av kriterierna måltid, klä sig, förflytta sig och
    personlig hygien räcker ("en eller flera insatser"), även med stöd av närstående."""
    assert jh(adl_needs_over_time=[need]).outcome[HCR] == "municipality"


def test_7_3_two_adl_needs_is_kommun() -> None:
    """jh-hemsjukvard §7.3: flera behov över tid, kommunen."""
    d = jh(adl_needs_over_time=["eating", "hygiene"])
    assert d.outcome == KOMMUN_ALL


def test_7_2_ordinary_housing_without_needs_is_region_primary_care() -> None:
    """jh-hemsjukvard §7.2: utan behov över tid ansvarar regionen genom hälsocentralen."""
    d = jh()
    assert d.outcome == REGION_ALL
    assert d.rules[HCR] == "jh-hsv.responsibility.ordinary_without_needs"
    assert d.rules["region_unit"] == "jh-hsv.region_unit.primary_care"
    assert d.actions == []
    assert d.missing_facts == []
    assert_quotes(d, HCR, "jh-hemsjukvard §7.2", "öppen och sluten vård")
    assert_quotes(d, "region_unit", "jh-hemsjukvard §7.2", "vid hälsocentraler")


def test_7_3_special_housing_is_kommun_up_to_physician_level() -> None:
    """jh-hemsjukvard §7.3: särskilt boende, kommunen upp till läkarnivå."""
    d = jh(housing="special_housing")
    assert d.outcome == KOMMUN_ALL
    assert d.rules[HCR] == "jh-hsv.responsibility.special_housing"
    assert_quotes(d, HCR, "jh-hemsjukvard §7.3", "särskilda boendeformer för äldre")


def test_7_2_physician_in_special_housing_is_region() -> None:
    """jh-hemsjukvard §7.2: alla läkarinsatser är regionens oavsett boendeform; läkar-
    medverkan ordnas via hälsocentralen enligt lokal rutin (§8.3)."""
    d = jh(housing="special_housing", intervention="physician")
    assert d.outcome == REGION_ALL
    assert d.rules[HCR] == "jh-hsv.responsibility.physician"
    assert d.rules["region_unit"] == "jh-pvk.region_unit.physician"
    assert d.actions == []
    assert_quotes(d, HCR, "jh-hemsjukvard §7.2", "alla läkarinsatser till samtliga medborgare")
    assert_quotes(
        d,
        "region_unit",
        "jh-primarvard-kommun Samverkansrutin mellan primärvård och kommun",
        "Chef vid respektive hälsocentral",
    )


def test_7_3_day_activity_is_kommun_even_in_lss_housing() -> None:
    """jh-hemsjukvard §7.3: den som vistas på dagverksamhet får kommunens hälso- och
    sjukvård där, också den som bor i LSS-bostad."""
    d = jh(housing="lss_housing", day_activity=True)
    assert d.outcome[HCR] == "municipality"
    assert d.rules[HCR] == "jh-hsv.responsibility.day_activity"
    assert_quotes(d, HCR, "jh-hemsjukvard §7.3", "vistas på dagverksamhet")


def test_7_3_lss_housing_is_region_as_far_as_possible() -> None:
    """jh-hemsjukvard §7.3: bostad med särskild service enligt LSS, så långt möjligt
    regionen."""
    d = jh(housing="lss_housing", adl_needs_over_time=["moving"])
    assert d.outcome == REGION_ALL
    assert d.rules[HCR] == "jh-hsv.responsibility.lss_housing"
    assert_quotes(d, HCR, "jh-hemsjukvard §7.3", "bostad med särskild service enligt LSS")


def test_7_2_personal_assistance_is_region_with_self_care_and_sip() -> None:
    """jh-hemsjukvard §7.2 and §7.3: personlig assistans enligt LSS, så långt möjligt
    regionen, även med behov över tid; bedöm egenvård och kalla till SIP."""
    d = jh(personal_assistance_lss=True, adl_needs_over_time=["eating", "moving"])
    assert d.outcome == REGION_ALL
    assert d.rules[HCR] == "jh-hsv.responsibility.personal_assistance_lss"
    assert d.actions == ["offer_sip", "assess_self_care_first"]
    assert_quotes(d, HCR, "jh-hemsjukvard §7.2", "personlig assistans enligt LSS")
    assert_quotes(d, "actions", "jh-hemsjukvard §7.3", "kalla till SIP", action="offer_sip")


def test_7_3_special_housing_beats_personal_assistance() -> None:
    """jh-hemsjukvard §7.3: i särskilt boende har kommunen lagens ansvar; regionens
    'så långt möjligt' för personlig assistans viker."""
    d = jh(housing="special_housing", personal_assistance_lss=True)
    assert d.outcome[HCR] == "municipality"
    assert d.rules[HCR] == "jh-hsv.responsibility.special_housing"


def test_7_2_temporary_stay_is_region() -> None:
    """jh-hemsjukvard §7.2: den som vistas i länet får hemsjukvård av regionen."""
    d = jh(housing="temporary_stay", adl_needs_over_time=["hygiene"])
    assert d.outcome == REGION_ALL
    assert d.rules[HCR] == "jh-hsv.responsibility.temporary_stay"
    assert_quotes(d, HCR, "jh-hemsjukvard §7.2", "personer som vistas i länet")


# --- §7.3 medication, §4 and §1 egenvård -----------------------------------------------------


def test_7_3_medication_risk_despite_dose_dispensing_is_kommun() -> None:
    """jh-hemsjukvard §7.3: kvarstår en risk trots dosdispensering och hjälpmedel övergår
    ansvaret till kommunens hemsjukvård, även utan andra behov över tid."""
    d = jh(intervention="medication_management", medication_risk_remains=True)
    assert d.outcome == KOMMUN_ALL
    assert d.rules[HCR] == "jh-hsv.responsibility.medication_risk"
    assert d.actions == ["assess_self_care_first"]
    assert_quotes(d, HCR, "jh-hemsjukvard §7.3", "Om det trots detta föreligger en risk")


def test_7_3_medication_without_risk_is_self_care() -> None:
    """jh-hemsjukvard §7.3 and §4: utan kvarstående risk sköter personen läkemedlen själv,
    egenvård; ingen huvudman bär någon kostnad för hälso- och sjukvård (dokumenterad lucka)."""
    d = jh(
        intervention="medication_management",
        medication_risk_remains=False,
        adl_needs_over_time=["dressing"],
    )
    assert outcome(d, HCR, "performer", "cost") == ("self_care", "individual", "undetermined")
    assert d.rules[HCR] == "jh-hsv.responsibility.medication_without_risk"
    assert d.rules["performer"] == "jh-hsv.performer.self_care"
    assert d.missing_facts == []
    assert d.actions == []
    assert_quotes(
        d, HCR, "jh-hemsjukvard §7.3", "sköta hela eller delar av sin läkemedelshantering"
    )
    assert_quotes(d, "performer", "jh-hemsjukvard §4", "Med egenvård menas")


def test_7_3_medication_assessed_as_health_care_follows_housing() -> None:
    """jh-hemsjukvard §7.3: är läkemedelshanteringen bedömd som hälso- och sjukvård gäller
    boendekriterierna (här behov över tid: kommunen)."""
    d = jh(
        intervention="medication_management",
        medication_risk_remains=False,
        self_care_assessment="health_care",
        adl_needs_over_time=["dressing"],
    )
    assert d.outcome[HCR] == "municipality"
    assert d.actions == []  # already assessed


def test_4_assessed_self_care_is_not_health_care() -> None:
    """jh-hemsjukvard §4: egenvård som personen själv eller med hjälp av någon annan utför
    räknas inte som hälso- och sjukvård, också i särskilt boende."""
    d = jh(housing="special_housing", self_care_assessment="self_care")
    assert outcome(d, HCR, "performer", "region_unit") == ("self_care", "individual", "none")
    assert d.rules[HCR] == "jh-hsv.responsibility.self_care"
    assert d.actions == []
    assert_quotes(d, HCR, "jh-hemsjukvard §4", "räknas inte som hälso- och sjukvård")


def test_4_physician_visit_is_never_self_care() -> None:
    """jh-hemsjukvard §4 and §7.2: läkarinsatsen är regionens även om andra åtgärder är
    bedömda som egenvård."""
    d = jh(intervention="physician", self_care_assessment="self_care")
    assert d.outcome[HCR] == "region"


def test_1_assess_self_care_before_kommun_takes_over() -> None:
    """jh-hemsjukvard §1: innan vård överförs till annan huvudman ska egenvård bedömas."""
    d = jh(adl_needs_over_time=["eating"])
    assert "assess_self_care_first" in d.actions
    assert_quotes(
        d,
        "actions",
        "jh-hemsjukvard §1",
        "Innan vård och behandling överförs till annan huvudman",
        action="assess_self_care_first",
    )
    done = jh(adl_needs_over_time=["eating"], self_care_assessment="health_care")
    assert done.outcome[HCR] == "municipality"
    assert "assess_self_care_first" not in done.actions


def test_1_no_self_care_action_when_region_keeps_the_care() -> None:
    """jh-hemsjukvard §1: ingen överföring till kommunen, ingen åtgärd."""
    assert jh().actions == []


# --- §7.3 wish for the health centre ----------------------------------------------------------


def test_7_3_wish_for_health_centre_is_respected() -> None:
    """jh-hemsjukvard §7.3: den som har rätt till kommunens insatser men önskar vården på
    hälsocentral ska få det; ansvaret och kostnaden ändras inte av avtalet."""
    d = jh(adl_needs_over_time=["moving"], wishes_health_centre=True)
    assert d.outcome == {
        HCR: "municipality",
        "performer": "region",
        "employer": "region",
        "cost": "municipality",
        "region_unit": "primary_care",
        "compensation": "none",
    }
    assert d.rules["performer"] == "jh-hsv.performer.health_centre_wish"
    assert_quotes(d, "performer", "jh-hemsjukvard §7.3", "utförd på hälsocentral")


def test_7_3_unknown_wish_leaves_only_the_performer_open() -> None:
    """jh-hemsjukvard §7.3: vet vi inte om personen önskar hälsocentralen kan utföraren inte
    avgöras; ansvar och kostnad kan det."""
    d = jh(adl_needs_over_time=["moving"], wishes_health_centre=None)
    assert outcome(d, HCR, "cost") == ("municipality", "municipality")
    assert outcome(d, "performer", "employer", "region_unit") == ("undetermined",) * 3
    assert d.missing_facts == ["wishes_health_centre"]


# --- §7.2 residence -----------------------------------------------------------------------------


def test_7_2_registered_elsewhere_is_region_billed_to_home_region() -> None:
    """jh-hemsjukvard §7.2: den som vistas i länet men är folkbokförd i annan region får
    hemsjukvård av regionen, som fakturerar hemlandstinget."""
    d = jh(residence="registered_elsewhere", adl_needs_over_time=["dressing"])
    assert d.outcome == REGION_ALL | {"cost": "home_region"}
    assert d.rules[HCR] == "jh-hsv.responsibility.registered_elsewhere"
    assert d.rules["cost"] == "jh-hsv.cost.home_region"
    assert d.actions == ["bill_home_region"]
    assert_quotes(d, HCR, "jh-hemsjukvard §7.2", "inte är mantalsskrivna här")
    assert_quotes(d, "cost", "jh-hemsjukvard §7.2", "fakturerar hemlandstinget")


def test_7_2_registered_elsewhere_service_purchase_from_the_kommun() -> None:
    """jh-hemsjukvard §7.2 and §7.5: regionen kan köpa insatsen av vistelsekommunen
    (tjänsteköp) och fakturera hemregionen."""
    d = jh(
        residence="registered_elsewhere",
        housing="special_housing",
        service_purchase_requested=True,
    )
    assert d.outcome == {
        HCR: "region",
        "performer": "municipality",
        "employer": "municipality",
        "cost": "home_region",
        "region_unit": "primary_care",
        "compensation": "service_purchase",
    }
    assert d.actions == ["bill_home_region"]


def test_7_2_eu_eea_citizen_gets_full_care_from_region() -> None:
    """jh-hemsjukvard §7.2: EU/EES-medborgare har rätt till fullständig vård; de är inte
    folkbokförda i kommunen, så regionen ansvarar."""
    d = jh(residence="eu_eea", housing="special_housing")
    assert d.outcome == REGION_ALL
    assert_quotes(d, HCR, "jh-hemsjukvard §7.2", "EU/EES-medborgare")


@pytest.mark.parametrize("residence", ["asylum_seeker", "undocumented"])
def test_7_2_children_under_18_get_full_care_at_17(residence: str) -> None:
    """jh-hemsjukvard §7.2: alla barn under 18 ska erbjudas vård som folkbokförda barn."""
    d = jh(residence=residence, age=17)
    assert d.outcome == REGION_ALL
    assert d.rules[HCR] == "jh-hsv.responsibility.asylum_child"
    assert_quotes(d, HCR, "jh-hemsjukvard §7.2", "Alla barn under 18 år")


@pytest.mark.parametrize("residence", ["asylum_seeker", "undocumented"])
def test_7_2_adults_from_18_only_care_that_cannot_wait(residence: str) -> None:
    """jh-hemsjukvard §7.2: vuxna (18 år) asylsökande och papperslösa utan vård som inte
    kan anstå eller uppräknad vård omfattas inte; ingen utförare eller betalare finns."""
    d = jh(residence=residence, age=18)
    assert d.outcome[HCR] == "not_covered"
    assert outcome(d, "performer", "cost") == ("undetermined", "undetermined")
    assert d.rules[HCR] == "jh-hsv.responsibility.asylum_adult_not_covered"
    assert d.missing_facts == []
    assert_quotes(d, HCR, "jh-hemsjukvard §7.2", "För att som vuxen få tillgång till fullständig")


def test_7_2_undocumented_adult_urgent_care_is_region() -> None:
    """jh-hemsjukvard §7.2: vård som inte kan anstå ska erbjudas, regionens ansvar."""
    d = jh(residence="undocumented", age=34, urgent=True, adl_needs_over_time=["eating"])
    assert d.outcome == REGION_ALL
    assert d.rules[HCR] == "jh-hsv.responsibility.asylum_adult_urgent"
    assert_quotes(d, HCR, "jh-hemsjukvard §7.2", "som inte kan anstå")


def test_7_2_asylum_adult_listed_care_is_region() -> None:
    """jh-hemsjukvard §7.2: mödravård, abort, preventivmedelsrådgivning och
    hälsoundersökning ska erbjudas alla asylsökande och papperslösa."""
    d = jh(residence="asylum_seeker", age=29, asylum_entitlement=True)
    assert d.outcome[HCR] == "region"
    assert d.rules[HCR] == "jh-hsv.responsibility.asylum_adult_listed"


def test_7_2_asylum_adult_physician_visit_that_can_wait_is_not_covered() -> None:
    """jh-hemsjukvard §7.2: också läkarinsatser begränsas för vuxna asylsökande."""
    d = jh(residence="asylum_seeker", intervention="physician")
    assert d.outcome[HCR] == "not_covered"
    assert d.outcome["performer"] == "undetermined"


def test_7_2_asylum_adult_with_unknown_urgency_needs_only_those_facts() -> None:
    """jh-hemsjukvard §7.2: okänt om vården kan anstå: obestämt, och just de två uppgifterna
    som avgör saknas."""
    d = jh(residence="asylum_seeker", urgent=None, asylum_entitlement=None)
    assert d.outcome[HCR] == "undetermined"
    assert d.missing_facts == ["urgent", "asylum_entitlement"]


# --- §7.5 tjänsteköp -----------------------------------------------------------------------------


def test_7_5_service_purchase_keeps_the_region_responsible() -> None:
    """jh-hemsjukvard §7.5: tjänsteköp med bibehållet ansvar; gäller även kvällstid för
    insatser som inte är distriktssköterskeinsatser."""
    d = jh(intervention="rehabilitation", time="18:30", service_purchase_requested=True)
    assert d.outcome == {
        HCR: "region",
        "performer": "municipality",
        "employer": "municipality",
        "cost": "region",
        "region_unit": "primary_care",
        "compensation": "service_purchase",
    }
    assert d.rules["performer"] == "jh-hsv.performer.service_purchase"
    assert_quotes(d, "compensation", "jh-hemsjukvard §7.5", "tjänsteköp")


def test_10_no_compensation_outside_service_purchase() -> None:
    """jh-hemsjukvard §10: ersättning följs upp som tjänsteköpsvolymer; annars ingen."""
    d = jh()
    assert d.outcome["compensation"] == "none"
    assert d.rules["compensation"] == "jh-hsv.compensation.none"
    assert reason(d, "compensation").text.startswith("Avtalet anger ingen ersättning")


# --- §7.7 and §8 cost of material, disagreement ----------------------------------------------


def test_7_7_material_cost_follows_the_region_prescriber() -> None:
    """jh-hemsjukvard §7.7: kostnaden för material följer förskrivaren, även när kommunen
    har patientansvaret."""
    d = jh(intervention="aids_and_materials", adl_needs_over_time=["moving"], prescriber="region")
    assert outcome(d, HCR, "cost") == ("municipality", "region")
    assert d.rules["cost"] == "jh-hsv.cost.aids_prescriber_region"
    assert_quotes(d, "cost", "jh-hemsjukvard §7.7", "följer ansvaret för patient och förskrivare")


def test_7_7_material_cost_follows_the_kommun_prescriber() -> None:
    """jh-hemsjukvard §7.7: förskriver kommunen för en patient med regionansvar betalar
    kommunen."""
    d = jh(intervention="aids_and_materials", prescriber="municipality")
    assert outcome(d, HCR, "cost") == ("region", "municipality")
    assert d.rules["cost"] == "jh-hsv.cost.aids_prescriber_municipality"


def test_7_7_disagreement_on_material_cost_is_shared_and_escalated() -> None:
    """jh-hemsjukvard §7.7 and §8: är huvudmännen oense delas kostnaden lika tills
    överenskommelse skett, och frågan lyfts till närmsta chef."""
    d = jh(intervention="aids_and_materials", parties_disagree=True)
    assert d.outcome["cost"] == "shared_equally"
    assert d.rules["cost"] == "jh-hsv.cost.aids_disagreement"
    assert d.actions == ["escalate_to_manager"]
    assert d.missing_facts == []
    assert_quotes(d, "cost", "jh-hemsjukvard §7.7", "delas lika till dess överenskommelse skett")


def test_7_7_unreported_disagreement_means_none_so_material_cost_follows_the_patient() -> None:
    """jh-hemsjukvard §7.7: oenighet är en händelse någon rapporterar; ingen rapport betyder
    ingen oenighet (facts.ASSUMED_WHEN_UNKNOWN), så kostnaden följer patientansvaret."""
    d = jh(intervention="aids_and_materials", parties_disagree=None, question_of_principle=None)
    assert d.outcome[HCR] == "region"
    assert d.outcome["cost"] == "region"
    assert "parties_disagree" not in d.missing_facts
    assert d.actions == []


def test_8_principled_disagreement_goes_to_the_forum() -> None:
    """jh-hemsjukvard §8 and §11: frågor av principiell betydelse lyfts till samverkans-
    forum, där tvister löses."""
    d = jh(parties_disagree=True, question_of_principle=True)
    assert d.actions == ["escalate_to_manager", "escalate_to_forum"]
    assert_quotes(d, "actions", "jh-hemsjukvard §11", "samverkansforum", action="escalate_to_forum")


def test_6_disagreement_never_hits_the_individual() -> None:
    """jh-hemsjukvard §6: oenighet får aldrig drabba den enskilde: vården och kostnaden
    följer avtalet medan frågan lyfts till närmsta chef."""
    d = jh(adl_needs_over_time=["dressing"], parties_disagree=True)
    assert d.outcome == KOMMUN_ALL
    assert d.actions == ["assess_self_care_first", "escalate_to_manager"]
    assert_quotes(
        d,
        "actions",
        "jh-hemsjukvard §6",
        "aldrig bli drabbad av oenighet",
        action="escalate_to_manager",
    )


# --- §6.1, §6.2, §7.6, §8.1: actions ----------------------------------------------------------


def test_6_1_offer_sip_when_both_health_and_social_care_are_needed() -> None:
    """jh-hemsjukvard §6.1: SIP ska erbjudas vid behov från både hälso- och sjukvård och
    socialtjänst."""
    d = jh(needs_health_and_social_care=True)
    assert d.actions == ["offer_sip"]
    assert_quotes(d, "actions", "jh-hemsjukvard §6.1", "SIP", action="offer_sip")


def test_6_2_discharge_appoints_a_named_care_contact() -> None:
    """jh-hemsjukvard §6.2 and §7.6: vid utskrivning utses fast vårdkontakt i den öppna
    vården."""
    d = jh(discharge_from_inpatient_care=True)
    assert d.actions == ["appoint_named_care_contact"]
    assert_quotes(
        d,
        "actions",
        "jh-hemsjukvard §6.2",
        "fast vårdkontakt utses",
        action="appoint_named_care_contact",
    )


def test_6_2_end_of_life_named_care_contact_is_a_physician() -> None:
    """jh-hemsjukvard §6.2: vid vård i livets slutskede ska en fast vårdkontakt vara läkare."""
    d = jh(end_of_life=True, housing="special_housing")
    assert d.actions == ["assess_self_care_first", "named_care_contact_physician"]
    assert_quotes(
        d,
        "actions",
        "jh-hemsjukvard §6.2",
        "livets slutskede",
        action="named_care_contact_physician",
    )


def test_8_1_serious_deviation_contacts_chief_physician_and_mas() -> None:
    """jh-hemsjukvard §8.1: vid allvarliga avvikelser tas direktkontakt med chefsläkare/MAS."""
    d = jh(serious_deviation=True)
    assert d.actions == ["contact_chief_physician_mas"]
    assert_quotes(
        d,
        "actions",
        "jh-hemsjukvard §8.1",
        "chefsläkare/MAS",
        action="contact_chief_physician_mas",
    )


# --- unknown facts: undetermined, and exactly the deciding facts missing ----------------------


def test_7_3_unknown_adl_needs_in_ordinary_housing() -> None:
    """jh-hemsjukvard §7.3: okända behov över tid i ordinärt boende: ansvaret och allt som
    följer av det är obestämt, och bara behoven saknas."""
    d = jh(adl_needs_over_time=None)
    assert outcome(d, HCR, "performer", "cost") == ("undetermined",) * 3
    assert d.rules[HCR] is None
    assert d.missing_facts == ["adl_needs_over_time"]
    assert d.in_force is True


def test_7_3_unknown_adl_needs_do_not_matter_in_special_housing() -> None:
    """jh-hemsjukvard §7.3: i särskilt boende avgör boendet; okända behov saknas inte."""
    d = jh(housing="special_housing", adl_needs_over_time=None, intervention="rehabilitation")
    assert d.outcome[HCR] == "municipality"
    assert d.missing_facts == []


def test_7_3_unknown_housing_lists_housing_only() -> None:
    """jh-hemsjukvard §7.3: okänt boende med kända behov: bara boendet saknas."""
    d = jh(housing=None, adl_needs_over_time=["eating"])
    assert d.outcome[HCR] == "undetermined"
    assert d.missing_facts == ["housing"]


def test_7_2_unknown_residence_lists_residence_only() -> None:
    """jh-hemsjukvard §7.2: folkbokföringen kan flytta ansvaret till regionen."""
    d = jh(residence=None, adl_needs_over_time=["eating"])
    assert d.outcome[HCR] == "undetermined"
    assert d.missing_facts == ["residence"]


def test_7_3_unknown_day_activity_only_matters_when_it_would_change_the_answer() -> None:
    """jh-hemsjukvard §7.3: dagverksamhet ändrar bara regionens ansvar, inte kommunens."""
    assert jh(day_activity=None).missing_facts == ["day_activity"]
    assert jh(day_activity=None, housing="special_housing").missing_facts == []


def test_unknown_intervention_leaves_the_question_open() -> None:
    """jh-hemsjukvard §7.2/§7.3: utan känd insats vet vi inte ens vilket avtal som gäller."""
    d = jh(intervention=None, adl_needs_over_time=["eating"])
    assert d.outcome[HCR] == "undetermined"
    assert "intervention" in d.missing_facts


# --- §10: dates --------------------------------------------------------------------------------


def test_10_agreement_starts_2017_04_01_with_the_2020_text() -> None:
    """jh-hemsjukvard §10: avtalet gäller från 2017-04-01; bara revisionen 2020-03-01 finns,
    så den tillämpas från start."""
    d = jh(date="2017-04-01", adl_needs_over_time=["eating"])
    assert d.in_force is True
    assert d.outcome[HCR] == "municipality"
    assert d.agreements[0]["id"] == "jh-hemsjukvard"
    assert d.agreements[0]["version"] == "2020-03-01"
    assert d.agreements[0]["valid_from"] == "2017-04-01"


def test_10_before_2017_04_01_no_agreement_is_in_force() -> None:
    """jh-hemsjukvard §10: dagen före start finns inget avtal att luta sig mot."""
    d = jh(date="2017-03-31", adl_needs_over_time=["eating"])
    assert d.in_force is False
    assert d.status == "not_in_force"
    assert d.outcome[HCR] == "undetermined"
    assert d.actions == []
    assert [a["id"] for a in d.agreements] == ["jh-hemsjukvard"]
