"""FHIR R4 (4.0.1) mapping for persons, organisations and SIP plans, on HL7 Sweden's base
profiles (basprofiler-r4: SEBasePatient, SEBaseOrganization).

Pure functions over the plain dataclasses below; no Django. The model library is
`fhirclient` (SMART on FHIR), whose models are generated from FHIR 4.0.1, the version of
HL7 Sweden basprofiler and of Swedish receivers (`fhir.resources` ships R5, R4B = 4.3.0 and
STU3 only). Parsing a resource with it is the structure check: an unknown element, a wrong
type, a malformed date or a missing mandatory element is refused (`FhirStructureError`).

Export (`*_to_fhir`) builds plain JSON and parses it with the 4.0.1 model, so everything
returned has passed the structure check. Import (`*_from_fhir`) accepts JSON text, a dict or
a model, parses it, then reads it; person identifiers are validated by
`samverkan.people.identity` (`InvalidIdentifier` on a bad one). Export → JSON → import gives
equal dataclasses.

Mapping decisions:

- Every Patient and Organization names its base profile in `meta.profile`, and every
  resource carries generated narrative (`text.status = generated`) built from the same data.
- Patient: identifiers with the HL7 Sweden basprofiler systems; an official HumanName;
  gender; birthDate; the kommun (SCB kommunkod) in `address.district`, since HL7 Sweden
  basprofiler defines no extension for a municipality code. Identifiers of other systems
  (local record numbers) are ignored on import.
- Protected identity (`PersonData.address_withheld`, set by the caller from
  `people.withholding.withhold_contact(person)`: sekretessmarkering or skyddad folkbokföring):
  the address, the kommun included, is not exported. The Patient gets one address holding only
  the data-absent-reason extension with code `masked` ("not available for security or privacy
  reasons"), and `meta.security` the HL7 confidentiality code `R` (restricted), so that the
  receiver knows to take care. On import a masked address reads back as
  `address_withheld=True` with no kommun.
- Organization (SEBaseOrganization): the organisationsnummer as identifier
  `urn:oid:2.5.4.97` with type v2-0203 `XX`, the HSA-id (where known) as
  `urn:oid:1.2.752.29.4.19` with type `PRN` (the profile's fixed slices); `kind` as a coding
  in Samverkan's own code system; SCB kommunkod/länskod in `address.district`. A unit with an
  HSA-id is an Organization of its own, `partOf` its organisation; a private provider's
  Organization is `partOf` its huvudman's (the caller puts both in the Bundle).
- CarePlan: status, intent `plan`, title, subject = the Patient (a reference, plus its
  identifier so a receiver without the Bundle still knows who), created, the overall
  responsible organisation as `author`, the CareTeam in `careTeam`, goals as contained Goal
  resources with the same subject, each activity's performing organisation as
  `activity.detail.performer` (a reference; display = the unit), its due date as
  `activity.detail.scheduledPeriod.end`, the follow-up date in an extension.
- CareTeam: status, subject = the Patient, one participant per organisation/unit:
  `member` = the organisation (display = unit), `role` = the role as text, "fast
  vårdkontakt" and "is a physician" in two boolean extensions.
- Bundle (`bundle_collection`): every entry gets a `fullUrl` `urn:uuid:…` (a name-based
  UUID of the canonical base, type and id: the same export gives the same ids, and nothing
  names the host that served it); every reference `Type/id` to an entry is rewritten to that
  entry's fullUrl, and a reference that resolves to no entry is refused. `bundle_from_fhir`
  resolves them back.

Samverkan's extensions and code systems live under a canonical base that the deployment
configures (setting `FHIR_CANONICAL_BASE`): the functions that write or read them take it
as `base`.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, cast

from fhirclient.models.bundle import Bundle
from fhirclient.models.careplan import CarePlan
from fhirclient.models.careteam import CareTeam
from fhirclient.models.fhirabstractbase import FHIRAbstractBase
from fhirclient.models.goal import Goal
from fhirclient.models.organization import Organization
from fhirclient.models.patient import Patient

from samverkan.core.upload_settings import limits_for
from samverkan.core.uploads import UploadError, load_json
from samverkan.people.identity import IdSystem, PersonIdentifier, parse_identifier

__all__ = [
    "FHIR_VERSION",
    "HSA_ID_SYSTEM",
    "ORG_NUMBER_SYSTEM",
    "SE_BASE_ORGANIZATION",
    "SE_BASE_PATIENT",
    "ActivityData",
    "CarePlanData",
    "CareTeamData",
    "Canon",
    "FhirStructureError",
    "OrganisationData",
    "ParticipantData",
    "PersonData",
    "bundle_collection",
    "bundle_from_fhir",
    "careplan_from_fhir",
    "careplan_to_fhir",
    "careteam_from_fhir",
    "careteam_to_fhir",
    "organization_from_fhir",
    "organization_to_fhir",
    "parse_resource",
    "patient_from_fhir",
    "patient_to_fhir",
    "to_fhir",
    "to_json",
]

FHIR_VERSION = "4.0.1"  # fhirclient.models: "Generated from FHIR 4.0.1"
SE_BASE_PATIENT = "http://hl7.se/fhir/ig/base/StructureDefinition/SEBasePatient"
SE_BASE_ORGANIZATION = "http://hl7.se/fhir/ig/base/StructureDefinition/SEBaseOrganization"
HSA_ID_SYSTEM = "urn:oid:1.2.752.29.4.19"
ORG_NUMBER_SYSTEM = "urn:oid:2.5.4.97"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
HSA_ID_TYPE: dict[str, Any] = {"coding": [{"system": V2_0203, "code": "PRN"}]}
ORG_NUMBER_TYPE: dict[str, Any] = {"coding": [{"system": V2_0203, "code": "XX"}]}
EXT_DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
CONFIDENTIALITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
MASKED_ADDRESS: dict[str, Any] = {
    "extension": [{"url": EXT_DATA_ABSENT_REASON, "valueCode": "masked"}]
}
RESTRICTED: list[dict[str, Any]] = [
    {"system": CONFIDENTIALITY_SYSTEM, "code": "R", "display": "restricted"}
]
XHTML = "http://www.w3.org/1999/xhtml"

Gender = Literal["female", "male", "other", "unknown"]
GENDERS: frozenset[str] = frozenset({"female", "male", "other", "unknown"})
CAREPLAN_STATUSES: frozenset[str] = frozenset(
    {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}
)
CARETEAM_STATUSES: frozenset[str] = frozenset(
    {"proposed", "active", "suspended", "inactive", "entered-in-error"}
)
ACTIVITY_STATUSES: frozenset[str] = frozenset(
    {
        "not-started",
        "scheduled",
        "in-progress",
        "on-hold",
        "completed",
        "cancelled",
        "stopped",
        "unknown",
        "entered-in-error",
    }
)
_GENDER_TEXT = {"female": "kvinna", "male": "man", "other": "annat", "unknown": "okänt"}


class FhirStructureError(ValueError):
    """A resource that does not conform to the FHIR 4.0.1 structure (or is of another type)."""


@dataclass(frozen=True)
class Canon:
    """Samverkan's canonical URLs under the deployment's base (setting FHIR_CANONICAL_BASE)."""

    base: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"(https?://[^\s/]+(/[^\s]*)?|urn:[a-z0-9][a-z0-9-]*:\S+)", self.base):
            raise ValueError(f"FHIR_CANONICAL_BASE är ingen absolut URL: {self.base!r}")

    def _url(self, kind: str, name: str) -> str:
        return f"{self.base.rstrip('/')}/{kind}/{name}"

    @property
    def organisation_kind(self) -> str:
        return self._url("CodeSystem", "organisation-kind")

    @property
    def followup_date(self) -> str:
        return self._url("StructureDefinition", "careplan-followup-date")

    @property
    def named_care_contact(self) -> str:
        return self._url("StructureDefinition", "named-care-contact")

    @property
    def physician(self) -> str:
        return self._url("StructureDefinition", "participant-is-physician")


def _canon(base: str | Canon) -> Canon:
    return base if isinstance(base, Canon) else Canon(base)


# --- dataclasses ----------------------------------------------------------------------


@dataclass
class PersonData:
    identifiers: list[PersonIdentifier]
    given: list[str] = field(default_factory=list)
    family: str | None = None
    birth_date: date | None = None
    sex: Gender | None = None
    municipality_code: str | None = None  # SCB kommunkod, 4 digits
    # Protected identity: no address (nor kommun) leaves the system, see the module docstring.
    address_withheld: bool = False


@dataclass
class OrganisationData:
    id: str
    name: str
    hsa_id: str | None = None
    kind: str | None = None  # e.g. "region", "municipality" (accounts.OrganisationKind)
    scb_code: str | None = None  # länskod (region) or kommunkod (kommun)
    org_number: str | None = None  # organisationsnummer, NNNNNN-NNNN
    # a unit: the id of its organisation's Organization; a private provider: its huvudman's
    part_of: str | None = None


@dataclass
class ActivityData:
    description: str
    responsible_org_id: str
    unit_name: str | None = None
    due: date | None = None
    status: str = "not-started"  # CarePlan.activity.detail.status


@dataclass
class CarePlanData:
    id: str
    person: PersonIdentifier
    title: str
    status: str = "active"  # CarePlan.status
    created: date | None = None  # a date, or an aware datetime
    goals: list[str] = field(default_factory=list)
    activities: list[ActivityData] = field(default_factory=list)
    overall_responsible_org_id: str | None = None
    followup_date: date | None = None
    patient_id: str | None = None  # the Patient resource's id (a reference in the Bundle)
    careteam_id: str | None = None  # the CareTeam resource's id


@dataclass
class ParticipantData:
    org_id: str
    unit_name: str | None
    role: str
    is_named_care_contact: bool = False
    is_physician: bool = False


@dataclass
class CareTeamData:
    id: str
    person: PersonIdentifier
    participants: list[ParticipantData] = field(default_factory=list)
    status: str = "active"  # CareTeam.status
    patient_id: str | None = None


# --- structure ------------------------------------------------------------------------


def parse_resource(data: Any, model: type[Any] | None = None) -> Any:
    """The fhirclient (FHIR 4.0.1) model of `data` (JSON text, a dict or a model): the
    structure check. `FhirStructureError` names what is wrong."""
    if isinstance(data, FHIRAbstractBase):
        data = data.as_json()
    elif isinstance(data, str | bytes):
        # The shared reader (core.uploads) with the `fhir` limits: size, nesting, members.
        # A limit refused is its UploadError (413/422, its code); text that is no JSON, the
        # structure error with where and why in Swedish.
        try:
            data = load_json(data, limits_for("fhir"), field="body", what="Resursen")
        except UploadError as exc:
            if exc.code not in ("invalid_json", "encoding"):
                raise
            raise FhirStructureError(exc.message) from None
    if not isinstance(data, Mapping):
        raise FhirStructureError("En FHIR-resurs är ett JSON-objekt.")
    data = dict(data)
    kind = data.get("resourceType")
    if model is not None and kind != model.resource_type:
        raise FhirStructureError(f"Förväntade resourceType {model.resource_type!r}, fick {kind!r}.")
    if model is None:
        model = _MODELS.get(kind) if isinstance(kind, str) else None
        if model is None:
            raise FhirStructureError(f"Okänd eller saknad resourceType: {kind!r}.")
    try:
        return model(data, strict=True)
    except Exception as exc:  # FHIRValidationError; a bare Exception on a nested wrong type
        raise FhirStructureError(f"{kind} följer inte FHIR 4.0.1: {_readable(exc)}") from None


def _readable(error: Exception) -> str:
    """fhirclient's message without object addresses and module paths."""
    text = str(error)
    text = re.sub(r"<fhirclient\.models\.[\w.]+\.(\w+) object at 0x[0-9a-f]+>", r"\1", text)
    text = re.sub(r"<class 'fhirclient\.models\.[\w.]+\.(\w+)'>", r"\1", text)
    text = re.sub(r"<class '(\w+)'>", r"\1", text)
    return " ".join(text.replace("{root}:", "").split())


