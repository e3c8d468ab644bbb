"""Persons, their identities, facts over time, interventions, decision snapshots, egenvård
assessments and work-queue tasks.

Read and change them only through `samverkan.people.access` (who may see a person) and
`samverkan.people.services` (what may change, with audit). The names here are stable: the
SIP app builds on them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.accounts.models import Organisation, Role, Unit, Verksamhet
from samverkan.core.models import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet
from samverkan.people.identity import IdSystem, PersonIdentifier
from samverkan.people.identity import display as display_identifier
from samverkan.people.identity import mask as mask_identifier
from samverkan.rules import FACTS, INTERVENTIONS, Kind


class ImmutableError(AppendOnlyError):
    """A responsibility decision is a snapshot: it is never changed or removed."""


_IMMUTABLE = "Ett ansvarsbeslut är en ögonblicksbild och kan inte ändras."


class Sex(models.TextChoices):
    FEMALE = "female", _("kvinna")
    MALE = "male", _("man")
    OTHER = "other", _("annat")
    UNKNOWN = "unknown", _("okänt")


ID_SYSTEM_CHOICES = [(system.value, system.label) for system in IdSystem]
INTERVENTION_CHOICES = list(INTERVENTIONS.items())
FACT_CHOICES = [(name, spec.label) for name, spec in FACTS.items()]


class PersonQuerySet(models.QuerySet["Person"]):
    def active(self) -> PersonQuerySet:
        """Persons that have not been merged into another record."""
        return self.filter(merged_into__isnull=True)


class Person(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    given_name = models.CharField(_("förnamn"), max_length=200, blank=True)
    family_name = models.CharField(_("efternamn"), max_length=200, blank=True)
    birth_date = models.DateField(_("födelsedatum"), null=True, blank=True)
    sex = models.CharField(_("kön"), max_length=10, choices=Sex.choices, blank=True)
    home_municipality = models.CharField(
        _("hemkommun"), max_length=4, blank=True, help_text=_("SCB kommunkod, t.ex. 2380.")
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("sammanförd med"),
    )
    merged_at = models.DateTimeField(_("sammanförd"), null=True, blank=True)
    # False when another vårdgivare's record was joined by a number (add_identity): the
    # user who added the number must not learn that a record existed, so the surviving
    # record does not list it; the owners' log control has the join.
    merge_shown = models.BooleanField(_("visas som sammanförd"), default=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("person")
        verbose_name_plural = _("personer")

    def __str__(self) -> str:
        # Never the identifier; names only where the page already shows the person.
        return f"Person {self.pk}"

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p) or "(namn saknas)"

    def primary_identity(self) -> PersonIdentity | None:
        identities = [i for i in self.identities.all() if i.ended_on is None]
        identities.sort(key=lambda i: (not i.is_primary, _SYSTEM_RANK[i.system], i.added_on))
        return identities[0] if identities else None

    @property
    def ref(self) -> str:
        """The audit log's person reference: the primary identifier, else the record id."""
        identity = self.primary_identity()
        return identity.value if identity else f"person:{self.pk}"

    def survivor(self) -> Person:
        """The record this one was merged into (following chains), else itself."""
        person = self
        seen = {person.pk}
        while person.merged_into_id is not None and person.merged_into_id not in seen:
            seen.add(person.merged_into_id)
            person = person.merged_into  # type: ignore[assignment]
        return person


def person_refs(person_ids: Iterable[Any]) -> dict[Any, str]:
    """``Person.ref`` for many persons at once, from the identities alone (an import audits
    thousands of persons; building each Person with its identities cost a millisecond)."""
    ids = list(person_ids)
    best: dict[Any, tuple[tuple[bool, int, Any], str]] = {}
    rows = PersonIdentity.objects.filter(person_id__in=ids, ended_on__isnull=True).values_list(
        "person_id", "is_primary", "system", "added_on", "value"
    )
    for person_id, is_primary, system, added_on, value in rows:
        rank = (not is_primary, _SYSTEM_RANK[system], added_on)
        if person_id not in best or rank < best[person_id][0]:
            best[person_id] = (rank, value)
    return {pid: best[pid][1] if pid in best else f"person:{pid}" for pid in ids}


