"""How tjänsteköp shows a person, to whom, and the audit of every person shown.

The one pseudonymous reference: ``P-0001`` … per selling (performing) organisation and
person (`PersonPseudonym`), numbered in the order first needed under the seller's invoice
counter lock. Service records, invoices, their lines and attachments all carry it, so the
ekonom reconciles a record with its invoice line without seeing who the person is.

Need-to-know (patientdatalagen 2008:355: 4 kap. 1 § lets staff read a patient's data only
when they take part in the care or need it for their work; 4 kap. 2 § limits access rights to
what the user needs for her tasks): the ekonom (`finance_officer`) gets the reference only, never a name,
personnummer, birth year or the facts of the care. Care staff and the medical leads (the
roles that may change persons) see the name of the persons people.access lets them see
(`shows_names`); any other person on a record stays a reference for them too.

Spärr: where the person keeps the performing vårdgivare's data from other vårdgivare
(patientdatalagen 6 kap. 2 §), another vårdgivare may process none of it (6 kap. 3 §: only
what was made available, with a care relation and consent). The paying vårdgivare's ekonom
and MAS still check and pay the invoice, so they keep the performer's records, but only as
the reference (`Shown.kept_away`): no name, no person id, no care facts of the decision,
whatever care relation the payer has of its own. (An interpretation for a PDL jurist to
confirm, README "Protected identities and spärr".)

Every read that shows persons (names or references) records one audit event per person
(`record_many`), with the data owner (the performing vårdgivare when it is not the user's own
organisation) and the process (``tjänsteköp`` or ``fakturering``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max

from samverkan.accounts.actors import organisation_of, role_of
from samverkan.audit.models import Action
from samverkan.audit.services import record, record_many
from samverkan.people.access import (
    WRITE_ROLES,
    persons_visible_to,
    protected_person_ids,
    shared_blocked_persons,
)
from samverkan.people.selectors import person_refs, survivor_ids
from samverkan.purchases.models import (
    InvoiceCounter,
    PersonPseudonym,
    ServiceRecord,
    person_ref,
)

__all__ = [
    "INVOICING",
    "PURCHASES",
    "Shown",
    "audit_persons",
    "deny_record",
    "labels",
    "pseudonym_numbers",
    "pseudonym_refs",
    "show_records",
    "shows_names",
]

#: The audit log's ``process`` of tjänsteköp (registration, review) and of invoicing.
PURCHASES = "tjänsteköp"
INVOICING = "fakturering"
_CHUNK = 5000


@dataclass(frozen=True)
class Shown:
    """One person as the reader may see them: the reference always, the name (and the
    person's id, for a link or the API) only when `shows_names` and people.access allow.
    `kept_away`: the person keeps the performer's data from the reader's vårdgivare (spärr,
    PDL 6 kap. 2–3 §§): the reference only, and the record without the care's facts.
    `protected`: the person has a protected identity (the "Skyddad identitet" marker); never
    on a kept-away record, where it would tell the payer something about the person beyond
    the reference."""

    ref: str
    name: str | None = None
    person_id: Any = None
    kept_away: bool = False
    protected: bool = False

    def __str__(self) -> str:
        return self.name or self.ref


def shows_names(actor: Any) -> bool:
    """Care staff and medical leads see names (of persons they may see); the ekonom never."""
    return role_of(actor) in WRITE_ROLES


def pseudonym_numbers(organisation_id: int, person_ids: Iterable[Any]) -> dict[Any, int]:
    """person id -> the number of its reference at ``organisation_id``; missing ones are
    created. New numbers are taken under the seller's invoice counter lock, the lock an
    invoice run holds, so two writers never take the same number."""
    wanted = set(person_ids)
    numbers = _numbers(organisation_id, wanted)
    missing = wanted - set(numbers)
    if not missing:
        return numbers
    with transaction.atomic():
        InvoiceCounter.objects.bulk_create(
            [InvoiceCounter(seller_id=organisation_id)], ignore_conflicts=True
        )
        InvoiceCounter.objects.select_for_update().get(seller_id=organisation_id)
        numbers.update(_numbers(organisation_id, missing))  # taken while we waited
        new = sorted(wanted - set(numbers), key=str)
        last = (
            PersonPseudonym.objects.filter(organisation_id=organisation_id).aggregate(
                n=Max("number")
            )["n"]
            or 0
        )
        PersonPseudonym.objects.bulk_create(
            [
                PersonPseudonym(organisation_id=organisation_id, person_id=pk, number=last + i)
                for i, pk in enumerate(new, start=1)
            ],
            batch_size=2000,
        )
        numbers.update({pk: last + i for i, pk in enumerate(new, start=1)})
    return numbers


def pseudonym_refs(organisation_id: int, person_ids: Iterable[Any]) -> dict[Any, str]:
    """person id -> the person's reference at the selling organisation (``P-0001``; created
    if missing), the one the invoices and their attachments carry."""
    return {
        pk: person_ref(number)
        for pk, number in pseudonym_numbers(organisation_id, person_ids).items()
    }


def _numbers(organisation_id: int, person_ids: set[Any]) -> dict[Any, int]:
    ids = sorted(person_ids, key=str)
    found: dict[Any, int] = {}
    for start in range(0, len(ids), _CHUNK):
        found.update(
            PersonPseudonym.objects.filter(
                organisation_id=organisation_id, person_id__in=ids[start : start + _CHUNK]
            ).values_list("person_id", "number")
        )
    return found


def show_records(
    actor: Any,
    records: Iterable[Any],
    *,
    why: str,
    process: str = PURCHASES,
    action: Action | str = Action.VIEW,
    obj_type: str = "purchases.servicerecord",
    obj_id: Any = "",
) -> dict[int, Shown]:
    """record pk -> how the record's person is shown to ``actor``; every person shown is
    audited once (``action``, per data owner)."""
    rows = [(r.pk, r.performer_org_id, r.person_id) for r in records]
    if not rows:
        return {}
    by_org: dict[int, set[Any]] = defaultdict(set)
    for _, org_id, person_id in rows:
        by_org[org_id].add(person_id)
    numbers = {
        (org_id, pk): number
        for org_id, ids in by_org.items()
        for pk, number in pseudonym_numbers(org_id, ids).items()
    }
    names = _names(actor, {person_id for _, _, person_id in rows})
    kept_away = _kept_away(actor, by_org)
    protected = _protected(
        {person_id for _, org_id, person_id in rows if (org_id, person_id) not in kept_away}
    )
    shown: dict[int, Shown] = {}
    for pk, org_id, person_id in rows:
        ref = person_ref(numbers[(org_id, person_id)])
        if (org_id, person_id) in kept_away:
            shown[pk] = Shown(ref=ref, kept_away=True)  # nothing beyond the reference
            continue
        name, visible_id = names.get(person_id, (None, None))
        shown[pk] = Shown(
            ref=ref, name=name, person_id=visible_id, protected=person_id in protected
        )
    owners: dict[int, set[Any]] = defaultdict(set)
    for _, org_id, person_id in rows:
        owners[org_id].add(person_id)
    for org_id, ids in owners.items():
        audit_persons(
            actor, ids, why=why, process=process, action=action, owner_id=org_id,
            obj_type=obj_type, obj_id=obj_id,
        )  # fmt: skip
    return shown


def _kept_away(actor: Any, by_org: dict[int, set[Any]]) -> set[tuple[int, Any]]:
    """(performer, person id as stored) of the records whose person keeps that performer's
    data from the actor's vårdgivare (spärr, PDL 6 kap. 2 §; a merged-away person by its
    survivor's spärr). Never the actor's own organisation's records."""
    own = organisation_of(actor)
    others = {org_id: ids for org_id, ids in by_org.items() if own is None or org_id != own.pk}
    if not others:
        return set()
    survivors = survivor_ids({pk for ids in others.values() for pk in ids})
    out: set[tuple[int, Any]] = set()
    for org_id, ids in others.items():
        blocked = shared_blocked_persons({survivors[pk] for pk in ids}, org_id)
        out.update((org_id, pk) for pk in ids if survivors[pk] in blocked)
    return out