_MODELS: dict[str, type[Any]] = {
    m.resource_type: m for m in (Bundle, CarePlan, CareTeam, Goal, Organization, Patient)
}


# --- export ---------------------------------------------------------------------------


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, [], {}, "")}


def _identifier(identifier: PersonIdentifier) -> dict[str, str]:
    return {"system": identifier.system.uri, "value": identifier.value}


def _subject(identifier: PersonIdentifier, patient_id: str | None) -> dict[str, Any]:
    return _drop_empty(
        {
            "reference": f"Patient/{patient_id}" if patient_id else None,
            "type": "Patient",
            "identifier": _identifier(identifier),
        }
    )


def _org_reference(org_id: str, display: str | None = None) -> dict[str, str]:
    return _drop_empty({"reference": f"Organization/{org_id}", "display": display})


def _iso(value: date) -> str:
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError("FHIR kräver tidszon i en tidpunkt med klockslag.")
    return value.isoformat()


def _narrative(*lines: str | None) -> dict[str, str]:
    """Generated narrative: the given lines, escaped, one paragraph each."""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{body or "<p>-</p>"}</div>'}


def _name_text(person: PersonData) -> str:
    return " ".join([*person.given, person.family or ""]).strip()


def patient_to_fhir(person: PersonData, resource_id: str | None = None) -> Any:
    """A Patient (SEBasePatient). `resource_id` is its logical id (never a personnummer)."""
    if person.sex is not None and person.sex not in GENDERS:
        raise ValueError(f"Okänt kön: {person.sex!r}")
    name = _drop_empty(
        {
            "use": "official",
            "family": person.family,
            "given": list(person.given),
            "text": _name_text(person),
        }
    )
    if person.address_withheld:
        address: list[dict[str, Any]] = [MASKED_ADDRESS]
    else:
        address = [{"district": person.municipality_code}] if person.municipality_code else []
    meta: dict[str, Any] = {"profile": [SE_BASE_PATIENT]}
    if person.address_withheld:
        meta["security"] = RESTRICTED
    resource = _drop_empty(
        {
            "resourceType": "Patient",
            "id": resource_id,
            "meta": meta,
            "text": _narrative(
                _name_text(person) or "Patient",
                ", ".join(f"{i.system.label}: {i.value}" for i in person.identifiers),
                f"Född {person.birth_date.isoformat()}" if person.birth_date else None,
                f"Kön: {_GENDER_TEXT[person.sex]}" if person.sex else None,
            ),
            "identifier": [_identifier(i) for i in person.identifiers],
            "name": [name] if len(name) > 1 else [],
            "gender": person.sex,
            "birthDate": person.birth_date.isoformat() if person.birth_date else None,
            "address": address,
        }
    )
    return parse_resource(resource, Patient)


