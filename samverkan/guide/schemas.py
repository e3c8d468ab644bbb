"""OpenAPI schemas of the decisions API, built from the engine's own tables.

The fact, outcome and action names come from ``samverkan.rules`` (facts.FACTS,
outcome.DIMENSION_VALUES, outcome.ACTIONS), so the schema cannot drift from the engine:
a fact added there appears here, with its Swedish label and question as description.
The engine stays the one validator of facts (see ``guide.api``); these models describe.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ninja import Field, Schema
from pydantic import ConfigDict, create_model

from samverkan.api.errors import ErrorItem
from samverkan.api.schemas import IsoDate, one_of
from samverkan.rules import (
    ACTIONS,
    AGREEMENTS,
    DECIDED,
    DIMENSION_VALUES,
    DIMENSIONS,
    FACT_ORDER,
    FACTS,
    INCOMPLETE,
    MAX_AGE,
    MAX_TEXT,
    NOT_COVERED,
    NOT_IN_FORCE,
    REGIONS,
    FactSpec,
    Kind,
)

# The JSON Schema spellings of the engine's formats (ASCII digits only, whole string).
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
MUNICIPALITIES: tuple[str, ...] = tuple(c for r in REGIONS.values() for c in r.municipalities)
STATUSES: tuple[str, ...] = (DECIDED, NOT_IN_FORCE, NOT_COVERED, INCOMPLETE)


if TYPE_CHECKING:
    AgreementId = str
    ActionName = str
    FactName = str
    StatusName = str
    ReasonDimension = str
else:
    AgreementId = one_of(AGREEMENTS)
    ActionName = one_of(tuple(ACTIONS))
    FactName = one_of(FACT_ORDER)
    StatusName = one_of(STATUSES)
    ReasonDimension = one_of((*DIMENSIONS, "actions"))


# --- Facts ----------------------------------------------------------------------------------


def _values_text(spec: FactSpec) -> str:
    pairs = zip(spec.values, spec.value_labels, strict=True)
    return "; ".join(f"`{value}` = {label}" for value, label in pairs)


def _fact_field(spec: FactSpec) -> tuple[Any, Any]:
    description = f"{spec.label}. {spec.question}"
    kind = spec.kind
    extra: dict[str, Any] = {}
    annotation: Any
    if kind is Kind.ENUM:
        annotation = one_of(spec.values)
        description += f" Värden: {_values_text(spec)}."
    elif kind is Kind.SET:
        annotation = list[one_of(spec.values)]  # type: ignore[misc]
        description += f" En delmängd av: {_values_text(spec)}. Tom lista = inga sådana behov."
    elif kind is Kind.BOOL:
        annotation = bool
    elif kind is Kind.INT:
        annotation = int
        extra = {"ge": 0, "le": MAX_AGE}
        description += f" Hela år, 0–{MAX_AGE}."
    elif kind is Kind.DATE:
        annotation = IsoDate
        description += " ÅÅÅÅ-MM-DD; avgör vilken avtalsversion som gäller."
    elif kind is Kind.TIME:
        annotation = str
        extra = {"pattern": TIME_PATTERN, "examples": ["08:30", "17:00"]}
        description += " TT:MM, 00:00–23:59."
    elif kind is Kind.CODE:
        annotation = one_of(MUNICIPALITIES)
        description += " SCB:s kommunkod (fyra siffror som text), t.ex. `2380` Östersund."
    elif kind is Kind.TEXT:
        annotation = str
        extra = {"min_length": 1, "max_length": MAX_TEXT}
        description += " Hälsocentralens HSA-id (eller Samverkans id för enheten) som text."
    else:  # pragma: no cover - a new Kind must be described here
        raise AssertionError(kind)
    return annotation | None, Field(None, description=description, **extra)


def _municipality_in_region() -> list[dict[str, Any]]:
    """JSON Schema for the engine's cross-field rule: the kommun lies in the stated region."""
    return [
        {
            "if": {"properties": {"region": {"const": region.id}}, "required": ["region"]},
            "then": {
                "properties": {
                    "municipality": {
                        "anyOf": [{"enum": list(region.municipalities)}, {"type": "null"}]
                    }
                }
            },
        }
        for region in REGIONS.values()
    ]


_FACTS_SCHEMA_EXTRA: Any = {"allOf": _municipality_in_region()}


