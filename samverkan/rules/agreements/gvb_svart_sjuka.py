"""Överenskommelse svårt sjuka personer som vårdas i hemmet, Region Gävleborg och kommunerna.

A temporary agreement (2018-04-01–2019-12-31) for patients with respirator, tracheostomy
or peritoneal dialysis. Persons outside the target group are covered by no agreement in the
library. Home care was municipalised at primary-care level only; where specialist care keeps
the treatment responsibility, the kommun's staff perform the care and the region pays 50 %
of the hours.
"""

from __future__ import annotations

import datetime as dt

from samverkan.rules.conditions import AtLeast, Below, Decided, In, Is, P, all_of
from samverkan.rules.declarations import AgreementVersion, Term, rule

AGREEMENT = "gvb-svart-sjuka"
REGION = "gavleborg"
TERM = Term(dt.date(2018, 4, 1), dt.date(2019, 12, 31))
HCR = "health_care_responsibility"

# "Målgrupp för överenskommelsen": patients "som har behov av samordning av insatser enligt SoL
# eller LSS samt Hälso- och sjukvårdslagen" *and* the extensive care (respirator,
# tracheostomy, peritoneal dialysis). Both halves are the target group; the Ekonomisk
# överenskommelse repeats them for the 50 % compensation. Outside it no agreement applies.
EXTENSIVE_CARE = In("extensive_home_care", ("respirator", "tracheostomy", "peritoneal_dialysis"))
NEEDS_COORDINATION = Is("needs_health_and_social_care", True)
SCOPE = all_of(EXTENSIVE_CARE, NEEDS_COORDINATION)

PHYSICIAN = Is("intervention", "physician")
SOCIAL = In("intervention", ("housing_support", "occupation", "relative_support"))
HEALTH = In(
    "intervention",
    (
        "nursing",
        "rehabilitation",
        "medication_management",
        "lab_analysis",
        "aids_and_materials",
        "psychosocial_first_line",
        "psychiatric_specialist",
        "habilitation",
    ),
)
ADULT_AGE = P("gvb.adult_age")  # Barn: "barn under 18 år" (parameters/gvb_svart_sjuka.toml)
CHILD = Below("age", ADULT_AGE)
ADULT = AtLeast("age", ADULT_AGE)
SPECIALIST = Is("treatment_responsibility", "specialist_care")
PRIMARY = Is("treatment_responsibility", "primary_care")
SELF_CARE = Is("self_care_assessment", "self_care")


def _c(heading: str) -> str:
    return f"{AGREEMENT} {heading}"


# --- Bakgrund ---------------------------------------------------------------------------
CLAUSE_BAKGRUND = (
    rule(
        "gvb.responsibility.specialist",
        _c("Bakgrund"),
        "Hemsjukvård som utgår från specialistvårdsnivån har alltså inte ingått",
        all_of(HEALTH, ADULT, SPECIALIST),
        decides={HCR: "region"},
        summary="Behandlingsansvar i specialistvården: regionen har ansvaret; hemsjukvård på "
        "specialistnivå kommunaliserades aldrig.",
    ),
    rule(
        "gvb.responsibility.primary_care_level",
        _c("Bakgrund"),
        "avgränsades till vårdnivån primärvård",
        all_of(HEALTH, ADULT, PRIMARY),
        decides={HCR: "municipality"},
        summary="Behandlingsansvar i primärvården: kommunal hemsjukvård enligt det gällande "
        "hemsjukvårdsavtalet (primärvårdsnivå).",
    ),
    rule(
        "gvb.performer.municipal_home_care",
        _c("Bakgrund"),
        "Det nu gällande hemsjukvårdsavtalet är avgränsat till primärvårdsnivå",
        all_of(HEALTH, Decided(HCR, "municipality")),
        decides={"performer": "municipality", "employer": "municipality"},
        summary="Kommunal hemsjukvård utförs av kommunens personal.",
    ),
    rule(
        "gvb.region_unit.none",
        _c("Bakgrund"),
        "Det nu gällande hemsjukvårdsavtalet är avgränsat till primärvårdsnivå",
        fallback=True,
        decides={"region_unit": "none"},
        summary="Kommunal hemsjukvård på primärvårdsnivå: ingen enhet inom regionen.",
    ),
)


