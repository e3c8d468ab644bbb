"""Scenarios from the JH agreement on persons with psychiatric disabilities (jh-psykisk).

In force 2017-06-01–2020-12-31; the scenarios use 2019-06-01 unless they test the dates.
"""

from __future__ import annotations

import pytest

from .helpers import Decision, assert_quotes, jh, outcome

HCR = "health_care_responsibility"
IN_FORCE = "2019-06-01"


def psych(**facts: object) -> Decision:
    return jh(date=IN_FORCE, **facts)


# --- §5.1 Region Jämtland Härjedalens ansvar: units and age bands ----------------------------


def test_5_1_first_line_at_15_is_bup_and_at_16_is_upm() -> None:
    """jh-psykisk §5.1: BUP möter behovet av första linjen för barn; UPM riktar sig direkt
    till 16–25-åringar."""
    d15 = psych(intervention="psychosocial_first_line", age=15)
    d16 = psych(intervention="psychosocial_first_line", age=16)
    assert d15.outcome["region_unit"] == "child_psychiatry_bup"
    assert d16.outcome["region_unit"] == "youth_clinic_upm"
    assert_quotes(d15, "region_unit", "jh-psykisk §5.1", "såväl första linjen")
    assert_quotes(d16, "region_unit", "jh-psykisk §5.1", "i åldern 16-25 år")


def test_5_1_first_line_at_25_is_upm_and_at_26_is_primary_care() -> None:
    """jh-psykisk §5.1: UPM till och med 25 år; sedan primärvårdens psykosociala
    verksamhet, första linjens vård."""
    d25 = psych(intervention="psychosocial_first_line", age=25)
    d26 = psych(intervention="psychosocial_first_line", age=26)
    assert d25.outcome["region_unit"] == "youth_clinic_upm"
    assert d26.outcome == {
        HCR: "region",
        "performer": "region",
        "employer": "region",
        "cost": "region",
        "region_unit": "primary_care",
        "compensation": "none",
    }
    assert d26.rules[HCR] == "jh-psyk.responsibility.first_line"
    assert d26.missing_facts == []
    assert_quotes(d26, HCR, "jh-psykisk §5.1", "första linjens vård vid psykisk ohälsa")
    assert_quotes(d26, "region_unit", "jh-psykisk §5.1", "Primärvården är första instans")


def test_5_1_specialist_psychiatry_at_17_is_bup_and_at_18_is_adult_psychiatry() -> None:
    """jh-psykisk §5.1: BUP 0–17.99 år; vuxenpsykiatrin vänder sig till personer över 18."""
    d17 = psych(intervention="psychiatric_specialist", age=17)
    d18 = psych(intervention="psychiatric_specialist", age=18)
    assert d17.outcome["region_unit"] == "child_psychiatry_bup"
    assert d18.outcome["region_unit"] == "adult_psychiatry"
    assert d18.rules["region_unit"] == "jh-psyk.region_unit.specialist_adult"
    assert_quotes(d17, "region_unit", "jh-psykisk §5.1", "0-17.99 år")
    assert_quotes(d18, "region_unit", "jh-psykisk §5.1", "personer över 18 år")


def test_5_1_k2_recovery_is_adult_psychiatry_from_18() -> None:
    """jh-psykisk §5.1: K2-återhämtning för vuxna med psykisk funktionsnedsättning."""
    d = psych(intervention="psychiatric_specialist", age=18, psychiatric_disability=True)
    assert d.outcome["region_unit"] == "adult_psychiatry"
    assert d.rules["region_unit"] == "jh-psyk.region_unit.specialist_adult"
    assert_quotes(d, "region_unit", "jh-psykisk §5.1", "personer över 18 år")


def test_5_1_medical_habilitation_at_19_is_buh_and_at_20_is_adult() -> None:
    """jh-psykisk §5.1: BUH 0–19.99 år för medicinsk vård, därefter vuxenhabiliteringen."""
    d19 = psych(intervention="habilitation", age=19, habilitation_type="medical")
    d20 = psych(intervention="habilitation", age=20, habilitation_type="medical")
    assert d19.outcome["region_unit"] == "child_habilitation_buh"
    assert d20.outcome["region_unit"] == "adult_psychiatry"
    assert d20.rules["region_unit"] == "jh-psyk.region_unit.habilitation_adult"
    assert_quotes(d19, "region_unit", "jh-psykisk §5.1", "0-20.99 år gällande råd och stöd")
    assert_quotes(d20, "region_unit", "jh-psykisk §5.1", "Vuxenhabilitering")


