"""The one door for personal data: who may see which person, which of its records, and the
audit of every look.

Every view, API endpoint and service that reads or changes a person goes through here.

The boundary is vårdgivare × verksamhet (× care unit). The region and each kommun is its own
vårdgivare (`accounts.Organisation`); health care (PDL 2008:355) and social services
(SoL/LSS, OSL 26 kap.) are separate verksamheter with secrecy between them even inside one
kommun (OSL 8 kap. 2 §).

Persons: staff see the persons their own organisation has an active care relation with *in
their own verksamhet* (`CareRelation.verksamhet` = `StaffProfile.verksamhet`; PDL 4 kap. 1 §,
HSLF-FS 2016:40 4 kap. 2 §). Users whose role works in no verksamhet (ekonom, forum member,
administrator) reach no person by a care relation. Nothing else widens who sees a person: a
SIP opens its plan in the SIP room (`samverkan.sip.access`), not the person or its record.

Records: seeing a person is not seeing its record. `reach_of(actor)` gives the user's
`Reach` (organisation, verksamhet, unit), and its querysets `facts(person)`,
`interventions(person)`, `decisions(intervention)`, `assessments(person)`, `tasks(person)`
are the ONE filter every view, API endpoint and selector uses: only what the user's own
vårdgivare × verksamhet recorded, and only with an active care relation there; records of a
unit the person blocked (inre spärr, PDL 4 kap. 4 §) are hidden from the vårdgivare's other
units. Another vårdgivare's records are in no `Reach`.

Roles: the care and medical-lead roles may read and change persons (`READ_ROLES` =
`WRITE_ROLES`); the ekonom, forum members and administrators see no person record here
(the ekonom sees service records in the purchases room; administrators follow up the audit
log). A user with no such role gets 403; a person that is not visible (or does not exist) is
a 404, as is a record of another vårdgivare (or one that does not exist), so that a refusal
does not tell whether it exists. Refusals are logged (`access_denied`), with `owner=` the
vårdgivare whose record was asked for.

Superusers are technical administrators: they get no access to persons by that alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from samverkan.accounts.actors import ActorLike, role_of, user_of
from samverkan.accounts.models import Role, Verksamhet
from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.people.models import (
    AccessBlock,
    AccessBlockKind,
    CareRelation,
    FactRecord,
    IdentityProtection,
    Intervention,
    Person,
    ResponsibilityDecision,
    SelfCareAssessment,
    Task,
    active_on,
)
from samverkan.people.withholding import (
    PROTECTED_MARKER,
    WITHHELD_TEXT,
    contact_text,
    mark_protection,
    withhold_contact,
    withhold_home_municipality,
)

__all__ = [
    "INVOICING_ROLES",
    "SOCIAL_SERVICES_INTERVENTIONS",
    "Reach",
    "PROTECTED_MARKER",
    "WITHHELD_TEXT",
    "contact_text",
    "mark_protection",
    "withhold_contact",
    "withhold_home_municipality",
    "READ_ROLES",
    "WRITE_ROLES",
    "can_change",
    "can_see",
    "get_person_for",
    "has_read_role",
    "has_write_role",
    "internally_blocked_q",
    "shared_blocked_q",
    "internally_blocked_units",
    "is_protected",
    "protected_person_ids",
    "shared_blocked",
    "shared_blocked_persons",
    "own_persons",
    "persons_visible_to",
    "intervention_verksamhet",
    "reach_of",
    "record_change",
    "record_view",
    "require_read_role",
    "require_write_role",
    "get_assessment_for",
    "get_decision_for",
    "get_intervention_for",
]

# Who may read persons at all (their own vårdgivare × verksamhet's). The ekonom is not
# here: invoicing needs service records with pseudonymous references (the purchases room),
# not the person's record (OSL 25 kap. 1 §, 26 kap. 1 §: need to know).
READ_ROLES: frozenset[str] = frozenset(
    {
        Role.NURSE,
        Role.PHYSICIAN,
        Role.OCCUPATIONAL_THERAPIST,
        Role.PHYSIOTHERAPIST,
        Role.NEEDS_ASSESSOR,
        Role.SIP_COORDINATOR,
        Role.MAS,
        Role.CHIEF_PHYSICIAN,
    }
)
# Who may register persons, facts, interventions, decisions and tasks.
WRITE_ROLES: frozenset[str] = READ_ROLES
# Who registers and invoices her organisation's services without reading any record: her
# organisation's persons are known to the service-record rooms (`own_persons`,
# `persons_visible_to`, `resolve_identifier`), never to a person page, `/api/persons` or a
# `Reach` (need to know, OSL 25 kap. 1 §, 26 kap. 1 §; the names are the purchases room's
# to withhold).
INVOICING_ROLES: frozenset[str] = frozenset({Role.FINANCE_OFFICER})

Actor = (
    ActorLike  # a request (which also gives the IP address to the audit log), a user or an Actor
)


def _user(actor: Actor) -> Any:
    return user_of(actor)


def _role(user: Any) -> str | None:
    return role_of(user)


def has_read_role(user: Any) -> bool:
    return _role(user) in READ_ROLES


def has_write_role(user: Any) -> bool:
    return _role(user) in WRITE_ROLES


def require_read_role(actor: Actor, why: str = "") -> None:
    """PermissionDenied (logged) unless the user's role may read persons at all."""
    if not has_read_role(_user(actor)):
        record(actor, Action.ACCESS_DENIED, Person, why=why or "Personer: roll saknar åtkomst")
        raise PermissionDenied


