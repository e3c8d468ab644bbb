"""Registering performed services: validation, the time split, the engine's decision.

``RecordBuilder`` validates one service and turns it into service records (one per segment
of timesplit.split: a service crossing 08.00, 17.00 or midnight becomes several records
sharing one ``registration`` id), each with the engine's decision and payment mode. The
same builder serves a single registration (``register_service``) and the CSV import, which
preloads what it needs so that 100,000 rows take seconds, not minutes.

Errors are ``Problem(field, code, message)`` with the Swedish field name and the rule in the
message, e.g. "Sluttid: måste vara senare än starttiden." (the code, e.g. end_not_after_start,
is the API's, not the nurse's)
"""

from __future__ import annotations

import bisect
import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from samverkan.accounts.models import Organisation, OrganisationKind, StaffProfile, Unit
from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action
from samverkan.audit.services import record as audit
from samverkan.people.access import own_persons
from samverkan.people.selectors import assessments_of, fact_rows_of
from samverkan.purchases import timesplit
from samverkan.purchases.access import PERFORMER_ROLES, can_approve, require_register, user_of
from samverkan.purchases.bases import BASES, INVOICEABLE_MODES, Basis, month_start
from samverkan.purchases.decisions import (
    InvalidFacts,
    SegmentDecision,
    decide_segment,
    person_facts_on,
)
from samverkan.purchases.disclosure import PURCHASES, audit_persons
from samverkan.purchases.errors import InvalidService, NotAllowed, Problem
from samverkan.purchases.models import (
    DecisionSnapshot,
    InvoiceRun,
    PaymentMode,
    RecordStatus,
    RunKind,
    RunStatus,
    ServiceRecord,
)
from samverkan.rules import INTERVENTIONS, region_of_municipality

if TYPE_CHECKING:
    from samverkan.people.models import Person

__all__ = [
    "FIELD_LABELS",
    "RecordRow",
    "insert_rows",
    "RecordBuilder",
    "ServiceInput",
    "approve_records",
    "is_month_locked",
    "register_service",
    "withdraw_record",
]

FIELD_LABELS = {
    "person": "Person",
    "start": "Starttid",
    "end": "Sluttid",
    "date": "Datum",
    "intervention": "Insats",
    "basis": "Avtalsgrund",
    "staff": "Utförare",
    "unit": "Enhet",
    "orderer": "Beställare",
    "orderer_unit": "Beställande enhet",
    "dispute_ref": "Tvistreferens",
    "external_id": "Externt id",
}
#: A performed service may be registered up to this far ahead of the clock (clock skew).
FUTURE_SLACK = dt.timedelta(minutes=15)


def problem(field_name: str, code: str, text: str) -> Problem:
    label = FIELD_LABELS.get(field_name, field_name)
    return Problem(field_name, code, f"{label}: {text}.")


@dataclass
class ServiceInput:
    """One performed service as entered. ``start``/``end`` aware datetimes."""

    person: Person | None
    start: dt.datetime | None
    end: dt.datetime | None
    intervention: str
    basis: str
    staff: Any = None  # a User; default: the registering user
    unit: Unit | None = None
    orderer: Organisation | None = None
    #: The ordering organisation's unit: a Unit, or its HSA-id or name (CSV, API).
    orderer_unit: Unit | str | None = None
    dispute_ref: str = ""
    external_id: str = ""
    problems: list[Problem] = field(default_factory=list)  # parse problems from a CSV row


class RecordRow(NamedTuple):
    """A record to be written, as column values (the CSV import writes these with one
    executemany; a single registration turns them into model instances)."""

    service_date: dt.date
    start_at: dt.datetime
    end_at: dt.datetime
    minutes: int
    band: str
    registration: uuid.UUID
    segment: int
    person_id: Any
    performer_org_id: int
    performer_unit_id: int | None
    staff_id: int
    orderer_org_id: int
    payer_org_id: int | None
    intervention: str
    basis: str
    agreement: str
    payment: str
    decision_id: int
    dispute_ref: str
    status: str
    external_id: str
    withdrawn_reason: str
    created_by_id: int
    created_at: dt.datetime
    replaces_id: int | None = None
    import_batch_id: int | None = None
    invoice_id: int | None = None
    occupies: bool = True
    orderer_unit_id: int | None = None

    def to_model(self) -> ServiceRecord:
        return ServiceRecord(**self._asdict())