# --- Överenskommelse --------------------------------------------------------------------
CLAUSE_OVERENSKOMMELSE = (
    rule(
        "gvb.responsibility.physician",
        _c("Överenskommelse"),
        "Den hälsocentral där patienten är listad har ett samordningsansvar",
        PHYSICIAN,
        decides={
            HCR: "region",
            "performer": "region",
            "employer": "region",
            "cost": "region",
            "region_unit": "primary_care",
        },
        summary="Läkarinsatser: regionen, genom en utsedd läkare på hälsocentralen där "
        "patienten är listad (samordningsansvar även när specialistvården behandlar).",
    ),
    rule(
        "gvb.responsibility.social",
        _c("Överenskommelse"),
        "Alla verksamheter som berörs ingår inom respektive huvudmans ansvar",
        SOCIAL,
        decides={
            HCR: "municipality",
            "performer": "municipality",
            "employer": "municipality",
            "cost": "municipality",
            "region_unit": "none",
        },
        summary="Socialtjänstens insatser (SoL/LSS) stannar hos kommunen.",
    ),
    rule(
        "gvb.cost.primary_care_level",
        _c("Överenskommelse"),
        "Alla verksamheter som berörs ingår inom respektive huvudmans ansvar",
        all_of(HEALTH, PRIMARY, Decided(HCR, "municipality")),
        decides={"cost": "municipality"},
        summary="Kommunal hemsjukvård på primärvårdsnivå: kommunen betalar.",
    ),
    rule(
        "gvb.care_chain.named_care_contacts",
        _c("Överenskommelse"),
        "ska fasta vårdkontakter med tydliga ansvarsområden utses",
        actions=("appoint_named_care_contact",),
        summary="Vid SIP utses fasta vårdkontakter med tydliga ansvarsområden.",
    ),
)


# --- Målgrupp för överenskommelsen ------------------------------------------------------
CLAUSE_MALGRUPP_FOR_OVERENSKOMMELSEN = (
    rule(
        "gvb.sip.target_group",
        _c("Målgrupp för överenskommelsen"),
        "som har behov av samordning av insatser enligt SoL eller LSS",
        actions=("offer_sip",),
        summary="Målgruppen behöver samordnade insatser från socialtjänst och hälso- och "
        "sjukvård: SIP.",
    ),
)


# --- Gränsdragning egenvård och hälso- och sjukvård Gränsdragning mellan vad som kan betraktas som egenvård och hälso- och sjukvård ---
CLAUSE_GRANSDRAGNING_EGENVARD_OCH_HALSO_OCH_SJUKVARD = (
    rule(
        "gvb.responsibility.self_care",
        _c("Gränsdragning egenvård och hälso- och sjukvård"),
        "Vad som kan bedömas som egenvård ska avgöras från fall till fall",
        all_of(HEALTH, SELF_CARE),
        decides={HCR: "self_care"},
        overrides=(
            "gvb.responsibility.child",
            "gvb.responsibility.specialist",
            "gvb.responsibility.primary_care_level",
        ),
        summary="Bedömd som egenvård (från fall till fall, enligt länsgemensam rutin): ingen "
        "huvudmans hälso- och sjukvård.",
    ),
    rule(
        "gvb.performer.self_care",
        _c("Gränsdragning egenvård och hälso- och sjukvård"),
        "Den länsgemensamma rutinen för egenvård ska följas",
        Decided(HCR, "self_care"),
        decides={"performer": "individual"},
        summary="Egenvård utförs av personen själv eller av någon annan åt personen.",
    ),
    rule(
        "gvb.self_care.assess",
        _c("Gränsdragning egenvård och hälso- och sjukvård"),
        "en ny bedömning ska göras om omständigheterna förändras över tid",
        all_of(HEALTH, Is("self_care_assessment", "not_assessed")),
        actions=("assess_self_care_first",),
        summary="Ta ställning till egenvård från fall till fall innan ansvaret fördelas.",
    ),
)