def require_write_role(actor: Actor, why: str = "") -> None:
    """PermissionDenied (logged) unless the user's role may change persons."""
    if not has_write_role(_user(actor)):
        record(actor, Action.ACCESS_DENIED, Person, why=why or "Personer: roll får inte ändra")
        raise PermissionDenied


def _own_relations(profile: Any) -> QuerySet[CareRelation]:
    """The active care relations that open records to this staff profile: its vårdgivare,
    its verksamhet (none for a role outside every verksamhet). For the ekonom
    (`INVOICING_ROLES`) the relations of her organisation in any verksamhet: whose services
    it registers and invoices; they open no record (she has no read role and no `Reach`)."""
    if profile is not None and profile.role in INVOICING_ROLES:
        return CareRelation.objects.filter(active_on(), organisation_id=profile.organisation_id)
    verksamhet = profile.verksamhet if profile is not None else None
    if profile is None or profile.role not in READ_ROLES or not verksamhet:
        return CareRelation.objects.none()
    return CareRelation.objects.filter(
        active_on(), organisation_id=profile.organisation_id, verksamhet=verksamhet
    )


def own_persons(user: Any) -> QuerySet[Person]:
    """Persons with an active care relation to the user's organisation in the user's
    verksamhet (not merged)."""
    profile = profile_of(_user(user))
    related = _own_relations(profile)
    return Person.objects.active().filter(pk__in=related.values("person_id"))


def persons_visible_to(user: Any) -> QuerySet[Person]:
    """Every (not merged) person the user may see: own vårdgivare × verksamhet by care
    relation. For the ekonom: her organisation's persons (`own_persons`) as the
    service-record and invoicing rooms need them (never a person page or record)."""
    user = _user(user)
    profile = profile_of(user)
    if profile is not None and profile.role in INVOICING_ROLES:
        return own_persons(user)
    if profile is None or profile.role not in READ_ROLES:
        return Person.objects.none()
    return Person.objects.active().filter(pk__in=_own_relations(profile).values("person_id"))


def can_see(user: Any, person: Person) -> bool:
    """True if the user may see this person (a merged record: if they may see the survivor)."""
    survivor = person.survivor()
    return persons_visible_to(user).filter(pk=survivor.pk).exists()


def can_change(user: Any, person: Person) -> bool:
    """May change: a write role, and the person is one of the own vårdgivare × verksamhet's.

    What may be changed is the user's own records only (`Reach`): facts are recorded as
    hers, and another vårdgivare's intervention or assessment is not found
    (`get_intervention_for`).
    """
    user = _user(user)
    if not has_write_role(user):
        return False
    return own_persons(user).filter(pk=person.survivor().pk).exists()


# --- records: the user's reach -----------------------------------------------------------

#: Interventions of the social services (SoL/LSS: boendestöd, sysselsättning/daglig
#: verksamhet, anhörigstöd); every other intervention kind is health care (HSL).
SOCIAL_SERVICES_INTERVENTIONS: frozenset[str] = frozenset(
    {"housing_support", "occupation", "relative_support"}
)


