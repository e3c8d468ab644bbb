"""The population register: where a person's protected identity is read from.

The integration point for Inera's Personuppgiftstjänst (PU-tjänsten), which passes on what
Skatteverket's folkbokföring says. Only the protection markers are read here; name and address
are out of scope (Samverkan keeps no addresses):

- sekretessmarkering (OSL 2009:400 22 kap. 1 §): PU-tjänsten's `protectedPersonIndicator`
  (Navet: termkod 01003);
- skyddad folkbokföring (folkbokföringslagen 1991:481 16 §): PU-tjänsten's
  `protectedPopulationRecord` (Navet: termkod 01020).

Fingerade personuppgifter are invisible to the register by design (a new name and number,
no marker) and so to Samverkan too.

The adapter is named by the setting `SAMVERKAN_POPULATION_REGISTER` (a dotted path to a class
taking no arguments, with the `PopulationRegister` interface below):

- `NotConnected` (the default): connects nothing, answers `None` for every number, so nothing
  is recorded or ended; staff mark protection by hand (`people.services.mark_protected`).
- `JsonFileRegister`: a local stand-in that reads a JSON file named by
  `SAMVERKAN_POPULATION_REGISTER_FILE`, ``{"<12-digit number>": {"protectedPersonIndicator":
  true, "protectedPopulationRecord": false}, …}``; a number not in the file has no markers.
  For tests and demos only: it is not the PU-tjänst protocol and does not pretend to be.

A deployment connects the real PU-tjänst by writing an adapter class (e.g. in its own package)
whose `lookup` asks PU-tjänsten through the region's agreement with Inera (its SOAP/REST
contract, the SITHS function certificate and the HSA-id the region was given) and maps the two
attributes to `ProtectionMarkers`, then names that class in `SAMVERKAN_POPULATION_REGISTER`.
An adapter returns `None` whenever it has no certain answer (timeout, error, unknown number):
an unanswered lookup never ends a protection.

Protection is recorded (and ended) with source POPULATION_REGISTER by `sync_person`, called
on registration (`people.services.create_person`, `import_patient`) and for everyone by
`manage.py sync_protection` (e.g. nightly). Staff cannot end what the register says
(`people.services.end_protection`); what staff marked is never ended by the register.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.people.identity import IdSystem, PersonIdentifier
from samverkan.people.models import (
    IdentityProtection,
    Person,
    ProtectionKind,
    ProtectionSource,
)

__all__ = [
    "DEFAULT_ADAPTER",
    "JsonFileRegister",
    "NotConnected",
    "PopulationRegister",
    "ProtectionMarkers",
    "SyncResult",
    "register",
    "sync_all",
    "sync_person",
]

logger = logging.getLogger(__name__)

DEFAULT_ADAPTER = "samverkan.people.population_register.NotConnected"
# The register knows persons by personnummer and samordningsnummer only.
LOOKUP_SYSTEMS = frozenset({IdSystem.personnummer, IdSystem.samordningsnummer})
WHY = "Skyddad identitet enligt folkbokföringen"


@dataclass(frozen=True)
class ProtectionMarkers:
    confidentiality_marking: bool = False  # protectedPersonIndicator
    protected_registration: bool = False  # protectedPopulationRecord

    def kinds(self) -> set[str]:
        found = set()
        if self.confidentiality_marking:
            found.add(str(ProtectionKind.CONFIDENTIALITY_MARKING))
        if self.protected_registration:
            found.add(str(ProtectionKind.PROTECTED_REGISTRATION))
        return found


class PopulationRegister(Protocol):
    connected: bool

    def lookup(self, identifier: PersonIdentifier) -> ProtectionMarkers | None:
        """The markers for this number, or None when there is no certain answer."""
        ...


class NotConnected:
    """No population register: every lookup is unanswered."""

    connected = False

    def lookup(self, identifier: PersonIdentifier) -> ProtectionMarkers | None:
        return None


class JsonFileRegister:
    """A local stand-in (tests, demos): markers from a JSON file of test personnummer."""

    connected = True

    def __init__(self, path: str | Path | None = None) -> None:
        name = path or getattr(settings, "SAMVERKAN_POPULATION_REGISTER_FILE", "")
        if not name:
            raise ValueError("SAMVERKAN_POPULATION_REGISTER_FILE anger ingen fil.")
        data = json.loads(Path(name).read_text("utf-8"))
        self.entries: dict[str, ProtectionMarkers] = {
            str(number): ProtectionMarkers(
                confidentiality_marking=bool(entry.get("protectedPersonIndicator")),
                protected_registration=bool(entry.get("protectedPopulationRecord")),
            )
            for number, entry in data.items()
        }

    def lookup(self, identifier: PersonIdentifier) -> ProtectionMarkers | None:
        return self.entries.get(identifier.value, ProtectionMarkers())


def register() -> PopulationRegister:
    """The configured adapter (`SAMVERKAN_POPULATION_REGISTER`)."""
    path = getattr(settings, "SAMVERKAN_POPULATION_REGISTER", "") or DEFAULT_ADAPTER
    adapter: PopulationRegister = import_string(path)()
    return adapter


@dataclass
class SyncResult:
    looked_up: int = 0
    unanswered: int = 0
    recorded: list[IdentityProtection] = field(default_factory=list)
    ended: list[IdentityProtection] = field(default_factory=list)


def _identifier(person: Person) -> PersonIdentifier | None:
    identities = [i for i in person.identities.all() if i.is_active]
    identities.sort(key=lambda i: not i.is_primary)
    for identity in identities:
        if identity.identifier.system in LOOKUP_SYSTEMS:
            return identity.identifier
    return None


def sync_person(
    person: Person, *, adapter: PopulationRegister | None = None, result: SyncResult | None = None
) -> SyncResult:
    """Record or end the person's POPULATION_REGISTER protections as the register says.

    Never raises for the register's sake: a failing adapter is logged (without identifiers)
    and counted as unanswered, so registration goes on; the next sync catches up.
    """
    result = result if result is not None else SyncResult()
    adapter = adapter if adapter is not None else register()
    if not adapter.connected:
        return result
    person = person.survivor()
    identifier = _identifier(person)
    if identifier is None:
        return result
    result.looked_up += 1
    try:
        markers = adapter.lookup(identifier)
    except Exception:  # an integration fails in its own ways; never stop registration
        logger.warning("Folkbokföringen svarade inte (%s).", type(adapter).__name__)
        markers = None
    if markers is None:
        result.unanswered += 1
        return result
    wanted = markers.kinds()
    with transaction.atomic():
        active = {
            p.kind: p
            for p in IdentityProtection.objects.select_for_update().filter(
                person=person, source=ProtectionSource.POPULATION_REGISTER, ended_at__isnull=True
            )
        }
        for kind in sorted(wanted - set(active)):
            protection = IdentityProtection.objects.create(
                person=person, kind=kind, source=ProtectionSource.POPULATION_REGISTER
            )
            record(
                None,
                Action.CREATE,
                "people.identityprotection",
                protection.pk,
                person_ref=person.ref,
                why=WHY,
            )
            result.recorded.append(protection)
        for kind in sorted(set(active) - wanted):
            protection = active[kind]
            protection.ended_at = timezone.now()
            protection.end_reason = "Markeringen finns inte längre i folkbokföringen."
            protection.save(update_fields=["ended_at", "end_reason"])
            record(
                None,
                Action.UPDATE,
                "people.identityprotection",
                protection.pk,
                person_ref=person.ref,
                why=WHY,
            )
            result.ended.append(protection)
    return result


def sync_all(*, adapter: PopulationRegister | None = None) -> SyncResult:
    """Every (not merged) person, e.g. nightly."""
    adapter = adapter if adapter is not None else register()
    result = SyncResult()
    if not adapter.connected:
        return result
    for person in Person.objects.active().prefetch_related("identities").iterator(chunk_size=500):
        sync_person(person, adapter=adapter, result=result)
    return result