def test_5_1_advice_and_support_habilitation_at_20_is_buh_and_at_21_is_adult() -> None:
    """jh-psykisk §5.1: BUH 0–20.99 år för råd och stöd."""
    d20 = psych(intervention="habilitation", age=20, habilitation_type="advice_support")
    d21 = psych(intervention="habilitation", age=21, habilitation_type="advice_support")
    assert d20.outcome["region_unit"] == "child_habilitation_buh"
    assert d21.outcome["region_unit"] == "adult_psychiatry"


def test_5_1_habilitation_at_20_needs_the_kind_of_habilitation() -> None:
    """jh-psykisk §5.1: vid 20 år avgör habiliteringens art enheten; ansvaret är regionens
    ändå, och vid 19 år spelar arten ingen roll."""
    d = psych(intervention="habilitation", age=20, habilitation_type=None)
    assert outcome(d, HCR, "performer", "cost") == ("region", "region", "region")
    assert d.outcome["region_unit"] == "undetermined"
    assert d.missing_facts == ["habilitation_type"]
    assert psych(intervention="habilitation", age=19, habilitation_type=None).missing_facts == []


def test_5_1_unknown_age_leaves_only_the_unit_open() -> None:
    """jh-psykisk §5.1: första linjen är regionens i alla åldrar; enheten beror på åldern."""
    d = psych(intervention="psychosocial_first_line", age=None)
    assert d.outcome[HCR] == "region"
    assert d.outcome["region_unit"] == "undetermined"
    assert d.missing_facts == ["age"]


# --- §5.2, §5.3, §5.6: the kommun's SoL/LSS duties; §5.11 economy ----------------------------


def test_5_2_housing_support_is_kommun() -> None:
    """jh-psykisk §5.2 and §5.11: stöd i boendet är socialtjänstens; kommunen betalar inom
    sitt ansvarsområde."""
    d = psych(intervention="housing_support", psychiatric_disability=True, age=40)
    assert d.outcome == {
        HCR: "municipality",
        "performer": "municipality",
        "employer": "municipality",
        "cost": "municipality",
        "region_unit": "none",
        "compensation": "none",
    }
    assert d.rules["cost"] == "jh-psyk.cost.municipality"
    assert [a["id"] for a in d.agreements] == ["jh-psykisk"]
    assert_quotes(d, HCR, "jh-psykisk §5.2", "skälig levnadsnivå")
    assert_quotes(d, "cost", "jh-psykisk §5.11", "inom sitt ansvarsområde")
    assert_quotes(d, "region_unit", "jh-psykisk §5.1", "Kommunernas socialtjänst")


def test_5_3_occupation_is_kommun() -> None:
    """jh-psykisk §5.3: kommunen är skyldig att erbjuda sysselsättning."""
    d = psych(intervention="occupation")
    assert outcome(d, HCR, "performer", "cost") == ("municipality",) * 3
    assert_quotes(d, HCR, "jh-psykisk §5.3", "erbjuda sysselsättning")


def test_5_6_relative_support_is_kommun() -> None:
    """jh-psykisk §5.6: socialnämnden ska erbjuda stöd till den som vårdar en närstående."""
    d = psych(intervention="relative_support")
    assert outcome(d, HCR, "performer", "cost") == ("municipality",) * 3
    assert_quotes(d, HCR, "jh-psykisk §5.6", "socialnämnden ska erbjuda stöd")


def test_5_11_region_pays_for_psychiatry() -> None:
    """jh-psykisk §5.11: respektive huvudman svarar för kostnaderna inom sitt område."""
    d = psych(intervention="psychiatric_specialist", age=50)
    assert d.outcome["cost"] == "region"
    assert d.rules["cost"] == "jh-psyk.cost.region"


