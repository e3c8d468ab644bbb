"""Överenskommelse om samverkan gällande personer med psykiska funktionsnedsättningar (JH).

Governs the psychiatric interventions, open compulsory care and persons with a psychiatric
disability. While it is in force (2017-06-01–2020-12-31) it also says that the home-care
agreement does not regulate persons with a psychiatric disability (§5.1, §5.4); those rules
override the home-care agreement's and lapse with this agreement.
"""

from __future__ import annotations

import datetime as dt

from samverkan.rules.agreements.jh_hemsjukvard import (
    BY_HOUSING_LABEL,
    BY_RESIDENCE_LABEL,
    HCR,
    REGION,
    SELF_CARE_LABEL,
)
from samverkan.rules.conditions import (
    AtLeast,
    Below,
    Decided,
    In,
    Is,
    Not,
    P,
    all_of,
    any_of,
)
from samverkan.rules.declarations import AgreementVersion, Term, rule

AGREEMENT = "jh-psykisk"
TERM = Term(dt.date(2017, 6, 1), dt.date(2020, 12, 31))

REGION_INTERVENTIONS = ("psychosocial_first_line", "psychiatric_specialist", "habilitation")
MUNICIPAL_INTERVENTIONS = ("housing_support", "occupation", "relative_support")
PSYCHIATRIC = In("intervention", REGION_INTERVENTIONS + MUNICIPAL_INTERVENTIONS)
OPEN_COMPULSORY_CARE = In("compulsory_care", ("open_lpt", "open_lrv"))
PSYCHIATRIC_DISABILITY = Is("psychiatric_disability", True)
SCOPE = any_of(PSYCHIATRIC, OPEN_COMPULSORY_CARE, PSYCHIATRIC_DISABILITY)

FIRST_LINE = Is("intervention", "psychosocial_first_line")
SPECIALIST = Is("intervention", "psychiatric_specialist")
HABILITATION = Is("intervention", "habilitation")

# §5.1 says the home-care agreement "definierar vem som ansvarar för hälso- och sjukvård i
# ordinärt boende (hemsjukvård)" and does not regulate this target group. The kommun's duty in
# särskilda boendeformer and at dagverksamhet is not the agreement's but HSL's own
# (jh-hemsjukvard §7.3 "Enligt hälso- och sjukvårdslagen ska kommunerna erbjuda", footnote 5),
# so it stands for persons with a psychiatric disability too.
STATUTORY_MUNICIPAL = any_of(Is("housing", "special_housing"), Is("day_activity", True))

# The home-care rules that would otherwise decide responsibility for a non-physician
# intervention, by their labels (the physician rule stays: "samtliga medborgare", §7.2).
HOME_CARE_RESPONSIBILITY = (BY_HOUSING_LABEL, BY_RESIDENCE_LABEL, SELF_CARE_LABEL)


# The overenskommelse's ages by name (samverkan/rules/parameters/jh_psykisk.toml), §5.1.
ADULT_AGE = P("jh_psyk.adult_age")  # "över 18 år"; BUP "0-17.99 år"
UPM_FROM, UPM_UNTIL = P("jh_psyk.upm_from_age"), P("jh_psyk.upm_until_age")  # "16-25 år"
BUH_MEDICAL_UNTIL = P("jh_psyk.buh_medical_until_age")  # "0-19.99 år gällande medicinsk vård"
BUH_ADVICE_UNTIL = P("jh_psyk.buh_advice_until_age")  # "0-20.99 år gällande råd och stöd"
EATING_DISORDER_FROM = P("jh_psyk.eating_disorder_from_age")  # "Ätstörningsvård (fr 16 år)"
EATING_DISORDER = Is("psychiatric_care_area", "eating_disorder")
RECOVERY = Is("psychiatric_care_area", "recovery")


def _c(section: str) -> str:
    return f"{AGREEMENT} {section}"


# --- §3 Målgrupp och definition av personer med psykiska funktionsnedsättningar ---------
CLAUSE_3 = (
    rule(
        "jh-psyk.sip.target_group",
        _c("§3"),
        "Målgruppen består av barn, unga4 och vuxna med psykiska funktionsnedsättningar",
        all_of(PSYCHIATRIC_DISABILITY, Is("needs_health_and_social_care", True)),
        actions=("offer_sip",),
        summary="Personer i målgruppen, barn som vuxna, som behöver insatser från båda "
        "huvudmännen ska få en SIP (§6.1).",
    ),
)