# Order in which identities become "primary" when none is flagged.
_SYSTEM_RANK = {
    IdSystem.personnummer.value: 0,
    IdSystem.samordningsnummer.value: 1,
    IdSystem.reservnummer.value: 2,
    IdSystem.lma.value: 3,
}


class PersonIdentity(models.Model):
    """One identifier of a person. Ended identities are kept as history (a reservnummer
    after the person got a personnummer); a value belongs to one person only."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="identities", verbose_name=_("person")
    )
    system = models.CharField(_("identitetstyp"), max_length=20, choices=ID_SYSTEM_CHOICES)
    value = models.CharField(_("nummer"), max_length=20, help_text=_("Normaliserad form."))
    is_primary = models.BooleanField(_("primär"), default=False)
    added_on = models.DateField(_("tillagd"), default=dt.date.today)
    ended_on = models.DateField(_("upphörd"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tillagd av"),
    )

    class Meta:
        ordering = ["ended_on", "-is_primary", "added_on", "pk"]
        verbose_name = _("personidentitet")
        verbose_name_plural = _("personidentiteter")
        constraints = [
            models.UniqueConstraint(fields=["system", "value"], name="people_identity_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_system_display()} {self.masked}"

    @property
    def identifier(self) -> PersonIdentifier:
        return PersonIdentifier(IdSystem(self.system), self.value)

    @property
    def masked(self) -> str:
        return mask_identifier(self.identifier)

    @property
    def display(self) -> str:
        return display_identifier(self.identifier)

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


def active_on(day: dt.date | None = None) -> Q:
    """Q for a CareRelation (or anything with since/until) active on `day` (default today)."""
    day = day or timezone.localdate()
    return Q(since__lte=day) & (Q(until__isnull=True) | Q(until__gte=day))


class CareRelation(models.Model):
    """The person is a patient or client of the organisation (and unit) in this period."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="care_relations", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="care_relations",
        verbose_name=_("organisation"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="care_relations",
        verbose_name=_("enhet"),
    )
    # The relation opens the records of this vårdgivare (organisation) in this verksamhet only.
    verksamhet = models.CharField(
        _("verksamhet"),
        max_length=20,
        choices=Verksamhet.choices,
        default=Verksamhet.HEALTH_CARE,
    )
    reason = models.TextField(_("anledning"), blank=True)
    since = models.DateField(_("från och med"), default=dt.date.today)
    until = models.DateField(_("till och med"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerad av"),
    )
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)

    class Meta:
        ordering = ["-since", "pk"]
        verbose_name = _("vårdrelation")
        verbose_name_plural = _("vårdrelationer")

    def __str__(self) -> str:
        return f"{self.organisation} {self.since}–{self.until or ''}"

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return self.since <= today and (self.until is None or self.until >= today)


