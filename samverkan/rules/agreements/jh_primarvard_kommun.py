"""Bilaga 2 Samverkan och ansvar primärvård – kommun (to the JH home-care agreement).

The annex follows the main agreement's term. It says who performs region-responsible care
at night and by day, who employs the staff, and who pays laboratory services.
"""

from __future__ import annotations

from samverkan.rules.agreements.jh_hemsjukvard import (
    HCR,
    NON_PHYSICIAN,
    REGION,
    REGULATED,
    SCOPE,
    TERM,
)
from samverkan.rules.conditions import Decided, In, Is, P, TimeWithin, all_of
from samverkan.rules.declarations import AgreementVersion, LocalDefault, rule

AGREEMENT = "jh-primarvard-kommun"
# The annex's clock times by name (samverkan/rules/parameters/jh_primarvard_kommun.toml).
NIGHT_START, DAY_START = P("jh_pvk.night_start"), P("jh_pvk.day_start")
NIGHT = TimeWithin("time", NIGHT_START, DAY_START)  # 17.00–08.00
DAY = TimeWithin("time", DAY_START, NIGHT_START)  # 08.00–17.00
# What a district nurse does at night within primary care.
DISTRICT_NURSE = In("intervention", ("nursing", "medication_management", "lab_analysis"))
NIGHT_DISTRICT_NURSE = all_of(Decided(HCR, "region"), DISTRICT_NURSE, NIGHT)


def _c(heading: str) -> str:
    return f"{AGREEMENT} {heading}"


# --- Läkarmedverkan ---------------------------------------------------------------------
CLAUSE_LAKARMEDVERKAN = (
    rule(
        "jh-pvk.performer.physician",
        _c("Läkarmedverkan"),
        "Läkarmedverkan med rätt kompetens och personkontinuitet",
        all_of(Decided(HCR, "region"), Is("intervention", "physician")),
        decides={"performer": "region", "employer": "region"},
        context=1,  # "• Hembesök hos patienter utifrån patientens behov, oavsett boendeform."
        summary="Regionens läkare gör hembesök utifrån behov, oavsett boendeform.",
    ),
)


# --- Samverkansrutin mellan primärvård och kommun ---------------------------------------
CLAUSE_SAMVERKANSRUTIN_MELLAN_PRIMARVARD_OCH_KOMMUN = (
    rule(
        "jh-pvk.region_unit.physician",
        _c("Samverkansrutin mellan primärvård och kommun"),
        "Chef vid respektive hälsocentral ska tillsammans med aktuella chefer",
        all_of(Decided(HCR, "region"), Is("intervention", "physician")),
        decides={"region_unit": "primary_care"},
        summary="Läkarmedverkan i hemmet ordnas genom hälsocentralen enligt den rutin "
        "hälsocentralens chef skriver med kommunens chefer.",
    ),
)


# --- Laboratorieservice och högrentservice ----------------------------------------------
CLAUSE_LABORATORIESERVICE_OCH_HOGRENTSERVICE = (
    rule(
        "jh-pvk.cost.laboratory",
        _c("Laboratorieservice och högrentservice"),
        "Alla kostnader för provtagningsmaterial, laboratorieanalyser",
        all_of(Is("intervention", "lab_analysis"), REGULATED),
        decides={"cost": "region"},
        overrides=("jh-hsv.cost.region", "jh-hsv.cost.municipality"),
        summary="Provtagningsmaterial, analyser, transporter och tolkning betalas av regionen, "
        "även när kommunen tar provet.",
    ),
)