# --- §5.1 Hälso- och sjukvård -----------------------------------------------------------
CLAUSE_5_1 = (
    rule(
        "jh-psyk.responsibility.first_line",
        _c("§5.1"),
        "Den psykosociala verksamheten ska stå för första linjens vård vid psykisk ohälsa",
        FIRST_LINE,
        decides={HCR: "region", "performer": "region", "employer": "region"},
        summary="Första linjens vård vid psykisk ohälsa är regionens.",
    ),
    rule(
        "jh-psyk.responsibility.specialist_child",
        _c("§5.1"),
        "Barn- och ungdomspsykiatrin (BUP) ansvarar för att fullgöra",
        all_of(SPECIALIST, Below("age", ADULT_AGE)),
        decides={HCR: "region", "performer": "region", "employer": "region"},
        summary="Specialistpsykiatri för barn och unga under 18 år är regionens (BUP).",
    ),
    rule(
        "jh-psyk.responsibility.specialist",
        _c("§5.1"),
        "Vuxenpsykiatrin ansvarar för att fullgöra Region Jämtland Härjedalens sjukvårdsuppdrag",
        SPECIALIST,
        decides={HCR: "region", "performer": "region", "employer": "region"},
        summary="Specialistpsykiatri är regionens (vuxenpsykiatrin, för barn BUP).",
    ),
    rule(
        "jh-psyk.responsibility.habilitation",
        _c("§5.1"),
        "Habilitering för barn och ungdomar (BUH) ansvarar för att fullgöra",
        HABILITATION,
        decides={HCR: "region", "performer": "region", "employer": "region"},
        summary="Habilitering är regionens (BUH för barn och unga, vuxenhabiliteringen inom "
        "vuxenpsykiatrin för vuxna).",
    ),
    rule(
        "jh-psyk.responsibility.home_care_not_regulated",
        _c("§5.1"),
        "Avtalet reglerar inte insatser för personer med psykisk funktionsnedsättning",
        all_of(
            PSYCHIATRIC_DISABILITY,
            In("intervention", ("nursing", "medication_management", "lab_analysis")),
            Not(STATUTORY_MUNICIPAL),
        ),
        decides={HCR: "not_regulated"},
        refines=HOME_CARE_RESPONSIBILITY,
        summary="Hemsjukvård för personer med psykisk funktionsnedsättning regleras inte av "
        "hemsjukvårdsavtalet; parterna ska först komma överens om tillämpningen. "
        "Läkarinsatser är fortfarande regionens, och i särskilt boende och på dagverksamhet "
        "gäller kommunens ansvar enligt hälso- och sjukvårdslagen.",
    ),
    rule(
        "jh-psyk.region_unit.first_line_child",
        _c("§5.1"),
        "Verksamheten ska möta länets behov av såväl första linjen",
        all_of(FIRST_LINE, Below("age", UPM_FROM)),
        decides={"region_unit": "child_psychiatry_bup"},
        summary="Första linjen för barn under 16: BUP, som ska möta behovet av första linjen "
        "för barn.",
    ),
    rule(
        "jh-psyk.region_unit.first_line_youth",
        _c("§5.1"),
        "riktar sig direkt till ungdomar och unga vuxna i åldern 16-25 år",
        all_of(FIRST_LINE, AtLeast("age", UPM_FROM), Below("age", UPM_UNTIL)),
        decides={"region_unit": "youth_clinic_upm"},
        summary="Första linjen 16–25 år: UPM, som unga kan vända sig direkt till (16–17-åringar "
        "kan också få första linjen på BUP).",
    ),
    rule(
        "jh-psyk.region_unit.first_line_adult",
        _c("§5.1"),
        "Primärvården är första instans i hälso- och sjukvården",
        all_of(FIRST_LINE, AtLeast("age", UPM_UNTIL)),
        decides={"region_unit": "primary_care"},
        summary="Första linjen från 26 år: primärvårdens psykosociala verksamhet.",
    ),
    rule(
        "jh-psyk.region_unit.specialist_child",
        _c("§5.1"),
        "Målgrupperna för BUP avgränsas åldersmässigt till barn och ungdomar 0-17.99 år",
        all_of(SPECIALIST, Below("age", ADULT_AGE)),
        decides={"region_unit": "child_psychiatry_bup"},
        summary="Specialistpsykiatri under 18 år: BUP.",
    ),
    rule(
        "jh-psyk.region_unit.specialist_adult",
        _c("§5.1"),
        "Vuxenpsykiatrin vänder sig till personer över 18 år",
        all_of(SPECIALIST, AtLeast("age", ADULT_AGE)),
        decides={"region_unit": "adult_psychiatry"},
        summary="Specialistpsykiatri från 18 år, även tvångsvård enligt LPT och LRV: "
        "vuxenpsykiatrin. Ungdomspsykiatrisk mottagning (UPM) är en av vuxenpsykiatrins "
        "verksamheter; specialistvård för 18–25-åringar där är vuxenpsykiatrins.",
    ),
    rule(
        "jh-psyk.region_unit.eating_disorder",
        _c("§5.1"),
        "Ätstörningsvård (fr 16 år)",
        all_of(SPECIALIST, EATING_DISORDER, AtLeast("age", EATING_DISORDER_FROM)),
        decides={"region_unit": "adult_psychiatry"},
        overrides=("jh-psyk.region_unit.specialist_child",),
        summary="Ätstörningsvård från 16 år: vuxenpsykiatrin, som bedriver ätstörningsvården "
        "från 16 år (före 18 år går den före BUP:s åldersgräns). Under 16 år: BUP.",
    ),
    rule(
        "jh-psyk.region_unit.k2_recovery",
        _c("§5.1"),
        "K2-återhämtning – Enhetens uppdrag",
        all_of(SPECIALIST, RECOVERY, AtLeast("age", ADULT_AGE)),
        decides={"region_unit": "k2_recovery"},
        overrides=("jh-psyk.region_unit.specialist_adult",),
        summary="Återhämtning från psykisk ohälsa för vuxna från 18 år: den egna enheten "
        "K2-återhämtning. Under 18 år: BUP.",
    ),
    rule(
        "jh-psyk.region_unit.habilitation_child",
        _c("§5.1"),
        "gällande medicinsk vård och 0-20.99 år gällande råd och stöd",
        all_of(
            HABILITATION,
            any_of(
                Below("age", BUH_MEDICAL_UNTIL),
                all_of(Is("habilitation_type", "advice_support"), Below("age", BUH_ADVICE_UNTIL)),
            ),
        ),
        decides={"region_unit": "child_habilitation_buh"},
        summary="Habilitering: BUH till och med 19 år för medicinsk vård och till och med "
        "20 år för råd och stöd.",
    ),
    rule(
        "jh-psyk.region_unit.habilitation_adult",
        _c("§5.1"),
        "Vuxenhabilitering",
        all_of(
            HABILITATION,
            any_of(
                AtLeast("age", BUH_ADVICE_UNTIL),
                all_of(Is("habilitation_type", "medical"), AtLeast("age", BUH_MEDICAL_UNTIL)),
            ),
        ),
        decides={"region_unit": "adult_psychiatry"},
        summary="Habilitering efter BUH:s åldersgränser: vuxenhabiliteringen inom vuxenpsykiatrin.",
    ),
    rule(
        "jh-psyk.region_unit.municipal",
        _c("§5.1"),
        "Kommunernas socialtjänst ansvarar primärt för insatser enligt socialtjänstlagen",
        In("intervention", MUNICIPAL_INTERVENTIONS),
        decides={"region_unit": "none"},
        summary="Socialtjänstens insatser: ingen enhet inom regionen.",
    ),
)


