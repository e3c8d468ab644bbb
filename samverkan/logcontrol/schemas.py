"""API schemas of log control, read from the audit events and the spot checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from samverkan.api.schemas import IsoDate


class FlagOut(Schema):
    code: str
    label: str
    explanation: str


class EventOut(Schema):
    id: int
    timestamp: dt.datetime
    user: str | None = None
    organisation: str | None = None
    unit: str | None = None
    role: str
    action: str
    object_type: str
    object_id: str
    person_ref: str | None = None
    owner: str | None = None
    process: str
    why: str
    flags: list[FlagOut] = []

    @staticmethod
    def resolve_user(obj: Any) -> str | None:
        return obj.user.username if obj.user_id else None

    @staticmethod
    def resolve_organisation(obj: Any) -> str | None:
        return str(obj.organisation) if obj.organisation_id else None

    @staticmethod
    def resolve_unit(obj: Any) -> str | None:
        return str(obj.unit) if obj.unit_id else None

    @staticmethod
    def resolve_owner(obj: Any) -> str | None:
        return str(obj.owner) if obj.owner_id else None

    @staticmethod
    def resolve_flags(obj: Any) -> list[Any]:
        return list(getattr(obj, "flags", []))


class EventPage(Schema):
    count: int
    truncated: bool
    items: list[EventOut]


class AccessOut(Schema):
    """One access in the person's extract: no staff name (see `exports`)."""

    timestamp: dt.datetime
    organisation: str | None = None
    unit: str | None = None
    role: str
    action: str
    process: str

    @staticmethod
    def resolve_organisation(obj: Any) -> str | None:
        return str(obj.organisation) if obj.organisation_id else None

    @staticmethod
    def resolve_unit(obj: Any) -> str | None:
        return str(obj.unit) if obj.unit_id else None


class ItemOut(Schema):
    id: int
    user: str | None = None
    person_ref: str | None = None
    conclusion: str
    note: str
    reviewed_by: str | None = None
    reviewed_at: dt.datetime | None = None

    @staticmethod
    def resolve_user(obj: Any) -> str | None:
        return obj.user.username if obj.user_id else None

    @staticmethod
    def resolve_reviewed_by(obj: Any) -> str | None:
        return obj.reviewed_by.username if obj.reviewed_by_id else None


class CheckOut(Schema):
    id: int
    kind: str
    subject: str
    period_start: dt.date
    period_end: dt.date
    sample_size: int
    seed: int | None = None
    criteria: dict[str, Any]
    reason: str
    status: str
    opened_by: str = Field(alias="opened_by.username")
    opened_at: dt.datetime
    conclusion: str
    conclusion_text: str
    closed_at: dt.datetime | None = None


class CheckDetail(CheckOut):
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj: Any) -> list[Any]:
        return list(obj.items.all())


class CheckList(Schema):
    next_due: dt.date
    interval_days: int
    items: list[CheckOut]


class SampleIn(Schema):
    subject: str
    period_start: IsoDate
    period_end: IsoDate
    sample_size: int
    seed: int | None = Field(default=None, ge=0)


class SuspicionIn(Schema):
    reason: str
    period_start: IsoDate
    period_end: IsoDate
    username: str = ""
    person: str = ""


class SpotCheckReviewIn(Schema):
    conclusion: str
    note: str = ""


class CloseIn(Schema):
    conclusion: str
    conclusion_text: str = ""
    confirm: bool = False
