"""A synthetic population of cases for the batch evaluator, its tests and benchmarks.

One row is one *case*: a person living in (or visiting) Jämtlands län or Gävleborgs län and
one intervention (insats) a question is asked about. Persons are drawn in proportion to the
population of each kommun and its age structure; every other fact is drawn conditionally on
age band, housing and residence, with the shares in the tables below. The figures are
approximate and rounded: good enough to give the batch evaluator a realistic mix of rules
to fire (mostly ordinary housing, an elderly tail, rare extensive home care), not
statistics to quote. Nothing here is about a real person.

The columns are exactly the facts of ``facts.FACT_ORDER`` with the dtypes
``batch.normalise`` produces (``date`` as ``pl.Date``, ``time`` as minutes after midnight,
``adl_needs_over_time`` as ``List(String)`` in the domain model's order, enums and the SCB
kommunkod as ``pl.Enum``), so ``batch.normalise(generate(n))`` changes nothing.
``unknown_share`` blanks that share of every fact except the keys ``region`` and ``date``
(drawn after the facts, so the same seed gives the same population with holes in it); a
fact that ``facts.ASSUMED_WHEN_UNKNOWN`` gives a value for (``self_care_assessment`` →
``not_assessed``, ``parties_disagree``, ``question_of_principle``, ``serious_deviation``,
``specialist_care_needed`` → false) takes that value instead, as ``batch.normalise`` and the engine would.
``prescriber``, ``medication_risk_remains``, ``habilitation_type`` and
``psychiatric_care_area`` are only stated for the interventions they concern (aids and
materials, medication management, habilitation, specialist psychiatry),
``needs_beyond_parental_responsibility`` only for children with an ADL need over time
and ``question_of_principle`` only where the parties disagree; they are unknown (false
for ``question_of_principle``) otherwise.
A fact added to ``facts.py`` that this module does not know yet comes out all unknown.

Age bands in the fact table: 0–17, 18–64, 65–79, 80–89, 90+.

Population (folkmängd 31 Dec 2023 and age shares, rounded from SCB 2023, table BE0101N1
"Folkmängden efter region, ålder och kön"; ages 80+ split 80–84/85–89/90–94/95+ as
44/30/19/7 %, rounded from SCB 2023 for the whole country):

| kommun | name | population | 0–19 | 65–79 | 80+ |
|---|---|---|---|---|---|
| 2303 | Ragunda | 5 300 | 17 % | 25 % | 10 % |
| 2305 | Bräcke | 6 200 | 18 % | 24 % | 9.5 % |
| 2309 | Krokom | 15 700 | 23 % | 18 % | 5.5 % |
| 2313 | Strömsund | 11 300 | 17 % | 25 % | 10 % |
| 2321 | Åre | 12 400 | 21 % | 15 % | 4.5 % |
| 2326 | Berg | 6 900 | 17 % | 25 % | 9.5 % |
| 2361 | Härjedalen | 10 000 | 17 % | 24 % | 8.5 % |
| 2380 | Östersund | 64 800 | 22 % | 17 % | 5.8 % |
| 2101 | Ockelbo | 5 800 | 19 % | 23 % | 8.5 % |
| 2104 | Hofors | 9 500 | 20 % | 21 % | 8.5 % |
| 2121 | Ovanåker | 11 400 | 22 % | 20 % | 7.5 % |
| 2132 | Nordanstig | 9 400 | 19 % | 24 % | 8.5 % |
| 2161 | Ljusdal | 19 000 | 20 % | 22 % | 8 % |
| 2180 | Gävle | 103 600 | 22 % | 16 % | 5.7 % |
| 2181 | Sandviken | 39 800 | 22 % | 18 % | 6.5 % |
| 2182 | Söderhamn | 25 300 | 20 % | 21 % | 8 % |
| 2183 | Bollnäs | 26 300 | 22 % | 19 % | 7.2 % |
| 2184 | Hudiksvall | 37 600 | 21 % | 20 % | 7.2 % |

Facts (``load_assumptions()`` returns this table as data; a test keeps the two equal):

| fact | assumption | source |
|---|---|---|
| residence | registered_in_county 97.9 %, registered_elsewhere 1.2 %, eu_eea 0.5 %, asylum_seeker 0.25 %, undocumented 0.15 %; registered_elsewhere ×4 in the mountain tourism kommuner 2321 Åre, 2326 Berg, 2361 Härjedalen | Migrationsverket, persons in the reception system 2023 (≈ 0.2 % of the population); undocumented: Socialstyrelsen's estimate of 10 000–50 000 persons in Sweden; visitors: assumption |
| housing | special_housing (särskilt boende) 0–17: 0 %, 18–64: 0.08 %, 65–79: 0.7 %, 80–89: 6 %, 90+: 27 % | Socialstyrelsen, Statistik om socialtjänstinsatser till äldre 2023 (≈ 81 000 persons 65+ in särskilt boende) and insatser till personer med funktionsnedsättning 2023 |
| housing | lss_housing (LSS 9 § 8–9) 0–17: 0.05 %, 18–64: 0.45 %, 65–79: 0.15 %, 80–89: 0.03 %, 90+: 0 % | Socialstyrelsen, Statistik om insatser enligt LSS 2023 (≈ 30 000 adults in 9 § 9, ≈ 1 000 children in 9 § 8) |
| housing | registered_elsewhere and eu_eea: temporary_stay 90 %, else ordinary; asylum_seeker and undocumented: ordinary; everyone else: ordinary | assumption |
| adl_needs_over_time | ≥ 1 need in ordinary housing 0–17: 1 %, 18–64: 1.5 %, 65–79: 6 %, 80–89: 25 %, 90+: 55 %; in special_housing: 95 %; in lss_housing: 50 % | Socialstyrelsen, hemtjänst i ordinärt boende 2023 (≈ 4 % of 65–79, ≈ 25 % of 80+), raised for help from närstående (SCB ULF/SILC, hjälpbehov bland äldre) |
| adl_needs_over_time | given ≥ 1 need, each independently: hygiene 85 %, dressing 70 %, moving 55 %, eating 25 % (hygiene when none was drawn) | assumption after Socialstyrelsen's ÄBIC need areas |
| psychiatric_disability | 0–17: 0.5 %, 18–64: 2 %, 65–79: 1.2 %, 80–89: 1 %, 90+: 1 % | SOU 2006:100 (1–2 % of adults); Socialstyrelsen, insatser till personer med psykisk funktionsnedsättning 2023 |
| personal_assistance_lss | 0–17: 0.2 %, 18–64: 0.25 %, 65–79: 0.1 %, 80–89: 0.05 %, 90+: 0.05 %; never in special_housing or lss_housing | Socialstyrelsen, LSS 2023 and Försäkringskassan, assistansersättning 2023 (≈ 0.2 % of the population) |
| extensive_home_care | respirator 4, tracheostomy 3, peritoneal_dialysis 9 per 100 000, all ages; otherwise none | Swedevox (home mechanical ventilation) and Svenskt njurregister 2023 (≈ 900 patients in peritoneal dialysis) |
| end_of_life | 0–17: 0.01 %, 18–64: 0.02 %, 65–79: 0.3 %, 80–89: 1.2 %, 90+: 4 % | SCB deaths by age 2023 × the last three months of life; Svenska palliativregistret (most deaths expected) |
| time | 08–17: 70 %, 17–22: 20 %, 22–08: 10 % (evening/night 30 %), uniform within each period | assumption (hemsjukvård mostly daytime; evening and night patrols) |
| day_activity | only 08–17 and in ordinary housing: 0–17: 0.1 %, 18–64: 0.1 %, 65–79: 0.8 %, 80–89: 2 %, 90+: 2 % | assumption (Socialstyrelsen: dagverksamhet ≈ 1–2 % of 80+) |
| intervention | general: nursing 30 %, medication_management 15 %, rehabilitation 15 %, physician 10 %, aids_and_materials 10 %, lab_analysis 6 %, psychosocial_first_line 3 %, psychiatric_specialist 3 %, habilitation 2 %, housing_support 2 %, occupation 2 %, relative_support 2 % | assumption (hemsjukvård visit mix) |
| intervention | psychiatric_disability: psychiatric_specialist 20 %, housing_support 15 %, occupation 15 %, psychosocial_first_line 10 %, nursing 10 %, medication_management 10 %, physician 10 %, relative_support 5 %, rehabilitation 2 %, lab_analysis 2 %, aids_and_materials 1 % | assumption |
| intervention | lss_housing or personal_assistance_lss (not psychiatric): habilitation 20 %, nursing 20 %, occupation 15 %, medication_management 10 %, rehabilitation 10 %, aids_and_materials 10 %, physician 8 %, housing_support 3 %, lab_analysis 2 %, relative_support 2 % | assumption |
| self_care_assessment | not_assessed 70 %, self_care 15 %, health_care 15 % | assumption |
| prescriber | aids_and_materials only: region 55 %, municipality 45 % | assumption |
| medication_risk_remains | medication_management only: 50 % | assumption |
| treatment_responsibility | primary_care 80 %, specialist_care 20 %; with extensive_home_care: specialist_care 90 % | assumption |
| wishes_health_centre | 5 % | assumption |
| urgent | 10 % | assumption |
| needs_health_and_social_care | 60 % with an ADL need, special or LSS housing, psychiatric disability or personal assistance; 5 % otherwise | assumption |
| discharge_from_inpatient_care | 0–17: 2 %, 18–64: 2 %, 65–79: 5 %, 80–89: 5 %, 90+: 5 % | assumption after Socialstyrelsen, slutenvårdstillfällen per age 2023 |
| parties_disagree | 1 % | assumption |
| compulsory_care | psychiatric_disability: open_lpt 0.5 %, open_lrv 0.1 %; otherwise none | Socialstyrelsen, psykiatrisk tvångsvård 2023 (≈ 1 000 persons in öppen tvångsvård) |
| service_purchase_requested | registered_elsewhere: 30 %; otherwise 2 % | assumption (jh-hemsjukvard §7.2: visitors' hemsjukvård by tjänsteköp) |
| asylum_entitlement | asylum_seeker or undocumented: 20 %; otherwise 2 % | assumption (mödravård, abort, preventivmedelsrådgivning, hälsoundersökning) |
| habilitation_type | habilitation only: medical 50 %, advice_support 50 % | assumption |
| question_of_principle | only where parties_disagree: 30 % | assumption |
| serious_deviation | 0.5 % | assumption |
| psychiatric_care_area | psychiatric_specialist only: eating_disorder 10 %, recovery 25 %, other 65 % | assumption (jh-psykisk §5.1: ätstörningsvård, K2-återhämtning, other specialist care) |
| needs_beyond_parental_responsibility | 0–17 with an ADL need over time: 80 %; unknown otherwise | assumption (jh-hemsjukvard §7.3 footnote 8: lasting illness or disability) |
| stay_meant_to_be_temporary | 0–17 asylum_seeker or undocumented: 10 %; false otherwise | assumption (jh-hemsjukvard §7.2: children whose stay is meant to be temporary) |
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from samverkan.rules.facts import (
    ADL_NEEDS,
    ASSUMED_WHEN_UNKNOWN,
    FACT_ORDER,
    FACTS,
    INTERVENTIONS,
)
from samverkan.rules.regions import REGIONS

KEY_FACTS: tuple[str, ...] = ("region", "date")
AGE_BANDS: tuple[str, ...] = ("0–17", "18–64", "65–79", "80–89", "90+")
_BAND_EDGES = np.array([18, 65, 80, 90], dtype=np.int16)

Bands = tuple[float, float, float, float, float]  # one probability per AGE_BANDS


@dataclass(frozen=True)
class Municipality:
    code: str
    population: int
    share_0_19: float
    share_65_79: float
    share_80_plus: float


# Rounded from SCB 2023 (BE0101N1): folkmängd and the shares 0–19, 65–79 and 80+.
MUNICIPALITIES: tuple[Municipality, ...] = (
    Municipality("2303", 5_300, 0.17, 0.25, 0.10),
    Municipality("2305", 6_200, 0.18, 0.24, 0.095),
    Municipality("2309", 15_700, 0.23, 0.18, 0.055),
    Municipality("2313", 11_300, 0.17, 0.25, 0.10),
    Municipality("2321", 12_400, 0.21, 0.15, 0.045),
    Municipality("2326", 6_900, 0.17, 0.25, 0.095),
    Municipality("2361", 10_000, 0.17, 0.24, 0.085),
    Municipality("2380", 64_800, 0.22, 0.17, 0.058),
    Municipality("2101", 5_800, 0.19, 0.23, 0.085),
    Municipality("2104", 9_500, 0.20, 0.21, 0.085),
    Municipality("2121", 11_400, 0.22, 0.20, 0.075),
    Municipality("2132", 9_400, 0.19, 0.24, 0.085),
    Municipality("2161", 19_000, 0.20, 0.22, 0.08),
    Municipality("2180", 103_600, 0.22, 0.16, 0.057),
    Municipality("2181", 39_800, 0.22, 0.18, 0.065),
    Municipality("2182", 25_300, 0.20, 0.21, 0.08),
    Municipality("2183", 26_300, 0.22, 0.19, 0.072),
    Municipality("2184", 37_600, 0.21, 0.20, 0.072),
)
POPULATION_SOURCE = (
    'rounded from SCB 2023, table BE0101N1 "Folkmängden efter region, ålder och kön"'
)
# 80+ split into 80–84, 85–89, 90–94, 95+ (SCB 2023, whole country, rounded).
OLD_AGE_SPLIT: tuple[float, float, float, float] = (0.44, 0.30, 0.19, 0.07)
# Generation bands: lower bound and width in years.
_GEN_LO = np.array([0, 20, 65, 80, 85, 90, 95], dtype=np.int16)
_GEN_WIDTH = np.array([20, 45, 15, 5, 5, 5, 7], dtype=np.float32)

RESIDENCE: dict[str, float] = {
    "registered_in_county": 0.979,
    "registered_elsewhere": 0.012,
    "eu_eea": 0.005,
    "asylum_seeker": 0.0025,
    "undocumented": 0.0015,
}
TOURISM_MUNICIPALITIES: tuple[str, ...] = ("2321", "2326", "2361")
TOURISM_FACTOR = 4.0
TEMPORARY_STAY_SHARE = 0.9  # of registered_elsewhere and eu_eea

SPECIAL_HOUSING: Bands = (0.0, 0.0008, 0.007, 0.06, 0.27)
LSS_HOUSING: Bands = (0.0005, 0.0045, 0.0015, 0.0003, 0.0)
ADL_ANY_ORDINARY: Bands = (0.01, 0.015, 0.06, 0.25, 0.55)
ADL_ANY_SPECIAL_HOUSING = 0.95
ADL_ANY_LSS_HOUSING = 0.5
ADL_GIVEN_ANY: dict[str, float] = {
    "hygiene": 0.85,
    "dressing": 0.70,
    "moving": 0.55,
    "eating": 0.25,
}
PSYCHIATRIC_DISABILITY: Bands = (0.005, 0.02, 0.012, 0.01, 0.01)
PERSONAL_ASSISTANCE: Bands = (0.002, 0.0025, 0.001, 0.0005, 0.0005)
EXTENSIVE_HOME_CARE_PER_100K: dict[str, float] = {
    "respirator": 4.0,
    "tracheostomy": 3.0,
    "peritoneal_dialysis": 9.0,
}
END_OF_LIFE: Bands = (0.0001, 0.0002, 0.003, 0.012, 0.04)
TIME_PERIODS: dict[str, tuple[int, int, float]] = {  # start, end (minutes), share
    "08–17": (8 * 60, 17 * 60, 0.70),
    "17–22": (17 * 60, 22 * 60, 0.20),
    "22–08": (22 * 60, 32 * 60, 0.10),
}
DAY_ACTIVITY: Bands = (0.001, 0.001, 0.008, 0.02, 0.02)
INTERVENTION_MIX: dict[str, dict[str, float]] = {
    "general": {
        "nursing": 0.30,
        "medication_management": 0.15,
        "rehabilitation": 0.15,
        "physician": 0.10,
        "aids_and_materials": 0.10,
        "lab_analysis": 0.06,
        "psychosocial_first_line": 0.03,
        "psychiatric_specialist": 0.03,
        "habilitation": 0.02,
        "housing_support": 0.02,
        "occupation": 0.02,
        "relative_support": 0.02,
    },
    "psychiatric_disability": {
        "psychiatric_specialist": 0.20,
        "housing_support": 0.15,
        "occupation": 0.15,
        "psychosocial_first_line": 0.10,
        "nursing": 0.10,
        "medication_management": 0.10,
        "physician": 0.10,
        "relative_support": 0.05,
        "rehabilitation": 0.02,
        "lab_analysis": 0.02,
        "aids_and_materials": 0.01,
    },
    "lss_housing or personal_assistance_lss (not psychiatric)": {
        "habilitation": 0.20,
        "nursing": 0.20,
        "occupation": 0.15,
        "medication_management": 0.10,
        "rehabilitation": 0.10,
        "aids_and_materials": 0.10,
        "physician": 0.08,
        "housing_support": 0.03,
        "lab_analysis": 0.02,
        "relative_support": 0.02,
    },
}
SELF_CARE_ASSESSMENT: dict[str, float] = {
    "not_assessed": 0.70,
    "self_care": 0.15,
    "health_care": 0.15,
}
PRESCRIBER: dict[str, float] = {"region": 0.55, "municipality": 0.45}
MEDICATION_RISK_REMAINS = 0.5
SPECIALIST_CARE = 0.2
SPECIALIST_CARE_EXTENSIVE = 0.9
WISHES_HEALTH_CENTRE = 0.05
URGENT = 0.10
NEEDS_HEALTH_AND_SOCIAL_CARE = (0.60, 0.05)  # with a care need, otherwise
DISCHARGE: Bands = (0.02, 0.02, 0.05, 0.05, 0.05)
PARTIES_DISAGREE = 0.01
COMPULSORY_CARE_PSYCHIATRIC: dict[str, float] = {"open_lpt": 0.005, "open_lrv": 0.001}
SERVICE_PURCHASE_REQUESTED = (0.30, 0.02)  # registered_elsewhere, otherwise
ASYLUM_ENTITLEMENT = (0.20, 0.02)  # asylum_seeker or undocumented, otherwise
HABILITATION_TYPE: dict[str, float] = {"medical": 0.5, "advice_support": 0.5}
QUESTION_OF_PRINCIPLE = 0.3  # of the cases where the parties disagree
SERIOUS_DEVIATION = 0.005
PSYCHIATRIC_CARE_AREA: dict[str, float] = {"eating_disorder": 0.1, "recovery": 0.25, "other": 0.65}
BEYOND_PARENTAL = 0.8  # of the children with an ADL need over time
TEMPORARY_STAY_CHILD = 0.1  # of the asylum-seeking and undocumented children


# --- the assumptions as data -------------------------------------------------------------


def _pct(p: float) -> str:
    text = f"{p * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text or '0'} %"


def _bands(p: Sequence[float]) -> str:
    return ", ".join(f"{band}: {_pct(v)}" for band, v in zip(AGE_BANDS, p, strict=True))


def _mix(mix: dict[str, float]) -> str:
    return ", ".join(f"{k} {_pct(v)}" for k, v in mix.items())


def _assumption_rows() -> list[tuple[str, str, str]]:
    tourism = ", ".join(f"{c} {_municipality_name(c)}" for c in TOURISM_MUNICIPALITIES)
    mix_names = list(INTERVENTION_MIX)
    periods = ", ".join(f"{k}: {_pct(v[2])}" for k, v in TIME_PERIODS.items())
    evening_night = sum(v[2] for k, v in TIME_PERIODS.items() if k != "08–17")
    return [
        (
            "residence",
            f"{_mix(RESIDENCE)}; registered_elsewhere ×{TOURISM_FACTOR:g} in the mountain "
            f"tourism kommuner {tourism}",
            "Migrationsverket, persons in the reception system 2023 (≈ 0.2 % of the "
            "population); undocumented: Socialstyrelsen's estimate of 10 000–50 000 persons "
            "in Sweden; visitors: assumption",
        ),
        (
            "housing",
            f"special_housing (särskilt boende) {_bands(SPECIAL_HOUSING)}",
            "Socialstyrelsen, Statistik om socialtjänstinsatser till äldre 2023 (≈ 81 000 "
            "persons 65+ in särskilt boende) and insatser till personer med "
            "funktionsnedsättning 2023",
        ),
        (
            "housing",
            f"lss_housing (LSS 9 § 8–9) {_bands(LSS_HOUSING)}",
            "Socialstyrelsen, Statistik om insatser enligt LSS 2023 (≈ 30 000 adults in 9 § 9, "
            "≈ 1 000 children in 9 § 8)",
        ),
        (
            "housing",
            f"registered_elsewhere and eu_eea: temporary_stay {_pct(TEMPORARY_STAY_SHARE)}, "
            "else ordinary; asylum_seeker and undocumented: ordinary; everyone else: ordinary",
            "assumption",
        ),
        (
            "adl_needs_over_time",
            f"≥ 1 need in ordinary housing {_bands(ADL_ANY_ORDINARY)}; in special_housing: "
            f"{_pct(ADL_ANY_SPECIAL_HOUSING)}; in lss_housing: {_pct(ADL_ANY_LSS_HOUSING)}",
            "Socialstyrelsen, hemtjänst i ordinärt boende 2023 (≈ 4 % of 65–79, ≈ 25 % of "
            "80+), raised for help from närstående (SCB ULF/SILC, hjälpbehov bland äldre)",
        ),
        (
            "adl_needs_over_time",
            f"given ≥ 1 need, each independently: {_mix(ADL_GIVEN_ANY)} (hygiene when none "
            "was drawn)",
            "assumption after Socialstyrelsen's ÄBIC need areas",
        ),
        (
            "psychiatric_disability",
            _bands(PSYCHIATRIC_DISABILITY),
            "SOU 2006:100 (1–2 % of adults); Socialstyrelsen, insatser till personer med "
            "psykisk funktionsnedsättning 2023",
        ),
        (
            "personal_assistance_lss",
            f"{_bands(PERSONAL_ASSISTANCE)}; never in special_housing or lss_housing",
            "Socialstyrelsen, LSS 2023 and Försäkringskassan, assistansersättning 2023 "
            "(≈ 0.2 % of the population)",
        ),
        (
            "extensive_home_care",
            ", ".join(f"{k} {v:g}" for k, v in EXTENSIVE_HOME_CARE_PER_100K.items())
            + " per 100 000, all ages; otherwise none",
            "Swedevox (home mechanical ventilation) and Svenskt njurregister 2023 (≈ 900 "
            "patients in peritoneal dialysis)",
        ),
        (
            "end_of_life",
            _bands(END_OF_LIFE),
            "SCB deaths by age 2023 × the last three months of life; Svenska "
            "palliativregistret (most deaths expected)",
        ),
        (
            "time",
            f"{periods} (evening/night {_pct(evening_night)}), uniform within each period",
            "assumption (hemsjukvård mostly daytime; evening and night patrols)",
        ),
        (
            "day_activity",
            f"only 08–17 and in ordinary housing: {_bands(DAY_ACTIVITY)}",
            "assumption (Socialstyrelsen: dagverksamhet ≈ 1–2 % of 80+)",
        ),
        *(
            ("intervention", f"{name}: {_mix(INTERVENTION_MIX[name])}", source)
            for name, source in zip(
                mix_names,
                ("assumption (hemsjukvård visit mix)", "assumption", "assumption"),
                strict=True,
            )
        ),
        ("self_care_assessment", _mix(SELF_CARE_ASSESSMENT), "assumption"),
        ("prescriber", f"aids_and_materials only: {_mix(PRESCRIBER)}", "assumption"),
        (
            "medication_risk_remains",
            f"medication_management only: {_pct(MEDICATION_RISK_REMAINS)}",
            "assumption",
        ),
        (
            "treatment_responsibility",
            f"primary_care {_pct(1 - SPECIALIST_CARE)}, specialist_care {_pct(SPECIALIST_CARE)}; "
            f"with extensive_home_care: specialist_care {_pct(SPECIALIST_CARE_EXTENSIVE)}",
            "assumption",
        ),
        ("wishes_health_centre", _pct(WISHES_HEALTH_CENTRE), "assumption"),
        ("urgent", _pct(URGENT), "assumption"),
        (
            "needs_health_and_social_care",
            f"{_pct(NEEDS_HEALTH_AND_SOCIAL_CARE[0])} with an ADL need, special or LSS "
            "housing, psychiatric disability or personal assistance; "
            f"{_pct(NEEDS_HEALTH_AND_SOCIAL_CARE[1])} otherwise",
            "assumption",
        ),
        (
            "discharge_from_inpatient_care",
            _bands(DISCHARGE),
            "assumption after Socialstyrelsen, slutenvårdstillfällen per age 2023",
        ),
        ("parties_disagree", _pct(PARTIES_DISAGREE), "assumption"),
        (
            "compulsory_care",
            f"psychiatric_disability: {_mix(COMPULSORY_CARE_PSYCHIATRIC)}; otherwise none",
            "Socialstyrelsen, psykiatrisk tvångsvård 2023 (≈ 1 000 persons in öppen tvångsvård)",
        ),
        (
            "service_purchase_requested",
            f"registered_elsewhere: {_pct(SERVICE_PURCHASE_REQUESTED[0])}; "
            f"otherwise {_pct(SERVICE_PURCHASE_REQUESTED[1])}",
            "assumption (jh-hemsjukvard §7.2: visitors' hemsjukvård by tjänsteköp)",
        ),
        (
            "asylum_entitlement",
            f"asylum_seeker or undocumented: {_pct(ASYLUM_ENTITLEMENT[0])}; "
            f"otherwise {_pct(ASYLUM_ENTITLEMENT[1])}",
            "assumption (mödravård, abort, preventivmedelsrådgivning, hälsoundersökning)",
        ),
        ("habilitation_type", f"habilitation only: {_mix(HABILITATION_TYPE)}", "assumption"),
        (
            "question_of_principle",
            f"only where parties_disagree: {_pct(QUESTION_OF_PRINCIPLE)}",
            "assumption",
        ),
        ("serious_deviation", _pct(SERIOUS_DEVIATION), "assumption"),
        (
            "psychiatric_care_area",
            f"psychiatric_specialist only: {_mix(PSYCHIATRIC_CARE_AREA)}",
            "assumption (jh-psykisk §5.1: ätstörningsvård, K2-återhämtning, other specialist care)",
        ),
        (
            "needs_beyond_parental_responsibility",
            f"0–17 with an ADL need over time: {_pct(BEYOND_PARENTAL)}; unknown otherwise",
            "assumption (jh-hemsjukvard §7.3 footnote 8: lasting illness or disability)",
        ),
        (
            "stay_meant_to_be_temporary",
            f"0–17 asylum_seeker or undocumented: {_pct(TEMPORARY_STAY_CHILD)}; false otherwise",
            "assumption (jh-hemsjukvard §7.2: children whose stay is meant to be temporary)",
        ),
    ]


def load_assumptions() -> list[dict[str, str]]:
    """The distributions behind :func:`generate`, one row per assumption, with their sources.

    The first rows are the population by kommun (``fact`` = ``municipality``), then one row
    per fact assumption, in the order of the module docstring's tables.
    """
    rows = [
        {
            "fact": "municipality",
            "assumption": (
                f"{m.code} {_municipality_name(m.code)}: population "
                + f"{m.population:,}".replace(",", " ")
                + f", 0–19 {_pct(m.share_0_19)}, 65–79 {_pct(m.share_65_79)}, "
                f"80+ {_pct(m.share_80_plus)}"
            ),
            "source": POPULATION_SOURCE,
        }
        for m in MUNICIPALITIES
    ]
    rows.append(
        {
            "fact": "age",
            "assumption": "80+ split 80–84/85–89/90–94/95+ as "
            + "/".join(f"{p * 100:g}" for p in OLD_AGE_SPLIT)
            + " %; uniform within each band",
            "source": "rounded from SCB 2023, whole country",
        }
    )
    rows += [{"fact": f, "assumption": a, "source": s} for f, a, s in _assumption_rows()]
    return rows


def expected_share_80_plus(region: str | None = None) -> float:
    """The population share aged 80 or more that :func:`generate` aims at."""
    ms = [m for m in MUNICIPALITIES if region is None or m.code in REGIONS[region].municipalities]
    total = sum(m.population for m in ms)
    return sum(m.population * m.share_80_plus for m in ms) / total


def county_population(region: str) -> int:
    """The folkmängd of ``region``'s county (the sum of its kommuner above, SCB 2023 rounded):
    the size of a synthetic population "as large as the county"."""
    return sum(m.population for m in MUNICIPALITIES if m.code in REGIONS[region].municipalities)


def _municipality_name(code: str) -> str:
    for region in REGIONS.values():
        if code in region.municipalities:
            return region.municipalities[code]
    raise KeyError(code)


# --- generation ------------------------------------------------------------------------------


def _cdf(p: Sequence[float]) -> np.ndarray:
    """Cumulative boundaries (all but the last) of a distribution, normalised."""
    arr = np.asarray(p, dtype=np.float64)
    return (np.cumsum(arr) / arr.sum())[:-1].astype(np.float32)


def _categorical(rng: np.random.Generator, cdf: np.ndarray, n: int) -> np.ndarray:
    """Draw category codes from one distribution (cdf from :func:`_cdf`)."""
    u = rng.random(n, dtype=np.float32)
    if cdf.shape[0] > 6:  # a binary search beats one pass per boundary
        return np.searchsorted(cdf, u, side="right").astype(np.uint8)
    codes = np.zeros(n, dtype=np.uint8)
    for bound in cdf:
        codes += u >= bound
    return codes


def _categorical_by(rng: np.random.Generator, cdfs: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Draw category codes where each row's distribution is ``cdfs[group[row]]``."""
    u = rng.random(group.shape[0], dtype=np.float32)
    codes = np.zeros(group.shape[0], dtype=np.uint8)
    for j in range(cdfs.shape[1]):
        codes += u >= cdfs[group, j]
    return codes