RECORD_COLUMNS = RecordRow._fields
_DATETIME_COLUMNS = {"start_at", "end_at", "created_at"}


def insert_rows(rows: list[RecordRow], *, batch_size: int = 5000) -> int:
    """Write records with COPY (PostgreSQL) or plain executemany (the ORM's bulk_create
    spends ~150 µs a row on preparing values; this ~10). Values are adapted as Django would
    for the backend."""
    table = connection.ops.quote_name(ServiceRecord._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in RECORD_COLUMNS)
    if connection.vendor == "postgresql":
        # COPY: one statement for all rows (executemany runs one INSERT per row).
        connection.ensure_connection()
        raw = connection.connection
        assert raw is not None
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)  # psycopg's C adapters
        return len(rows)
    placeholders = ", ".join(["%s"] * len(RECORD_COLUMNS))
    if connection.vendor == "sqlite":
        # What Django's SQLite backend stores: naive UTC "YYYY-MM-DD HH:MM:SS[.ffffff]",
        # ISO dates, UUIDs as 32 hex digits (adapt_*_value, without its per-call overhead).
        dt_index = [i for i, c in enumerate(RECORD_COLUMNS) if c in _DATETIME_COLUMNS]
        date_index = RECORD_COLUMNS.index("service_date")
        uuid_index = [RECORD_COLUMNS.index("registration"), RECORD_COLUMNS.index("person_id")]
        utc = dt.UTC
        seen: dict[dt.datetime, str] = {}

        def adapt(row: RecordRow) -> list[Any]:
            values = list(row)
            for i in dt_index:
                value = values[i]
                text = seen.get(value)
                if text is None:
                    text = str(value.astimezone(utc).replace(tzinfo=None))
                    if len(seen) < 100_000:
                        seen[value] = text
                values[i] = text
            values[date_index] = values[date_index].isoformat()
            for i in uuid_index:
                values[i] = values[i].hex
            return values

    else:

        def adapt(row: RecordRow) -> list[Any]:
            return list(row)

    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            cursor.executemany(sql, [adapt(r) for r in rows[start : start + batch_size]])
    return len(rows)


