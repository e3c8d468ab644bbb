"""Outcome dimensions and actions of the domain model, with their Swedish labels."""

from __future__ import annotations

UNDETERMINED = "undetermined"
NONE = "none"

DIMENSIONS: dict[str, str] = {
    "health_care_responsibility": "Hälso- och sjukvårdsansvar",
    "performer": "Utförare",
    "employer": "Arbetsgivaransvar",
    "cost": "Kostnadsansvar",
    "region_unit": "Enhet inom regionen",
    "compensation": "Ersättning",
}

DIMENSION_VALUES: dict[str, dict[str, str]] = {
    "health_care_responsibility": {
        "region": "Regionen",
        "municipality": "Kommunen",
        "self_care": "Egenvård (ingen huvudman utför det som hälso- och sjukvård)",
        "not_covered": "Omfattas inte",
        "not_regulated": "Regleras inte av avtalet",
        UNDETERMINED: "Kan inte avgöras",
    },
    "performer": {
        "region": "Regionen",
        "municipality": "Kommunen",
        "individual": "Den enskilde (eller någon annan åt den enskilde)",
        UNDETERMINED: "Kan inte avgöras",
    },
    "employer": {
        "region": "Regionen",
        "municipality": "Kommunen",
        UNDETERMINED: "Kan inte avgöras",
    },
    "cost": {
        "region": "Regionen",
        "municipality": "Kommunen",
        "shared_equally": "Delas lika tills överenskommelse skett",
        "home_region": "Hemregionen (faktureras)",
        UNDETERMINED: "Kan inte avgöras",
    },
    "region_unit": {
        "primary_care": "Primärvården (hälsocentral)",
        "specialist_care": "Specialistvården",
        "adult_psychiatry": "Vuxenpsykiatrin",
        "k2_recovery": "K2-återhämtning (vuxenpsykiatrin)",
        "youth_clinic_upm": "Ungdomspsykiatrisk mottagning (UPM)",
        "child_psychiatry_bup": "Barn- och ungdomspsykiatrin (BUP)",
        "child_habilitation_buh": "Habilitering för barn och ungdomar (BUH)",
        NONE: "Ingen",
        UNDETERMINED: "Kan inte avgöras",
    },
    "compensation": {
        NONE: "Utan ersättning",
        "service_purchase": "Tjänsteköp enligt bilaga 4",
        "hourly_share_50": "50 % av utförd tid (Försäkringskassans timbelopp)",
        UNDETERMINED: "Kan inte avgöras",
    },
}

ACTIONS: dict[str, str] = {
    "offer_sip": "Erbjud SIP (samordnad individuell plan)",
    "assess_self_care_first": "Ta ställning till egenvård innan överföring",
    "appoint_named_care_contact": "Utse fast vårdkontakt",
    "named_care_contact_physician": "Fast vårdkontakt ska vara läkare",
    "risk_analysis": "Gör riskanalys enligt SKL:s mall",
    "discharge_checklist": "Följ checklistan före utskrivning",
    "coordinated_care_plan_chief_physician": "Samordnad vårdplan – chefsöverläkaren ansvarar",
    "escalate_to_manager": "Lyft frågan till närmaste chef",
    "escalate_to_forum": "Lyft frågan till samverkansforum",
    "bill_home_region": "Fakturera hemregionen",
    "contact_chief_physician_mas": "Ta direktkontakt med chefsläkare/MAS",
    "primary_care_physician_coordinates": "Primärvårdsläkaren har samordningsansvaret",
    "route_via_primary_care_physician_on_call": "Kvällar och nätter: behov av specialistvård "
    "går via ansvarig primärvårdsläkare i beredskap",
    "follow_local_agreement_specialist_care": "Kvällar och nätter: behov av specialistvård "
    "går den väg som den lokala överenskommelsen mellan specialistvården och kommunen anger",
}


def value_label(dimension: str, value: str) -> str:
    return DIMENSION_VALUES[dimension].get(value, value)