# --- §5.2 Boende ------------------------------------------------------------------------
CLAUSE_5_2 = (
    rule(
        "jh-psyk.responsibility.housing_support",
        _c("§5.2"),
        "ansvarar kommunen för att tillförsäkra personer som söker stöd en skälig levnadsnivå",
        Is("intervention", "housing_support"),
        decides={HCR: "municipality", "performer": "municipality", "employer": "municipality"},
        summary="Stöd i boendet och bostad med särskild service (SoL/LSS): kommunen.",
    ),
)


# --- §5.3 Sysselsättning och arbetsrehabilitering ---------------------------------------
CLAUSE_5_3 = (
    rule(
        "jh-psyk.responsibility.occupation",
        _c("§5.3"),
        "Kommunen är skyldig att erbjuda sysselsättning",
        Is("intervention", "occupation"),
        decides={HCR: "municipality", "performer": "municipality", "employer": "municipality"},
        summary="Sysselsättning och daglig verksamhet (SoL, 9 § 10 LSS): kommunen.",
    ),
)


# --- §5.4 Arbetsterapeut- och fysioterapeutinsatser samt hjälpmedel ---------------------
CLAUSE_5_4 = (
    rule(
        "jh-psyk.responsibility.rehabilitation_not_regulated",
        _c("§5.4"),
        "Avtalet reglerar inte insatser för personer med psykisk funktionsnedsättning",
        all_of(
            PSYCHIATRIC_DISABILITY,
            In("intervention", ("rehabilitation", "aids_and_materials")),
            Not(STATUTORY_MUNICIPAL),
        ),
        decides={HCR: "not_regulated"},
        refines=HOME_CARE_RESPONSIBILITY,
        summary="Arbetsterapeut- och fysioterapeutinsatser och hjälpmedel för personer med "
        "psykisk funktionsnedsättning regleras inte av hemsjukvårdsavtalet.",
    ),
)


