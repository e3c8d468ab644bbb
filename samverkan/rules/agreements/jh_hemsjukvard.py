"""Samverkansavtal gällande hemsjukvård, Region Jämtland Härjedalen och länets kommuner.

Only the revision of 2020-03-01 exists as text, so this version is applied from the start
of the agreement (2017-04-01). Bilaga 2 (primärvård–kommun) is its own module; jh-psykisk
overrides the housing and residence rules for persons with a psychiatric disability while
it is in force.
"""

from __future__ import annotations

import datetime as dt

from samverkan.rules.conditions import (
    AtLeast,
    Below,
    CountAtLeast,
    Decided,
    In,
    Is,
    Not,
    P,
    all_of,
    any_of,
)
from samverkan.rules.declarations import AgreementVersion, Term, rule
from samverkan.rules.params import whole

AGREEMENT = "jh-hemsjukvard"
REGION = "jamtland-harjedalen"
START = dt.date(2017, 4, 1)
TERM = Term(
    START,
    dt.date(2020, 12, 31),
    renewal_years=whole("jh_hsv.term_renewal_years", START),
    notice_months=whole("jh_hsv.notice_months", START),
)
# The agreement's numbers by name (samverkan/rules/parameters/jh_hemsjukvard.toml).
ADULT_AGE = P("jh_hsv.adult_age")  # §7.2 "Alla barn under 18 år"
ADL_NEEDS_MIN = P("jh_hsv.adl_needs_min")  # §7.3 "en eller flera insatser"

HCR = "health_care_responsibility"
HOME_CARE = (
    "physician",
    "nursing",
    "rehabilitation",
    "medication_management",
    "lab_analysis",
    "aids_and_materials",
)
# The scope of the home-care agreement and of Bilaga 2.
SCOPE = In("intervention", HOME_CARE)

NON_PHYSICIAN = Not(Is("intervention", "physician"))
ASYLUM = In("residence", ("asylum_seeker", "undocumented"))
# §7.2: "Kommunernas lagstadgade ansvar ... är knuten till mantalsskriven i kommunen" and
# "Regionen har ansvar för hälso- och sjukvård för asylsökande och papperslösa": the housing
# rules (the kommun's responsibility and the region's by housing form) do not speak for them.
BY_HOUSING = all_of(NON_PHYSICIAN, Not(ASYLUM))
# §7.3 footnote 8: "När det gäller barn avses varaktiga behov på grund av sjukdom och
# funktionsnedsättningar där stöd behövs utöver föräldraansvaret": a child's needs over time
# count only where the support needed goes beyond what parents are responsible for.
CHILD_NEEDS_WITHIN_PARENTAL = all_of(
    Below("age", ADULT_AGE), Is("needs_beyond_parental_responsibility", False)
)
ADL_NEEDS_COUNT = all_of(
    CountAtLeast("adl_needs_over_time", ADL_NEEDS_MIN), Not(CHILD_NEEDS_WITHIN_PARENTAL)
)
# §7.2 "Undantag är de barn vars vistelse i Sverige är avsedd att vara tillfällig": such a
# child has what an adult asylum seeker or undocumented person has, not full care.
TEMPORARY_CHILD = all_of(Below("age", ADULT_AGE), Is("stay_meant_to_be_temporary", True))
MEDICATION_AT_HOME = all_of(Is("intervention", "medication_management"), Is("housing", "ordinary"))
# Labels of the base rules of health_care_responsibility (exceptions refine them, Catala-style).
BY_HOUSING_LABEL = "jh-hsv.by_housing"  # §7.2/§7.3: by housing form, day activity, LSS
BY_RESIDENCE_LABEL = "jh-hsv.by_residence"  # §7.2: registered elsewhere, EU/EES, asylum
SELF_CARE_LABEL = "jh-hsv.self_care"  # §4, §7.3: egenvård
# The hcr values this agreement itself speaks for (not not_covered / jh-psykisk's not_regulated).
REGULATED = any_of(Decided(HCR, "region"), Decided(HCR, "municipality"), Decided(HCR, "self_care"))