def intervention_verksamhet(kind: str) -> str:
    """The verksamhet whose record an intervention of this kind is."""
    if kind in SOCIAL_SERVICES_INTERVENTIONS:
        return Verksamhet.SOCIAL_SERVICES
    return Verksamhet.HEALTH_CARE


@dataclass
class Reach:
    """What one user reaches of persons' records: her vårdgivare × verksamhet (× unit).

    Built once per request by `reach_of`. Every read of a person's records (the person page,
    `/api/persons/{id}/…`, the selectors) filters through its querysets, so the rule is in
    one place. `organisation_id`/`verksamhet` None reach nothing by care relation.
    """

    user: Any
    organisation_id: Any  # int | None (Any: it is compared in lookups as is)
    verksamhet: str | None
    unit_id: Any  # int | None
    _own: dict[Any, bool] = field(default_factory=dict, repr=False)
    _blocked: dict[Any, frozenset[int]] = field(default_factory=dict, repr=False)

    # -- the person level

    def has_relation(self, person: Person) -> bool:
        """An active care relation of the user's vårdgivare in her verksamhet."""
        pk = person.survivor().pk
        if pk not in self._own:
            self._own[pk] = (
                self.organisation_id is not None
                and bool(self.verksamhet)
                and own_persons(self.user).filter(pk=pk).exists()
            )
        return self._own[pk]

    def blocked_units(self, person: Person) -> frozenset[int]:
        """Units of the user's vårdgivare whose records the person blocked from the other
        units (inre spärr, PDL 4 kap. 4 §); the user's own unit is never blocked for her."""
        pk = person.survivor().pk
        if pk not in self._blocked:
            units = (
                internally_blocked_units(person, self.organisation_id)
                if self.organisation_id is not None
                else set()
            )
            units.discard(self.unit_id)  # type: ignore[arg-type]
            self._blocked[pk] = frozenset(units)
        return self._blocked[pk]

    def _narrow(self, queryset: QuerySet[Any], own: Q | None, person: Person) -> Any:
        """The user's own records of `queryset` (`own`), with a care relation; else none."""
        if own is None or not self.has_relation(person):
            return queryset.none()
        return queryset.filter(own)

    # -- the records

    def facts(self, person: Person) -> QuerySet[FactRecord]:
        """The person's fact records the user's vårdgivare × verksamhet recorded. Facts with
        no provenance (recorded before it was kept, or by a system without a user) belong
        to no vårdgivare: nobody reaches them, and decisions for given parties skip them."""
        person = person.survivor()
        own = Q(organisation_id=self.organisation_id, verksamhet=self.verksamhet or "-")
        blocked = self.blocked_units(person)
        if blocked:
            own &= ~Q(unit_id__in=blocked)
        return self._narrow(FactRecord.objects.filter(person=person), own, person)

    def interventions(self, person: Person) -> QuerySet[Intervention]:
        """The person's interventions the user's vårdgivare performs or ordered, of her
        verksamhet. The parties of a tjänsteköp (performing and ordering) share the
        intervention and its decisions (an interpretation, see README "Access")."""
        person = person.survivor()
        kinds = [
            kind
            for kind in _intervention_kinds()
            if intervention_verksamhet(kind) == self.verksamhet
        ]
        own = (
            Q(performing_organisation_id=self.organisation_id)
            | Q(ordering_organisation_id=self.organisation_id)
        ) & Q(kind__in=kinds)
        blocked = self.blocked_units(person)
        if blocked:
            own &= ~Q(performing_unit_id__in=blocked)
        return self._narrow(Intervention.objects.filter(person=person), own, person)

    def decisions(self, intervention: Intervention) -> QuerySet[ResponsibilityDecision]:
        """The decisions of an intervention in reach (none of one out of reach)."""
        if not self.interventions(intervention.person).filter(pk=intervention.pk).exists():
            return ResponsibilityDecision.objects.none()
        return intervention.decisions.all()

    def assessments(self, person: Person) -> QuerySet[SelfCareAssessment]:
        """The egenvård assessments the user's vårdgivare made (health care records: HSL,
        HSLF-FS 2022:39), not those of a unit the person blocked."""
        person = person.survivor()
        own: Q | None = None
        if self.verksamhet == Verksamhet.HEALTH_CARE:
            own = Q(assessed_by_organisation_id=self.organisation_id)
            blocked = self.blocked_units(person)
            if blocked:
                own &= ~Q(assessed_by__staff_profile__unit_id__in=blocked)
        return self._narrow(SelfCareAssessment.objects.filter(person=person), own, person)

    def tasks(self, person: Person) -> QuerySet[Task]:
        """The person's tasks of the user's vårdgivare (about an intervention in reach, or
        none), not those of a unit the person blocked."""
        person = person.survivor()
        own = Q(organisation_id=self.organisation_id) & (
            Q(intervention__isnull=True)
            | Q(intervention__in=self.interventions(person).values("pk"))
        )
        if self.verksamhet != Verksamhet.HEALTH_CARE:
            own &= Q(source_assessment__isnull=True)
        blocked = self.blocked_units(person)
        if blocked:
            own &= ~Q(unit_id__in=blocked)
        return self._narrow(Task.objects.filter(person=person), own, person)

    def owns_intervention(self, intervention: Intervention) -> bool:
        """The user's vårdgivare × verksamhet may change this intervention (its own)."""
        return (
            self.has_relation(intervention.person)
            and intervention_verksamhet(intervention.kind) == self.verksamhet
            and self.organisation_id
            in (intervention.performing_organisation_id, intervention.ordering_organisation_id)
            and intervention.performing_unit_id not in self.blocked_units(intervention.person)
        )

    def owns_assessment(self, assessment: SelfCareAssessment) -> bool:
        return (
            self.has_relation(assessment.person)
            and self.verksamhet == Verksamhet.HEALTH_CARE
            and assessment.assessed_by_organisation_id == self.organisation_id
        )