def test_5_11_no_compensation_between_the_parties() -> None:
    """jh-psykisk §5.11: var huvudman svarar för kostnaderna inom sitt ansvarsområde;
    överenskommelsen har ingen ersättning mellan parterna."""
    d = psych(intervention="occupation")
    assert d.outcome["compensation"] == "none"
    assert_quotes(d, "compensation", "jh-psykisk §5.11", "svarar för kostnaderna")


# --- §5.1 and §5.4: the home-care agreement does not regulate the target group ---------------


def test_5_1_home_care_for_psychiatric_disability_is_not_regulated() -> None:
    """jh-psykisk §5.1: hemsjukvårdsavtalet reglerar inte insatser för personer med psykisk
    funktionsnedsättning. Utföraren är obestämd (dokumenterad lucka); utan stöd i avtalet
    delar parterna på kostnaden och lyfter frågan till närmsta chef (hemsjukvård §8)."""
    d = psych(psychiatric_disability=True, adl_needs_over_time=["dressing"])
    assert d.outcome == {
        HCR: "not_regulated",
        "performer": "undetermined",
        "employer": "undetermined",
        "cost": "shared_equally",
        "region_unit": "none",
        "compensation": "none",
    }
    assert d.rules[HCR] == "jh-psyk.responsibility.home_care_not_regulated"
    assert d.rules["cost"] == "jh-hsv.cost.no_support"
    assert d.actions == ["escalate_to_manager"]
    assert d.missing_facts == []
    assert [a["id"] for a in d.agreements] == [
        "jh-hemsjukvard",
        "jh-primarvard-kommun",
        "jh-psykisk",
    ]
    assert_quotes(d, HCR, "jh-psykisk §5.1", "Avtalet reglerar inte insatser")
    assert_quotes(d, "cost", "jh-hemsjukvard §8", "stöd i detta avtal inte kan hittas")


def test_5_4_rehabilitation_and_aids_for_psychiatric_disability_are_not_regulated() -> None:
    """jh-psykisk §5.4: arbetsterapeut-, fysioterapeutinsatser och hjälpmedel regleras inte
    av hemsjukvårdsavtalet för målgruppen."""
    for intervention in ("rehabilitation", "aids_and_materials"):
        d = psych(psychiatric_disability=True, intervention=intervention, housing="lss_housing")
        assert d.outcome[HCR] == "not_regulated"
        assert_quotes(d, HCR, "jh-psykisk §5.4", "arbetsterapeut- och fysioterapeutinsatser")


def test_5_1_after_2020_the_home_care_rules_apply_again() -> None:
    """jh-psykisk §10: överenskommelsen gäller till 2020-12-31; därefter gäller hemsjukvårds-
    avtalets vanliga regler även för målgruppen."""
    last = jh(date="2020-12-31", psychiatric_disability=True, adl_needs_over_time=["dressing"])
    after = jh(date="2021-01-01", psychiatric_disability=True, adl_needs_over_time=["dressing"])
    assert last.outcome[HCR] == "not_regulated"
    assert after.outcome[HCR] == "municipality"
    assert after.rules[HCR] == "jh-hsv.responsibility.ordinary_with_needs"


def test_5_1_physician_efforts_stay_with_the_region() -> None:
    """jh-psykisk §5.1 and jh-hemsjukvard §7.2: läkarinsatser är regionens för samtliga
    medborgare, också för målgruppen."""
    d = psych(psychiatric_disability=True, intervention="physician")
    assert outcome(d, HCR, "performer") == ("region", "region")


def test_5_1_unknown_disability_matters_only_while_in_force() -> None:
    """jh-psykisk §5.1: medan överenskommelsen gäller avgör den psykiska funktionsnedsättningen
    om hemsjukvårdsavtalet alls svarar; efter 2020 spelar den ingen roll."""
    during = psych(psychiatric_disability=None, adl_needs_over_time=["dressing"])
    assert during.outcome[HCR] == "undetermined"
    assert during.missing_facts == ["psychiatric_disability"]
    after = jh(date="2022-06-01", psychiatric_disability=None, adl_needs_over_time=["dressing"])
    assert after.outcome[HCR] == "municipality"
    assert after.missing_facts == []


