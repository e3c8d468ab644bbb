"""API schemas of the deviations room (deviations, complaints, the forum follow-up, disputes),
read from the models' attributes (django-ninja: `Field(alias="a.b")` follows a relation,
`resolve_<name>` computes what no attribute holds). Organisations and dispute steps use the
agreements room's schemas. Responses are unchanged from before the split."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from samverkan.agreements.schemas import OrgOut, StepOut
from samverkan.api.schemas import IsoDate

__all__ = ["OrgOut", "StepOut"]


class PersonRef(Schema):
    id: str
    name: str

    @staticmethod
    def resolve_id(person: Any) -> str:
        return str(person.pk)


class DeviationIn(Schema):
    receiving_organisation_id: int
    kind: str = "deviation"
    agreement: str | None = None
    category: str
    severity: str = "minor"
    occurred_on: IsoDate
    occurred_time: dt.time | None = None
    location: str
    subject: str = ""  # a short subject without personal data, shown in lists
    description: str
    person: str | None = None  # person id (UUID) or identifier


class DeviationSummary(Schema):
    id: int
    subject: str
    kind: str
    category: str
    severity: str
    status: str
    direct_contact: bool
    reporting_organisation: OrgOut
    receiving_organisation: OrgOut
    received_at: dt.datetime
    answered_at: dt.datetime | None
    closed_at: dt.datetime | None


class DeviationEventOut(Schema):
    at: dt.datetime
    what: str
    status: str
    organisation: str = Field(alias="organisation.name")
    note: str


class ContactOut(Schema):
    id: int
    organisation: OrgOut
    role: str
    action: str = Field(alias="ACTION")
    done_at: dt.datetime | None


class DeviationOut(DeviationSummary):
    agreement: str
    occurred_on: dt.date
    occurred_time: dt.time | None
    location: str
    description: str
    receiving_unit: str | None
    receiving_role: str
    investigating_at: dt.datetime | None
    answer: str
    answer_due: dt.date
    overdue: bool
    person: PersonRef | None
    person_hidden: bool
    actions: list[str]
    transitions: list[str]
    contacts: list[ContactOut]
    events: list[DeviationEventOut]
    citations: list[dict[str, str]]

    @staticmethod
    def resolve_receiving_unit(deviation: Any) -> str | None:
        return deviation.receiving_unit.name if deviation.receiving_unit else None

    @staticmethod
    def resolve_citations(view: Any) -> list[dict[str, str]]:
        return [c.as_dict() for c in view.citations]


class StatusIn(Schema):
    status: str
    answer: str = ""
    note: str = ""


class NoteIn(Schema):
    note: str = ""


class FollowupCell(Schema):
    value: float | None
    hidden: bool


class FollowupRow(Schema):
    label: str
    cells: list[FollowupCell]


class FollowupTable(Schema):
    caption: str
    columns: list[str]
    rows: list[FollowupRow]


class FollowupOut(Schema):
    agreement: str
    year: int
    answer_days: int
    suppressed: bool
    scope: str
    total: FollowupCell
    serious: FollowupCell
    complaints: FollowupCell
    tables: list[FollowupTable]


class DisputeIn(Schema):
    counterparty_id: int
    question: str
    acting_organisation_id: int
    acting_note: str
    agreement: str | None = None
    facts: dict[str, Any] | None = None  # an engine question: the decision opens the case
    person: str | None = None
    of_principle: bool = False


class HistoryOut(Schema):
    at: dt.datetime
    what: str
    level: int
    step: str
    organisation: str = Field(alias="organisation.name")
    note: str


class PartyOut(Schema):
    organisation: OrgOut
    paid: Decimal
    interim_share: Decimal
    interim_transfer: Decimal
    final_share: Decimal | None
    settlement: Decimal | None


class CostOut(Schema):
    id: int
    description: str
    amount: Decimal
    incurred_on: dt.date
    paid_by: OrgOut
    ledger_ref: str


class RecordedFactOut(Schema):
    """A fact the dispute's decision took from the person's record (the value only for
    those who may see the person)."""

    name: str
    label: str
    value: Any = None


class DisputeSummary(Schema):
    id: int
    agreement: str
    basis: str
    trigger: str
    status: str
    level: int
    step: StepOut
    region_party: OrgOut
    municipality_party: OrgOut
    opened_at: dt.datetime


class DisputeOut(DisputeSummary):
    question: str
    acting_organisation: OrgOut
    acting_note: str
    of_principle: bool
    person: PersonRef | None
    facts_from_record: list[RecordedFactOut]
    path: list[StepOut]
    next_step: StepOut | None
    decided_on: dt.date | None
    decided_by: str
    reasoning: str
    cost_bearer: str
    total: Decimal
    settled: bool
    parties: list[PartyOut]
    costs: list[CostOut]
    history: list[HistoryOut]


class EscalateIn(Schema):
    note: str
    of_principle: bool = False


class CostIn(Schema):
    description: str
    amount: Decimal
    incurred_on: IsoDate
    paid_by_id: int


class DecisionIn(Schema):
    decided_on: IsoDate
    reasoning: str
    cost_bearer: str
    decided_by: str = ""
