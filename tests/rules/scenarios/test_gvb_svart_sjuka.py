"""Scenarios from Gävleborg's agreement on seriously ill persons cared for at home.

Baseline (helpers.GVB_BASE): a 45-year-old in Gävle with a respirator, nursing with the
treatment responsibility in specialist care, assessed as health care, on 2019-02-01.
"""

from __future__ import annotations

import pytest

from .helpers import assert_quotes, gvb, outcome

HCR = "health_care_responsibility"
ALWAYS = ["offer_sip", "appoint_named_care_contact", "risk_analysis"]  # domain-model order
SPECIALIST_OUTCOME = {
    HCR: "region",
    "performer": "municipality",
    "employer": "municipality",
    "cost": "shared_equally",
    "region_unit": "specialist_care",
    "compensation": "hourly_share_50",
}


# --- Målgrupp, Ekonomisk överenskommelse, Vårdkedja ---------------------------------------


@pytest.mark.parametrize("care", ["respirator", "tracheostomy", "peritoneal_dialysis"])
def test_target_group_with_specialist_treatment_gets_the_50_percent_model(care: str) -> None:
    """gvb-svart-sjuka Målgrupp, Ekonomisk överenskommelse 2018-2019: respirator, trakeostomi
    eller påsdialys med behandlingsansvar i specialistvården: kommunens personal utför,
    kommunens utförare är arbetsgivare, regionen ersätter 50 % av utförd tid."""
    d = gvb(extensive_home_care=care)
    assert d.in_force is True
    assert d.outcome == SPECIALIST_OUTCOME
    assert d.rules == {
        HCR: "gvb.responsibility.specialist",
        "performer": "gvb.performer.specialist_staff",
        "employer": "gvb.employer.specialist_staff",
        "cost": "gvb.cost.specialist_shared",
        "region_unit": "gvb.region_unit.specialist",
        "compensation": "gvb.compensation.hourly_share",
    }
    assert d.actions == ALWAYS
    assert d.missing_facts == []
    assert [a["id"] for a in d.agreements] == ["gvb-svart-sjuka"]
    ekonomi = "gvb-svart-sjuka Ekonomisk överenskommelse 2018-2019"
    assert_quotes(d, "compensation", ekonomi, "50 procent av utförd tid")
    assert_quotes(d, "employer", ekonomi, "är arbetsgivare för den personal")
    assert_quotes(d, "cost", ekonomi, "50 procent av utförd tid")
    assert_quotes(d, HCR, "gvb-svart-sjuka Bakgrund", "specialistvårdsnivån")
    assert_quotes(
        d,
        "actions",
        "gvb-svart-sjuka Målgrupp för överenskommelsen",
        "respirator, tracheostomier eller påsdialys",
        action="offer_sip",
    )


def test_primary_care_treatment_is_municipal_home_care() -> None:
    """gvb-svart-sjuka Bakgrund and Överenskommelse: hemsjukvården kommunaliserades på
    primärvårdsnivå; där primärvården har behandlingsansvaret är det kommunens, utan
    ersättning."""
    d = gvb(treatment_responsibility="primary_care")
    assert d.outcome == {
        HCR: "municipality",
        "performer": "municipality",
        "employer": "municipality",
        "cost": "municipality",
        "region_unit": "none",
        "compensation": "none",
    }
    assert_quotes(d, HCR, "gvb-svart-sjuka Bakgrund", "avgränsades till vårdnivån primärvård")
    assert_quotes(d, "cost", "gvb-svart-sjuka Överenskommelse", "respektive huvudmans ansvar")


def test_unknown_treatment_responsibility_is_the_deciding_fact() -> None:
    """gvb-svart-sjuka Vårdkedja - ansvar: var behandlingsansvaret ligger avgör allt."""
    d = gvb(treatment_responsibility=None)
    assert outcome(d, HCR, "performer", "cost", "compensation") == ("undetermined",) * 4
    assert d.missing_facts == ["treatment_responsibility"]


# --- Barn --------------------------------------------------------------------------------


