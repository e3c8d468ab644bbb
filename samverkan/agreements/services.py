"""Writes of the agreements' lifecycle: notices, reminder settings, local agreements (§8.3),
Bilaga 2 lists. Every function taking an `actor` (a user or an HttpRequest) checks access
(`access.LIFECYCLE_ROLES`), validates, and writes the audit log; reads are in `selectors`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from samverkan.accounts.models import (
    Organisation,
    OrganisationKind,
    Role,
    StaffProfile,
    Unit,
    UnitKind,
)
from samverkan.agreements import access
from samverkan.agreements.citations import LISTS_SIGNED_BY_ALL, LOCAL_ONLY_AT_POINTS
from samverkan.agreements.local_points import LOCAL_AGREEMENTS_AGREEMENT, POINTS_BY_KEY
from samverkan.agreements.models import (
    DEFAULT_LEAD_DAYS,
    AgreementSettings,
    Bilaga2List,
    ListKind,
    LocalAgreement,
    LocalVariation,
    Notice,
    WorkingGroupMember,
)
from samverkan.agreements.revisions import flag_local_retroactive
from samverkan.agreements.selectors import (
    LISTS_REGION,
    VERSIONS,
    NoticeConsequence,
    notice_consequence,
    notices_in_effect,
    participation_ends,
    settings_for,
)
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.core.errors import Problem


class NoticeNeedsConfirmation(Problem):
    """A notice is recorded only once its consequence has been shown and confirmed."""

    def __init__(self, consequence: NoticeConsequence):
        self.consequence = consequence
        super().__init__(
            "confirm", "confirmation_required", f"Bekräfta uppsägningen: {consequence.text}"
        )


def _check_notice(
    version: Any, given_by: Organisation, given_on: dt.date, document_ref: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if version.follows:
        errors["agreement"] = f"Bilagan följer {version.follows}: säg upp huvudavtalet."
    elif not version.term.renewal_years:
        errors["agreement"] = "Avtalet förlängs inte automatiskt; ingen uppsägning behövs."
    if given_by.region != version.region:
        errors["given_by"] = "Den som säger upp ska vara part i avtalet."
    today = timezone.localdate()
    if given_on > today:
        errors["given_on"] = "Datumet ligger i framtiden."
    elif given_on < today:
        # jh-hemsjukvard §10 counts from the day the written notice is given: a date before
        # the day it is recorded could move the end a whole term earlier.
        errors["given_on"] = (
            "En uppsägning kan inte antedateras: den gäller från den dag den registreras "
            f"({today:%Y-%m-%d})."
        )
    elif given_on < version.starts:
        errors["given_on"] = "Datumet är före avtalets start."
    elif "agreement" not in errors:
        end = participation_ends(version.agreement, given_by)
        if end is not None and end < given_on:
            errors["given_on"] = "Partens deltagande hade redan upphört den dagen."
    if not document_ref.strip():
        errors["document_ref"] = (
            "Ange diarienummer eller dokumentreferens för den skriftliga uppsägningen."
        )
    return errors


def record_notice(
    actor: Any,
    agreement: str,
    *,
    given_by: Organisation,
    given_on: dt.date,
    document_ref: str,
    confirmed: bool = False,
) -> Notice:
    """Record a written notice of termination by a party (jh-hemsjukvard §10).

    Only someone who may speak for `given_by` (`access.may_speak_for`); never backdated;
    refused with `NoticeNeedsConfirmation` (stating the consequence) unless `confirmed`."""
    version = VERSIONS.get(agreement)
    why = "Avtal: registrera uppsägning"
    if version is None:
        raise ValidationError({"agreement": "Okänt avtal."})
    access.require_speaks_for(actor, given_by, Notice, why)
    errors = _check_notice(version, given_by, given_on, document_ref)
    if not errors and any(n.given_by_id == given_by.pk for n in notices_in_effect(agreement)):
        errors["given_by"] = (
            "Parten har redan en uppsägning av avtalet; rätta eller återkalla den i stället."
        )
    if errors:
        raise ValidationError(errors)
    if not confirmed:
        raise NoticeNeedsConfirmation(notice_consequence(agreement, given_by, given_on))
    # Access is checked outside the transaction, so a refusal's audit entry is kept.
    with transaction.atomic():
        notice = Notice.objects.create(
            agreement=agreement,
            given_by=given_by,
            given_on=given_on,
            document_ref=document_ref.strip(),
            recorded_by=access.user_of(actor),
        )
        record(actor, Action.CREATE, Notice, notice.pk, why=why)
    return notice


def _notice_in_effect(notice_id: int, actor: Any, why: str) -> Notice:
    notice = Notice.objects.select_related("given_by").filter(pk=notice_id).first()
    if notice is None or notice.given_by.region != access.region_of(actor):
        raise access.denied(actor, Notice, notice_id, why, status=404)
    access.require_speaks_for(actor, notice.given_by, Notice, why)
    if not notice.in_effect:
        raise ValidationError({"notice": "Uppsägningen är redan återkallad eller rättad."})
    return notice


def _locked(notice: Notice) -> Notice:
    """The notice again, locked, inside the caller's transaction (two clicks, one change)."""
    locked = Notice.objects.select_for_update().select_related("given_by").get(pk=notice.pk)
    if not locked.in_effect:
        raise ValidationError({"notice": "Uppsägningen är redan återkallad eller rättad."})
    return locked


