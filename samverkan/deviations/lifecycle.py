"""The agreements' lifecycle: notices, renewal, reminders, local agreements, routines, lists.

Terms and renewal are computed by `samverkan.rules.validity` from the declarations and the
notices recorded here (`recorded_notices()`: also for other apps that build rule sets, e.g.
`ruleset.build(ALL_VERSIONS, region, recorded_notices())`).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, QuerySet
from django.utils import timezone

from samverkan.accounts.models import (
    Organisation,
    OrganisationKind,
    Role,
    StaffProfile,
    Unit,
    UnitKind,
)
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.deviations import access
from samverkan.deviations.citations import (
    FOLLOWUP_CLAUSE,
    LISTS_SIGNED_BY_ALL,
    LOCAL_ONLY_AT_POINTS,
    TERMINATION_IN_FORUM,
    Citation,
)
from samverkan.deviations.local_points import (
    LOCAL_AGREEMENTS_AGREEMENT,
    POINTS_BY_KEY,
    REQUIRED_ROUTINES,
    LocalPoint,
)
from samverkan.deviations.models import (
    DEFAULT_LEAD_DAYS,
    AgreementSettings,
    Bilaga2List,
    CareArea,
    ListKind,
    LocalAgreement,
    LocalVariation,
    Notice,
    WorkingGroupMember,
)
from samverkan.rules import validity
from samverkan.rules.agreements import ALL_VERSIONS
from samverkan.rules.declarations import AgreementVersion
from samverkan.rules.regions import REGIONS

VERSIONS: dict[str, AgreementVersion] = {v.agreement: v for v in ALL_VERSIONS}
# The main agreement per region: a deviation or dispute belongs to it unless another is named.
DEFAULT_AGREEMENT = {"jamtland-harjedalen": "jh-hemsjukvard", "gavleborg": "gvb-svart-sjuka"}


# --- notices and the computed term --------------------------------------------------------


def recorded_notices() -> dict[str, dt.date]:
    """agreement id -> the earliest notice recorded (validity's `notices`)."""
    rows = Notice.objects.values("agreement").annotate(first=Min("given_on"))
    return {row["agreement"]: row["first"] for row in rows}


NOTICES_TTL_S = 10.0
_notices_cache: tuple[float, dict[str, dt.date]] | None = None


def cached_notices() -> dict[str, dt.date]:
    """``recorded_notices()``, kept for a few seconds: every decision asks (via the rule
    sets), and a notice is given once in years. A notice saved in this process clears the
    cache at once (signals below); other server processes see it within the TTL."""
    global _notices_cache
    now = time.monotonic()
    if _notices_cache is None or now - _notices_cache[0] > NOTICES_TTL_S:
        _notices_cache = (now, recorded_notices())
    return _notices_cache[1]


def forget_notices(**_: Any) -> None:
    global _notices_cache
    _notices_cache = None


def settings_for(agreement: str) -> AgreementSettings:
    """The agreement's settings (unsaved defaults when none are stored)."""
    found = AgreementSettings.objects.filter(agreement=agreement).first()
    return found or AgreementSettings(agreement=agreement)


def renewal_text(version: AgreementVersion) -> str:
    term = version.term
    if version.follows:
        return f"Följer huvudavtalets ({version.follows}) avtalstid."
    if term.renewal_years:
        return (
            f"Förlängs med {term.renewal_years} år åt gången om det inte sägs upp skriftligen "
            f"{term.notice_months} månader före utgången."
        )
    return "Ingen automatisk förlängning."


@dataclass
class Reminder:
    agreement: str
    kind: str  # notice_deadline | followup | agreement_ends
    due: dt.date
    shows_from: dt.date
    title: str
    role: str
    region: str

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse("deviations:agreement", args=[self.agreement])


@dataclass
class AgreementOverview:
    version: AgreementVersion
    status: validity.Status
    parties: list[Organisation]
    notices: list[Notice]
    renewal: str
    final_end: dt.date | None  # None: keeps renewing
    next_notice_deadline: dt.date | None
    who_must_act: str
    forum: str
    followup_dues: list[dt.date]  # this year's and next year's, while in force
    next_followup: dt.date | None
    settings: AgreementSettings
    reminders: list[Reminder]
    citations: list[Citation] = field(default_factory=list)
    dispute_path: list[Any] = field(default_factory=list)

    @property
    def agreement(self) -> str:
        return self.version.agreement


def _who_must_act(version: AgreementVersion, status: validity.Status) -> str:
    if version.follows:
        return f"Följer {version.follows}: uppsägning av huvudavtalet avslutar även bilagan."
    if status.next_notice_deadline is None:
        if status.ended:
            return "Avtalet har upphört."
        if status.valid_to is not None and version.term.renewal_years:
            return "Uppsägning är gjord; avtalet upphör vid periodens slut."
        return "Ingen uppsägning behövs: avtalet upphör utan förlängning."
    forum = version.forum or "parterna"
    return (
        f"Part som vill avsluta avtalet säger upp det skriftligen senast "
        f"{status.next_notice_deadline:%Y-%m-%d}; uppsägningen hanteras i {forum}."
    )


def _followup_dues(
    version: AgreementVersion, cfg: AgreementSettings, on: dt.date, end: dt.date | None
) -> list[dt.date]:
    """The yearly follow-up due dates of this year and the next, for years the agreement is
    in force (an annex is followed up with its main agreement)."""
    if version.follows:
        return []
    return [
        cfg.followup_due(year)
        for year in (on.year, on.year + 1)
        if version.starts.year <= year and (end is None or year <= end.year)
    ]


def agreement_overview(
    agreement: str, on: dt.date | None = None, notices: dict[str, dt.date] | None = None
) -> AgreementOverview:
    """Parties, term, renewal, next notice deadline and who must act, follow-up due dates,
    the forum, and the reminders that are due on `on` (default today)."""
    from samverkan.deviations.disputes import escalation_path

    on = on or timezone.localdate()
    version = VERSIONS[agreement]
    notices = recorded_notices() if notices is None else notices
    status = validity.status(version, on, notices)
    cfg = settings_for(agreement)
    end = validity.version_end(version, notices)
    dues = _followup_dues(version, cfg, on, end) if not status.ended else []
    owner = version.follows or agreement
    citations = [c for c in (FOLLOWUP_CLAUSE.get(agreement),) if c]
    if agreement.startswith("jh-hemsjukvard"):
        citations.insert(0, TERMINATION_IN_FORUM)
    return AgreementOverview(
        version=version,
        status=status,
        parties=list(Organisation.objects.filter(region=version.region).order_by("-kind", "name")),
        notices=list(Notice.objects.filter(agreement=owner).select_related("given_by")),
        renewal=renewal_text(version),
        final_end=end,
        next_notice_deadline=status.next_notice_deadline,
        who_must_act=_who_must_act(version, status),
        forum=version.forum,
        followup_dues=dues,
        next_followup=next((d for d in dues if d >= on), None),
        settings=cfg,
        reminders=_reminders(version, status, cfg, dues, end, on),
        citations=citations,
        dispute_path=list(escalation_path(agreement)),
    )


def agreements_overview(
    on: dt.date | None = None, region: str | None = None
) -> list[AgreementOverview]:
    notices = recorded_notices()
    return [
        agreement_overview(v.agreement, on, notices)
        for v in ALL_VERSIONS
        if region is None or v.region == region
    ]


def _reminders(
    version: AgreementVersion,
    status: validity.Status,
    cfg: AgreementSettings,
    dues: list[dt.date],
    end: dt.date | None,
    on: dt.date,
) -> list[Reminder]:
    lead = dt.timedelta(days=cfg.reminder_lead_days)
    candidates: list[tuple[str, dt.date, str]] = []
    if status.next_notice_deadline and not version.follows:
        candidates.append(
            (
                "notice_deadline",
                status.next_notice_deadline,
                f"Sista dag för uppsägning: {version.title}",
            )
        )
    if end is not None and not status.ended:
        candidates.append(("agreement_ends", end, f"Avtalet upphör: {version.title}"))
    for due in dues:
        candidates.append(("followup", due, f"Årlig uppföljning: {version.title}"))
    return [
        Reminder(
            agreement=version.agreement,
            kind=kind,
            due=due,
            shows_from=due - lead,
            title=title,
            role=cfg.responsible_role,
            region=version.region,
        )
        for kind, due, title in candidates
        if due - lead <= on <= due
    ]


def reminders(on: dt.date | None = None, agreement: str | None = None) -> list[Reminder]:
    """Every reminder showing on `on` (each deadline from `lead` days before it until it)."""
    overviews = [agreement_overview(agreement, on)] if agreement else agreements_overview(on)
    return [reminder for overview in overviews for reminder in overview.reminders]


def reminders_for(user: Any, on: dt.date | None = None) -> list[Reminder]:
    """The reminders for this user's role in this user's region."""
    profile = access.profile(user)
    if profile is None:
        return []
    roles = set(AgreementSettings.objects.values_list("responsible_role", flat=True))
    if profile.role not in roles | {AgreementSettings().responsible_role}:
        return []  # the common case (most roles are reminded of nothing): no computing
    return [
        r
        for r in reminders(on)
        if r.role == profile.role and r.region == profile.organisation.region
    ]


@transaction.atomic
def record_notice(
    actor: Any,
    agreement: str,
    *,
    given_by: Organisation,
    given_on: dt.date,
    document_ref: str,
) -> Notice:
    """Record a written notice of termination; the computed end follows from it."""
    version = VERSIONS.get(agreement)
    why = "Avtal: registrera uppsägning"
    if version is None:
        raise ValidationError({"agreement": "Okänt avtal."})
    access.require_records_role(actor, version.region, Notice, why)
    errors: dict[str, str] = {}
    if version.follows:
        errors["agreement"] = f"Bilagan följer {version.follows}: säg upp huvudavtalet."
    elif not version.term.renewal_years:
        errors["agreement"] = "Avtalet förlängs inte automatiskt; ingen uppsägning behövs."
    if given_by.region != version.region:
        errors["given_by"] = "Den som säger upp ska vara part i avtalet."
    if given_on < version.starts:
        errors["given_on"] = "Datumet är före avtalets start."
    elif validity.status(version, given_on, recorded_notices()).ended:
        errors["given_on"] = "Avtalet hade redan upphört den dagen."
    if given_on > timezone.localdate():
        errors["given_on"] = "Datumet ligger i framtiden."
    if not document_ref.strip():
        errors["document_ref"] = (
            "Ange diarienummer eller dokumentreferens för den skriftliga uppsägningen."
        )
    if errors:
        raise ValidationError(errors)
    notice = Notice.objects.create(
        agreement=agreement,
        given_by=given_by,
        given_on=given_on,
        document_ref=document_ref.strip(),
        recorded_by=access.user_of(actor),
    )
    record(actor, Action.CREATE, Notice, notice.pk, why=why)
    return notice


@transaction.atomic
def update_settings(
    actor: Any,
    agreement: str,
    *,
    reminder_lead_days: int = DEFAULT_LEAD_DAYS,
    responsible_role: str = Role.FORUM_MEMBER,
    followup_month: int = 12,
    followup_day: int = 31,
) -> AgreementSettings:
    version = VERSIONS[agreement]
    why = "Avtal: ändra påminnelser"
    access.require_records_role(actor, version.region, AgreementSettings, why)
    cfg = settings_for(agreement)
    cfg.reminder_lead_days = reminder_lead_days
    cfg.responsible_role = responsible_role
    cfg.followup_month = followup_month
    cfg.followup_day = followup_day
    cfg.full_clean()
    cfg.save()
    record(actor, Action.UPDATE, AgreementSettings, cfg.pk, why=why)
    return cfg


# --- local agreements and routines --------------------------------------------------------


class LocalAgreementRefused(ValidationError):
    """A local agreement at a point §8.3 does not allow; `reason` quotes §8.3."""

    def __init__(self, point: str):
        self.point = point
        self.clause = LOCAL_ONLY_AT_POINTS.clause
        self.reason = LOCAL_ONLY_AT_POINTS.paragraph
        super().__init__(
            {"point": f"Lokal överenskommelse är inte tillåten här. {self.clause}: »{self.reason}«"}
        )


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
    return local


def care_areas(region: str) -> list[tuple[Unit, Organisation]]:
    """The hälsocentral–kommun pairs of a region (CareArea); every pair when none is set."""
    areas = CareArea.objects.filter(municipality__region=region).select_related(
        "health_centre", "municipality"
    )
    if areas:
        return [(a.health_centre, a.municipality) for a in areas]
    centres = Unit.objects.filter(
        organisation__region=region,
        organisation__kind=OrganisationKind.REGION,
        kind=UnitKind.PRIMARY_CARE,
    ).order_by("name")
    kommuner = Organisation.objects.filter(
        region=region, kind=OrganisationKind.MUNICIPALITY
    ).order_by("name")
    return [(centre, kommun) for kommun in kommuner for centre in centres]


@dataclass
class RoutineCell:
    point: LocalPoint
    routine: LocalAgreement | None

    @property
    def present(self) -> bool:
        return self.routine is not None


@dataclass
class RoutineRow:
    health_centre: Unit
    municipality: Organisation
    cells: list[RoutineCell]

    @property
    def missing(self) -> list[LocalPoint]:
        return [cell.point for cell in self.cells if not cell.present]


@dataclass
class RoutinesMatrix:
    region: str
    on: dt.date
    points: tuple[LocalPoint, ...]
    rows: list[RoutineRow]

    @property
    def complete_rows(self) -> int:
        return sum(1 for row in self.rows if not row.missing)


def routines_matrix(
    region: str = "jamtland-harjedalen", on: dt.date | None = None
) -> RoutinesMatrix:
    """The required routines, present or missing, per hälsocentral and kommun on `on`.

    A routine for the pair, or one for the kommun without a hälsocentral, counts as present.
    """
    on = on or timezone.localdate()
    routines = [
        r
        for r in LocalAgreement.objects.filter(
            municipality__region=region, point__in=[p.key for p in REQUIRED_ROUTINES]
        ).order_by("-agreed_on")
        if r.in_force_on(on)
    ]
    rows = []
    for centre, kommun in care_areas(region):
        cells = []
        for point in REQUIRED_ROUTINES:
            match = next(
                (
                    r
                    for r in routines
                    if r.point == point.key
                    and r.municipality_id == kommun.pk
                    and r.health_centre_id in (None, centre.pk)
                ),
                None,
            )
            cells.append(RoutineCell(point, match))
        rows.append(RoutineRow(centre, kommun, cells))
    return RoutinesMatrix(region, on, REQUIRED_ROUTINES, rows)


# --- Bilaga 2 lists -----------------------------------------------------------------------

LISTS_REGION = "jamtland-harjedalen"  # Bilaga 2 is part of the Jämtland Härjedalen agreement


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


def missing_signatures(lst: Bilaga2List) -> list[WorkingGroupMember]:
    return list(lst.members.filter(signed_at__isnull=True).select_related("user", "organisation"))


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


def lists_for(region: str = LISTS_REGION) -> QuerySet[Bilaga2List]:
    return Bilaga2List.objects.filter(region=region).prefetch_related("members")


def region_name(region: str) -> str:
    return REGIONS[region].name if region in REGIONS else region