# --- Vårdkedja - ansvar -----------------------------------------------------------------
CLAUSE_VARDKEDJA_ANSVAR = (
    rule(
        "gvb.care_chain.primary_care_physician_coordinates",
        _c("Vårdkedja - ansvar"),
        "ligger samordningsansvaret på",
        all_of(HEALTH, SPECIALIST),
        actions=("primary_care_physician_coordinates",),
        summary="Ligger behandlingsansvaret kvar i specialistvården har primärvårdsläkaren "
        "samordningsansvaret.",
    ),
    rule(
        "gvb.region_unit.specialist",
        _c("Vårdkedja - ansvar"),
        "I de fall behandlingsansvaret ligger kvar i specialistvården",
        all_of(HEALTH, SPECIALIST),
        decides={"region_unit": "specialist_care"},
        summary="Behandlingsansvaret ligger i specialistvården; samordningsansvaret har "
        "primärvårdsläkaren.",
    ),
    rule(
        "gvb.care_chain.sip_and_risk_analysis",
        _c("Vårdkedja - ansvar"),
        "samt riskanalys (enligt SKL s mall) med alla berörda vårdgivare ska göras",
        actions=("offer_sip", "risk_analysis"),
        summary="SIP och riskanalys enligt SKL:s mall med alla berörda vårdgivare, och "
        "fortsatt dialog.",
    ),
    rule(
        "gvb.care_chain.discharge_checklist",
        _c("Vårdkedja - ansvar"),
        "Checklistan ska följas innan utskrivning",
        Is("discharge_from_inpatient_care", True),
        actions=("discharge_checklist",),
        summary="Före utskrivning följs checklistan (bilaga 1) och utskrivningsrutinen.",
    ),
)


# --- Barn -------------------------------------------------------------------------------
CLAUSE_BARN = (
    rule(
        "gvb.responsibility.social_child",
        _c("Barn"),
        "däremot ett ansvar för ev. bistånd enligt SoL eller insatser enligt LSS",
        all_of(SOCIAL, CHILD),
        decides={
            HCR: "municipality",
            "performer": "municipality",
            "employer": "municipality",
            "cost": "municipality",
            "region_unit": "none",
        },
        summary="Bistånd enligt SoL och insatser enligt LSS kring barn: kommunen.",
    ),
    rule(
        "gvb.responsibility.child",
        _c("Barn"),
        "kommunen inte har hälso- och sjukvårdsansvar för barn under 18 år",
        all_of(HEALTH, CHILD),
        decides={HCR: "region"},
        summary="Barn under 18: hemsjukvården är inte skatteväxlad, regionen har hälso- och "
        "sjukvårdsansvaret.",
    ),
    rule(
        "gvb.responsibility.child_self_care",
        _c("Barn"),
        "ansvaret för egenvård kan vårdnadshavare inte lämna över",
        all_of(HEALTH, CHILD, SELF_CARE),
        decides={HCR: "self_care"},
        overrides=("gvb.responsibility.child",),
        summary="Barns egenvård förblir vårdnadshavarens ansvar även när den praktiska vården "
        "lämnas över, tills behandlande legitimerad personal gjort en ny bedömning.",
    ),
    rule(
        "gvb.performer.child_primary_care",
        _c("Barn"),
        "hemsjukvården skatteväxlad mellan Region Gävleborg och länets kommuner för barn",
        all_of(HEALTH, PRIMARY, Decided(HCR, "region")),
        decides={"performer": "region", "employer": "region"},
        summary="Barn med behandlingsansvar i primärvården: regionen utför.",
    ),
    rule(
        "gvb.performer.child_self_care",
        _c("Barn"),
        "När det gäller utförande av egenvård för barn så är detta i regel ett föräldraansvar",
        all_of(CHILD, Decided(HCR, "self_care")),
        decides={"performer": "individual"},
        summary="Barns egenvård utförs i regel av föräldrarna.",
    ),
    rule(
        "gvb.cost.child_primary_care",
        _c("Barn"),
        "kommunen inte har hälso- och sjukvårdsansvar för barn under 18 år",
        all_of(HEALTH, PRIMARY, Decided(HCR, "region")),
        decides={"cost": "region"},
        summary="Barn med behandlingsansvar i primärvården: regionen betalar.",
    ),
    rule(
        "gvb.region_unit.child_primary_care",
        _c("Barn"),
        "hemsjukvården skatteväxlad mellan Region Gävleborg och länets kommuner för barn",
        all_of(HEALTH, PRIMARY, CHILD),
        decides={"region_unit": "primary_care"},
        summary="Barn med behandlingsansvar i primärvården: regionens primärvård.",
    ),
)