def organization_to_fhir(org: OrganisationData, *, base: str | Canon) -> Any:
    """An Organization (SEBaseOrganization): organisationsnummer (XX) and HSA-id (PRN)."""
    canon = _canon(base)
    identifiers = []
    if org.org_number:
        identifiers.append(
            {"type": ORG_NUMBER_TYPE, "system": ORG_NUMBER_SYSTEM, "value": org.org_number}
        )
    if org.hsa_id:
        identifiers.append({"type": HSA_ID_TYPE, "system": HSA_ID_SYSTEM, "value": org.hsa_id})
    resource = _drop_empty(
        {
            "resourceType": "Organization",
            "id": org.id,
            "meta": {"profile": [SE_BASE_ORGANIZATION]},
            "text": _narrative(
                org.name,
                f"Organisationsnummer {org.org_number}" if org.org_number else None,
                f"HSA-id {org.hsa_id}" if org.hsa_id else None,
            ),
            "identifier": identifiers,
            "type": [{"coding": [{"system": canon.organisation_kind, "code": org.kind}]}]
            if org.kind
            else [],
            "name": org.name,
            "address": [{"district": org.scb_code}] if org.scb_code else [],
            "partOf": _org_reference(org.part_of) if org.part_of else None,
        }
    )
    return parse_resource(resource, Organization)