def test_child_17_with_primary_care_treatment_is_the_region() -> None:
    """gvb-svart-sjuka Barn: hemsjukvården är inte skatteväxlad för barn under 18; kommunen
    har inget hälso- och sjukvårdsansvar för barn."""
    d = gvb(age=17, treatment_responsibility="primary_care")
    assert d.outcome == {
        HCR: "region",
        "performer": "region",
        "employer": "region",
        "cost": "region",
        "region_unit": "primary_care",
        "compensation": "none",
    }
    assert d.rules[HCR] == "gvb.responsibility.child"
    assert_quotes(d, HCR, "gvb-svart-sjuka Barn", "barn under 18 år")


def test_age_boundary_17_child_18_adult() -> None:
    """gvb-svart-sjuka Barn: 17 år är barn (regionen), 18 år vuxen (kommunal hemsjukvård)."""
    assert gvb(age=17, treatment_responsibility="primary_care").outcome[HCR] == "region"
    assert gvb(age=18, treatment_responsibility="primary_care").outcome[HCR] == "municipality"


def test_child_with_specialist_treatment_kommun_staff_with_compensation() -> None:
    """gvb-svart-sjuka Barn, Ekonomisk överenskommelse: regionen har ansvaret för barnet;
    personalen runt barnet är kommunens och regionen ersätter 50 % (målgruppen omfattar barn)."""
    d = gvb(age=6)
    assert d.outcome == SPECIALIST_OUTCOME
    assert d.rules[HCR] == "gvb.responsibility.child"


def test_child_self_care_stays_with_the_guardian() -> None:
    """gvb-svart-sjuka Barn: egenvård för barn är i regel föräldraansvar, och ansvaret kan
    inte lämnas över utan ny bedömning."""
    d = gvb(age=9, self_care_assessment="self_care", treatment_responsibility="primary_care")
    assert outcome(d, HCR, "performer") == ("self_care", "individual")
    assert d.rules[HCR] == "gvb.responsibility.child_self_care"
    assert d.rules["performer"] == "gvb.performer.child_self_care"
    assert_quotes(d, HCR, "gvb-svart-sjuka Barn", "inte lämna över")
    assert_quotes(d, "performer", "gvb-svart-sjuka Barn", "föräldraansvar")


def test_child_sol_and_lss_support_stays_with_the_kommun() -> None:
    """gvb-svart-sjuka Barn: kommunen har ansvar för bistånd enligt SoL och insatser enligt
    LSS kring barn."""
    d = gvb(age=12, intervention="relative_support")
    assert outcome(d, HCR, "performer", "cost") == ("municipality",) * 3
    assert d.rules[HCR] == "gvb.responsibility.social_child"
    assert_quotes(d, HCR, "gvb-svart-sjuka Barn", "bistånd enligt SoL")


# --- Gränsdragning egenvård och hälso- och sjukvård -----------------------------------------


def test_adult_self_care_with_specialist_treatment_is_still_compensated() -> None:
    """gvb-svart-sjuka Gränsdragning, Ekonomisk överenskommelse: egenvård är ingen huvudmans
    hälso- och sjukvård, men utförd tid för egenvård ersätts med 50 % när specialistvården
    behandlar; kommunens utförare är arbetsgivare."""
    d = gvb(self_care_assessment="self_care")
    assert d.outcome == {
        HCR: "self_care",
        "performer": "individual",
        "employer": "municipality",
        "cost": "shared_equally",
        "region_unit": "specialist_care",
        "compensation": "hourly_share_50",
    }
    assert d.rules[HCR] == "gvb.responsibility.self_care"
    assert_quotes(
        d,
        HCR,
        "gvb-svart-sjuka Gränsdragning egenvård och hälso- och sjukvård",
        "avgöras från fall till fall",
    )


def test_adult_self_care_at_primary_care_level_has_no_cost_answer() -> None:
    """gvb-svart-sjuka Gränsdragning: egenvård utan specialistansvar: ingen huvudmans kostnad
    (dokumenterad lucka, inget saknas)."""
    d = gvb(self_care_assessment="self_care", treatment_responsibility="primary_care")
    assert outcome(d, HCR, "performer", "cost") == ("self_care", "individual", "undetermined")
    assert d.missing_facts == []