# --- Ekonomisk överenskommelse 2018-2019 ------------------------------------------------
CLAUSE_EKONOMISK_OVERENSKOMMELSE_2018_2019 = (
    rule(
        "gvb.performer.specialist_staff",
        _c("Ekonomisk överenskommelse 2018-2019"),
        "utföraren i den kommun där personen bor är arbetsgivare för den personal",
        all_of(HEALTH, SPECIALIST, Decided(HCR, "region")),
        decides={"performer": "municipality"},
        summary="Specialistvården behandlar: personalen runt personen är kommunens.",
    ),
    rule(
        "gvb.employer.specialist_staff",
        _c("Ekonomisk överenskommelse 2018-2019"),
        "utföraren i den kommun där personen bor är arbetsgivare för den personal",
        all_of(HEALTH, SPECIALIST),
        decides={"employer": "municipality"},
        summary="Kommunens utförare är arbetsgivare för personalen runt personen, även när de "
        "utför egenvård.",
    ),
    rule(
        "gvb.cost.specialist_shared",
        _c("Ekonomisk överenskommelse 2018-2019"),
        "Ersättningen från Region Gävleborg utgör 50 procent av utförd tid",
        all_of(HEALTH, SPECIALIST),
        decides={"cost": "shared_equally"},
        summary="Specialistvården behandlar: kommunen bär kostnaden som arbetsgivare och "
        "regionen ersätter 50 % av utförd tid (faktureras månadsvis).",
    ),
    rule(
        "gvb.compensation.hourly_share",
        _c("Ekonomisk överenskommelse 2018-2019"),
        "Ersättningen från Region Gävleborg utgör 50 procent av utförd tid",
        all_of(HEALTH, SPECIALIST),
        decides={"compensation": "hourly_share_50"},
        summary="50 % av utförd tid för egenvård och hälso- och sjukvård, med Försäkrings"
        "kassans timbelopp för assistans (uppräknat årligen).",
    ),
    rule(
        "gvb.compensation.none",
        _c("Ekonomisk överenskommelse 2018-2019"),
        "Ersättningen från Region Gävleborg utgör 50 procent av utförd tid",
        fallback=True,
        decides={"compensation": "none"},
        summary="Ersättning utgår bara där specialistvården har behandlingsansvaret.",
        silent="Överenskommelsen anger ingen ersättning för insatsen: ersättningen (50 procent "
        "av utförd tid) gäller bara där specialistvården har behandlingsansvaret.",
    ),
)


VERSION = AgreementVersion(
    agreement=AGREEMENT,
    version="2018-04-01",
    title="Överenskommelse svårt sjuka personer som vårdas i hemmet",
    region=REGION,
    term=TERM,
    scope=SCOPE,
    rules=(
        *CLAUSE_BAKGRUND,
        *CLAUSE_OVERENSKOMMELSE,
        *CLAUSE_MALGRUPP_FOR_OVERENSKOMMELSEN,
        *CLAUSE_GRANSDRAGNING_EGENVARD_OCH_HALSO_OCH_SJUKVARD,
        *CLAUSE_VARDKEDJA_ANSVAR,
        *CLAUSE_BARN,
        *CLAUSE_EKONOMISK_OVERENSKOMMELSE_2018_2019,
    ),
    forum="Länsledning Välfärd",
    note="Tillfällig överenskommelse; gäller som längst till och med 2019-12-31.",
)