def _bernoulli(rng: np.random.Generator, p: np.ndarray | float, n: int) -> np.ndarray:
    return rng.random(n, dtype=np.float32) < np.asarray(p, dtype=np.float32)


def _lookup(values: Sequence[str | None], code_column: str) -> pl.Expr:
    """The fact's values indexed by a small integer code column (fast for many rows)."""
    from samverkan.rules.batch import fact_dtype

    return pl.lit(pl.Series(list(values), dtype=fact_dtype(code_column))).gather(
        pl.col(code_column)
    )


CHUNK_ROWS = 1_000_000  # rows drawn per chunk: bounds the NumPy working set


def generate(
    n: int,
    region: str | None = None,
    seed: int = 0,
    date: str | dt.date = "2026-01-01",
    unknown_share: float = 0.0,
) -> pl.DataFrame:
    """``n`` synthetic cases in ``region`` (both regions by population when ``None``).

    Deterministic in ``seed``. ``unknown_share`` blanks that share of every fact except
    ``region`` and ``date`` independently at random. Rows are drawn in chunks of
    :data:`CHUNK_ROWS`, each from its own stream ``(seed, chunk number)``, so a larger ``n``
    extends a smaller one with the same seed, and memory stays near the result's size.
    """
    if n < 0:
        raise ValueError("n must be ≥ 0")
    if region is not None and region not in REGIONS:
        raise ValueError(f"okänd region {region!r}; välj en av {sorted(REGIONS)}")
    if not 0.0 <= unknown_share <= 1.0:
        raise ValueError("unknown_share must be within 0–1")
    day = date if isinstance(date, dt.date) else dt.date.fromisoformat(date)
    sizes = [min(CHUNK_ROWS, n - start) for start in range(0, n, CHUNK_ROWS)] or [0]
    chunks = [
        _generate_chunk(size, region, np.random.default_rng([seed, i]), day, unknown_share)
        for i, size in enumerate(sizes)
    ]
    return chunks[0] if len(chunks) == 1 else pl.concat(chunks, rechunk=False)