def withdraw_notice(actor: Any, notice_id: int, *, reason: str) -> Notice:
    """Record that a notice is withdrawn (återkallad): the row stays, marked, with the reason
    (e.g. the forum's decision that the parties agree to continue)."""
    why = "Avtal: återkalla uppsägning"
    notice = _notice_in_effect(notice_id, actor, why)
    if not reason.strip():
        raise ValidationError({"reason": "Ange skälet till att uppsägningen återkallas."})
    with transaction.atomic():
        notice = _locked(notice)
        notice.withdrawn_at = timezone.now()
        notice.withdrawn_by = access.user_of(actor)
        notice.withdrawal_reason = reason.strip()
        notice.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        record(actor, Action.UPDATE, Notice, notice.pk, why=why)
    return notice


def correct_notice(actor: Any, notice_id: int, *, document_ref: str, reason: str) -> Notice:
    """Correct a notice's document reference: a new row replaces the old one, which stays in
    the history marked as corrected. The date and the party are those of the written
    notice and cannot be corrected here (withdraw and give a new notice instead)."""
    why = "Avtal: rätta uppsägning"
    old = _notice_in_effect(notice_id, actor, why)
    errors: dict[str, str] = {}
    if not document_ref.strip():
        errors["document_ref"] = "Ange den rätta dokumentreferensen."
    if not reason.strip():
        errors["reason"] = "Ange vad som rättas och varför."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        old = _locked(old)
        old.withdrawn_at = timezone.now()
        old.withdrawn_by = access.user_of(actor)
        old.withdrawal_reason = f"Rättad: {reason.strip()}"
        old.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        new = Notice.objects.create(
            agreement=old.agreement,
            given_by=old.given_by,
            given_on=old.given_on,
            document_ref=document_ref.strip(),
            recorded_by=access.user_of(actor),
            replaces=old,
        )
        record(actor, Action.UPDATE, Notice, old.pk, why=why)
        record(actor, Action.CREATE, Notice, new.pk, why=why)
    return new


@transaction.atomic
def update_settings(
    actor: Any,
    agreement: str,
    *,
    reminder_lead_days: int = DEFAULT_LEAD_DAYS,
    responsible_role: str = Role.FORUM_MEMBER,
    followup_month: int = 12,
    followup_day: int = 31,
    notice_scope: str | None = None,
) -> AgreementSettings:
    version = VERSIONS[agreement]
    why = "Avtal: ändra påminnelser"
    access.require_records_role(actor, version.region, AgreementSettings, why)
    cfg = settings_for(agreement)
    cfg.reminder_lead_days = reminder_lead_days
    cfg.responsible_role = responsible_role
    cfg.followup_month = followup_month
    cfg.followup_day = followup_day
    if notice_scope is not None:
        cfg.notice_scope = notice_scope
    cfg.full_clean()
    cfg.save()
    record(actor, Action.UPDATE, AgreementSettings, cfg.pk, why=why)
    return cfg


# --- local agreements and routines --------------------------------------------------------


