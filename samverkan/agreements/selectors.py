"""What other rooms may read of the agreements' lifecycle (reads only; writes: `services`).

Terms and renewal are computed by `samverkan.rules.validity` from the declarations and the
notices recorded here: `recorded_notices()` (also for apps that build rule sets, e.g.
`ruleset.build(ALL_VERSIONS, region, recorded_notices())`) and `cached_notices()`, the source
this room registers with the rules (`apps.py`), so every decision sees recorded terminations.

Also here: each agreement's dispute path (`escalation_path`, read from its declaration), the
main agreement per region (`DEFAULT_AGREEMENT`), reminders, the routines matrix, the Bilaga 2
lists, and the yearly report's queries on local agreements and routines. `Citation` quotes
the clause library by anchor, for every room that cites the agreements.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from samverkan.accounts.models import Organisation, OrganisationKind, Unit, UnitKind, acting_as
from samverkan.agreements import access
from samverkan.agreements.citations import (
    FOLLOWUP_CLAUSE,
    TERMINATION_IN_FORUM,
    Citation,
)
from samverkan.agreements.escalation import (
    COURT,
    FORUM,
    MANAGERS,
    NEAREST_MANAGERS,
    VERSIONS,
    EscalationStep,
    escalation_path,
    forum_levels,
)
from samverkan.agreements.local_points import (
    LOCAL_AGREEMENTS_AGREEMENT,
    LOCAL_POINTS,
    POINT_CHOICES,
    POINTS_BY_KEY,
    REQUIRED_ROUTINES,
    LocalPoint,
)
from samverkan.agreements.models import (
    AgreementSettings,
    Bilaga2List,
    CareArea,
    LocalAgreement,
    Notice,
    NoticeScope,
    WorkingGroupMember,
)
from samverkan.rules import (
    ALL_VERSIONS,
    REGIONS,
    AgreementVersion,
    Status,
    agreement_name,
    final_end,
    notice_deadline,
    term_ends,
    version_end,
)
from samverkan.rules import status as rules_status

__all__ = [
    "COURT",
    "DEFAULT_AGREEMENT",
    "FORUM",
    "LISTS_REGION",
    "LOCAL_AGREEMENTS_AGREEMENT",
    "LOCAL_POINTS",
    "MANAGERS",
    "NEAREST_MANAGERS",
    "POINTS_BY_KEY",
    "POINT_CHOICES",
    "REQUIRED_ROUTINES",
    "VERSIONS",
    "AgreementOverview",
    "Citation",
    "EscalationStep",
    "LocalAgreementRow",
    "LocalPoint",
    "NoticeConsequence",
    "Participation",
    "Reminder",
    "RoutineCoverage",
    "RoutinesMatrix",
    "agreement_family",
    "agreement_overview",
    "agreements_overview",
    "cached_notices",
    "care_areas",
    "escalation_path",
    "forget_notices",
    "forum_levels",
    "lists_for",
    "local_agreements_in_year",
    "missing_signatures",
    "notice_consequence",
    "notices_in_effect",
    "participation",
    "participation_ends",
    "recorded_notices",
    "region_name",
    "reminders",
    "reminders_for",
    "routines_matrix",
    "routines_coverage",
    "settings_for",
    "unsigned_lists_of",
]

# The main agreement per region: a deviation or dispute belongs to it unless another is named.
DEFAULT_AGREEMENT = {"jamtland-harjedalen": "jh-hemsjukvard", "gavleborg": "gvb-svart-sjuka"}
LISTS_REGION = "jamtland-harjedalen"  # Bilaga 2 is part of the Jämtland Härjedalen agreement


# --- notices, the computed term, reminders --------------------------------------------------


def notices_in_effect(agreement: str | None = None) -> QuerySet[Notice]:
    """Notices neither withdrawn nor replaced by a correction (the history stays in the table)."""
    rows = Notice.objects.filter(withdrawn_at__isnull=True).select_related("given_by")
    return rows.filter(agreement=agreement) if agreement else rows


def ends_for_all(notice_scope: str, given_by: Organisation) -> bool:
    """Whether a notice by `given_by` ends the agreement for every party.

    With the scope "all" any party's notice does. With the default scope "party" only that
    party's participation ends, except when the party is the region: the region is the
    counterpart of every kommun in the agreement, so without it nothing remains."""
    return notice_scope == NoticeScope.ALL or given_by.kind == OrganisationKind.REGION


def recorded_notices() -> dict[str, dt.date]:
    """agreement id -> the earliest notice in effect that ends the agreement for all parties
    (validity's `notices`: what the rules, the guide, the API and the library read)."""
    scopes = dict(AgreementSettings.objects.values_list("agreement", "notice_scope"))
    found: dict[str, dt.date] = {}
    for notice in notices_in_effect().order_by("given_on", "id"):
        scope = scopes.get(notice.agreement, NoticeScope.PARTY)
        if ends_for_all(scope, notice.given_by) and notice.agreement not in found:
            found[notice.agreement] = notice.given_on
    return found


@dataclass(frozen=True)
class Participation:
    """One party's place in an agreement: in it until `ends` (None: no notice in effect)."""

    organisation: Organisation
    ends: dt.date | None
    notice: Notice | None


def participation(agreement: str) -> list[Participation]:
    """Every party of the agreement with the day its participation ends (the lifecycle
    selector the agreement page, the guide's banner and the API read)."""
    version = VERSIONS[agreement]
    owner = version.follows or agreement
    whole_end = version_end(version, recorded_notices())
    own: dict[int, Notice] = {}
    for notice in notices_in_effect(owner).order_by("given_on", "id"):
        own.setdefault(notice.given_by_id, notice)
    rows = []
    term = VERSIONS[owner].term
    for org in Organisation.objects.filter(region=version.region).order_by("-kind", "name"):
        given = own.get(org.pk)
        ends = final_end(term, given.given_on) if given else None
        if whole_end is not None:
            ends = whole_end if ends is None else min(ends, whole_end)
        rows.append(Participation(org, ends, given))
    return rows


def participation_ends(agreement: str, organisation: Organisation) -> dt.date | None:
    for row in participation(agreement):
        if row.organisation.pk == organisation.pk:
            return row.ends
    return None


@dataclass(frozen=True)
class NoticeConsequence:
    """What a notice given on `given_on` by `given_by` does, stated before it is confirmed."""

    agreement: str
    given_by: Organisation
    given_on: dt.date
    ends_on: dt.date
    deadline: dt.date  # the last day to end the term ending on `term_end`
    term_end: dt.date  # the end of the term current on `given_on`
    for_all: bool

    @property
    def too_late_for_current_term(self) -> bool:
        return self.ends_on != self.term_end

    @property
    def text(self) -> str:
        who = (
            "Avtalet upphör för alla parter"
            if self.for_all
            else (f"{self.given_by.name}s deltagande i avtalet upphör")
        )
        why = (
            f"uppsägningen kommer efter {self.deadline:%Y-%m-%d}, sista dag att säga upp "
            f"till {self.term_end:%Y-%m-%d}, så avtalet förlängs en period till"
            if self.too_late_for_current_term
            else f"uppsägningen kommer senast {self.deadline:%Y-%m-%d}"
        )
        return f"{who} den {self.ends_on:%Y-%m-%d} ({why})."


def notice_consequence(
    agreement: str, given_by: Organisation, given_on: dt.date
) -> NoticeConsequence:
    """jh-hemsjukvard §10: a written notice takes effect at the end of the current term if
    given at least six months before it, else at the end of the following term."""
    version = VERSIONS[agreement]
    term = version.term
    current_end = next(end for end in term_ends(term, given_on) if given_on <= end)
    ends_on = final_end(term, given_on)
    assert ends_on is not None  # only renewing agreements take notice
    return NoticeConsequence(
        agreement=agreement,
        given_by=given_by,
        given_on=given_on,
        ends_on=ends_on,
        deadline=notice_deadline(term, current_end),
        term_end=current_end,
        for_all=ends_for_all(settings_for(agreement).notice_scope, given_by),
    )


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
        return f"Följer huvudavtalets avtalstid ({agreement_name(version.follows)})."
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

        return reverse("agreements:agreement", args=[self.agreement])


@dataclass
class AgreementOverview:
    version: AgreementVersion
    status: Status
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
    participation: list[Participation] = field(default_factory=list)

    @property
    def agreement(self) -> str:
        return self.version.agreement


def _who_must_act(version: AgreementVersion, status: Status) -> str:
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
    on = on or timezone.localdate()
    version = VERSIONS[agreement]
    notices = recorded_notices() if notices is None else notices
    status = rules_status(version, on, notices)
    cfg = settings_for(agreement)
    end = version_end(version, notices)
    dues = _followup_dues(version, cfg, on, end) if not status.ended else []
    owner = version.follows or agreement
    citations = [c for c in (FOLLOWUP_CLAUSE.get(agreement),) if c]
    if agreement.startswith("jh-hemsjukvard"):
        citations.insert(0, TERMINATION_IN_FORUM)
    return AgreementOverview(
        version=version,
        status=status,
        parties=list(Organisation.objects.filter(region=version.region).order_by("-kind", "name")),
        notices=list(
            Notice.objects.filter(agreement=owner)
            .select_related("given_by")
            .prefetch_related("corrections")
        ),
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
        participation=participation(agreement),
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
    status: Status,
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


# --- local agreements and routines --------------------------------------------------------


def care_areas(region: str) -> list[tuple[Unit, Organisation]]:
    """The hälsocentral–kommun pairs of a region (CareArea); every pair when none is set."""
    areas = CareArea.objects.filter(municipality__region=region).select_related(
        "health_centre", "municipality"
    )
    if areas:
        return [(a.health_centre, a.municipality) for a in areas]
    centres = Unit.objects.filter(
        acting_as(OrganisationKind.REGION, "organisation__"),
        organisation__region=region,
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


def missing_signatures(lst: Bilaga2List) -> list[WorkingGroupMember]:
    return list(lst.members.filter(signed_at__isnull=True).select_related("user", "organisation"))


def unsigned_lists_of(user: Any) -> QuerySet[WorkingGroupMember]:
    """The user's memberships of working groups whose draft still lacks the user's signature."""
    return WorkingGroupMember.objects.filter(
        user=user, signed_at__isnull=True, bilaga2_list__fixed_at__isnull=True
    ).select_related("bilaga2_list")


def lists_for(region: str = LISTS_REGION) -> QuerySet[Bilaga2List]:
    return Bilaga2List.objects.filter(region=region).prefetch_related("members")


def region_name(region: str) -> str:
    return REGIONS[region].name if region in REGIONS else region


# --- the yearly report (samverkan/followup) -------------------------------------------------


def agreement_family(agreement: str) -> list[str]:
    """The agreement and the annexes that follow it (jh-hemsjukvard + Bilaga 2)."""
    return [agreement, *(v.agreement for v in VERSIONS.values() if v.follows == agreement)]


@dataclass(frozen=True)
class LocalAgreementRow:
    id: int
    point: str
    point_label: str
    municipality: str
    health_centre: str  # "" = the whole kommun
    title: str
    agreed_on: dt.date
    valid_to: dt.date | None


def local_agreements_in_year(agreement: str, year: int) -> list[LocalAgreementRow]:
    """Local agreements and routines (jh-hemsjukvard §8.3) in force at some time in `year`."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = (
        LocalAgreement.objects.filter(
            agreement__in=agreement_family(agreement), agreed_on__lte=last
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        .select_related("municipality", "health_centre")
    )
    return [
        LocalAgreementRow(
            id=r.pk,
            point=r.point,
            point_label=POINTS_BY_KEY[r.point].label if r.point in POINTS_BY_KEY else r.point,
            municipality=r.municipality.name,
            health_centre=r.health_centre.name if r.health_centre else "",
            title=r.title,
            agreed_on=r.agreed_on,
            valid_to=r.valid_to,
        )
        for r in rows
    ]


@dataclass(frozen=True)
class PointCoverage:
    point: str
    label: str
    present: int
    missing: int


@dataclass(frozen=True)
class RoutineCoverage:
    region: str
    on: dt.date
    pairs: int  # hälsocentral–kommun pairs
    complete_pairs: int  # pairs with every required routine
    points: list[PointCoverage]
    missing: list[tuple[str, str, str]]  # (hälsocentral, kommun, point label)


def routines_coverage(
    region: str = "jamtland-harjedalen", on: dt.date | None = None
) -> RoutineCoverage:
    """How many hälsocentral–kommun pairs have each required routine on `on`."""
    matrix = routines_matrix(region, on)
    present: Counter[str] = Counter()
    missing = []
    for row in matrix.rows:
        for cell in row.cells:
            if cell.present:
                present[cell.point.key] += 1
            else:
                missing.append((row.health_centre.name, row.municipality.name, cell.point.label))
    n = len(matrix.rows)
    return RoutineCoverage(
        region=region,
        on=matrix.on,
        pairs=n,
        complete_pairs=matrix.complete_rows,
        points=[
            PointCoverage(p.key, p.label, present[p.key], n - present[p.key]) for p in matrix.points
        ],
        missing=missing,
    )