def careplan_to_fhir(plan: CarePlanData, *, base: str | Canon) -> Any:
    canon = _canon(base)
    if plan.status not in CAREPLAN_STATUSES:
        raise ValueError(f"Okänd status för vårdplan: {plan.status!r}")
    subject = _subject(plan.person, plan.patient_id)
    goals = [
        {
            "resourceType": "Goal",
            "id": f"goal-{n}",
            "lifecycleStatus": "active",
            "description": {"text": text},
            "subject": subject,
        }
        for n, text in enumerate(plan.goals, start=1)
    ]
    activities = []
    for activity in plan.activities:
        if activity.status not in ACTIVITY_STATUSES:
            raise ValueError(f"Okänd status för insats: {activity.status!r}")
        detail = _drop_empty(
            {
                "status": activity.status,
                "description": activity.description,
                "performer": [_org_reference(activity.responsible_org_id, activity.unit_name)],
                "scheduledPeriod": {"end": activity.due.isoformat()} if activity.due else None,
            }
        )
        activities.append({"detail": detail})
    resource = _drop_empty(
        {
            "resourceType": "CarePlan",
            "id": plan.id,
            "text": _narrative(
                plan.title,
                *(f"Mål: {goal}" for goal in plan.goals),
                *(
                    f"Insats: {a.description}" + (f" ({a.unit_name})" if a.unit_name else "")
                    for a in plan.activities
                ),
                f"Uppföljning {plan.followup_date.isoformat()}" if plan.followup_date else None,
            ),
            "contained": goals,
            "extension": [{"url": canon.followup_date, "valueDate": plan.followup_date.isoformat()}]
            if plan.followup_date
            else [],
            "status": plan.status,
            "intent": "plan",
            "title": plan.title,
            "subject": subject,
            "created": _iso(plan.created) if plan.created else None,
            "author": _org_reference(plan.overall_responsible_org_id)
            if plan.overall_responsible_org_id
            else None,
            "careTeam": [{"reference": f"CareTeam/{plan.careteam_id}"}] if plan.careteam_id else [],
            "goal": [{"reference": f"#{g['id']}"} for g in goals],
            "activity": activities,
        }
    )
    return parse_resource(resource, CarePlan)