class LocalAgreementRefused(Problem):
    """A local agreement at a point §8.3 does not allow; `reason` quotes §8.3."""

    def __init__(self, point: str):
        self.point = point
        self.clause = LOCAL_ONLY_AT_POINTS.clause
        self.reason = LOCAL_ONLY_AT_POINTS.paragraph
        super().__init__("point", "not_allowed_by_8_3", f"{self.clause}: »{self.reason}«")


@transaction.atomic
def register_local_agreement(
    actor: Any,
    *,
    point: str,
    municipality: Organisation,
    title: str,
    agreed_on: dt.date,
    health_centre: Unit | None = None,
    document_ref: str = "",
    valid_to: dt.date | None = None,
) -> LocalAgreement:
    """Register a local agreement or routine; only at the points jh-hemsjukvard §8.3 lists
    (`local_points.LOCAL_POINTS`), else `LocalAgreementRefused` quoting §8.3."""
    why = "Lokal överenskommelse: registrera"
    version = VERSIONS[LOCAL_AGREEMENTS_AGREEMENT]
    access.require_records_role(actor, version.region, LocalAgreement, why)
    if point not in POINTS_BY_KEY:
        record(actor, Action.ACCESS_DENIED, LocalAgreement, why=f"{why}: punkt utanför §8.3")
        raise LocalAgreementRefused(point)
    errors: dict[str, str] = {}
    if municipality.kind != OrganisationKind.MUNICIPALITY or municipality.region != version.region:
        errors["municipality"] = "Välj en kommun som är part i jh-hemsjukvard."
    if health_centre is not None and (
        health_centre.kind != UnitKind.PRIMARY_CARE
        or health_centre.organisation.region != version.region
        or not health_centre.organisation.is_region
    ):
        errors["health_centre"] = "Välj en av regionens hälsocentraler."
    if not title.strip():
        errors["title"] = "Ange en rubrik."
    if valid_to is not None and valid_to < agreed_on:
        errors["valid_to"] = "Slutdatum är före startdatum."
    if errors:
        raise ValidationError(errors)
    local = LocalAgreement.objects.create(
        agreement=LOCAL_AGREEMENTS_AGREEMENT,
        point=point,
        municipality=municipality,
        health_centre=health_centre,
        title=title.strip(),
        document_ref=document_ref.strip(),
        agreed_on=agreed_on,
        valid_to=valid_to,
        registered_by=access.user_of(actor),
    )
    record(actor, Action.CREATE, LocalAgreement, local.pk, why=why)
    # From a past day it may change recorded decisions: the revisions' retroactive check.
    flag_local_retroactive(actor, local)
    return local


# --- Bilaga 2 lists -----------------------------------------------------------------------


def _require_open(lst: Bilaga2List) -> None:
    if lst.is_fixed:
        raise ValidationError(
            "Förteckningen är fastställd och kan inte ändras; skapa nästa års version."
        )


def _require_convener(actor: Any, why: str) -> StaffProfile:
    """Lists are kept by the region (the convener) through LIFECYCLE_ROLES."""
    profile = access.require_records_role(actor, LISTS_REGION, Bilaga2List, why)
    if not profile.organisation.is_region:
        raise access.denied(actor, Bilaga2List, "", why, status=403)
    return profile


@transaction.atomic
def create_list(actor: Any, *, kind: str, year: int, items: str = "") -> Bilaga2List:
    """Start a year's version of a list; without items, last version's items are copied."""
    why = "Bilaga 2: ny förteckning"
    _require_convener(actor, why)
    if kind not in ListKind.values:
        raise ValidationError({"kind": "Okänd förteckning."})
    if Bilaga2List.objects.filter(region=LISTS_REGION, kind=kind, year=year).exists():
        raise ValidationError({"year": "Det finns redan en version för det året."})
    if not items.strip():
        previous = (
            Bilaga2List.objects.filter(region=LISTS_REGION, kind=kind, year__lt=year)
            .order_by("-year")
            .first()
        )
        items = previous.items if previous else ""
    lst = Bilaga2List.objects.create(
        region=LISTS_REGION,
        kind=kind,
        year=year,
        items=items.strip(),
        created_by=access.user_of(actor),
    )
    record(actor, Action.CREATE, Bilaga2List, lst.pk, why=why)
    return lst