class FactRecord(models.Model):
    """One fact about a person during a period. The open record (valid_to empty) is the
    current value; changing a fact closes it and opens a new one, so history stays.
    `value` None means "unknown" (the fact was cleared)."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="fact_records", verbose_name=_("person")
    )
    name = models.CharField(_("uppgift"), max_length=40, choices=FACT_CHOICES)
    value = models.JSONField(_("värde"), null=True, blank=True)
    valid_from = models.DateField(_("gäller från"), default=dt.date.today)
    valid_to = models.DateField(_("gällde till"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerad av"),
    )
    recorded_at = models.DateTimeField(_("registrerad"), default=timezone.now)
    reason = models.TextField(_("anledning"), blank=True)
    # Whose record this is: the vårdgivare, verksamhet and unit of the user who recorded it
    # (NULL/blank for facts recorded before provenance was kept, or by an import).
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vårdgivare"),
    )
    verksamhet = models.CharField(
        _("verksamhet"), max_length=20, choices=Verksamhet.choices, blank=True
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enhet"),
    )

    class Meta:
        ordering = ["name", "-valid_from", "-recorded_at", "-pk"]
        verbose_name = _("uppgift om person")
        verbose_name_plural = _("uppgifter om personer")
        constraints = [
            # One timeline per fact and vårdgivare × verksamhet: each records its own (issue 11).
            models.UniqueConstraint(
                fields=["person", "name", "organisation", "verksamhet"],
                condition=Q(valid_to__isnull=True),
                name="people_one_open_fact_per_name_and_owner",
            ),
        ]
        indexes = [models.Index(fields=["person", "name", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.name} från {self.valid_from}"

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    @property
    def label(self) -> str:
        return FACTS[self.name].label

    @property
    def value_display(self) -> str:
        return fact_value_display(self.name, self.value)


def fact_value_display(name: str, value: Any) -> str:
    """A fact value in Swedish words."""
    if value is None or value == "":
        return "Okänd"
    spec = FACTS.get(name)
    if spec is None:
        return str(value)
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, list):
        return ", ".join(spec.label_of(str(v)) for v in value) or "Inga"
    if name == "municipality":  # the name only: the SCB code is an identifier, not words
        from samverkan.rules import municipality_name

        try:
            return municipality_name(str(value))
        except KeyError:
            return str(value)
    if spec.kind is Kind.TEXT:  # a hälsocentral: its name (the HSA-id is technical)
        unit = Unit.by_fact_code(str(value))
        return unit.name if unit is not None else str(value)
    return spec.label_of(str(value))


class InterventionStatus(models.TextChoices):
    PLANNED = "planned", _("planerad")
    ACTIVE = "active", _("pågående")
    ENDED = "ended", _("avslutad")
    CANCELLED = "cancelled", _("makulerad")


class Intervention(models.Model):
    """An insats for a person: what, when, who performs it and who ordered it.

    `facts` holds facts that belong to this intervention rather than to the person (e.g.
    `time`, `prescriber`, `urgent`); they override the person's facts for its decisions.
    """

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="interventions", verbose_name=_("person")
    )
    kind = models.CharField(_("insats"), max_length=40, choices=INTERVENTION_CHOICES)
    start = models.DateField(_("startdatum"), default=dt.date.today)
    end = models.DateField(_("slutdatum"), null=True, blank=True)
    performing_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="performed_interventions",
        verbose_name=_("utförande organisation"),
    )
    performing_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="performed_interventions",
        verbose_name=_("utförande enhet"),
    )
    ordering_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ordered_interventions",
        verbose_name=_("beställande organisation"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InterventionStatus.choices,
        default=InterventionStatus.ACTIVE,
    )
    facts = models.JSONField(_("uppgifter för insatsen"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerad av"),
    )
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)

    class Meta:
        ordering = ["-start", "-created_at"]
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} från {self.start}"

    def latest_decision(self) -> ResponsibilityDecision | None:
        return self.decisions.order_by("-decided_at", "-pk").first()


class DecisionQuerySet(AppendOnlyQuerySet["ResponsibilityDecision"]):
    pass


class ResponsibilityDecision(AppendOnlyModel):
    """The engine's answer for an intervention at the time it was decided: a snapshot.

    Saved once, never changed (save of an existing row, delete and QuerySet update/delete
    raise ImmutableError). A re-decision is a new row with `supersedes` set.
    """

    append_only_error = ImmutableError
    append_only_message = _IMMUTABLE

    intervention = models.ForeignKey(
        Intervention, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("insats")
    )
    decided_at = models.DateTimeField(_("beslutad"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beslutad av"),
    )
    decided_by_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beslutande organisation"),
    )
    facts_used = models.JSONField(_("uppgifter som användes"), default=dict)
    decision = models.JSONField(_("beslut"), default=dict, help_text=_("Decision.as_dict()."))
    agreement_version = models.CharField(_("avtalsversion"), max_length=200, blank=True)
    outcome = models.JSONField(_("utfall"), default=dict)
    actions = models.JSONField(_("åtgärder"), default=list)
    missing_facts = models.JSONField(_("uppgifter som saknas"), default=list)
    status = models.CharField(_("status"), max_length=20, blank=True)
    in_force = models.BooleanField(_("avtal i kraft"), default=False)
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("ersätter"),
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("ansvarsbeslut")
        verbose_name_plural = _("ansvarsbeslut")

    def __str__(self) -> str:
        return f"Ansvarsbeslut {self.pk} ({self.decided_at:%Y-%m-%d})"

    @property
    def reasons(self) -> list[dict[str, Any]]:
        return list(self.decision.get("reasons", []))

    @property
    def agreements(self) -> list[dict[str, Any]]:
        return list(self.decision.get("agreements", []))


class SelfCareResult(models.TextChoices):
    SELF_CARE = "self_care", _("egenvård")
    HEALTH_CARE = "health_care", _("hälso- och sjukvård")


class AssessmentStatus(models.TextChoices):
    ACTIVE = "active", _("gällande")
    NEEDS_REVIEW = "needs_review", _("behöver omprövas")
    REPLACED = "replaced", _("ersatt")


class SelfCareAssessment(models.Model):
    """An egenvårdsbedömning by licensed staff (SOSFS 2009:6 / HSLF-FS 2022:39)."""

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="self_care_assessments",
        verbose_name=_("person"),
    )
    intervention = models.ForeignKey(
        Intervention,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="self_care_assessments",
        verbose_name=_("insats"),
    )
    intervention_kind = models.CharField(
        _("insatstyp"), max_length=40, choices=INTERVENTION_CHOICES
    )
    measure = models.CharField(
        _("åtgärd"), max_length=300, help_text=_("Vilken hälso- och sjukvårdsåtgärd bedömdes.")
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("bedömd av"),
    )
    assessed_by_role = models.CharField(
        _("roll vid bedömningen"), max_length=40, choices=Role.choices
    )
    assessed_by_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("bedömande organisation"),
    )
    assessed_at = models.DateTimeField(_("bedömd"), default=timezone.now)
    result = models.CharField(_("resultat"), max_length=20, choices=SelfCareResult.choices)
    performed_by_person_or_others = models.TextField(
        _("vem utför"),
        blank=True,
        help_text=_("Vad personen själv eller någon annan (närstående, personal) utför."),
    )
    review_date = models.DateField(_("omprövas senast"), null=True, blank=True)
    guardians = models.JSONField(
        _("vårdnadshavare"), default=list, blank=True, help_text=_("För barn: namn och roll.")
    )
    notes = models.TextField(_("anteckning"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.ACTIVE,
    )
    review_reason = models.TextField(_("skäl till omprövning"), blank=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("ersätter"),
    )

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        verbose_name = _("egenvårdsbedömning")
        verbose_name_plural = _("egenvårdsbedömningar")

    def __str__(self) -> str:
        return f"Egenvårdsbedömning {self.pk}"


class TaskKind(models.TextChoices):
    SELF_CARE_ASSESSMENT = "self_care_assessment", _("Egenvårdsbedömning")
    SIP = "sip", _("Erbjud SIP")
    NAMED_CARE_CONTACT = "named_care_contact", _("Utse fast vårdkontakt")
    BILL_HOME_REGION = "bill_home_region", _("Fakturera hemregionen")
    REVIEW_ASSESSMENT = "review_assessment", _("Ompröva egenvårdsbedömning")
    RISK_ANALYSIS = "risk_analysis", _("Riskanalys")
    DISCHARGE_CHECKLIST = "discharge_checklist", _("Checklista före utskrivning")
    COORDINATED_CARE_PLAN = "coordinated_care_plan", _("Samordnad vårdplan (chefsöverläkare)")
    ESCALATE = "escalate", _("Lyft frågan")
    CONTACT_CHIEF_PHYSICIAN_MAS = "contact_chief_physician_mas", _("Kontakta chefsläkare/MAS")
    REVIEW_EMERGENCY_ACCESS = "review_emergency_access", _("Granska nödåtkomst")
    OTHER = "other", _("Övrigt")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("öppen")
    DONE = "done", _("klar")


class Task(models.Model):
    """An item in a unit's (or one user's) work queue, about one person."""

    kind = models.CharField(_("typ"), max_length=40, choices=TaskKind.choices)
    action = models.CharField(
        _("åtgärd i beslutet"), max_length=60, blank=True, help_text=_("Motorns åtgärdskod.")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enhet"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handläggare"),
    )
    due = models.DateField(_("senast"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    intervention = models.ForeignKey(
        Intervention,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("insats"),
    )
    source_decision = models.ForeignKey(
        ResponsibilityDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("från beslut"),
    )
    source_assessment = models.ForeignKey(
        SelfCareAssessment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("från bedömning"),
    )
    from_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("från organisation"),
    )
    note = models.TextField(_("anteckning"), blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    completed_at = models.DateTimeField(_("klar"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("klarmarkerad av"),
    )

    class Meta:
        ordering = ["status", "due", "created_at"]
        verbose_name = _("uppgift")
        verbose_name_plural = _("uppgifter")
        indexes = [models.Index(fields=["organisation", "status", "due"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"


class AccessBlockKind(models.TextChoices):
    # PDL 4 kap. 4 §: the person may block data of one care unit or care process from the
    # vårdgivare's other units and processes (inre spärr).
    INTERNAL = "internal", _("spärr inom vårdgivaren")
    # PDL 6 kap. 2 §: the person may block the vårdgivare's data from being made available to
    # other vårdgivare (sammanhållen journalföring); here: through SIP, discharge planning or
    # emergency access.
    SHARED = "shared", _("spärr mot andra vårdgivare")


class AccessBlock(models.Model):
    """A spärr the person asked for: `organisation`'s data (of `unit` only, if set) is not
    made available beyond the block's kind. Lifted (never deleted) when the person asks."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="access_blocks", verbose_name=_("person")
    )
    kind = models.CharField(_("typ"), max_length=20, choices=AccessBlockKind.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("vårdgivare")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enhet eller vårdprocess"),
    )
    reason = models.TextField(_("anteckning"), blank=True)
    since = models.DateTimeField(_("gäller från"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerad av"),
    )
    lifted_at = models.DateTimeField(_("hävd"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hävd av"),
    )
    # Lifted only at the person's own request (PDL 4 kap. 4 §, 6 kap. 2 §): what they asked.
    lift_reason = models.TextField(_("anteckning om hävningen"), blank=True)

    class Meta:
        ordering = ["-since", "pk"]
        verbose_name = _("spärr")
        verbose_name_plural = _("spärrar")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.organisation_id}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None and self.since <= timezone.now()


class ProtectionKind(models.TextChoices):
    # Offentlighets- och sekretesslagen (2009:400) 22 kap. 1 §: sekretessmarkering in the
    # population register.
    CONFIDENTIALITY_MARKING = "confidentiality_marking", _("sekretessmarkering")
    # Folkbokföringslagen (1991:481) 16 §: skyddad folkbokföring.
    PROTECTED_REGISTRATION = "protected_registration", _("skyddad folkbokföring")


class ProtectionSource(models.TextChoices):
    STAFF = "staff", _("registrerad av personal")
    POPULATION_REGISTER = "population_register", _("folkbokföringen")


class IdentityProtection(models.Model):
    """The person has a protected identity: address, phone and meeting place are withheld
    from everything others receive. Ended (never deleted) when it no longer applies."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="protections", verbose_name=_("person")
    )
    kind = models.CharField(_("skydd"), max_length=30, choices=ProtectionKind.choices)
    source = models.CharField(
        _("källa"), max_length=30, choices=ProtectionSource.choices, default=ProtectionSource.STAFF
    )
    since = models.DateTimeField(_("gäller från"), default=timezone.now)
    ended_at = models.DateTimeField(_("upphörde"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerad av"),
    )
    # The vårdgivare whose staff marked it (source STAFF); None when read from the register.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerad hos"),
    )
    note = models.TextField(_("anteckning"), blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("avslutad av"),
    )
    end_reason = models.TextField(_("anledning till avslut"), blank=True)

    class Meta:
        ordering = ["-since", "pk"]
        verbose_name = _("skyddad identitet")
        verbose_name_plural = _("skyddade identiteter")

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class EmergencyAccess(models.Model):
    """Nödåtkomst: a licensed member of staff of another vårdgivare opened, with a stated
    reason and a confirmation, the plan, fasta vårdkontakter and contacts of the person's open
    SIPs owned by `owner`, until `expires_at` (see `samverkan.people.emergency`). Never opens
    the rest of the record, never past a SHARED spärr. `owner` reviews every one; never
    deleted."""

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="emergency_accesses",
        verbose_name=_("person"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("av")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("vårdgivare")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uppgifternas ägare"),
    )
    reason = models.TextField(_("skäl"))
    opened_at = models.DateTimeField(_("öppnad"), default=timezone.now)
    expires_at = models.DateTimeField(_("gäller till"))
    review_task = models.ForeignKey(
        Task, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("granskad"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granskad av"),
    )
    review_note = models.TextField(_("granskning"), blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("nödåtkomst")
        verbose_name_plural = _("nödåtkomster")
        indexes = [models.Index(fields=["user", "person", "expires_at"])]

    def __str__(self) -> str:
        return f"Nödåtkomst {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()
