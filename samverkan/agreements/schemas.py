"""API schemas of the agreements room, read from the models' and overviews' attributes
(django-ninja reads attributes; `Field(alias="a.b")` follows a relation, `resolve_<name>`
computes what no attribute holds). Responses are unchanged from before the move."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from samverkan.accounts.models import Role
from samverkan.api.schemas import IsoDate


class OrgOut(Schema):
    id: int
    name: str


class StepOut(Schema):
    # A step of an agreement's dispute path (`escalation.EscalationStep`).

    level: int
    kind: str
    title: str


class ReminderOut(Schema):
    kind: str
    due: dt.date
    shows_from: dt.date
    title: str
    role: str


class NoticeOut(Schema):
    id: int
    given_by: OrgOut
    given_on: dt.date
    document_ref: str
    in_effect: bool
    withdrawn_at: dt.datetime | None
    withdrawal_reason: str
    replaces_id: int | None


class ParticipationOut(Schema):
    organisation: OrgOut
    ends: dt.date | None


class AgreementOut(Schema):
    # Read from a `selectors.AgreementOverview` (a comment: a docstring would enter OpenAPI).

    id: str = Field(alias="agreement")
    version: str = Field(alias="version.version")
    title: str = Field(alias="version.title")
    region: str = Field(alias="version.region")
    parties: list[OrgOut]
    valid_from: dt.date = Field(alias="version.starts")
    first_term_end: dt.date = Field(alias="version.term.first_end")
    renewal: str
    in_force: bool = Field(alias="status.in_force")
    ended: bool = Field(alias="status.ended")
    term_start: dt.date | None = Field(alias="status.term_start")
    term_end: dt.date | None = Field(alias="status.term_end")
    final_end: dt.date | None
    next_notice_deadline: dt.date | None
    who_must_act: str
    forum: str
    followup_dues: list[dt.date]
    reminder_lead_days: int = Field(alias="settings.reminder_lead_days")
    responsible_role: str = Field(alias="settings.responsible_role")
    reminders: list[ReminderOut]
    notice_scope: str = Field(alias="settings.notice_scope")
    participation: list[ParticipationOut]
    notices: list[NoticeOut]
    dispute_path: list[StepOut]


class NoticeIn(Schema):
    given_by_id: int
    given_on: IsoDate
    document_ref: str
    # false: refused with code confirmation_required and the consequence in the message
    confirm: bool = False


class SettingsIn(Schema):
    reminder_lead_days: int = 90
    responsible_role: str = Role.FORUM_MEMBER.value
    followup_month: int = 12
    followup_day: int = 31
    notice_scope: str | None = None  # "party" (default) or "all": the forum's reading


class PointOut(Schema):
    # Read from a `local_points.LocalPoint`.

    key: str
    label: str
    annex: str
    clause: str
    required_routine: bool

    @staticmethod
    def resolve_required_routine(point: Any) -> bool:
        from samverkan.agreements.local_points import REQUIRED_ROUTINES

        return point in REQUIRED_ROUTINES


class LocalAgreementIn(Schema):
    point: str
    municipality_id: int
    health_centre_id: int | None = None
    title: str
    agreed_on: IsoDate
    valid_to: IsoDate | None = None
    document_ref: str = ""


class LocalAgreementOut(Schema):
    id: int
    point: str
    municipality: OrgOut
    health_centre: str | None
    title: str
    agreed_on: dt.date
    valid_to: dt.date | None
    document_ref: str

    @staticmethod
    def resolve_health_centre(local: Any) -> str | None:
        return local.health_centre.name if local.health_centre else None


class RoutineCellOut(Schema):
    point: str = Field(alias="point.key")
    present: bool
    local_agreement_id: int | None

    @staticmethod
    def resolve_local_agreement_id(cell: Any) -> int | None:
        return cell.routine.pk if cell.routine else None


class RoutineRowOut(Schema):
    health_centre: str = Field(alias="health_centre.name")
    municipality: OrgOut
    cells: list[RoutineCellOut]


class RoutinesOut(Schema):
    # Read from a `selectors.RoutinesMatrix`.

    region: str
    on: dt.date
    points: list[str]
    rows: list[RoutineRowOut]

    @staticmethod
    def resolve_points(matrix: Any) -> list[str]:
        return [p.key for p in matrix.points]


class MemberOut(Schema):
    user_id: int
    name: str
    organisation: OrgOut
    signed_at: dt.datetime | None

    @staticmethod
    def resolve_name(member: Any) -> str:
        return str(member.user.get_full_name() or member.user.get_username())


class VariationOut(Schema):
    municipality: OrgOut
    description: str
    agreed_on: dt.date


class ListOut(Schema):
    id: int
    kind: str
    year: int
    items: list[str] = Field(alias="item_lines")
    fixed_at: dt.datetime | None
    members: list[MemberOut]
    variations: list[VariationOut]

    @staticmethod
    def resolve_members(lst: Any) -> list[Any]:
        return list(lst.members.select_related("user", "organisation"))

    @staticmethod
    def resolve_variations(lst: Any) -> list[Any]:
        return list(lst.variations.select_related("municipality"))


class ListIn(Schema):
    kind: str
    year: int
    items: str = ""


class ItemsIn(Schema):
    items: str


class MemberIn(Schema):
    user_id: int


class VariationIn(Schema):
    municipality_id: int
    description: str
    agreed_on: IsoDate