# --- §3, §6.1, §6.3, §11: actions ---------------------------------------------------------------


def test_6_1_sip_for_needs_from_both_principals() -> None:
    """jh-psykisk §6.1: SIP när insatser behövs från fler än en huvudman."""
    d = psych(intervention="occupation", needs_health_and_social_care=True)
    assert d.actions == ["offer_sip"]
    assert_quotes(d, "actions", "jh-psykisk §6.1", "fler än en huvudman", action="offer_sip")


def test_3_target_group_children_and_adults_get_sip() -> None:
    """jh-psykisk §3: målgruppen är barn, unga och vuxna med psykisk funktionsnedsättning;
    med behov från båda huvudmännen erbjuds SIP, också för ett barn."""
    d = psych(
        intervention="psychiatric_specialist",
        age=12,
        psychiatric_disability=True,
        needs_health_and_social_care=True,
    )
    assert d.actions == ["offer_sip"]
    assert d.outcome["region_unit"] == "child_psychiatry_bup"


def test_6_3_open_compulsory_care_needs_a_care_plan_by_the_chief_physician() -> None:
    """jh-psykisk §6.3: öppen LPT: chefsöverläkaren upprättar samordnad vårdplan; vuxen-
    psykiatrin bedriver tvångsvården (§5.1)."""
    d = psych(intervention="psychiatric_specialist", age=30, compulsory_care="open_lpt")
    assert d.actions == ["coordinated_care_plan_chief_physician"]
    assert outcome(d, HCR, "region_unit") == ("region", "adult_psychiatry")
    assert_quotes(
        d,
        "actions",
        "jh-psykisk §6.3",
        "Chefsöverläkaren ansvarar",
        action="coordinated_care_plan_chief_physician",
    )


def test_6_3_open_forensic_care_with_occupation() -> None:
    """jh-psykisk §6.3 and §5.3: öppen LRV: vårdplanen behövs oavsett vilken insats frågan
    gäller; sysselsättningen är kommunens."""
    d = psych(intervention="occupation", compulsory_care="open_lrv")
    assert d.actions == ["coordinated_care_plan_chief_physician"]
    assert d.outcome[HCR] == "municipality"


def test_6_3_open_compulsory_care_brings_home_care_into_the_agreement() -> None:
    """jh-psykisk §6.3: också en hemsjukvårdsfråga för en person i öppen LPT ger vårdplan."""
    d = jh(compulsory_care="open_lpt", date=IN_FORCE)
    assert d.actions == ["coordinated_care_plan_chief_physician"]
    assert "jh-psykisk" in [a["id"] for a in d.agreements]


def test_11_disputes_go_to_the_superior_manager() -> None:
    """jh-psykisk §11: tvister hänskjuts i första hand till ansvarig överordnad chef."""
    d = psych(intervention="housing_support", parties_disagree=True)
    assert d.actions == ["escalate_to_manager"]
    assert_quotes(d, "actions", "jh-psykisk §11", "överordnad chef", action="escalate_to_manager")


# --- §10: dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("date", ["2017-05-31", "2021-01-01"])
def test_10_outside_2017_06_01_to_2020_12_31_not_in_force(date: str) -> None:
    """jh-psykisk §10: den reviderade versionen gäller 2017-06-01–2020-12-31 utan
    förlängning; psykiatrifrågor utanför den tiden har inget avtal i kraft."""
    d = jh(date=date, intervention="housing_support")
    assert d.in_force is False
    assert d.status == "not_in_force"
    assert d.agreements == [
        {
            "id": "jh-psykisk",
            "version": "2017-06-01",
            "title": "Överenskommelse om samverkan gällande personer med psykiska "
            "funktionsnedsättningar",
            "valid_from": "2017-06-01",
            "valid_to": "2020-12-31",
        }
    ]


@pytest.mark.parametrize("date", ["2017-06-01", "2020-12-31"])
def test_10_first_and_last_day_in_force(date: str) -> None:
    """jh-psykisk §10: första och sista dagen gäller."""
    assert jh(date=date, intervention="housing_support").in_force is True