def careteam_to_fhir(team: CareTeamData, *, base: str | Canon) -> Any:
    canon = _canon(base)
    if team.status not in CARETEAM_STATUSES:
        raise ValueError(f"Okänd status för vårdteam: {team.status!r}")
    participants = [
        _drop_empty(
            {
                "extension": [
                    {"url": canon.named_care_contact, "valueBoolean": p.is_named_care_contact},
                    {"url": canon.physician, "valueBoolean": p.is_physician},
                ],
                "role": [{"text": p.role}] if p.role else [],
                "member": _org_reference(p.org_id, p.unit_name),
            }
        )
        for p in team.participants
    ]
    resource = _drop_empty(
        {
            "resourceType": "CareTeam",
            "id": team.id,
            "text": _narrative(
                "Deltagare i planen",
                *(
                    ": ".join(x for x in (p.role, p.unit_name or p.org_id) if x)
                    for p in team.participants
                ),
            ),
            "status": team.status,
            "subject": _subject(team.person, team.patient_id),
            "participant": participants,
        }
    )
    return parse_resource(resource, CareTeam)


AnyData = PersonData | OrganisationData | CarePlanData | CareTeamData


def to_fhir(obj: AnyData, *, base: str | Canon) -> Any:
    """The FHIR resource for any of the dataclasses (a Patient gets no id)."""
    if isinstance(obj, PersonData):
        return patient_to_fhir(obj)
    if isinstance(obj, OrganisationData):
        return organization_to_fhir(obj, base=base)
    if isinstance(obj, CarePlanData):
        return careplan_to_fhir(obj, base=base)
    if isinstance(obj, CareTeamData):
        return careteam_to_fhir(obj, base=base)
    raise TypeError(f"Kan inte göra FHIR av {type(obj).__name__}")


