"""The facts of the domain model: names, value sets, Swedish labels, and input validation.

Every fact may be unknown (``None``). Validation turns the flat JSON facts object of the
domain model into typed Python values, or raises :class:`InvalidFacts` naming each bad
field, the rule it broke and the allowed values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from samverkan.rules.regions import REGIONS


class Kind(Enum):
    ENUM = "enum"
    BOOL = "bool"
    INT = "int"
    DATE = "date"
    TIME = "time"
    CODE = "code"
    SET = "set"
    TEXT = "text"  # an identifier the rules compare but do not list (a hälsocentral's)


@dataclass(frozen=True)
class FactSpec:
    name: str
    kind: Kind
    label: str  # Swedish, as the UI shows it
    question: str  # what the guide asks
    values: tuple[str, ...] = ()
    value_labels: tuple[str, ...] = ()

    def label_of(self, value: str) -> str:
        if value in self.values:
            return self.value_labels[self.values.index(value)]
        return value


def _enum(
    name: str, label: str, question: str, values: dict[str, str], kind: Kind = Kind.ENUM
) -> FactSpec:
    return FactSpec(name, kind, label, question, tuple(values), tuple(values.values()))


def _bool(name: str, label: str, question: str) -> FactSpec:
    return FactSpec(name, Kind.BOOL, label, question, ("true", "false"), ("Ja", "Nej"))


INTERVENTIONS = {
    "physician": "Läkarinsats",
    "nursing": "Sjuksköterskeinsats",
    "rehabilitation": "Rehabilitering (arbetsterapeut/fysioterapeut)",
    "medication_management": "Läkemedelshantering",
    "lab_analysis": "Laboratorieservice/provtagning",
    "aids_and_materials": "Sjukvårdsmaterial, medicinteknisk utrustning, hjälpmedel",
    "psychosocial_first_line": "Psykosocial första linjen",
    "psychiatric_specialist": "Specialistpsykiatri",
    "habilitation": "Habilitering",
    "housing_support": "Boende/bostadsstöd",
    "occupation": "Sysselsättning/daglig verksamhet",
    "relative_support": "Anhörigstöd",
}

ADL_NEEDS = {
    "eating": "Måltid (äta/dricka)",
    "dressing": "Klä sig",
    "moving": "Förflytta sig",
    "hygiene": "Personlig daglig hygien",
}

FACTS: dict[str, FactSpec] = {
    spec.name: spec
    for spec in (
        _enum(
            "region",
            "Region",
            "Vilken region gäller frågan?",
            {r.id: r.name for r in REGIONS.values()},
        ),
        FactSpec("date", Kind.DATE, "Datum", "Vilket datum gäller frågan?"),
        FactSpec("time", Kind.TIME, "Klockslag", "Vilken tid på dygnet ges insatsen (TT:MM)?"),
        FactSpec("municipality", Kind.CODE, "Kommun", "Vilken kommun bor personen i?"),
        _enum(
            "residence",
            "Folkbokföring/status",
            "Var är personen folkbokförd, eller vilken status har personen?",
            {
                "registered_in_county": "Folkbokförd i länet",
                "registered_elsewhere": "Folkbokförd i annan region",
                "eu_eea": "EU/EES-medborgare",
                "asylum_seeker": "Asylsökande",
                "undocumented": "Papperslös",
            },
        ),
        FactSpec("age", Kind.INT, "Ålder", "Hur gammal är personen (hela år)?"),
        _enum(
            "housing",
            "Boendeform",
            "Hur bor personen?",
            {
                "ordinary": "Ordinärt boende",
                "special_housing": "Särskilt boende (SoL)",
                "lss_housing": "Bostad med särskild service (LSS 9 § 8–9)",
                "temporary_stay": "Vistas tillfälligt i länet",
            },
        ),
        _bool(
            "day_activity",
            "Dagverksamhet",
            "Ges insatsen när personen vistas på dagverksamhet (SoL 3 kap. 6 §)?",
        ),
        _bool(
            "personal_assistance_lss",
            "Personlig assistans enligt LSS",
            "Har personen personlig assistans enligt LSS?",
        ),
        _enum(
            "adl_needs_over_time",
            "Behov av stöd över tid",
            "Vilka behov av stöd och hjälp över tid har personen? (Hjälp från närstående räknas.)",
            ADL_NEEDS,
            kind=Kind.SET,
        ),
        _bool(
            "psychiatric_disability",
            "Psykisk funktionsnedsättning",
            "Har personen en psykisk funktionsnedsättning?",
        ),
        _enum(
            "extensive_home_care",
            "Omfattande hälso- och sjukvårdsinsatser",
            "Har personen någon av dessa omfattande insatser i hemmet?",
            {
                "respirator": "Respirator",
                "tracheostomy": "Trakeostomi",
                "peritoneal_dialysis": "Påsdialys",
                "none": "Ingen av dessa",
            },
        ),
        _bool("end_of_life", "Vård i livets slutskede", "Är det vård i livets slutskede?"),
        _enum("intervention", "Insats", "Vilken insats gäller frågan?", INTERVENTIONS),
        _enum(
            "self_care_assessment",
            "Egenvårdsbedömning",
            "Har legitimerad personal bedömt om åtgärden kan utföras som egenvård?",
            {
                "self_care": "Bedömd som egenvård",
                "health_care": "Bedömd som hälso- och sjukvård",
                "not_assessed": "Inte bedömd ännu",
            },
        ),
        _enum(
            "prescriber",
            "Förskrivare",
            "Vem förskrev materialet, utrustningen eller hjälpmedlet?",
            {"region": "Regionen", "municipality": "Kommunen"},
        ),
        _bool(
            "medication_risk_remains",
            "Risk kvarstår trots dosdispensering/hjälpmedel",
            "Finns det en risk trots dosdispensering och/eller hjälpmedel?",
        ),
        _bool(
            "wishes_health_centre",
            "Önskar vård på hälsocentral",
            "Önskar personen få vården utförd på hälsocentral?",
        ),
        _enum(
            "treatment_responsibility",
            "Behandlingsansvar",
            "Var ligger behandlingsansvaret?",
            {"specialist_care": "Specialistvården", "primary_care": "Primärvården"},
        ),
        _bool("urgent", "Vård som inte kan anstå", "Är det vård som inte kan anstå?"),
        _bool(
            "needs_health_and_social_care",
            "Behov av både hälso- och sjukvård och socialtjänst",
            "Behöver personen insatser från både hälso- och sjukvården och socialtjänsten?",
        ),
        _bool(
            "discharge_from_inpatient_care",
            "Utskrivning från sluten vård",
            "Gäller det utskrivning från sluten vård?",
        ),
        _bool(
            "parties_disagree",
            "Huvudmännen är oense",
            "Är huvudmännen oense om ansvaret eller kostnaden i detta fall?",
        ),
        _enum(
            "compulsory_care",
            "Öppen tvångsvård",
            "Vårdas personen enligt öppen tvångsvård?",
            {"open_lpt": "Öppen LPT", "open_lrv": "Öppen LRV", "none": "Nej"},
        ),
        # Appended for the agreement modules (samverkan/rules/agreements/).
        _bool(
            "service_purchase_requested",
            "Tjänsteköp begärt",
            "Ber regionen kommunen utföra insatsen genom tjänsteköp?",
        ),
        _bool(
            "asylum_entitlement",
            "Vård som alltid ska erbjudas asylsökande och papperslösa",
            "Gäller det mödravård, vård vid abort, preventivmedelsrådgivning, hälsoundersökning"
            " eller läkemedel som förskrivs i samband med sådan vård?",
        ),
        _enum(
            "habilitation_type",
            "Typ av habilitering",
            "Gäller habiliteringen medicinsk vård eller råd och stöd?",
            {"medical": "Medicinsk vård", "advice_support": "Råd och stöd"},
        ),
        _bool(
            "question_of_principle",
            "Fråga av principiell betydelse",
            "Är frågan som huvudmännen är oense om av principiell betydelse?",
        ),
        _bool(
            "serious_deviation",
            "Allvarlig avvikelse",
            "Har en allvarlig avvikelse inträffat?",
        ),
        _enum(
            "psychiatric_care_area",
            "Område inom specialistpsykiatrin",
            "Vilken vård inom specialistpsykiatrin gäller det?",
            {
                "eating_disorder": "Ätstörningsvård",
                "recovery": "Återhämtning (K2-återhämtning)",
                "other": "Annan specialistpsykiatrisk vård",
            },
        ),
        _bool(
            "needs_beyond_parental_responsibility",
            "Stöd utöver föräldraansvaret",
            "Behöver barnet stödet på grund av varaktig sjukdom eller funktionsnedsättning, "
            "utöver det föräldrar ansvarar för?",
        ),
        _bool(
            "stay_meant_to_be_temporary",
            "Vistelsen i Sverige är avsedd att vara tillfällig",
            "Är barnets vistelse i Sverige avsedd att vara tillfällig?",
        ),
        _bool(
            "specialist_care_needed",
            "Behov av insatser från specialistvården",
            "Behövs insatser från specialistvården för patienten i den kommunala vården?",
        ),
        # The hälsocentral the person is listed at (its HSA-id): a local agreement registered
        # for one hälsocentral applies only to the persons listed there.
        FactSpec(
            "listed_health_centre",
            Kind.TEXT,
            "Listad på hälsocentral",
            "Vid vilken hälsocentral är personen listad?",
        ),
    )
}

FACT_ORDER: tuple[str, ...] = tuple(FACTS)

# Facts whose absence has a meaning, so they are never "unknown": the domain model defines
# an unknown egenvård assessment as "not yet assessed", and the process flags below are
# events someone reports (a disagreement, a serious deviation, a need for specialist care
# for a patient in municipal care, Bilaga 2): unreported means none.
ASSUMED_WHEN_UNKNOWN: dict[str, object] = {
    "self_care_assessment": "not_assessed",
    "parties_disagree": False,
    "question_of_principle": False,
    "serious_deviation": False,
    "specialist_care_needed": False,
}
MAX_AGE = 130
MAX_TEXT = 64  # an HSA-id is at most 31 characters
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class FactError:
    field: str
    code: str  # stable, for the API
    message: str  # Swedish, for people
    allowed: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "code": self.code, "message": self.message}
        if self.allowed:
            out["allowed"] = list(self.allowed)
        return out


class InvalidFacts(ValueError):
    def __init__(self, errors: list[FactError]):
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))


Facts = dict[str, Any]


def validate_facts(raw: Mapping[str, Any]) -> Facts:
    """Typed facts for the engine: dates as ``date``, times as minutes after midnight,
    sets as ``frozenset``; ``None`` for unknown. Raises :class:`InvalidFacts`."""
    if not isinstance(raw, Mapping):
        raise InvalidFacts([FactError("facts", "not_an_object", "Fakta ska vara ett JSON-objekt.")])
    errors: list[FactError] = []
    out: Facts = {name: None for name in FACT_ORDER}
    for key, value in raw.items():
        spec = FACTS.get(key)
        if spec is None:
            errors.append(FactError(key, "unknown_fact", f"Okänd uppgift '{key}'.", FACT_ORDER))
            continue
        if value is None:
            continue
        try:
            out[key] = _parse(spec, value)
        except _Bad as bad:
            errors.append(FactError(key, bad.code, bad.message, bad.allowed))
    if not errors and out["municipality"] is not None and out["region"] is not None:
        region = REGIONS[out["region"]]
        if out["municipality"] not in region.municipalities:
            allowed = tuple(region.municipalities)
            errors.append(
                FactError(
                    "municipality",
                    "municipality_not_in_region",
                    f"Kommunkod {out['municipality']} finns inte i {region.name}.",
                    allowed,
                )
            )
    if errors:
        raise InvalidFacts(errors)
    for name, value in ASSUMED_WHEN_UNKNOWN.items():
        if out[name] is None:
            out[name] = value
    return out


class _Bad(Exception):
    def __init__(self, code: str, message: str, allowed: tuple[str, ...] = ()):
        self.code, self.message, self.allowed = code, message, allowed


def _parse(spec: FactSpec, value: Any) -> Any:
    kind = spec.kind
    if kind is Kind.ENUM:
        if value not in spec.values:
            raise _Bad("invalid_choice", f"Ogiltigt värde '{value}' för {spec.label}.", spec.values)
        return value
    if kind is Kind.BOOL:
        if not isinstance(value, bool):
            raise _Bad(
                "not_a_boolean", f"{spec.label} ska vara true eller false.", ("true", "false")
            )
        return value
    if kind is Kind.INT:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad("not_an_integer", f"{spec.label} ska vara ett heltal.")
        if not 0 <= value <= MAX_AGE:
            raise _Bad("out_of_range", f"{spec.label} ska vara mellan 0 och {MAX_AGE}.")
        return value
    if kind is Kind.DATE:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        try:
            return dt.date.fromisoformat(str(value)) if len(str(value)) == 10 else _bad_date()
        except ValueError:
            raise _Bad("invalid_date", f"{spec.label} ska vara ett datum ÅÅÅÅ-MM-DD.") from None
    if kind is Kind.TIME:
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1440:
            return value
        match = _TIME_RE.match(str(value))
        if not match:
            raise _Bad("invalid_time", f"{spec.label} ska vara ett klockslag TT:MM (00:00–23:59).")
        return int(match[1]) * 60 + int(match[2])
    if kind is Kind.CODE:
        code = str(value)
        known = tuple(c for r in REGIONS.values() for c in r.municipalities)
        if code not in known:
            raise _Bad("unknown_municipality", f"Okänd kommunkod '{code}'.", known)
        return code
    if kind is Kind.TEXT:
        if not isinstance(value, str) or not value or value != value.strip():
            raise _Bad("invalid_text", f"{spec.label} ska vara ett id som text, t.ex. ett HSA-id.")
        if len(value) > MAX_TEXT:
            raise _Bad("invalid_text", f"{spec.label} får vara högst {MAX_TEXT} tecken.")
        return value
    if kind is Kind.SET:
        if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
            raise _Bad("not_a_list", f"{spec.label} ska vara en lista.", spec.values)
        wrong = [v for v in value if v not in spec.values]
        if wrong:
            raise _Bad(
                "invalid_choice", f"Ogiltigt värde '{wrong[0]}' för {spec.label}.", spec.values
            )
        return frozenset(value)
    raise AssertionError(kind)


def _bad_date() -> dt.date:
    raise ValueError


def format_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def facts_to_json(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The flat JSON facts object again, unknown facts left out."""
    out: dict[str, Any] = {}
    for name in FACT_ORDER:
        value = facts.get(name)
        if value is None:
            continue
        kind = FACTS[name].kind
        if kind is Kind.DATE:
            value = value.isoformat()
        elif kind is Kind.TIME:
            value = format_time(value)
        elif kind is Kind.SET:
            value = sorted(value, key=FACTS[name].values.index)
        out[name] = value
    return out