@transaction.atomic
def update_list_items(actor: Any, lst: Bilaga2List, items: str) -> Bilaga2List:
    """Change the items of a draft; signatures already given no longer hold."""
    why = "Bilaga 2: ändra förteckning"
    _require_convener(actor, why)
    _require_open(lst)
    lst.items = items.strip()
    lst.save(update_fields=["items"])
    lst.members.update(signed_at=None)
    record(actor, Action.UPDATE, Bilaga2List, lst.pk, why=why)
    return lst


@transaction.atomic
def add_list_member(actor: Any, lst: Bilaga2List, user: Any) -> WorkingGroupMember:
    why = "Bilaga 2: arbetsgrupp"
    _require_convener(actor, why)
    _require_open(lst)
    profile = access.profile(user)
    if profile is None or profile.organisation.region != lst.region:
        raise ValidationError(
            {"user": "Ledamoten ska representera regionen eller en kommun i länet."}
        )
    member, _ = WorkingGroupMember.objects.get_or_create(
        bilaga2_list=lst, user=user, defaults={"organisation": profile.organisation}
    )
    record(actor, Action.UPDATE, Bilaga2List, lst.pk, why=why)
    return member


@transaction.atomic
def sign_list(actor: Any, lst: Bilaga2List) -> WorkingGroupMember:
    """The signing member's own signature on the draft."""
    why = "Bilaga 2: underteckna"
    member = lst.members.filter(user=access.user_of(actor)).first()
    if member is None:
        raise access.denied(actor, Bilaga2List, lst.pk, why, status=403)
    _require_open(lst)
    if member.signed_at is None:
        member.signed_at = timezone.now()
        member.save(update_fields=["signed_at"])
    record(actor, Action.UPDATE, Bilaga2List, lst.pk, why=why)
    return member


@transaction.atomic
def fix_list(actor: Any, lst: Bilaga2List) -> Bilaga2List:
    """Fix (fastställ) the version: refused until every member of the working group, with
    both the region and the kommuner represented, has signed (Bilaga 2)."""
    why = "Bilaga 2: fastställ"
    _require_convener(actor, why)
    _require_open(lst)
    members = list(lst.members.select_related("organisation", "user"))
    quote = f"{LISTS_SIGNED_BY_ALL.clause}: »{LISTS_SIGNED_BY_ALL.text}«"
    if not any(m.organisation.is_region for m in members) or not any(
        not m.organisation.is_region for m in members
    ):
        raise ValidationError(
            f"Arbetsgruppen ska ha ledamöter från både regionen och kommunerna. {quote}"
        )
    unsigned = [m for m in members if m.signed_at is None]
    if unsigned:
        names = ", ".join(
            f"{m.user.get_full_name() or m.user.get_username()} ({m.organisation})"
            for m in unsigned
        )
        raise ValidationError(
            f"Fastställs inte: {len(unsigned)} ledamöter har inte undertecknat ({names}). {quote}"
        )
    lst.fixed_at = timezone.now()
    lst.fixed_by = access.user_of(actor)
    lst.save(update_fields=["fixed_at", "fixed_by"])
    record(actor, Action.UPDATE, Bilaga2List, lst.pk, why=why)
    return lst


@transaction.atomic
def add_local_variation(
    actor: Any,
    lst: Bilaga2List,
    *,
    municipality: Organisation,
    description: str,
    agreed_on: dt.date,
) -> LocalVariation:
    """Record a locally agreed variation of a list in a kommun (staff of that kommun or the
    region)."""
    why = "Bilaga 2: lokal variation"
    profile = access.require_records_role(actor, lst.region, LocalVariation, why)
    if municipality.kind != OrganisationKind.MUNICIPALITY or municipality.region != lst.region:
        raise ValidationError({"municipality": "Välj en kommun i länet."})
    if not profile.organisation.is_region and profile.organisation_id != municipality.pk:
        raise access.denied(actor, LocalVariation, "", why, status=403)
    if not description.strip():
        raise ValidationError({"description": "Beskriv variationen."})
    variation = LocalVariation.objects.create(
        bilaga2_list=lst,
        municipality=municipality,
        description=description.strip(),
        agreed_on=agreed_on,
        recorded_by=access.user_of(actor),
    )
    record(actor, Action.CREATE, LocalVariation, variation.pk, why=why)
    return variation
