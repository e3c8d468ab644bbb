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
from samverkan.rules.conditions import Decided, In, Is, TimeWithin, all_of
from samverkan.rules.declarations import AgreementVersion, rule

AGREEMENT = "jh-primarvard-kommun"
NIGHT = TimeWithin("time", 17 * 60, 8 * 60)  # 17.00–08.00
DAY = TimeWithin("time", 8 * 60, 17 * 60)  # 08.00–17.00
# What a district nurse does at night within primary care.
DISTRICT_NURSE = In("intervention", ("nursing", "medication_management", "lab_analysis"))
NIGHT_DISTRICT_NURSE = all_of(Decided(HCR, "region"), DISTRICT_NURSE, NIGHT)


def _c(heading: str) -> str:
    return f"{AGREEMENT} {heading}"


# --- performer, employer, compensation: nights and days -----------------------------------
# Kvällar och nätter utför kommunen distriktssköterskeinsatser i regionens primärvård utan
# ersättning (regionen har vårdansvaret); dagtid bara genom tjänsteköp när regionen ber om det.
PERFORMER_RULES = (
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
    rule(
        "jh-pvk.performer.physician",
        _c("Läkarmedverkan"),
        "Hembesök hos patienter utifrån patientens behov, oavsett boendeform",
        all_of(Decided(HCR, "region"), Is("intervention", "physician")),
        decides={"performer": "region", "employer": "region"},
        summary="Regionens läkare gör hembesök utifrån behov, oavsett boendeform.",
    ),
)

# --- cost: laboratory and basic equipment --------------------------------------------------
# Laboratorieservice betalas alltid av regionen; utrustning regleras i huvudavtalet 7.7.
COST_RULES = (
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
    rule(
        "jh-pvk.cost.basic_equipment",
        _c("Medicinteknisk utrustning och läkemedel"),
        "Medicinsk basutrustning inom kommunal hälso- och sjukvård",
        all_of(
            Is("intervention", "aids_and_materials"),
            Decided(HCR, "municipality"),
            Is("prescriber", "municipality"),
        ),
        decides={"cost": "municipality"},
        overrides=("jh-hsv.cost.municipality",),
        summary="Utrustning i kommunal hälso- och sjukvård som kommunen förskriver: kommunen "
        "(regleras i huvudavtalet 7.7).",
    ),
)

VERSION = AgreementVersion(
    agreement=AGREEMENT,
    version="2017-03-21",
    title="Bilaga 2 Samverkan och ansvar primärvård – kommun",
    region=REGION,
    term=TERM,
    scope=SCOPE,
    rules=(*PERFORMER_RULES, *COST_RULES),
    forum="SVOM/Fredagsgruppen",
    dispute_path=(
        "närmsta chef (huvudavtalet §8)",
        "samverkansforum med verksamhetschefer/förvaltningschefer (huvudavtalet §11)",
    ),
    follows="jh-hemsjukvard",
    note="Bilagan följer huvudavtalets avtalstid.",
)