# --- Tjänstgöring kvällar och nätter 17.00–08.00 Tjänstgöring kvällar och nätter 17.00 – 08.00 (primärvårdsuppdrag) ---
CLAUSE_TJANSTGORING_KVALLAR_OCH_NATTER_17_00_08_00 = (
    rule(
        "jh-pvk.performer.night_district_nurse",
        _c("Tjänstgöring kvällar och nätter 17.00–08.00"),
        "Kommunen svarar utan ersättning för distriktssköterske-insatser kvällar och nätter",
        NIGHT_DISTRICT_NURSE,
        decides={
            "performer": "municipality",
            "compensation": "none",
            "region_unit": "primary_care",
        },
        overrides=("jh-hsv.performer.region", "jh-hsv.performer.service_purchase"),
        summary="17.00–08.00 utför kommunen distriktssköterskeinsatser inom regionens "
        "primärvård, utan ersättning, även om tjänsteköp begärts.",
    ),
    rule(
        "jh-pvk.employer.night_district_nurse",
        _c("Tjänstgöring kvällar och nätter 17.00–08.00"),
        "har kommunen arbetsgivaransvaret för den kommunala personalen",
        NIGHT_DISTRICT_NURSE,
        decides={"employer": "municipality"},
        overrides=("jh-hsv.performer.region",),
        summary="Nattetid är kommunen arbetsgivare för sin personal; vårdansvaret stannar hos "
        "regionen.",
    ),
    rule(
        "jh-pvk.night.specialist_via_on_call_physician",
        _c("Tjänstgöring kvällar och nätter 17.00–08.00"),
        "Vid behov av insatser från specialistvården gällande patienter inom kommunal vård",
        # "patienter inom kommunal vård": the kommun's own patients (the action names the
        # evenings and nights it is for, so the clock is not asked for them). The night
        # district-nurse work is not kommunal vård: "vårdansvaret finns hos Regionen".
        all_of(Decided(HCR, "municipality"), Is("specialist_care_needed", True)),
        actions=("route_via_primary_care_physician_on_call",),
        unless_local=LocalDefault(
            "specialist_care_routing",
            "om annat ej överenskommits enligt överenskommelse mellan specialistvård och kommun",
            "specialistvården och kommunen",
            actions=("follow_local_agreement_specialist_care",),
        ),
        summary="Kvällar och nätter (17.00–08.00): behövs insatser från specialistvården för "
        "en patient i den kommunala vården går ärendet via ansvarig primärvårdsläkare i "
        "beredskap, om inte specialistvården och kommunen kommit överens om annat.",
    ),
)


# --- Dagtid 08.00–17.00 Dagtid, 08.00-17.00 kan tjänsteköp förekomma --------------------
CLAUSE_DAGTID_08_00_17_00 = (
    rule(
        "jh-pvk.performer.day_service_purchase",
        _c("Dagtid 08.00–17.00"),
        "Kommunen kan svara för hälso- och sjukvårdsinsatser som regionen ber kommunen utföra",
        all_of(
            Decided(HCR, "region"),
            NON_PHYSICIAN,
            Is("service_purchase_requested", True),
            DAY,
        ),
        decides={
            "performer": "municipality",
            "employer": "municipality",
            "compensation": "service_purchase",
        },
        overrides=("jh-hsv.performer.region", "jh-hsv.performer.service_purchase"),
        summary="08.00–17.00 utför kommunen regionens insatser bara när regionen ber om det, "
        "genom tjänsteköp enligt bilaga 4.",
    ),
)


VERSION = AgreementVersion(
    agreement=AGREEMENT,
    version="2017-03-21",
    title="Bilaga 2 Samverkan och ansvar primärvård – kommun",
    region=REGION,
    term=TERM,
    scope=SCOPE,
    rules=(
        *CLAUSE_LAKARMEDVERKAN,
        *CLAUSE_SAMVERKANSRUTIN_MELLAN_PRIMARVARD_OCH_KOMMUN,
        *CLAUSE_LABORATORIESERVICE_OCH_HOGRENTSERVICE,
        *CLAUSE_TJANSTGORING_KVALLAR_OCH_NATTER_17_00_08_00,
        *CLAUSE_DAGTID_08_00_17_00,
    ),
    forum="SVOM/Fredagsgruppen",
    dispute_path=(
        "närmaste chef (huvudavtalet §8)",
        "samverkansforum med verksamhetschefer/förvaltningschefer (huvudavtalet §11)",
    ),
    follows="jh-hemsjukvard",
    note="Bilagan följer huvudavtalets avtalstid.",
)
