"""OpenAPI schemas of the agreement library API (agreements on a date, clauses, search)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from ninja import Field, Schema

from samverkan.api.schemas import one_of
from samverkan.rules import ACTIONS, AGREEMENTS, DIMENSIONS, REGIONS

if TYPE_CHECKING:
    AgreementId = str
    RegionId = str
    DimensionName = str
    ActionName = str
else:
    AgreementId = one_of(AGREEMENTS)
    RegionId = one_of(tuple(REGIONS))
    DimensionName = one_of(tuple(DIMENSIONS))
    ActionName = one_of(tuple(ACTIONS))

ClassificationStatus = Literal["encoded", "prose", "unclassified"]


class AgreementStatus(Schema):
    """En avtalsversion och dess status på det efterfrågade datumet."""

    id: AgreementId = Field(..., description="Avtalets id, t.ex. `jh-hemsjukvard`.")
    version: str = Field(..., description="Versionen (datum för revideringen).")
    title: str
    region: RegionId = Field(..., description="Regionen vars län avtalet gäller.")
    forum: str = Field(..., description="Samverkansforum som förvaltar avtalet (kan vara tomt).")
    in_force: bool = Field(..., description="Gäller avtalet på datumet?")
    ended: bool = Field(..., description="Har avtalet upphört före datumet?")
    valid_from: dt.date = Field(..., description="Gäller från.")
    valid_to: dt.date | None = Field(
        ..., description="Gäller till och med; null = förlängs tills det sägs upp."
    )
    term_start: dt.date | None = Field(
        ..., description="Nuvarande avtalsperiods början (när avtalet gäller)."
    )
    term_end: dt.date | None = Field(..., description="Nuvarande avtalsperiods slut.")
    next_notice_deadline: dt.date | None = Field(
        ...,
        description=(
            "Sista dag för skriftlig uppsägning som får verkan vid en periods slut; null när "
            "avtalet inte förlängs automatiskt."
        ),
    )
    renews: bool = Field(..., description="Förlängs avtalet automatiskt om det inte sägs upp?")
    follows: AgreementId | None = Field(
        ..., description="Huvudavtalet vars avtalstid en bilaga följer."
    )


class AgreementsOut(Schema):
    """Alla avtalsversioner med status på ett datum."""

    date: dt.date = Field(..., description="Datumet statusen gäller.")
    agreements: list[AgreementStatus]


class Classification(Schema):
    """Om klausulen är kodad som regler eller är prosa (och i så fall varför)."""

    status: ClassificationStatus = Field(
        ...,
        description=(
            "`encoded` = regler bygger på klausulen; `prose` = ingen regel, med skäl; "
            "`unclassified` = ännu inte bedömd."
        ),
    )
    reason: str | None = Field(..., description="Varför en prosaklausul saknar regel.")


class ClauseSummary(Schema):
    """En klausul i en lista eller en sökträff."""

    id: str = Field(..., description="Klausulens id, t.ex. `jh-hemsjukvard §7.3`.")
    agreement: AgreementId
    number: str | None = Field(..., description="Avsnittsnumret, om dokumentet numrerar.")
    heading: str
    classification: ClassificationStatus
    score: float | None = Field(..., description="Sökträffens relevans (BM25); null i listor.")
    snippet: str | None = Field(..., description="Utdrag runt sökorden; null i listor.")


class ClauseList(Schema):
    """Klausuler: sökträffar (bäst först) med `q`, annars alla i dokumentordning."""

    query: str | None = Field(..., description="Söksträngen, eller null för en lista.")
    agreement: AgreementId | None = Field(..., description="Avtalet listan begränsades till.")
    count: int = Field(..., description="Antal klausuler i svaret.")
    clauses: list[ClauseSummary]


class CitingRule(Schema):
    """En regel i motorn som bygger på klausulen."""

    id: str = Field(..., description="Regelns id.")
    agreement: AgreementId
    version: str = Field(..., description="Avtalsversionen regeln hör till.")
    summary: str = Field(..., description="Regelns innebörd i klartext (vår sammanfattning).")
    decides: dict[DimensionName, str] = Field(
        ..., description="Vad regeln avgör: dimension → värde."
    )
    actions: list[ActionName] = Field(..., description="Åtgärder regeln kräver.")


class ClauseDetail(Schema):
    """En klausul med sin text, var den står och vilka regler som bygger på den."""

    id: str = Field(..., description="Klausulens id, t.ex. `jh-hemsjukvard §7.3`.")
    agreement: AgreementId
    number: str | None = Field(..., description="Avsnittsnumret, om dokumentet numrerar.")
    heading: str
    text: str = Field(..., description="Klausulens text ordagrant ur avtalet.")
    paragraphs: list[str] = Field(..., description="Texten uppdelad i stycken.")
    source: str = Field(..., description="Textfilen klausulen kommer från.")
    line_start: int = Field(..., ge=1, description="Första raden i källfilen (1-baserad).")
    line_end: int = Field(..., ge=1, description="Sista raden i källfilen (inklusive).")
    classification: Classification
    rules: list[CitingRule] = Field(..., description="Regler som citerar klausulen.")