def _intervention_kinds() -> list[str]:
    from samverkan.rules import INTERVENTIONS

    return list(INTERVENTIONS)


_REACH_ATTRIBUTE = "_samverkan_reach"


def reach_of(actor: Actor) -> Reach:
    """The user's reach, built once per request (cached on the request object)."""
    cached = getattr(actor, _REACH_ATTRIBUTE, None)
    user = _user(actor)
    if isinstance(cached, Reach) and cached.user is user:
        return cached
    profile = profile_of(user)
    if profile is not None and profile.role in READ_ROLES:
        reach = Reach(user, profile.organisation_id, profile.verksamhet or None, profile.unit_id)
    else:
        reach = Reach(user, None, None, None)
    if not isinstance(actor, Person) and hasattr(actor, "META"):  # a request
        setattr(actor, _REACH_ATTRIBUTE, reach)
    return reach


def _refuse_record(
    actor: Actor, person: Person, obj_type: Any, obj_id: Any, owner: Any, why: str
) -> NoReturn:
    record(
        actor,
        Action.ACCESS_DENIED,
        obj_type,
        obj_id,
        person_ref=person.ref,
        why=why,
        owner=owner,
    )
    raise Http404


def get_intervention_for(
    actor: Actor, person: Person, intervention_id: Any, *, why: str, change: bool = False
) -> Intervention:
    """The person's intervention if it is in the user's reach (or, with `change`, hers to
    change). Another vårdgivare's intervention answers 404 like a missing one, logged as
    refused with `owner=` its performing organisation."""
    reach = reach_of(actor)
    person = person.survivor()
    pk = int(intervention_id) if str(intervention_id).isdigit() else None
    if pk is not None:
        found = reach.interventions(person).filter(pk=pk).first()
        if found is not None and (not change or reach.owns_intervention(found)):
            return found
    other = Intervention.objects.filter(pk=pk, person=person).first() if pk else None
    _refuse_record(
        actor,
        person,
        Intervention,
        pk or "",
        other.performing_organisation_id if other else None,
        why,
    )