def _c(section: str) -> str:
    return f"{AGREEMENT} {section}"


# --- §1 Inledning -----------------------------------------------------------------------
CLAUSE_1 = (
    rule(
        "jh-hsv.self_care.assess_before_transfer",
        _c("§1"),
        "Innan vård och behandling överförs till annan huvudman",
        all_of(Decided(HCR, "municipality"), Is("self_care_assessment", "not_assessed")),
        actions=("assess_self_care_first",),
        summary="Innan kommunen tar över ska det bedömas om åtgärden kan utföras som egenvård.",
    ),
)


# --- §4 Egenvård ------------------------------------------------------------------------
CLAUSE_4 = (
    rule(
        "jh-hsv.responsibility.self_care",
        _c("§4"),
        "Den egenvård som personen själv eller med hjälp av någon annan utför",
        all_of(NON_PHYSICIAN, Is("self_care_assessment", "self_care")),
        decides={HCR: "self_care"},
        refines=(BY_HOUSING_LABEL, BY_RESIDENCE_LABEL),
        label=SELF_CARE_LABEL,
        summary="Bedömd som egenvård av legitimerad personal: ingen huvudman utför den som "
        "hälso- och sjukvård; personen (eller någon åt personen) utför den.",
    ),
    rule(
        "jh-hsv.performer.self_care",
        _c("§4"),
        "Med egenvård menas en hälso- och sjukvårdsåtgärd som legitimerad",
        Decided(HCR, "self_care"),
        decides={"performer": "individual"},
        summary="Egenvård utförs av personen själv eller av någon annan åt personen.",
    ),
)


# --- §6 Sammanhållen vård och omsorg ----------------------------------------------------
CLAUSE_6 = (
    rule(
        "jh-hsv.dispute.individual_first",
        _c("§6"),
        "Den enskilde får aldrig bli drabbad av oenighet mellan huvudmännen",
        Is("parties_disagree", True),
        actions=("escalate_to_manager",),
        summary="Oenighet får aldrig drabba den enskilde: den som bedriver vården fortsätter "
        "och frågan lyfts till närmaste chef (§8).",
    ),
)


# --- §6.1 Trygg och säker utskrivning ---------------------------------------------------
CLAUSE_6_1 = (
    rule(
        "jh-hsv.sip.needs_both",
        _c("§6.1"),
        "ska erbjudas den enskilde om denne har behov av insatser",
        Is("needs_health_and_social_care", True),
        actions=("offer_sip",),
        summary="Behov av insatser från både hälso- och sjukvård och socialtjänst: erbjud SIP.",
    ),
)


# --- §6.2 Fast vårdkontakt --------------------------------------------------------------
CLAUSE_6_2 = (
    rule(
        "jh-hsv.care_contact.discharge",
        _c("§6.2"),
        "I samband med utskrivning från sjukhuset ska fast vårdkontakt utses",
        Is("discharge_from_inpatient_care", True),
        actions=("appoint_named_care_contact",),
        summary="Vid utskrivning utses fast vårdkontakt i den öppna vården.",
    ),
    rule(
        "jh-hsv.care_contact.end_of_life",
        _c("§6.2"),
        "Vid vård i livets slutskede ska en fast vårdkontakt vara läkare",
        Is("end_of_life", True),
        actions=("named_care_contact_physician",),
        summary="Vård i livets slutskede: en fast vårdkontakt ska vara läkare.",
    ),
)