class _FactsBase(Schema):
    """Fakta om en fråga: ett platt objekt där varje uppgift kan vara okänd (saknas eller null).

    Motorn gissar aldrig en okänd uppgift: den svarar `undetermined` och listar vad den behöver
    i `missing_facts`. Okända nycklar avvisas (422 `unknown_fact`). Anges både region och kommun
    måste kommunen ligga i regionen (422 `municipality_not_in_region`).
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra=_FACTS_SCHEMA_EXTRA)


Facts: type[Schema] = create_model(  # type: ignore[call-overload]
    "Facts",
    __base__=_FactsBase,
    __module__=__name__,
    **{name: _fact_field(FACTS[name]) for name in FACT_ORDER},
)


# --- Decision -------------------------------------------------------------------------------


class AgreementRef(Schema):
    """En avtalsversion som beslutet vilar på (eller som senast gällde, när `in_force` är false)."""

    id: AgreementId = Field(..., description="Avtalets id, t.ex. `jh-hemsjukvard`.")
    version: str = Field(..., description="Versionen (datum för revideringen).")
    title: str = Field(..., description="Avtalets titel.")
    valid_from: dt.date = Field(..., description="Versionen gäller från.")
    valid_to: dt.date | None = Field(
        ..., description="Versionen gäller till och med; null = förlängs tills den sägs upp."
    )


Outcome: type[Schema] = create_model(  # type: ignore[call-overload]
    "Outcome",
    __base__=Schema,
    __module__=__name__,
    __doc__="Svaret, en dimension i taget. `undetermined` = kan inte avgöras med kända fakta.",
    **{
        name: (one_of(tuple(DIMENSION_VALUES[name])), Field(..., description=label))
        for name, label in DIMENSIONS.items()
    },
)

DecisionRules: type[Schema] = create_model(  # type: ignore[call-overload]
    "DecisionRules",
    __base__=Schema,
    __module__=__name__,
    __doc__="Regeln som avgjorde varje dimension (regel-id), null när ingen regel avgjorde den.",
    **{
        name: (str | None, Field(..., description=f"Regeln bakom: {label}."))
        for name, label in DIMENSIONS.items()
    },
)


class Reason(Schema):
    """Varför: regeln, klausulen den bygger på och klausulens egna ord."""

    dimension: ReasonDimension = Field(
        ..., description="Dimensionen regeln avgjorde, eller `actions` för en åtgärd."
    )
    rule: str = Field(..., description="Regelns id.")
    clause: str = Field(..., description="Klausulens id, t.ex. `jh-hemsjukvard §7.3`.")
    text: str = Field(..., description="Stycket ur avtalstexten, ordagrant.")
    action: ActionName | None = Field(
        None, description="Åtgärden regeln kräver (bara när `dimension` är `actions`)."
    )
    local_note: str | None = Field(
        None,
        description="Regeln gäller »om annat ej överenskommits«: en lokal överenskommelse "
        "kan ange annat (saknas när ingen kan det).",
    )


class Decision(Schema):
    """Ett beslut enligt domänmodellen (docs: domain-model.md), samma JSON som CLI:ns `--json`."""

    agreements: list[AgreementRef] = Field(..., description="Avtalen som användes.")
    in_force: bool = Field(
        ..., description="Vilar svaret på ett avtal som gäller på `date`? false när inget gäller."
    )
    status: StatusName = Field(
        ...,
        description=(
            "`decided` = avgjort enligt gällande avtal; `not_in_force` = avtalet gäller inte på "
            "datumet; `not_covered` = inget avtal reglerar frågan; `incomplete` = region eller "
            "datum saknas."
        ),
    )
    outcome: Outcome  # type: ignore[valid-type]
    rules: DecisionRules  # type: ignore[valid-type]
    actions: list[ActionName] = Field(..., description="Åtgärder som avtalen kräver härnäst.")
    missing_facts: list[FactName] = Field(
        ..., description="Fakta som behövs för att avgöra det som ännu är `undetermined`."
    )
    reasons: list[Reason] = Field(..., description="Skälen, med citat ur avtalen.")
    facts: Facts = Field(  # type: ignore[valid-type]
        ..., description="Fakta som beslutet bygger på, normaliserade; okända utelämnas."
    )


class BatchDecision(Schema):
    """En rad i svaret från `POST /api/decisions/batch` (JSON lines).

    Batchmotorn räknar utfall, regler, åtgärder och status för varje rad; skäl med citat och
    `missing_facts` ger den inte: fråga `POST /api/decisions` om ett enskilt fall för det.
    """

    row: int = Field(
        ...,
        ge=1,
        description="Radnumret i indata: raden i JSON lines-filen, dataraden i CSV (1 = första).",
    )
    status: StatusName
    in_force: bool
    outcome: Outcome  # type: ignore[valid-type]
    rules: DecisionRules  # type: ignore[valid-type]
    actions: list[ActionName]
    facts: Facts  # type: ignore[valid-type]


# --- Errors ---------------------------------------------------------------------------------


class FactErrorItem(ErrorItem):
    """Ett fel i fakta: fältet, en stabil kod, ett svenskt meddelande och tillåtna värden."""

    allowed: list[str] | None = Field(
        None, description="Tillåtna värden, när fältet har en fast värdemängd."
    )
    row: int | None = Field(None, description="Raden i batchindata där felet finns.")


class FactErrorResponse(Schema):
    detail: list[FactErrorItem]