# --- §5.6 Stöd till anhöriga och närstående ---------------------------------------------
CLAUSE_5_6 = (
    rule(
        "jh-psyk.responsibility.relative_support",
        _c("§5.6"),
        "socialnämnden ska erbjuda stöd för att underlätta för de personer som vårdar",
        Is("intervention", "relative_support"),
        decides={HCR: "municipality", "performer": "municipality", "employer": "municipality"},
        summary="Stöd till anhöriga och närstående (5 kap. 10 § SoL): kommunen.",
    ),
)


# --- §5.11 Ekonomi ----------------------------------------------------------------------
CLAUSE_5_11 = (
    rule(
        "jh-psyk.cost.region",
        _c("§5.11"),
        "Respektive huvudman svarar för kostnaderna inom sitt ansvarsområde",
        all_of(PSYCHIATRIC, Decided(HCR, "region")),
        decides={"cost": "region"},
        summary="Regionen betalar insatser inom sitt ansvarsområde.",
    ),
    rule(
        "jh-psyk.cost.municipality",
        _c("§5.11"),
        "Respektive huvudman svarar för kostnaderna inom sitt ansvarsområde",
        all_of(PSYCHIATRIC, Decided(HCR, "municipality")),
        decides={"cost": "municipality"},
        summary="Kommunen betalar insatser inom sitt ansvarsområde.",
    ),
    rule(
        "jh-psyk.compensation.none",
        _c("§5.11"),
        "Respektive huvudman svarar för kostnaderna inom sitt ansvarsområde",
        PSYCHIATRIC,
        fallback=True,
        decides={"compensation": "none"},
        summary="Den reviderade överenskommelsen (2017-06-01–2020-12-31) har ingen ersättning "
        "mellan parterna; gemensam finansiering kräver en egen överenskommelse (§5.11).",
    ),
)


# --- §6.1 Samordnad individuell plan ----------------------------------------------------
CLAUSE_6_1 = (
    rule(
        "jh-psyk.sip.needs_both",
        _c("§6.1"),
        "har behov av insatser från fler än en huvudman",
        Is("needs_health_and_social_care", True),
        actions=("offer_sip",),
        context=1,  # "Den samordnade individuella planen beskriver …"
        summary="Behov av insatser från både hälso- och sjukvård och socialtjänst: SIP.",
    ),
)


# --- §6.3 Vårdplan vid tvångsvård -------------------------------------------------------
CLAUSE_6_3 = (
    rule(
        "jh-psyk.compulsory_care.care_plan",
        _c("§6.3"),
        "Chefsöverläkaren ansvarar för att upprätta denna",
        OPEN_COMPULSORY_CARE,
        actions=("coordinated_care_plan_chief_physician",),
        summary="Öppen LPT eller LRV: samordnad vårdplan som chefsöverläkaren upprättar med "
        "patienten och de aktörer som ansvarar för insatserna.",
    ),
)


# --- §11 Tvist --------------------------------------------------------------------------
CLAUSE_11 = (
    rule(
        "jh-psyk.dispute.manager",
        _c("§11"),
        "hänskjuts dessa i första hand till respektive ansvarig överordnad chef",
        Is("parties_disagree", True),
        actions=("escalate_to_manager",),
        summary="Tvist om tolkning eller tillämpning: först till ansvarig överordnad chef, "
        "sedan allmän domstol.",
    ),
)


VERSION = AgreementVersion(
    agreement=AGREEMENT,
    version="2017-06-01",
    title="Överenskommelse om samverkan gällande personer med psykiska funktionsnedsättningar",
    region=REGION,
    term=TERM,
    scope=SCOPE,
    rules=(
        *CLAUSE_3,
        *CLAUSE_5_1,
        *CLAUSE_5_2,
        *CLAUSE_5_3,
        *CLAUSE_5_4,
        *CLAUSE_5_6,
        *CLAUSE_5_11,
        *CLAUSE_6_1,
        *CLAUSE_6_3,
        *CLAUSE_11,
    ),
    forum="SVOM",
    dispute_path=("respektive ansvarig överordnad chef", "allmän domstol"),
    note="Den reviderade versionen gäller 2017-06-01–2020-12-31 utan automatisk förlängning.",
)