def full_url(base: str | Canon, resource_type: str, resource_id: str) -> str:
    """The entry's `urn:uuid:` fullUrl: a name-based UUID of base, type and id."""
    name = f"{_canon(base).base.rstrip('/')}/{resource_type}/{resource_id}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _rewrite_references(node: Any, mapping: Mapping[str, str], *, strict: bool) -> Any:
    """`node` with every `reference` found in `mapping` replaced; with `strict`, a relative
    reference (`Type/id`) that is not in it is refused."""
    if isinstance(node, list):
        return [_rewrite_references(n, mapping, strict=strict) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _rewrite_references(v, mapping, strict=strict) for k, v in node.items()}
    ref = node.get("reference")
    if isinstance(ref, str) and not ref.startswith("#"):
        if ref in mapping:
            out["reference"] = mapping[ref]
        elif strict:
            raise ValueError(f"Referensen {ref!r} pekar inte på någon post i samlingen.")
    return out


def bundle_collection(
    resources: Iterable[Any],
    *,
    base: str | Canon,
    bundle_id: str | None = None,
    timestamp: datetime | None = None,
) -> Any:
    """A Bundle of type `collection` whose references resolve inside it.

    Every entry with an id gets the fullUrl `full_url(base, type, id)`; each reference
    `Type/id` in the resources is rewritten to the fullUrl of that entry, and one that names
    no entry is refused (`ValueError`).
    """
    items = []
    for item in resources:
        resource = item if isinstance(item, FHIRAbstractBase) else to_fhir(item, base=base)
        items.append(resource.as_json())
    mapping = {
        f"{r['resourceType']}/{r['id']}": full_url(base, r["resourceType"], r["id"])
        for r in items
        if r.get("id")
    }
    entries = []
    for data in items:
        entry: dict[str, Any] = {}
        if data.get("id"):
            entry["fullUrl"] = mapping[f"{data['resourceType']}/{data['id']}"]
        entry["resource"] = _rewrite_references(data, mapping, strict=True)
        entries.append(entry)
    bundle = _drop_empty(
        {
            "resourceType": "Bundle",
            "id": bundle_id,
            "type": "collection",
            "timestamp": _iso(timestamp) if timestamp else None,
            "entry": entries,
        }
    )
    return parse_resource(bundle, Bundle)


def to_json(resource: Any, *, indent: int | None = None) -> str:
    """FHIR JSON of a resource (empty elements left out), `resourceType` first."""
    return json.dumps(_ordered(resource.as_json()), indent=indent, ensure_ascii=False)


_FIRST = ("resourceType", "id", "meta", "text")


def _ordered(node: Any) -> Any:
    """Resources with resourceType, id, meta and text first, as FHIR's examples write them."""
    if isinstance(node, list):
        return [_ordered(n) for n in node]
    if not isinstance(node, dict):
        return node
    keys = [k for k in _FIRST if k in node] if "resourceType" in node else []
    keys += [k for k in node if k not in keys]
    return {k: _ordered(node[k]) for k in keys}


# --- import ---------------------------------------------------------------------------