# --- §7.1 Allmänt -----------------------------------------------------------------------
CLAUSE_7_1 = (
    rule(
        "jh-hsv.cost.region",
        _c("§7.1"),
        "har Region Jämtland Härjedalen och kommunerna var för sig ett hälso- och",
        Decided(HCR, "region"),
        decides={"cost": "region"},
        summary="Varje huvudman bär kostnaden för sitt eget hälso- och sjukvårdsansvar.",
        silent="Avtalet anger ingen egen kostnadsfördelning för insatsen; regionen bär "
        "kostnaden för den hälso- och sjukvård den har ansvaret för (huvudmännen har var "
        "för sig ett hälso- och sjukvårdsansvar, §7.1).",
    ),
    rule(
        "jh-hsv.cost.municipality",
        _c("§7.1"),
        "har Region Jämtland Härjedalen och kommunerna var för sig ett hälso- och",
        Decided(HCR, "municipality"),
        decides={"cost": "municipality"},
        summary="Varje huvudman bär kostnaden för sitt eget hälso- och sjukvårdsansvar.",
        silent="Avtalet anger ingen egen kostnadsfördelning för insatsen; kommunen bär "
        "kostnaden för den hälso- och sjukvård den har ansvaret för (huvudmännen har var "
        "för sig ett hälso- och sjukvårdsansvar, §7.1).",
    ),
)