def _generate_chunk(
    n: int, region: str | None, rng: np.random.Generator, day: dt.date, unknown_share: float
) -> pl.DataFrame:
    # Kommun, region and age.
    munis = [
        m for m in MUNICIPALITIES if region is None or m.code in REGIONS[region].municipalities
    ]
    region_ids = list(REGIONS)
    muni_region = np.array(
        [
            next(i for i, r in enumerate(region_ids) if m.code in REGIONS[r].municipalities)
            for m in munis
        ],
        dtype=np.uint8,
    )
    kommun = _categorical(rng, _cdf([m.population for m in munis]), n)
    gen_bands = np.stack(
        [
            _cdf(
                [
                    m.share_0_19,
                    1.0 - m.share_0_19 - m.share_65_79 - m.share_80_plus,
                    m.share_65_79,
                    *(m.share_80_plus * s for s in OLD_AGE_SPLIT),
                ]
            )
            for m in munis
        ]
    )
    gen_band = _categorical_by(rng, gen_bands, kommun)
    age = (
        _GEN_LO[gen_band]
        + (rng.random(n, dtype=np.float32) * _GEN_WIDTH[gen_band]).astype(np.int16)
    ).astype(np.int16)
    del gen_band
    band = np.searchsorted(_BAND_EDGES, age, side="right").astype(np.uint8)

    def by_band(p: Bands) -> np.ndarray:
        return np.asarray(p, dtype=np.float32)[band]

    # Residence (more visitors in the mountain tourism kommuner) and housing.
    residence_names = list(RESIDENCE)
    residence_cdfs = []
    for m in munis:
        p = dict(RESIDENCE)
        if m.code in TOURISM_MUNICIPALITIES:
            extra = p["registered_elsewhere"] * (TOURISM_FACTOR - 1)
            p["registered_elsewhere"] += extra
            p["registered_in_county"] -= extra
        residence_cdfs.append(_cdf(list(p.values())))
    residence = _categorical_by(rng, np.stack(residence_cdfs), kommun)
    registered = residence == residence_names.index("registered_in_county")
    visitor = (residence == residence_names.index("registered_elsewhere")) | (
        residence == residence_names.index("eu_eea")
    )

    housing_names = list(FACTS["housing"].values)
    h_ordinary, h_special, h_lss, h_temporary = (
        housing_names.index(h)
        for h in ("ordinary", "special_housing", "lss_housing", "temporary_stay")
    )
    u = rng.random(n, dtype=np.float32)
    p_special = by_band(SPECIAL_HOUSING)
    p_lss = by_band(LSS_HOUSING)
    housing = np.full(n, h_ordinary, dtype=np.uint8)
    housing[registered & (u < p_special)] = h_special
    housing[registered & (u >= p_special) & (u < p_special + p_lss)] = h_lss
    housing[visitor & (u < TEMPORARY_STAY_SHARE)] = h_temporary
    del u, p_special, p_lss
    special = housing == h_special
    lss = housing == h_lss

    # ADL needs over time: a 4-bit mask in the domain model's order of ADL_NEEDS.
    p_adl = by_band(ADL_ANY_ORDINARY)
    p_adl[special] = ADL_ANY_SPECIAL_HOUSING
    p_adl[lss] = ADL_ANY_LSS_HOUSING
    any_need = _bernoulli(rng, p_adl, n)
    del p_adl
    need_names = list(ADL_NEEDS)
    adl_mask = np.zeros(n, dtype=np.uint8)
    for bit, need in enumerate(need_names):
        adl_mask |= _bernoulli(rng, ADL_GIVEN_ANY[need], n).astype(np.uint8) << bit
    adl_mask[~any_need] = 0
    adl_mask[any_need & (adl_mask == 0)] = 1 << need_names.index("hygiene")
    adl_lists = [[need for bit, need in enumerate(need_names) if m >> bit & 1] for m in range(16)]

    psychiatric = _bernoulli(rng, by_band(PSYCHIATRIC_DISABILITY), n)
    assistance = _bernoulli(rng, by_band(PERSONAL_ASSISTANCE), n) & ~special & ~lss
    extensive_names = [*EXTENSIVE_HOME_CARE_PER_100K, "none"]
    extensive_p = [v / 100_000 for v in EXTENSIVE_HOME_CARE_PER_100K.values()]
    extensive = _categorical(rng, _cdf([*extensive_p, 1.0 - sum(extensive_p)]), n)
    end_of_life = _bernoulli(rng, by_band(END_OF_LIFE), n)

    # Time of day and dagverksamhet.
    period = _categorical(rng, _cdf([p[2] for p in TIME_PERIODS.values()]), n)
    starts = np.array([p[0] for p in TIME_PERIODS.values()], dtype=np.float32)
    widths = np.array([p[1] - p[0] for p in TIME_PERIODS.values()], dtype=np.float32)
    minutes = (starts[period] + rng.random(n, dtype=np.float32) * widths[period]).astype(np.int32)
    minutes %= 24 * 60
    del period
    day_start, day_end, _ = TIME_PERIODS["08–17"]
    daytime = (minutes >= day_start) & (minutes < day_end)
    day_activity = _bernoulli(rng, by_band(DAY_ACTIVITY), n) & daytime & (housing == h_ordinary)
    del daytime

    # The intervention, from one of three mixes.
    intervention_names = list(INTERVENTIONS)
    mixes = np.stack(
        [
            _cdf([mix.get(name, 0.0) for name in intervention_names])
            for mix in INTERVENTION_MIX.values()
        ]
    )
    mix_of = np.where(psychiatric, 1, np.where(lss | assistance, 2, 0)).astype(np.uint8)
    intervention = _categorical_by(rng, mixes, mix_of)
    del mix_of

    self_care = _categorical(rng, _cdf(list(SELF_CARE_ASSESSMENT.values())), n)
    prescriber = _categorical(rng, _cdf(list(PRESCRIBER.values())), n)
    prescriber[intervention != intervention_names.index("aids_and_materials")] = len(PRESCRIBER)
    medication_risk = _bernoulli(rng, MEDICATION_RISK_REMAINS, n)
    medication = intervention == intervention_names.index("medication_management")
    treatment_names = list(FACTS["treatment_responsibility"].values)
    p_specialist = np.where(
        extensive != extensive_names.index("none"), SPECIALIST_CARE_EXTENSIVE, SPECIALIST_CARE
    )
    specialist = _bernoulli(rng, p_specialist, n)
    del p_specialist
    treatment = np.where(
        specialist,
        treatment_names.index("specialist_care"),
        treatment_names.index("primary_care"),
    ).astype(np.uint8)
    wishes = _bernoulli(rng, WISHES_HEALTH_CENTRE, n)
    urgent = _bernoulli(rng, URGENT, n)
    care_need = any_need | special | lss | psychiatric | assistance
    needs_both = _bernoulli(
        rng,
        np.where(care_need, *NEEDS_HEALTH_AND_SOCIAL_CARE).astype(np.float32),
        n,
    )
    discharge = _bernoulli(rng, by_band(DISCHARGE), n)
    disagree = _bernoulli(rng, PARTIES_DISAGREE, n)
    compulsory_names = [*COMPULSORY_CARE_PSYCHIATRIC, "none"]
    compulsory_p = list(COMPULSORY_CARE_PSYCHIATRIC.values())
    compulsory = _categorical(rng, _cdf([*compulsory_p, 1.0 - sum(compulsory_p)]), n)
    compulsory[~psychiatric] = compulsory_names.index("none")
    purchase = _bernoulli(
        rng,
        np.where(
            residence == residence_names.index("registered_elsewhere"),
            *SERVICE_PURCHASE_REQUESTED,
        ).astype(np.float32),
        n,
    )
    no_permit = (residence == residence_names.index("asylum_seeker")) | (
        residence == residence_names.index("undocumented")
    )
    entitlement = _bernoulli(rng, np.where(no_permit, *ASYLUM_ENTITLEMENT).astype(np.float32), n)
    habilitation = _categorical(rng, _cdf(list(HABILITATION_TYPE.values())), n)
    habilitation[intervention != intervention_names.index("habilitation")] = len(HABILITATION_TYPE)
    principle = _bernoulli(rng, QUESTION_OF_PRINCIPLE, n)
    deviation = _bernoulli(rng, SERIOUS_DEVIATION, n)
    # Drawn after every fact above, so a seed gives the population it gave before these.
    area = _categorical(rng, _cdf(list(PSYCHIATRIC_CARE_AREA.values())), n)
    area[intervention != intervention_names.index("psychiatric_specialist")] = len(
        PSYCHIATRIC_CARE_AREA
    )
    child = age < _BAND_EDGES[0]  # the 0–17 band of the fact table
    beyond = _bernoulli(rng, BEYOND_PARENTAL, n)
    beyond_stated = child & any_need
    temporary = _bernoulli(rng, TEMPORARY_STAY_CHILD, n) & child & no_permit

    raw = pl.DataFrame(
        {
            "region": muni_region[kommun],
            "municipality": kommun,
            "residence": residence,
            "age": age,
            "housing": housing,
            "day_activity": day_activity,
            "personal_assistance_lss": assistance,
            "adl_needs_over_time": adl_mask,
            "psychiatric_disability": psychiatric,
            "extensive_home_care": extensive,
            "end_of_life": end_of_life,
            "time": minutes,
            "intervention": intervention,
            "self_care_assessment": self_care,
            "prescriber": prescriber,
            "medication_risk_remains": medication_risk,
            "__medication": medication,
            "wishes_health_centre": wishes,
            "treatment_responsibility": treatment,
            "urgent": urgent,
            "needs_health_and_social_care": needs_both,
            "discharge_from_inpatient_care": discharge,
            "parties_disagree": disagree,
            "compulsory_care": compulsory,
            "service_purchase_requested": purchase,
            "asylum_entitlement": entitlement,
            "habilitation_type": habilitation,
            "question_of_principle": principle,
            "serious_deviation": deviation,
            "psychiatric_care_area": area,
            "needs_beyond_parental_responsibility": beyond,
            "__beyond_stated": beyond_stated,
            "stay_meant_to_be_temporary": temporary,
        }
    )
    del kommun, residence, age, housing, adl_mask, minutes, intervention

    typed: dict[str, pl.Expr] = {
        "region": _lookup(region_ids, "region"),
        "date": pl.lit(day, pl.Date),
        "time": pl.col("time").cast(pl.Int32),
        "municipality": _lookup([m.code for m in munis], "municipality"),
        "residence": _lookup(residence_names, "residence"),
        "age": pl.col("age").cast(pl.Int32),
        "housing": _lookup(housing_names, "housing"),
        "adl_needs_over_time": pl.lit(pl.Series(adl_lists, dtype=pl.List(pl.String))).gather(
            pl.col("adl_needs_over_time")
        ),
        "extensive_home_care": _lookup(extensive_names, "extensive_home_care"),
        "intervention": _lookup(intervention_names, "intervention"),
        "self_care_assessment": _lookup(list(SELF_CARE_ASSESSMENT), "self_care_assessment"),
        "prescriber": _lookup([*PRESCRIBER, None], "prescriber"),
        "medication_risk_remains": pl.when(pl.col("__medication")).then(
            pl.col("medication_risk_remains")
        ),
        "treatment_responsibility": _lookup(treatment_names, "treatment_responsibility"),
        "compulsory_care": _lookup(compulsory_names, "compulsory_care"),
        "habilitation_type": _lookup([*HABILITATION_TYPE, None], "habilitation_type"),
        "question_of_principle": pl.when(pl.col("parties_disagree")).then(
            pl.col("question_of_principle")
        ),
        "psychiatric_care_area": _lookup([*PSYCHIATRIC_CARE_AREA, None], "psychiatric_care_area"),
        "needs_beyond_parental_responsibility": pl.when(pl.col("__beyond_stated")).then(
            pl.col("needs_beyond_parental_responsibility")
        ),
    }
    missing = [name for name in FACT_ORDER if name not in typed and name not in raw.columns]
    if missing:  # a fact added to facts.py that this generator does not know yet: unknown
        from samverkan.rules.batch import fact_dtype

        typed.update({name: pl.lit(None, fact_dtype(name)) for name in missing})

    if unknown_share > 0:
        blank = [name for name in FACT_ORDER if name not in KEY_FACTS]
        masks = {
            f"__unknown__{name}": rng.random(n, dtype=np.float32) < unknown_share for name in blank
        }
        raw = raw.hstack(pl.DataFrame(masks))
        for name in blank:
            expr = typed.get(name, pl.col(name))
            typed[name] = pl.when(~pl.col(f"__unknown__{name}")).then(expr)
    for name, value in ASSUMED_WHEN_UNKNOWN.items():  # what an unknown value means
        if name in FACTS:
            typed[name] = typed.get(name, pl.col(name)).fill_null(value)

    columns = [typed.get(name, pl.col(name)).alias(name) for name in FACT_ORDER]
    return raw.lazy().select(columns).collect()