def get_decision_for(
    actor: Actor, person: Person, decision_id: Any, *, why: str
) -> ResponsibilityDecision:
    """A decision about the person of an intervention in the user's reach, else 404."""
    reach = reach_of(actor)
    person = person.survivor()
    pk = int(decision_id) if str(decision_id).isdigit() else None
    decision = (
        ResponsibilityDecision.objects.select_related("intervention", "supersedes")
        .filter(pk=pk, intervention__person=person)
        .first()
        if pk
        else None
    )
    if (
        decision is not None
        and reach.interventions(person).filter(pk=decision.intervention_id).exists()
    ):
        return decision
    owner = decision.intervention.performing_organisation_id if decision else None
    _refuse_record(actor, person, ResponsibilityDecision, pk or "", owner, why)


def get_assessment_for(
    actor: Actor, person: Person, assessment_id: Any, *, why: str, change: bool = False
) -> SelfCareAssessment:
    """The person's egenvård assessment if it is in the user's reach (with `change`: made
    by her vårdgivare), else 404 logged with `owner=` the assessing organisation."""
    reach = reach_of(actor)
    person = person.survivor()
    pk = int(assessment_id) if str(assessment_id).isdigit() else None
    if pk is not None:
        found = (
            reach.assessments(person)
            .select_related("assessed_by", "assessed_by_organisation")
            .filter(pk=pk)
            .first()
        )
        if found is not None and (not change or reach.owns_assessment(found)):
            return found
    other = SelfCareAssessment.objects.filter(pk=pk, person=person).first() if pk else None
    _refuse_record(
        actor,
        person,
        SelfCareAssessment,
        pk or "",
        other.assessed_by_organisation_id if other else None,
        why,
    )


def _as_uuid(person_id: Any) -> uuid.UUID | None:
    if isinstance(person_id, uuid.UUID):
        return person_id
    try:
        return uuid.UUID(str(person_id))
    except (TypeError, ValueError, AttributeError):
        return None


def get_person_for(
    actor: Actor, person_id: Any, *, why: str, change: bool = False, audit: bool = True
) -> Person:
    """The person, if the user may see it (or change it, with `change=True`).

    Records an audit `view` (person_ref = the person's reference, `why` the purpose) unless
    `audit=False` (the caller records a more precise event itself). A merged record is
    returned as is; callers show or redirect to `person.survivor()`.
    Raises PermissionDenied when the user's role gives no access to persons (403), Http404
    when the person does not exist or is not visible (both logged as `access_denied`).
    """
    user = _user(actor)
    if change:
        require_write_role(actor, why)
    else:
        require_read_role(actor, why)
    pk = _as_uuid(person_id)
    person = Person.objects.filter(pk=pk).first() if pk else None
    if person is None:
        record(actor, Action.ACCESS_DENIED, Person, pk or "", why=why)
        raise Http404
    allowed = can_change(user, person) if change else can_see(user, person)
    if not allowed:
        record(actor, Action.ACCESS_DENIED, Person, person.pk, person_ref=person.ref, why=why)
        raise Http404
    if audit:
        record(actor, Action.VIEW, Person, person.pk, person_ref=person.ref, why=why)
    return person


def record_view(actor: Actor, person: Person, what: str, why: str, obj_id: Any = "") -> None:
    """Audit a read of personal data about `person` (e.g. an API list of its decisions)."""
    record(actor, Action.VIEW, what, obj_id or person.pk, person_ref=person.ref, why=why)


def record_change(
    actor: Actor,
    person: Person,
    what: str,
    why: str,
    *,
    obj_id: Any = "",
    action: Action | str = Action.UPDATE,
) -> None:
    """Audit a change of personal data about `person`. `what` is the object type (e.g.
    "people.factrecord"), `why` the purpose; never put identifiers or names in `why`."""
    record(actor, action, what, obj_id or person.pk, person_ref=person.ref, why=why)


# --- Spärr (PDL 4 kap. 4 §, 6 kap. 2 §) and protected identities -------------------------


def _active_blocks(person: Person) -> QuerySet[AccessBlock]:
    from django.utils import timezone

    return AccessBlock.objects.filter(
        person=person.survivor(), lifted_at__isnull=True, since__lte=timezone.now()
    )


def shared_blocked(person: Person, owner: Any) -> bool:
    """True if the person has blocked `owner`'s (an Organisation or its pk) data from other
    vårdgivare (PDL 6 kap. 2 §): nothing of it reaches another vårdgivare through a SIP,
    discharge planning or emergency access, whatever the consent says about the rest."""
    owner_id = getattr(owner, "pk", owner)
    return (
        _active_blocks(person)
        .filter(kind=AccessBlockKind.SHARED, organisation_id=owner_id)
        .exists()
    )