# --- §7.2 Region jämtland härjedalens ansvar --------------------------------------------
CLAUSE_7_2 = (
    rule(
        "jh-hsv.responsibility.registered_elsewhere",
        _c("§7.2"),
        "men inte är mantalsskrivna här",
        all_of(NON_PHYSICIAN, Is("residence", "registered_elsewhere")),
        decides={HCR: "region"},
        refines=BY_HOUSING_LABEL,
        label=BY_RESIDENCE_LABEL,
        summary="Folkbokförd i annan region: regionen ansvarar, kan köpa insatsen av "
        "vistelsekommunen och fakturerar hemregionen.",
    ),
    rule(
        "jh-hsv.responsibility.eu_eea",
        _c("§7.2"),
        "eller är EU/EES-medborgare",
        all_of(NON_PHYSICIAN, Is("residence", "eu_eea")),
        decides={HCR: "region"},
        refines=BY_HOUSING_LABEL,
        label=BY_RESIDENCE_LABEL,
        summary="EU/EES-medborgare har rätt till fullständig vård; de är inte folkbokförda i "
        "kommunen, så regionen ansvarar som för andra som vistas i länet.",
    ),
    rule(
        "jh-hsv.responsibility.asylum_child",
        _c("§7.2"),
        "Regionen har ansvar för hälso- och sjukvård för asylsökande och papperslösa",
        all_of(ASYLUM, Below("age", ADULT_AGE), Is("stay_meant_to_be_temporary", False)),
        decides={HCR: "region"},
        context=1,  # "Vård av barn Alla barn under 18 år …"
        label=BY_RESIDENCE_LABEL,
        summary="Asylsökande och papperslösa barn under 18: full vård som folkbokförda barn, "
        "regionens ansvar, utom när barnets vistelse i Sverige är avsedd att vara tillfällig.",
    ),
    rule(
        "jh-hsv.responsibility.asylum_adult_urgent",
        _c("§7.2"),
        "Utöver dessa skyldigheter ska respektive landsting erbjuda alla asylsökande",
        all_of(ASYLUM, Is("urgent", True)),
        decides={HCR: "region"},
        context=1,  # the first bullet: "vård och tandvård som inte kan anstå"
        label=BY_RESIDENCE_LABEL,
        summary="Asylsökande och papperslösa (alla åldrar): vård som inte kan anstå, regionens "
        "ansvar.",
    ),
    rule(
        "jh-hsv.responsibility.asylum_adult_listed",
        _c("§7.2"),
        "Utöver dessa skyldigheter ska respektive landsting erbjuda alla asylsökande",
        all_of(ASYLUM, Is("asylum_entitlement", True)),
        decides={HCR: "region"},
        context=6,  # the six bullets, "läkemedel som förskrivs …" among them
        label=BY_RESIDENCE_LABEL,
        summary="Alla asylsökande och papperslösa: mödravård, abort, preventivmedelsrådgivning, "
        "hälsoundersökning och läkemedel till sådan vård, regionens ansvar.",
    ),
    rule(
        "jh-hsv.responsibility.asylum_adult_not_covered",
        _c("§7.2"),
        "För att som vuxen få tillgång till fullständig, subventionerad",
        all_of(
            ASYLUM,
            AtLeast("age", ADULT_AGE),
            Is("urgent", False),
            Is("asylum_entitlement", False),
        ),
        decides={HCR: "not_covered"},
        overrides=("jh-hsv.responsibility.physician",),
        label=BY_RESIDENCE_LABEL,
        summary="Vuxna asylsökande och papperslösa har inte rätt till fullständig vård: annan "
        "vård än den som inte kan anstå och de uppräknade insatserna omfattas inte.",
    ),
    rule(
        "jh-hsv.responsibility.asylum_child_temporary_not_covered",
        _c("§7.2"),
        "Undantag är de barn vars vistelse i Sverige är avsedd att vara tillfällig",
        all_of(
            ASYLUM,
            TEMPORARY_CHILD,
            Is("urgent", False),
            Is("asylum_entitlement", False),
        ),
        decides={HCR: "not_covered"},
        overrides=("jh-hsv.responsibility.physician",),
        context=1,  # "Vård av vuxna För att som vuxen få tillgång till fullständig …"
        label=BY_RESIDENCE_LABEL,
        summary="Asylsökande och papperslösa barn vars vistelse i Sverige är avsedd att vara "
        "tillfällig har inte rätt till vård som folkbokförda barn: som för vuxna omfattas "
        "bara vård som inte kan anstå och de uppräknade insatserna.",
    ),
    rule(
        "jh-hsv.responsibility.physician",
        _c("§7.2"),
        "ansvarar för alla läkarinsatser till samtliga medborgare oavsett boendeform",
        Is("intervention", "physician"),
        decides={HCR: "region"},
        summary="Alla läkarinsatser är regionens, oavsett boendeform.",
    ),
    rule(
        "jh-hsv.responsibility.personal_assistance_lss",
        _c("§7.2"),
        "personer med personlig assistans enligt LSS",
        all_of(BY_HOUSING, Is("personal_assistance_lss", True)),
        decides={HCR: "region"},
        overrides=(
            "jh-hsv.responsibility.ordinary_with_needs",
            "jh-hsv.responsibility.medication_risk",
        ),
        label=BY_HOUSING_LABEL,
        summary="Personlig assistans enligt LSS: så långt möjligt regionen, även i ordinärt "
        "boende med behov över tid och vid läkemedelsrisk.",
    ),
    rule(
        "jh-hsv.responsibility.ordinary_without_needs",
        _c("§7.2"),
        "hälso- och sjukvårdsansvar omfattar öppen och sluten vård",
        all_of(
            BY_HOUSING,
            Is("housing", "ordinary"),
            Not(CountAtLeast("adl_needs_over_time", ADL_NEEDS_MIN)),
        ),
        decides={HCR: "region"},
        label=BY_HOUSING_LABEL,
        summary="Ordinärt boende utan behov över tid: regionen (hälsocentralen).",
    ),
    rule(
        "jh-hsv.responsibility.temporary_stay",
        _c("§7.2"),
        "regionen tar ansvar för hemsjukvård till de personer som vistas i länet",
        all_of(BY_HOUSING, Is("housing", "temporary_stay")),
        decides={HCR: "region"},
        label=BY_HOUSING_LABEL,
        summary="Den som bara vistas i länet: regionen. Kommunens ansvar följer "
        "folkbokföringen i kommunen.",
    ),
    rule(
        "jh-hsv.performer.region",
        _c("§7.2"),
        "Detta gäller även om vården utförs av privata utförare med avtal",
        all_of(Decided(HCR, "region"), NON_PHYSICIAN),
        decides={"performer": "region", "employer": "region"},
        summary="Regionens ansvar utförs av regionen (eller privata utförare med avtal). "
        "Läkarinsatser: se bilaga 2.",
    ),
    rule(
        "jh-hsv.region_unit.primary_care",
        _c("§7.2"),
        "samt allmän och specialiserad vård vid hälsocentraler och sjukhuset",
        all_of(Decided(HCR, "region"), NON_PHYSICIAN),
        decides={"region_unit": "primary_care"},
        summary="Regionens hemsjukvård ges av primärvården (hälsocentralen).",
    ),
    rule(
        "jh-hsv.region_unit.none",
        _c("§7.2"),
        "Region Jämtland Härjedalens hälso- och sjukvårdsansvar omfattar",
        fallback=True,
        decides={"region_unit": "none"},
        summary="Ingen enhet inom regionen när regionen inte har någon del i insatsen.",
        silent="Avtalet anger ingen enhet inom regionen för insatsen: regionen har inte "
        "ansvaret för den (egenvård, vård som inte omfattas eller inte regleras).",
    ),
    rule(
        "jh-hsv.cost.home_region",
        _c("§7.2"),
        "därefter fakturerar hemlandstinget",
        all_of(Is("residence", "registered_elsewhere"), Decided(HCR, "region")),
        decides={"cost": "home_region"},
        actions=("bill_home_region",),
        overrides=(
            "jh-hsv.cost.region",
            "jh-hsv.cost.aids_prescriber_region",
            "jh-hsv.cost.aids_prescriber_municipality",
            "jh-pvk.cost.laboratory",
        ),
        summary="Folkbokförd i annan region: regionen fakturerar hemregionen för insatsen.",
    ),
)