def _protected(person_ids: set[Any]) -> set[Any]:
    """Of these person ids (as stored), those whose surviving person has an active protected
    identity (one query for the page, not one per row)."""
    if not person_ids:
        return set()
    survivors = survivor_ids(person_ids)
    found = protected_person_ids(set(survivors.values()))
    return {pk for pk, survivor in survivors.items() if survivor in found}


def _names(actor: Any, person_ids: set[Any]) -> dict[Any, tuple[str, Any]]:
    """person id (as stored) -> (name, surviving person's id) for the persons whose name the
    actor may see; history of a merged-away person reads as the survivor."""
    if not shows_names(actor) or not person_ids:
        return {}
    survivors = survivor_ids(person_ids)
    visible = {
        p.pk: p
        for p in persons_visible_to(actor)
        .filter(pk__in=list(set(survivors.values())))
        .only("pk", "given_name", "family_name")
    }
    out: dict[Any, tuple[str, Any]] = {}
    for pk, survivor in survivors.items():
        person = visible.get(survivor)
        if person is not None:
            out[pk] = (f"{person.family_name}, {person.given_name}".strip(", "), pk)
    return out


def audit_persons(
    actor: Any,
    person_ids: Iterable[Any],
    *,
    why: str,
    process: str,
    action: Action | str = Action.VIEW,
    owner_id: int | None = None,
    obj_type: str = "purchases.servicerecord",
    obj_id: Any = "",
) -> int:
    """One audit event per person (its surviving record's reference). ``owner_id`` is the
    vårdgivare whose data was reached; the user's own organisation is recorded as None."""
    ids = set(person_ids)
    if not ids:
        return 0
    own = organisation_of(actor)
    owner = None if own is None or owner_id == own.pk else owner_id
    survivors = sorted(set(survivor_ids(ids).values()), key=str)
    refs: list[str] = []
    for start in range(0, len(survivors), 2000):
        refs.extend(person_refs(survivors[start : start + 2000]).values())
    return record_many(
        actor, action, obj_type, obj_id, person_refs=sorted(refs), why=why, owner=owner,
        process=process,
    )  # fmt: skip


def labels(persons: Iterable[Any]) -> list[tuple[str, str]]:
    """(id, "Family, Given (born YYYY)") for a picker of persons already narrowed by access."""
    out = []
    for p in persons:
        born = f" ({p.birth_date:%Y})" if p.birth_date else ""
        out.append((str(p.pk), f"{p.family_name}, {p.given_name}{born}".strip(", ")))
    return out


def deny_record(actor: Any, record_id: Any, *, why: str) -> None:
    """Audit a refused read of a service record: with the person it would have shown when
    the record exists (log control sees whom the attempt was about), else without."""
    target = (
        ServiceRecord.objects.filter(pk=record_id).values_list("person_id", "performer_org_id")
        if str(record_id).isdigit()
        else ServiceRecord.objects.none().values_list("person_id", "performer_org_id")
    ).first()
    if target is None:
        record(actor, Action.ACCESS_DENIED, ServiceRecord, record_id, why=why, process=PURCHASES)
        return
    audit_persons(
        actor, [target[0]], why=why, process=PURCHASES, action=Action.ACCESS_DENIED,
        owner_id=target[1], obj_id=record_id,
    )  # fmt: skip