Source = Any  # JSON text, a dict or a fhirclient model (fhirclient has no type hints)


def _load(model: type[Any], data: Any) -> dict[str, Any]:
    """Parse with the 4.0.1 model (the structure check), then return plain JSON data."""
    return cast(dict[str, Any], parse_resource(data, model).as_json())


def _date(value: str | None) -> date | None:
    if not value:
        return None
    return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)


def _person_identifier(identifier: Mapping[str, Any], field_name: str) -> PersonIdentifier | None:
    system = IdSystem.from_uri(identifier.get("system") or "")
    if system is None:
        return None
    return parse_identifier(identifier.get("value") or "", system, field=field_name)


def _subject_identifier(reference: Mapping[str, Any] | None) -> PersonIdentifier:
    identifier = (reference or {}).get("identifier")
    person = _person_identifier(identifier, "subject") if identifier else None
    if person is None:
        raise ValueError("Referensen till personen saknar ett svenskt personidentitetsnummer.")
    return person


def _local_id(reference: Mapping[str, Any] | None, kind: str) -> str | None:
    ref = (reference or {}).get("reference") or ""
    ref_kind, _, ref_id = ref.rpartition("/")
    return ref_id if ref_kind.endswith(kind) and ref_id else None


def _org_id(reference: Mapping[str, Any] | None) -> str:
    org_id = _local_id(reference, "Organization")
    if org_id is None:
        ref = (reference or {}).get("reference")
        raise ValueError(f"Förväntade en referens till en Organization, fick {ref!r}.")
    return org_id


def _extension(element: Mapping[str, Any], url: str) -> dict[str, Any] | None:
    return next((e for e in element.get("extension", []) if e.get("url") == url), None)


def patient_from_fhir(data: Source) -> PersonData:
    """PersonData from a FHIR Patient (JSON text, dict or model).

    Identifiers with a known Swedish system are validated (`InvalidIdentifier`); others are
    ignored. Takes the official name (else the first), the first address's district as
    kommunkod when it is 4 digits.
    """
    patient = _load(Patient, data)
    identifiers = [
        pid
        for i in patient.get("identifier", [])
        if (pid := _person_identifier(i, "identifier")) is not None
    ]
    names = patient.get("name", [])
    name = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    addresses = patient.get("address", [])
    withheld = any(_masked(a) for a in addresses)
    district = (
        None if withheld else next((a["district"] for a in addresses if "district" in a), None)
    )
    gender = patient.get("gender")
    return PersonData(
        identifiers=identifiers,
        given=list(name.get("given", [])),
        family=name.get("family"),
        birth_date=_date(patient.get("birthDate")),
        sex=cast(Gender, gender) if gender in GENDERS else None,
        municipality_code=district if district and re.fullmatch("[0-9]{4}", district) else None,
        address_withheld=withheld,
    )


def _masked(address: Mapping[str, Any]) -> bool:
    return any(
        e.get("url") == EXT_DATA_ABSENT_REASON and e.get("valueCode") == "masked"
        for e in address.get("extension", [])
    )


def organization_from_fhir(data: Source, *, base: str | Canon) -> OrganisationData:
    canon = _canon(base)
    org = _load(Organization, data)

    def identifier(system: str) -> str | None:
        return next(
            (i["value"] for i in org.get("identifier", []) if i.get("system") == system), None
        )

    kind = next(
        (
            c.get("code")
            for t in org.get("type", [])
            for c in t.get("coding", [])
            if c.get("system") == canon.organisation_kind
        ),
        None,
    )
    district = next((a["district"] for a in org.get("address", []) if "district" in a), None)
    return OrganisationData(
        id=org.get("id", ""),
        name=org.get("name", ""),
        hsa_id=identifier(HSA_ID_SYSTEM),
        kind=kind,
        scb_code=district,
        org_number=identifier(ORG_NUMBER_SYSTEM),
        part_of=_local_id(org.get("partOf"), "Organization"),
    )