def shared_blocked_persons(person_ids: Iterable[Any], owner: Any) -> set[Any]:
    """Of these (surviving) person ids, the ones that keep `owner`'s (an Organisation or its
    pk) data from other vårdgivare (spärr, PDL 6 kap. 2 §); one query per 2,000 ids."""
    from django.utils import timezone

    owner_id = getattr(owner, "pk", owner)
    ids = sorted(set(person_ids), key=str)
    found: set[Any] = set()
    for start in range(0, len(ids), 2000):
        found.update(
            AccessBlock.objects.filter(
                kind=AccessBlockKind.SHARED,
                organisation_id=owner_id,
                person_id__in=ids[start : start + 2000],
                lifted_at__isnull=True,
                since__lte=timezone.now(),
            ).values_list("person_id", flat=True)
        )
    return found


def internally_blocked_units(person: Person, organisation: Any) -> set[int]:
    """The units of `organisation` whose data the person has blocked from the vårdgivare's
    other units and processes (inre spärr, PDL 4 kap. 4 §)."""
    organisation_id = getattr(organisation, "pk", organisation)
    return set(
        _active_blocks(person)
        .filter(kind=AccessBlockKind.INTERNAL, organisation_id=organisation_id, unit__isnull=False)
        .values_list("unit_id", flat=True)
    )


def _block_person(person: str) -> Q:
    """Blocks (`AccessBlock`, whose person is always a surviving one: a merge moves them)
    that concern the outer row's person ``person`` (a field name), also where the row keeps
    a person merged away since (history: invoiced service records, issued invoices). One
    level suffices: a merge leaves no chains (`Person.merged_into` points at the survivor)."""
    from django.db.models import OuterRef

    return Q(person_id=OuterRef(person)) | Q(person__merged_from__pk=OuterRef(person))


def internally_blocked_q(
    *, person: str, unit: str, organisation_id: Any, viewer_unit_id: Any = None
) -> Q:
    """A filter for rows of another app (a stay, a service record) recorded at a unit of
    ``organisation_id`` that the row's person has put under inre spärr (PDL 4 kap. 4 §),
    unless it is the viewer's own unit. ``person`` and ``unit`` name the row's fields
    (e.g. ``"person_id"``, ``"unit_id"``); exclude the rows it matches. A row whose person
    was merged away is matched by the survivor's blocks (`_block_person`)."""
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    blocks = AccessBlock.objects.filter(
        _block_person(person),
        kind=AccessBlockKind.INTERNAL,
        organisation_id=organisation_id,
        unit_id=OuterRef(unit),
        lifted_at__isnull=True,
        since__lte=timezone.now(),
    )
    if viewer_unit_id is not None:
        blocks = blocks.exclude(unit_id=viewer_unit_id)
    return Q(Exists(blocks))


def shared_blocked_q(*, person: str, owner: str) -> Q:
    """A filter for rows of another app whose person has kept the vårdgivare named by the
    row's ``owner`` field from other vårdgivare (spärr, PDL 6 kap. 2 §); exclude the rows it
    matches for anyone outside that vårdgivare. A row whose person was merged away is
    matched by the survivor's blocks (`_block_person`)."""
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    return Q(
        Exists(
            AccessBlock.objects.filter(
                _block_person(person),
                kind=AccessBlockKind.SHARED,
                organisation_id=OuterRef(owner),
                lifted_at__isnull=True,
                since__lte=timezone.now(),
            )
        )
    )


def is_protected(person: Person) -> bool:
    """True if the person has sekretessmarkering or skyddad folkbokföring (recorded by staff
    or read from the population register): address, phone and meeting place are withheld from
    everything others receive."""
    return IdentityProtection.objects.filter(
        person=person.survivor(), ended_at__isnull=True
    ).exists()


def protected_person_ids(person_ids: Any) -> set[Any]:
    """Of these person ids, the ones with an active protected identity (one query)."""
    return set(
        IdentityProtection.objects.filter(
            person_id__in=list(person_ids), ended_at__isnull=True
        ).values_list("person_id", flat=True)
    )