# --- §7.3 Kommunernas ansvar ------------------------------------------------------------
CLAUSE_7_3 = (
    rule(
        "jh-hsv.responsibility.medication_risk",
        _c("§7.3"),
        "Om det trots detta föreligger en risk",
        all_of(MEDICATION_AT_HOME, Not(ASYLUM), Is("medication_risk_remains", True)),
        decides={HCR: "municipality"},
        overrides=(
            "jh-hsv.responsibility.ordinary_without_needs",
            "jh-hsv.responsibility.child_needs_within_parental",
        ),
        label=BY_HOUSING_LABEL,
        summary="Läkemedelshantering i ordinärt boende där risk kvarstår trots dosdispensering "
        "och hjälpmedel: kommunens hemsjukvård.",
    ),
    rule(
        "jh-hsv.responsibility.medication_without_risk",
        _c("§7.3"),
        "Gällande läkemedel ska de inom Region Jämtland Härjedalen som ordinerar",
        all_of(
            MEDICATION_AT_HOME,
            Is("medication_risk_remains", False),
            Not(Is("self_care_assessment", "health_care")),
        ),
        decides={HCR: "self_care"},
        refines=(BY_HOUSING_LABEL, BY_RESIDENCE_LABEL),
        label=SELF_CARE_LABEL,
        summary="Ingen risk kvar med dosdispensering/hjälpmedel: personen sköter läkemedlen "
        "själv (egenvård). Är åtgärden uttryckligen bedömd som hälso- och sjukvård gäller i "
        "stället boendereglerna.",
    ),
    rule(
        "jh-hsv.responsibility.special_housing",
        _c("§7.3"),
        "till dem som bor i särskilda boendeformer för äldre och funktionsnedsatta",
        all_of(BY_HOUSING, Is("housing", "special_housing")),
        decides={HCR: "municipality"},
        overrides=("jh-hsv.responsibility.personal_assistance_lss",),
        label=BY_HOUSING_LABEL,
        summary="Särskilt boende (SoL): kommunen ansvarar upp till läkarnivå. Lagens ansvar "
        "går före regionens 'så långt möjligt' för personlig assistans.",
    ),
    rule(
        "jh-hsv.responsibility.day_activity",
        _c("§7.3"),
        "samt till dem som vistas på dagverksamhet",
        all_of(BY_HOUSING, Is("day_activity", True)),
        decides={HCR: "municipality"},
        overrides=(
            "jh-hsv.responsibility.lss_housing",
            "jh-hsv.responsibility.personal_assistance_lss",
            "jh-hsv.responsibility.ordinary_without_needs",
            "jh-hsv.responsibility.child_needs_within_parental",
            "jh-hsv.responsibility.temporary_stay",
        ),
        label=BY_HOUSING_LABEL,
        summary="Insats som ges på dagverksamhet: kommunen, oavsett hur personen bor.",
    ),
    rule(
        "jh-hsv.responsibility.lss_housing",
        _c("§7.3"),
        "Personer som bor i bostad med särskild service enligt LSS",
        all_of(BY_HOUSING, Is("housing", "lss_housing")),
        decides={HCR: "region"},
        label=BY_HOUSING_LABEL,
        summary="Bostad med särskild service (LSS): så långt möjligt regionen.",
    ),
    rule(
        "jh-hsv.responsibility.ordinary_with_needs",
        _c("§7.3"),
        "till personer i ordinärt boende som har behov av stöd och hjälp över tid",
        all_of(
            BY_HOUSING,
            Is("housing", "ordinary"),
            ADL_NEEDS_COUNT,
        ),
        decides={HCR: "municipality"},
        label=BY_HOUSING_LABEL,
        summary="Ordinärt boende med minst ett behov över tid (äta/dricka, klä sig, förflytta "
        "sig, hygien; hjälp från närstående räknas): kommunen.",
        context=5,  # the four criteria and "Motsvarande gäller … närstående"
    ),
    rule(
        "jh-hsv.responsibility.child_needs_within_parental",
        _c("§7.3"),
        "När det gäller barn avses varaktiga behov på grund av sjukdom",
        all_of(
            BY_HOUSING,
            Is("housing", "ordinary"),
            CountAtLeast("adl_needs_over_time", ADL_NEEDS_MIN),
            CHILD_NEEDS_WITHIN_PARENTAL,
        ),
        decides={HCR: "region"},
        label=BY_HOUSING_LABEL,
        summary="Barn i ordinärt boende: behoven över tid räknas bara när stödet behövs på "
        "grund av varaktig sjukdom eller funktionsnedsättning utöver föräldraansvaret "
        "(fotnot 8). Annars gäller inte kommunens ansvar enligt avtalet, och regionen "
        "ansvarar (hälsocentralen).",
    ),
    rule(
        "jh-hsv.performer.municipality",
        _c("§7.3"),
        "Kommunens ansvar avser hälso- och sjukvård upp till läkarnivå",
        Decided(HCR, "municipality"),
        decides={"performer": "municipality", "employer": "municipality"},
        summary="Kommunens ansvar utförs av kommunens hälso- och sjukvårdspersonal.",
    ),
    rule(
        "jh-hsv.performer.health_centre_wish",
        _c("§7.3"),
        "har en önskan att få hela eller delar av sin vård utförd på hälsocentral",
        # "som har rätt att få sina hälso- och sjukvårdsinsatser från kommunen": never an
        # asylum seeker or undocumented person (§7.2), so their wish is not asked.
        all_of(Decided(HCR, "municipality"), Not(ASYLUM), Is("wishes_health_centre", True)),
        decides={"performer": "region", "employer": "region", "region_unit": "primary_care"},
        overrides=("jh-hsv.performer.municipality", "jh-hsv.region_unit.municipality"),
        summary="Önskar personen vård på hälsocentral respekteras det: hälsocentralen utför. "
        "Avtalet säger inget om kostnaden, så den följer ansvaret.",
    ),
    rule(
        "jh-hsv.region_unit.municipality",
        _c("§7.3"),
        "Kommunens ansvar avser hälso- och sjukvård upp till läkarnivå",
        Decided(HCR, "municipality"),
        decides={"region_unit": "none"},
        summary="Kommunens hemsjukvård upp till läkarnivå: ingen enhet inom regionen.",
    ),
    rule(
        "jh-hsv.personal_assistance.self_care_and_sip",
        _c("§7.3"),
        "särskilt viktigt att bedöma egenvård och kalla till SIP",
        all_of(Is("personal_assistance_lss", True), Is("self_care_assessment", "not_assessed")),
        actions=("assess_self_care_first",),
        summary="Personlig assistans enligt LSS: bedöm egenvård särskilt noga.",
    ),
    rule(
        "jh-hsv.personal_assistance.sip",
        _c("§7.3"),
        "särskilt viktigt att bedöma egenvård och kalla till SIP",
        Is("personal_assistance_lss", True),
        actions=("offer_sip",),
        summary="Personlig assistans enligt LSS och behov av hälso- och sjukvård: kalla till SIP.",
    ),
)