def careplan_from_fhir(data: Source, *, base: str | Canon) -> CarePlanData:
    canon = _canon(base)
    plan = _load(CarePlan, data)
    contained = {c.get("id"): c for c in plan.get("contained", [])}
    goals = []
    for goal_ref in plan.get("goal", []):
        goal = contained.get((goal_ref.get("reference") or "").lstrip("#"), {})
        text = goal.get("description", {}).get("text") or goal_ref.get("display")
        if text:
            goals.append(text)
    activities = []
    for activity in plan.get("activity", []):
        detail = activity.get("detail")
        if not detail:
            continue
        performer = (detail.get("performer") or [{}])[0]
        activities.append(
            ActivityData(
                description=detail.get("description", ""),
                responsible_org_id=_org_id(performer),
                unit_name=performer.get("display"),
                due=_date(detail.get("scheduledPeriod", {}).get("end")),
                status=detail["status"],
            )
        )
    followup = _extension(plan, canon.followup_date)
    teams = [t for ref in plan.get("careTeam", []) if (t := _local_id(ref, "CareTeam"))]
    return CarePlanData(
        id=plan.get("id", ""),
        person=_subject_identifier(plan.get("subject")),
        title=plan.get("title", ""),
        status=plan["status"],
        created=_date(plan.get("created")),
        goals=goals,
        activities=activities,
        overall_responsible_org_id=_org_id(plan["author"]) if plan.get("author") else None,
        followup_date=_date(followup.get("valueDate")) if followup else None,
        patient_id=_local_id(plan.get("subject"), "Patient"),
        careteam_id=teams[0] if teams else None,
    )


def careteam_from_fhir(data: Source, *, base: str | Canon) -> CareTeamData:
    canon = _canon(base)
    team = _load(CareTeam, data)
    participants = []
    for p in team.get("participant", []):
        named = _extension(p, canon.named_care_contact) or {}
        physician = _extension(p, canon.physician) or {}
        member = p.get("member") or p.get("onBehalfOf")
        roles = p.get("role", [])
        participants.append(
            ParticipantData(
                org_id=_org_id(member),
                unit_name=(member or {}).get("display"),
                role=roles[0].get("text", "") if roles else "",
                is_named_care_contact=bool(named.get("valueBoolean", False)),
                is_physician=bool(physician.get("valueBoolean", False)),
            )
        )
    return CareTeamData(
        id=team.get("id", ""),
        person=_subject_identifier(team.get("subject")),
        participants=participants,
        status=team.get("status", "active"),
        patient_id=_local_id(team.get("subject"), "Patient"),
    )


_IMPORTERS: dict[str, Callable[..., AnyData]] = {
    "Patient": lambda resource, base: patient_from_fhir(resource),
    "Organization": lambda resource, base: organization_from_fhir(resource, base=base),
    "CarePlan": lambda resource, base: careplan_from_fhir(resource, base=base),
    "CareTeam": lambda resource, base: careteam_from_fhir(resource, base=base),
}


def bundle_from_fhir(data: Source, *, base: str | Canon) -> list[AnyData]:
    """The dataclasses for the Patient, Organization, CarePlan and CareTeam entries, in order.

    References to an entry's fullUrl are read as `Type/id` of that entry. Other resource
    types are skipped.
    """
    bundle = _load(Bundle, data)
    entries = bundle.get("entry", [])
    mapping = {
        e["fullUrl"]: f"{e['resource']['resourceType']}/{e['resource']['id']}"
        for e in entries
        if e.get("fullUrl") and (e.get("resource") or {}).get("id")
    }
    result: list[AnyData] = []
    for entry in entries:
        resource = entry.get("resource") or {}
        importer = _IMPORTERS.get(resource.get("resourceType", ""))
        if importer is not None:
            result.append(importer(_rewrite_references(resource, mapping, strict=False), base))
    return result