def test_not_yet_assessed_self_care_must_be_assessed() -> None:
    """gvb-svart-sjuka Gränsdragning: egenvård avgörs från fall till fall och bedöms på nytt
    när omständigheterna ändras."""
    d = gvb(self_care_assessment=None)
    assert d.actions == [
        "offer_sip",
        "assess_self_care_first",
        "appoint_named_care_contact",
        "risk_analysis",
    ]
    assert d.outcome == SPECIALIST_OUTCOME
    assert_quotes(
        d,
        "actions",
        "gvb-svart-sjuka Gränsdragning egenvård och hälso- och sjukvård",
        "ny bedömning",
        action="assess_self_care_first",
    )


# --- Överenskommelse, Vårdkedja - ansvar -----------------------------------------------------


def test_physician_is_the_listed_health_centre() -> None:
    """gvb-svart-sjuka Överenskommelse: hälsocentralen där patienten är listad har
    samordningsansvaret genom en utsedd läkare, också när specialistvården behandlar."""
    d = gvb(intervention="physician")
    assert d.outcome == {
        HCR: "region",
        "performer": "region",
        "employer": "region",
        "cost": "region",
        "region_unit": "primary_care",
        "compensation": "none",
    }
    assert_quotes(d, HCR, "gvb-svart-sjuka Överenskommelse", "där patienten är listad")


def test_discharge_follows_the_checklist_with_risk_analysis_and_sip() -> None:
    """gvb-svart-sjuka Vårdkedja - ansvar: checklistan följs före utskrivning; SIP och
    riskanalys med alla berörda vårdgivare; fasta vårdkontakter utses (Överenskommelse)."""
    d = gvb(discharge_from_inpatient_care=True)
    assert d.actions == [
        "offer_sip",
        "appoint_named_care_contact",
        "risk_analysis",
        "discharge_checklist",
    ]
    vardkedja = "gvb-svart-sjuka Vårdkedja - ansvar"
    assert_quotes(d, "actions", vardkedja, "Checklistan ska följas", action="discharge_checklist")
    assert_quotes(d, "actions", vardkedja, "riskanalys", action="risk_analysis")
    assert_quotes(
        d,
        "actions",
        "gvb-svart-sjuka Överenskommelse",
        "fasta vårdkontakter",
        action="appoint_named_care_contact",
    )
    assert_quotes(d, "region_unit", vardkedja, "behandlingsansvaret ligger kvar")


# --- scope and dates -------------------------------------------------------------------------


def test_outside_the_target_group_no_agreement_covers_the_question() -> None:
    """gvb-svart-sjuka Målgrupp: utan respirator, trakeostomi eller påsdialys gäller
    överenskommelsen inte, och biblioteket har inget annat avtal för Gävleborg."""
    d = gvb(extensive_home_care="none")
    assert d.in_force is False
    assert d.status == "not_covered"
    assert d.outcome[HCR] == "not_covered"
    assert d.agreements == []


def test_unknown_target_group_needs_the_extensive_care() -> None:
    """gvb-svart-sjuka Målgrupp: okänt om personen tillhör målgruppen."""
    d = gvb(extensive_home_care=None)
    assert d.outcome[HCR] == "undetermined"
    assert "extensive_home_care" in d.missing_facts


@pytest.mark.parametrize("date", ["2020-01-01", "2024-05-05"])
def test_after_2019_12_31_not_in_force(date: str) -> None:
    """gvb-svart-sjuka Ekonomisk överenskommelse 2018-2019 / Överenskommelse: gäller som
    längst t.o.m. 2019-12-31."""
    d = gvb(date=date)
    assert d.in_force is False
    assert d.status == "not_in_force"
    assert d.actions == []
    assert [(a["id"], a["valid_to"]) for a in d.agreements] == [("gvb-svart-sjuka", "2019-12-31")]


def test_first_and_last_day_in_force_and_the_day_before() -> None:
    """gvb-svart-sjuka Ekonomisk överenskommelse 2018-2019: from 1 april 2018 tom 31 december
    2019."""
    assert gvb(date="2018-04-01").in_force is True
    assert gvb(date="2019-12-31").in_force is True
    before = gvb(date="2018-03-31")
    assert before.in_force is False
    assert [(a["id"], a["valid_from"]) for a in before.agreements] == [
        ("gvb-svart-sjuka", "2018-04-01")
    ]