# --- §7.5 Tjänsteköp --------------------------------------------------------------------
CLAUSE_7_5 = (
    rule(
        "jh-hsv.performer.service_purchase",
        _c("§7.5"),
        "kan göra tjänsteköp gällande att utföra hälso- och sjukvårdsinsatser",
        all_of(
            Decided(HCR, "region"),
            NON_PHYSICIAN,
            Is("service_purchase_requested", True),
        ),
        decides={
            "performer": "municipality",
            "employer": "municipality",
            "compensation": "service_purchase",
        },
        overrides=("jh-hsv.performer.region",),
        summary="Regionen kan köpa insatsen av kommunen (bilaga 4) med bibehållet ansvar.",
    ),
)


# --- §7.6 Regionvård --------------------------------------------------------------------
CLAUSE_7_6 = (
    rule(
        "jh-hsv.care_contact.regional_care",
        _c("§7.6"),
        "Utskrivning från regionsjukvård ska alltid ske via primärvård",
        Is("discharge_from_inpatient_care", True),
        actions=("appoint_named_care_contact",),
        summary="Utskrivning sker via primärvård eller specialiserad vård så att fast "
        "vårdkontakt utses.",
    ),
)


# --- §7.7 Kostnadsansvar för sjukvårdsmaterial, medicinsk utrustning, hjälpmedel mm -----
CLAUSE_7_7 = (
    rule(
        "jh-hsv.cost.aids_prescriber_region",
        _c("§7.7"),
        "följer ansvaret för patient och förskrivare",
        all_of(Is("intervention", "aids_and_materials"), REGULATED, Is("prescriber", "region")),
        decides={"cost": "region"},
        overrides=("jh-hsv.cost.region", "jh-hsv.cost.municipality"),
        summary="Material, utrustning och hjälpmedel: kostnaden följer förskrivaren. Skiljer "
        "sig förskrivare och patientansvar åt väger förskrivaren tyngst.",
    ),
    rule(
        "jh-hsv.cost.aids_prescriber_municipality",
        _c("§7.7"),
        "följer ansvaret för patient och förskrivare",
        all_of(
            Is("intervention", "aids_and_materials"),
            REGULATED,
            Is("prescriber", "municipality"),
        ),
        decides={"cost": "municipality"},
        overrides=("jh-hsv.cost.region", "jh-hsv.cost.municipality"),
        summary="Material, utrustning och hjälpmedel: kostnaden följer förskrivaren, även när "
        "patientansvaret ligger hos regionen; i kommunens eget ansvar betalar kommunen det "
        "den förskriver (bilaga 2: 'Regleras i huvudavtalet punkt 7.7').",
    ),
    rule(
        "jh-hsv.cost.aids_disagreement",
        _c("§7.7"),
        "Om huvudmännen inte är överens om kostnadsansvar",
        all_of(
            Is("intervention", "aids_and_materials"),
            REGULATED,
            Is("parties_disagree", True),
        ),
        decides={"cost": "shared_equally"},
        overrides=(
            "jh-hsv.cost.region",
            "jh-hsv.cost.municipality",
            "jh-hsv.cost.home_region",
            "jh-hsv.cost.aids_prescriber_region",
            "jh-hsv.cost.aids_prescriber_municipality",
        ),
        summary="Oense om kostnaden för material, utrustning eller hjälpmedel: delas lika "
        "tills överenskommelse skett.",
    ),
)