def _local_text(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


class RecordBuilder:
    """Validates services for one registering user and builds unsaved ServiceRecords."""

    def __init__(self, actor: Any, *, now: dt.datetime | None = None) -> None:
        self.actor = actor
        self.user = require_register(actor)
        profile = profile_of(self.user)
        assert profile is not None
        self.profile = profile
        self.organisation = profile.organisation
        self._org_id: int = self.organisation.id
        #: Who sells the services in invoicing: the organisation, or a private provider's
        #: huvudman (Organisation.huvudman).
        self._seller_id: int = self.organisation.huvudman.id
        self._region: str = self.organisation.region
        self._default_orderer: Organisation | None = None
        self._units_of: dict[int, dict[str, Unit]] = {}
        self.now = now or timezone.now()
        self._latest_start = self.now + FUTURE_SLACK
        self._regions: dict[str, Organisation | None] = {}
        self._profiles: dict[int, StaffProfile | None] = {profile.user_id: profile}
        self._visible: dict[Any, bool] = {}
        self._facts: dict[Any, list[tuple[str, Any, dt.date, dt.date | None, Any]]] = {}
        self._assessments: dict[Any, dict[str, str]] = {}
        self._intervals: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
        self._loaded_staff_range: dict[int, tuple[dt.datetime, dt.datetime]] = {}
        self._locked: dict[tuple[int, int, dt.date], bool] = {}
        self._snapshots: dict[str, DecisionSnapshot] = {}
        self._decisions: dict[tuple[Any, ...], SegmentDecision] = {}
        self._facts_on: dict[tuple[Any, dt.date, str], tuple[dict[str, Any], tuple[Any, ...]]] = {}
        # Care staff register their own work; ekonom/MAS may register for colleagues.
        self._for_others = can_approve(actor, self.organisation)

    # ----------------------------------------------------------------- preloading

    def preload(
        self,
        persons: Iterable[Person],
        staff_ids: Iterable[int],
        start: dt.datetime | None,
        end: dt.datetime | None,
    ) -> None:
        """Load visibility, facts and existing records for many rows at once. A service is
        registered only for a person of the own organisation's care (an active care
        relation, `people.access.own_persons`); one seen through a SIP is not the own care."""
        person_list = [p for p in persons if p is not None]
        ids = list({p.pk for p in person_list})
        visible: set[Any] = set()
        for chunk in _chunks(ids, 5000):
            visible.update(own_persons(self.user).filter(pk__in=chunk).values_list("pk", flat=True))
        for pk in ids:
            self._visible[pk] = pk in visible
        # The person's facts and assessments through the people room's door, in bulk.
        self._facts.update(fact_rows_of(ids))
        self._assessments.update(assessments_of(ids))
        staff = list(set(staff_ids))
        for profile in StaffProfile.objects.filter(user_id__in=staff).select_related(
            "organisation", "unit"
        ):
            self._profiles[profile.user_id] = profile
        if start is not None and end is not None:
            lo, hi = start - dt.timedelta(days=1), end + dt.timedelta(days=1)
            for staff_id in staff:
                self._intervals[staff_id] = []
                self._loaded_staff_range[staff_id] = (lo, hi)
            for chunk in _chunks(staff, 500):
                rows = ServiceRecord.objects.filter(
                    staff_id__in=chunk,
                    occupies=True,
                    start_at__gt=lo,
                    start_at__lt=hi,
                ).values_list("staff_id", "start_at", "end_at")
                for staff_id, s, e in rows:
                    self._intervals[staff_id].append((s, e))
            for staff_id in staff:
                self._intervals[staff_id].sort()

    # ----------------------------------------------------------------- lookups

    def _region_org(self, region: str) -> Organisation | None:
        if region not in self._regions:
            self._regions[region] = Organisation.objects.filter(
                kind=OrganisationKind.REGION, region=region
            ).first()
        return self._regions[region]

    def _orderer_default(self) -> Organisation:
        """A kommun's services (or its private provider's) are ordered by its region unless
        said otherwise."""
        if self._default_orderer is None:
            org = self.organisation
            region_org = self._region_org(org.region) if org.is_municipality else None
            self._default_orderer = region_org or org.huvudman
        return self._default_orderer

    def _orderer_units(self, orderer: Organisation) -> dict[str, Unit]:
        """The ordering organisation's units by HSA-id and by name (casefolded), cached."""
        units = self._units_of.get(orderer.id)
        if units is None:
            units = {}
            for unit in Unit.objects.filter(organisation_id=orderer.id):
                units[unit.name.casefold()] = unit
                if unit.hsa_id:
                    units[unit.hsa_id.casefold()] = unit
            self._units_of[orderer.id] = units
        return units

    def _orderer_unit(
        self, given: Unit | str | None, orderer: Organisation, problems: list[Problem]
    ) -> Unit | None:
        """The ordering unit, which must be a unit of the ordering organisation."""
        if given is None or (isinstance(given, str) and not given.strip()):
            return None
        if isinstance(given, str):
            found = self._orderer_units(orderer).get(given.strip().casefold())
            if found is None:
                problems.append(
                    problem(
                        "orderer_unit",
                        "orderer_unit_unknown",
                        f"{orderer.name} har ingen enhet med namnet eller HSA-id:t "
                        f"{given.strip()!r}",
                    )
                )
            return found
        if given.organisation_id != orderer.id:
            problems.append(
                problem(
                    "orderer_unit",
                    "orderer_unit_other_organisation",
                    f"enheten hör inte till beställaren {orderer.name}",
                )
            )
            return None
        return given

    def _staff_profile(self, staff: Any) -> StaffProfile | None:
        if staff.id not in self._profiles:
            self._profiles[staff.id] = (
                StaffProfile.objects.select_related("organisation", "unit")
                .filter(user_id=staff.id)
                .first()
            )
        return self._profiles[staff.id]

    def _is_visible(self, person: Person) -> bool:
        if person.id not in self._visible:
            self._visible[person.id] = own_persons(self.user).filter(pk=person.id).exists()
        return self._visible[person.id]

    def _person_facts(self, person: Person) -> list[tuple[str, Any, dt.date, dt.date | None, Any]]:
        if person.id not in self._facts:
            self._facts[person.id] = fact_rows_of([person.id])[person.id]
            self._assessments.update(assessments_of([person.id]))
        return self._facts[person.id]

    def _person_facts_on(
        self, person: Person, rows: list[Any], day: dt.date, intervention: str
    ) -> tuple[dict[str, Any], tuple[Any, ...]]:
        """The person's facts on ``day`` (with the egenvård assessment of ``intervention``)
        and a hashable key of them (cached)."""
        cache_key = (person.id, day, intervention)
        found = self._facts_on.get(cache_key)
        if found is None:
            facts = person_facts_on(
                rows,
                person.birth_date,
                day,
                assessments=self._assessments.get(person.id),
                intervention=intervention,
            )
            if rows:
                key = tuple(sorted((k, _hashable(v)) for k, v in facts.items()))
            else:  # only the age, from the birth date
                key = tuple(facts.items())
            found = self._facts_on[cache_key] = (facts, key)
        return found

    def _busy(self, staff_id: int, start: dt.datetime, end: dt.datetime) -> dt.datetime | None:
        """Start of an existing record of the staff member overlapping [start, end).

        Intervals are kept sorted per staff member (they never overlap each other), so a
        check is a binary search, also for an import of 100,000 rows.
        """
        loaded = self._loaded_staff_range.get(staff_id)
        if loaded is None or not (loaded[0] <= start - dt.timedelta(days=1) and end <= loaded[1]):
            lo, hi = start - dt.timedelta(days=1), end + dt.timedelta(days=1)
            found = set(
                ServiceRecord.objects.filter(
                    staff_id=staff_id,
                    occupies=True,
                    start_at__gt=lo,
                    start_at__lt=hi,
                ).values_list("start_at", "end_at")
            )
            found.update(iv for iv in self._intervals.get(staff_id, []) if lo < iv[0] < hi)
            self._intervals[staff_id] = sorted(found)
            self._loaded_staff_range[staff_id] = (lo, hi)
        intervals = self._intervals.get(staff_id, [])
        index = bisect.bisect_left(intervals, (start,))
        for s, e in intervals[max(0, index - 1) : index + 1]:
            if s < end and start < e:
                return s
        # A long earlier record could still reach past start (segments are at most a day).
        for s, e in reversed(intervals[max(0, index - 3) : max(0, index - 1)]):
            if e > start:
                return s
        return None

    def is_locked(self, seller_id: int, buyer_id: int, month: dt.date) -> bool:
        key = (seller_id, buyer_id, month)
        if key not in self._locked:
            self._locked[key] = is_month_locked(seller_id, buyer_id, month)
        return self._locked[key]

    def _snapshot(self, decision: SegmentDecision) -> DecisionSnapshot:
        snap = self._snapshots.get(decision.digest)
        if snap is None:
            # One statement (INSERT … ON CONFLICT … RETURNING id) instead of get_or_create's
            # four round trips: an import meets thousands of distinct decisions. A conflict
            # rewrites the digest with itself; the stored decision is never changed.
            (snap,) = DecisionSnapshot.objects.bulk_create(
                [DecisionSnapshot(digest=decision.digest, data=decision.snapshot)],
                update_conflicts=True,
                unique_fields=["digest"],
                update_fields=["digest"],
            )
            self._snapshots[decision.digest] = snap
        return snap

    # ----------------------------------------------------------------- validation

    def build(self, data: ServiceInput, *, approve: bool = False) -> list[RecordRow]:
        """The records for one service (not saved); raises InvalidService with every problem."""
        problems = list(data.problems)
        person = data.person
        if person is None:
            if not any(p.field == "person" for p in problems):
                problems.append(problem("person", "required", "ange vem insatsen gavs till"))
        elif not self._is_visible(person):
            problems.append(
                problem(
                    "person",
                    "person_not_visible",
                    "personen finns inte eller är inte synlig för dig",
                )
            )
        if data.intervention not in INTERVENTIONS and not any(
            p.field == "intervention" for p in problems
        ):
            problems.append(
                problem("intervention", "invalid_choice", f"okänd insats {data.intervention!r}")
            )
        basis: Basis | None = BASES.get(data.basis)
        if basis is None:
            if not any(p.field == "basis" for p in problems):
                problems.append(
                    problem("basis", "invalid_choice", f"okänd avtalsgrund {data.basis!r}")
                )
        elif basis.region != self._region:
            problems.append(
                problem(
                    "basis", "wrong_region", "avtalsgrunden gäller inte i din organisations region"
                )
            )

        staff = data.staff or self.user
        staff_profile = self._staff_profile(staff)
        if staff_profile is None or staff_profile.organisation_id != self._org_id:
            problems.append(
                problem(
                    "staff", "staff_other_organisation", "utföraren hör inte till din organisation"
                )
            )
        elif staff.id != self.user.id and staff_profile.role not in PERFORMER_ROLES:
            problems.append(
                problem(
                    "staff",
                    "staff_not_performer",
                    "utföraren har ingen roll som utför vård (inte MAS, chefsläkare, "
                    "SIP-samordnare eller biståndshandläggare)",
                )
            )
        if staff.id != self.user.id and not self._for_others:
            # Care staff register their own work; ekonom/MAS may register for colleagues.
            problems.append(
                problem("staff", "not_own_work", "du kan bara registrera insatser du själv utfört")
            )
        unit = data.unit or (staff_profile.unit if staff_profile else None)
        if unit is not None and unit.organisation_id != self._org_id:
            problems.append(
                problem("unit", "unit_other_organisation", "enheten hör inte till din organisation")
            )

        orderer = data.orderer or self._orderer_default()
        if orderer.region != self._region:
            problems.append(
                problem("orderer", "orderer_other_region", "beställaren hör till en annan region")
            )
        orderer_unit = self._orderer_unit(data.orderer_unit, orderer, problems)
        if len(data.dispute_ref) > 64 or len(data.external_id) > 64:
            problems.append(problem("external_id", "too_long", "högst 64 tecken"))

        segments: list[timesplit.Segment] = []
        if data.start is None or data.end is None:
            if not any(p.field in ("start", "end", "date") for p in problems):
                problems.append(problem("start", "required", "ange start- och sluttid"))
        else:
            try:
                segments = timesplit.split(data.start, data.end)
            except timesplit.TimeRuleError as exc:
                problems.append(problem(exc.field, exc.code, exc.message.rstrip(".").lower()))
            else:
                if data.start > self._latest_start:
                    problems.append(
                        problem("start", "in_future", "en utförd insats kan inte ligga i framtiden")
                    )
                if staff_profile is not None:
                    clash = self._busy(staff.id, data.start, data.end)
                    if clash is not None:
                        problems.append(
                            problem(
                                "start",
                                "overlap",
                                "överlappar en annan registrerad insats för samma utförare "
                                f"(start {_local_text(clash)})",
                            )
                        )
        if problems or basis is None or person is None:
            raise InvalidService(problems)

        records: list[RecordRow] = []
        registration = uuid.uuid4()
        region = self._region
        municipality = _municipality(self.organisation, orderer, person, region)
        facts_rows = self._person_facts(person)
        for index, seg in enumerate(segments):
            day = seg.local_date
            facts, facts_key = self._person_facts_on(person, facts_rows, day, data.intervention)
            key = (
                basis.id,
                seg.band.value,
                day,
                _bucket_key(seg),
                municipality,
                data.intervention,
                facts_key,
            )
            decision = self._decisions.get(key)
            if decision is None:
                try:
                    decision = decide_segment(
                        basis=basis,
                        band=seg.band.value,
                        region=region,
                        date=day,
                        time=seg.start.strftime("%H:%M"),
                        municipality=municipality,
                        intervention=data.intervention,
                        person_facts=facts,
                    )
                except InvalidFacts as exc:
                    raise InvalidService(
                        [
                            problem("person", e.code, f"uppgiften {e.field}: {e.message}")
                            for e in exc.errors
                        ]
                    ) from None
                self._decisions[key] = decision
            if decision.status == "not_in_force":
                agreement = decision.agreements[0] if decision.agreements else {}
                raise InvalidService(
                    problem(
                        "basis",
                        "agreement_not_in_force",
                        f"avtalet {agreement.get('id', basis.agreement)} gällde "
                        f"{agreement.get('valid_from')}–{agreement.get('valid_to') or ''}; "
                        f"insatsen {day} ligger utanför",
                    )
                )
            payment = decision.payment
            payer = orderer if payment in INVOICEABLE_MODES else None
            if payer is not None and payer.id in (self._org_id, self._seller_id):
                raise InvalidService(
                    problem(
                        "orderer",
                        "payer_is_performer",
                        "beställaren kan inte vara samma organisation som utför insatsen när "
                        "den ska faktureras",
                    )
                )
            if payment in INVOICEABLE_MODES and basis.needs_dispute_ref and not data.dispute_ref:
                raise InvalidService(
                    problem(
                        "dispute_ref",
                        "required",
                        "ange ärendet där kostnadsansvaret är tvistigt (delas lika tills "
                        "överenskommelse)",
                    )
                )
            if payer is not None and self.is_locked(self._seller_id, payer.id, month_start(day)):
                raise InvalidService(
                    problem(
                        "date",
                        "month_locked",
                        f"faktureringen för {day:%Y-%m} till {payer.name} är stängd; rättelser "
                        "görs med kreditfaktura och ny faktura",
                    )
                )
            records.append(
                RecordRow(
                    day,
                    seg.start,
                    seg.end,
                    seg.minutes,
                    seg.band.value,
                    registration,
                    index,
                    person.id,
                    self._org_id,
                    unit.id if unit is not None else None,
                    staff.id,
                    orderer.id,
                    payer.id if payer is not None else None,
                    data.intervention,
                    basis.id,
                    basis.agreement,
                    payment,
                    self._snapshot(decision).id,
                    data.dispute_ref,
                    RecordStatus.APPROVED.value if approve else RecordStatus.DRAFT.value,
                    data.external_id,
                    "",
                    self.user.id,
                    self.now,
                    orderer_unit_id=orderer_unit.id if orderer_unit is not None else None,
                )
            )
        assert data.start is not None and data.end is not None
        bisect.insort(self._intervals.setdefault(staff.id, []), (data.start, data.end))
        return records


def _hashable(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(sorted(str(v) for v in value))
    if isinstance(value, dict):
        return tuple(sorted((str(k), str(v)) for k, v in value.items()))
    return value


def _bucket_key(seg: timesplit.Segment) -> str:
    t = seg.start.time()
    return "0" if t < timesplit.DAY_START else ("1" if t < timesplit.DAY_END else "2")


def _municipality(
    performer: Organisation, orderer: Organisation, person: Person, region: str
) -> str | None:
    """Where the service is given: the performing kommun, else the ordering one, else the
    person's home kommun if it lies in the region (a visitor's does not)."""
    for org in (performer, orderer):
        if org.is_municipality:  # a kommun, or a private provider acting for one
            return org.huvudman.scb_code
    home = person.home_municipality
    if home and region_of_municipality(home) == region:
        return home
    return None


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def is_month_locked(seller_id: int, buyer_id: int, month: dt.date) -> bool:
    """Invoiced and closed: the regular run is done and no correction is open."""
    runs = InvoiceRun.objects.filter(
        seller_id=seller_id, buyer_id=buyer_id, month=month_start(month)
    )
    if not runs.filter(kind=RunKind.REGULAR, locked=True).exists():
        return False
    return not runs.filter(
        kind=RunKind.CORRECTION, status__in=(RunStatus.OPEN, RunStatus.RUNNING)
    ).exists()


def locked_buyers(seller_id: int, month: dt.date) -> list[int]:
    """The buyers whose ``month`` the seller has invoiced and locked (no open correction)."""
    pairs = set(
        InvoiceRun.objects.filter(
            seller_id=seller_id, month=month_start(month), kind=RunKind.REGULAR, locked=True
        ).values_list("seller_id", "buyer_id")
    )
    return sorted(b for s_, b in pairs if is_month_locked(s_, b, month))


OVERLAP_MARKERS = ("purchases_record_overlap", "purchases_record_no_overlap", "exclusion")


def is_overlap_error(exc: IntegrityError) -> bool:
    text = str(exc).lower()
    return any(marker in text for marker in OVERLAP_MARKERS)


def overlap_problem() -> Problem:
    return problem("start", "overlap", "överlappar en annan registrerad insats för samma utförare")


def register_service(
    actor: Any, data: ServiceInput, *, approve: bool = False
) -> list[ServiceRecord]:
    """Register one performed service (atomic): its records, one per time band segment.

    ``approve=True`` saves them approved for invoicing (ekonom or MAS only).
    """
    if approve and not can_approve(actor):
        raise NotAllowed.one(None, "forbidden", "Bara ekonom eller MAS får godkänna insatser.")
    builder = RecordBuilder(actor)
    try:
        with transaction.atomic():
            rows = builder.build(data, approve=approve)
            records = ServiceRecord.objects.bulk_create([row.to_model() for row in rows])
            person = data.person
            assert person is not None
            audit(
                actor,
                Action.CREATE,
                ServiceRecord,
                records[0].pk,
                person_ref=person.ref,
                why="Tjänsteköp: registrerad insats"
                + (f" ({len(records)} delar)" if len(records) > 1 else ""),
                process=PURCHASES,
            )
    except IntegrityError as exc:
        if is_overlap_error(exc):
            raise InvalidService(overlap_problem()) from None
        if "external_id" in str(exc).lower() or "unique" in str(exc).lower():
            raise InvalidService(
                problem("external_id", "duplicate", "insatsen är redan registrerad med detta id")
            ) from None
        raise
    return records


def withdraw_record(actor: Any, record: ServiceRecord, *, reason: str) -> int:
    """Withdraw (makulera) a draft or approved record and the rest of its registration.

    Invoiced records are corrected with a credit note instead. Returns the number withdrawn.
    """
    user = user_of(actor)
    profile = profile_of(user)
    if profile is None or profile.organisation_id != record.performer_org_id:
        raise NotAllowed.one(None, "forbidden", "Bara den utförande organisationen kan makulera.")
    if record.staff_id != user.pk and not can_approve(actor, record.performer_org):
        raise NotAllowed.one(
            None, "forbidden", "Du kan makulera dina egna insatser; ekonom eller MAS andras."
        )
    if not reason.strip():
        raise InvalidService(problem("reason", "required", "ange varför insatsen makuleras"))
    with transaction.atomic():
        count = ServiceRecord.objects.filter(
            registration=record.registration,
            status__in=(RecordStatus.DRAFT, RecordStatus.APPROVED),
        ).update(status=RecordStatus.WITHDRAWN, occupies=False, withdrawn_reason=reason[:300])
        if not count:
            raise InvalidService(
                problem(
                    "status",
                    "not_withdrawable",
                    "insatsen är fakturerad; rätta med kreditfaktura i stället",
                )
            )
        audit(
            actor,
            Action.UPDATE,
            ServiceRecord,
            record.pk,
            person_ref=record.person.ref,
            why="Tjänsteköp: insats makulerad",
            process=PURCHASES,
        )
    return count


REJECTED_PREFIX = "Avvisad vid månadsgranskning: "


def reject_record(actor: Any, record: ServiceRecord, *, reason: str) -> int:
    """Reject (avvisa) a draft at the month review: ekonom or MAS of the performing
    organisation, with a reason. The registration's drafts are withdrawn with the reason
    recorded (``REJECTED_PREFIX`` + reason) and stop taking the staff member's time, so the
    service can be registered again correctly. Returns the number of records rejected."""
    if not can_approve(actor, record.performer_org):
        audit(actor, Action.ACCESS_DENIED, ServiceRecord, record.pk, why="Tjänsteköp: avvisa")
        raise NotAllowed.one(
            None, "forbidden", "Bara ekonom eller MAS hos utföraren får avvisa insatser."
        )
    if not reason.strip():
        raise InvalidService(problem("reason", "required", "ange varför insatsen avvisas"))
    with transaction.atomic():
        count = ServiceRecord.objects.filter(
            registration=record.registration, status=RecordStatus.DRAFT
        ).update(
            status=RecordStatus.WITHDRAWN,
            occupies=False,
            withdrawn_reason=(REJECTED_PREFIX + reason.strip())[:300],
        )
        if not count:
            raise InvalidService(
                problem(
                    "status", "not_draft", "bara utkast kan avvisas; insatsen är redan beslutad"
                )
            )
        audit(
            actor,
            Action.UPDATE,
            ServiceRecord,
            record.pk,
            person_ref=record.person.ref,
            why="Tjänsteköp: insats avvisad vid månadsgranskning",
            process=PURCHASES,
        )
    return count


def approve_records(
    actor: Any,
    *,
    month: dt.date,
    record_ids: Iterable[int] | None = None,
    filters: Mapping[str, Any] | None = None,
) -> int:
    """Approve the draft records of the user's organisation for ``month`` (or the given
    ids) for invoicing. Ekonom or MAS only. Returns how many were approved."""
    user = user_of(actor)
    profile = profile_of(user)
    if profile is None or not can_approve(actor):
        audit(actor, Action.ACCESS_DENIED, ServiceRecord, why="Tjänsteköp: godkänna insatser")
        raise NotAllowed.one(None, "forbidden", "Bara ekonom eller MAS får godkänna insatser.")
    start = month_start(month)
    from samverkan.purchases.bases import month_end

    records = ServiceRecord.objects.filter(
        performer_org_id=profile.organisation_id,
        status=RecordStatus.DRAFT,
        service_date__gte=start,
        service_date__lte=month_end(start),
    )
    if record_ids is not None:
        records = records.filter(pk__in=list(record_ids))
    if filters:
        records = records.filter(**filters)
    # Payment days under an open dispute wait for its decision (purchases.sources).
    records = records.exclude(payment=PaymentMode.PAYMENT_RESPONSIBILITY, dispute_ref__gt="")
    # … and so do source records only their source releases (terms not confirmed).
    records = records.exclude(
        pk__in=ServiceRecord.objects.filter(decision__data__hold_blocks=True).values("pk")
    )
    # Approving into a locked month is not allowed (the run would not see them anyway); the
    # month review reports those drafts as drafts of a locked month.
    locked = locked_buyers(profile.organisation.huvudman.pk, start)
    if locked:
        records = records.exclude(payer_org_id__in=locked)
    with transaction.atomic():
        person_ids = list(records.values_list("person_id", flat=True).distinct())
        count = records.update(status=RecordStatus.APPROVED)
        audit_persons(
            actor, person_ids, why=f"Tjänsteköp: godkänt för fakturering {start:%Y-%m}",
            process=PURCHASES, action=Action.UPDATE,
        )  # fmt: skip
    return count