# --- §8 Samverkan mellan huvudmännen ----------------------------------------------------
CLAUSE_8 = (
    rule(
        "jh-hsv.cost.no_support",
        _c("§8"),
        "där stöd i detta avtal inte kan hittas",
        Not(any_of(Decided(HCR, "not_covered"), Decided(HCR, "self_care"))),
        fallback=True,
        decides={"cost": "shared_equally"},
        summary="Finns inget stöd i avtalet delar parterna på kostnaden och frågan lyfts till "
        "närmaste chef. Gäller inte egenvård (ingen hälso- och sjukvård) eller vård som inte "
        "omfattas.",
    ),
    rule(
        "jh-hsv.dispute.shared_cost",
        _c("§8"),
        "problemet lyfts till närmsta chef",
        Decided("cost", "shared_equally"),
        actions=("escalate_to_manager",),
        summary="När kostnaden delas lika lyfts frågan till närmaste chef.",
    ),
)


# --- §8.1 Avvikelsehantering ------------------------------------------------------------
CLAUSE_8_1 = (
    rule(
        "jh-hsv.deviation.serious",
        _c("§8.1"),
        "Vid allvarliga avvikelser ska direktkontakt tas med chefsläkare/MAS",
        Is("serious_deviation", True),
        actions=("contact_chief_physician_mas",),
        summary="Allvarlig avvikelse: ta direktkontakt med chefsläkare/MAS.",
    ),
)


# --- §10 Avtalstid och uppföljning ------------------------------------------------------
CLAUSE_10 = (
    rule(
        "jh-hsv.compensation.none",
        _c("§10"),
        "Uppföljning av tjänsteköpsvolymer ska göras löpande",
        fallback=True,
        decides={"compensation": "none"},
        summary="Ersättning mellan parterna finns bara genom tjänsteköp (bilaga 4); annars "
        "utgår ingen ersättning.",
        silent="Avtalet anger ingen ersättning mellan huvudmännen för insatsen; ersättning "
        "finns bara genom tjänsteköp (§7.5, bilaga 4), och schablonersättning har inte "
        "införts (§10).",
    ),
)


# --- §11 Tvist --------------------------------------------------------------------------
CLAUSE_11 = (
    rule(
        "jh-hsv.dispute.forum",
        _c("§11"),
        "Tvister ska lösas i nuvarande samverkansforum",
        all_of(Is("parties_disagree", True), Is("question_of_principle", True)),
        actions=("escalate_to_forum",),
        summary="Oenighet av principiell betydelse lyfts av berörd chef till samverkansforum "
        "(§8) där tvister löses (§11).",
    ),
)


VERSION = AgreementVersion(
    agreement=AGREEMENT,
    version="2020-03-01",
    title="Samverkansavtal gällande hemsjukvård (rev. 2020-03-01)",
    region=REGION,
    term=TERM,
    scope=SCOPE,
    rules=(
        *CLAUSE_1,
        *CLAUSE_4,
        *CLAUSE_6,
        *CLAUSE_6_1,
        *CLAUSE_6_2,
        *CLAUSE_7_1,
        *CLAUSE_7_2,
        *CLAUSE_7_3,
        *CLAUSE_7_5,
        *CLAUSE_7_6,
        *CLAUSE_7_7,
        *CLAUSE_8,
        *CLAUSE_8_1,
        *CLAUSE_10,
        *CLAUSE_11,
    ),
    forum="SVOM/Fredagsgruppen",
    dispute_path=(
        "närmaste chef (§8)",
        "samverkansforum med verksamhetschefer/förvaltningschefer (§11)",
    ),
    note="Bara revisionen 2020-03-01 finns som text; den tillämpas från avtalets start 2017-04-01.",
)
