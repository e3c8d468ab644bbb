"""FHIR R4 (4.3.0, `fhir.resources.R4B`) mapping for persons, organisations and SIP plans.

Pure functions over the plain dataclasses below; no Django. The installed `fhir.resources`
(8.x) has no `R4` subpackage: its default models are R5 and it ships `R4B` (FHIR 4.3.0) and
`STU3`. R4B is used explicitly: Patient, Organization, CarePlan, CareTeam and Bundle are the
same in R4 and R4B, and R4 systems read what this module writes.

Export (`*_to_fhir`) builds a plain JSON structure and validates it with the R4B model, so
everything returned has been through fhir.resources. Import (`*_from_fhir`) accepts JSON
text, a dict or a model, validates it with fhir.resources, then reads it; person
identifiers are validated by `samverkan.people.identity` (`InvalidIdentifier` on a bad
one). Export → JSON → import gives equal dataclasses.

Mapping decisions:

- Patient: identifiers with the HL7 Sweden basprofiler systems; an official HumanName;
  gender; birthDate; the kommun (SCB kommunkod) in `address.district`, since HL7 Sweden
  basprofiler defines no extension for a municipality code. Identifiers of other systems
  (local record numbers) are ignored on import.
- Protected identity (`PersonData.address_withheld`, set by the caller from
  `people.withholding.withhold_contact(person)`: sekretessmarkering or skyddad folkbokföring):
  the address, the kommun included, is not exported. The Patient gets one address holding only
  the data-absent-reason extension with code `masked` ("not available for security or privacy
  reasons"), and `meta.security` the HL7 confidentiality code `R` (restricted), so that the
  receiver knows to take care. For both kinds: under skyddad folkbokföring the kommun reveals
  where the person lives or lived; a sekretessmarkering calls for a secrecy assessment
  (OSL 22 kap. 1 §) that no export can make. On import a masked address reads back as
  `address_withheld=True` with no kommun.
- Organization: HSA-id as identifier `urn:oid:1.2.752.129.2.1.4.1`; `kind` as a coding in
  Samverkan's own code system; SCB kommunkod/länskod in `address.district`.
- CarePlan: status, intent `plan`, title, subject by identifier (a logical reference:
  `{"type": "Patient", "identifier": …}`), created, overall responsible organisation as
  `author`, goals as contained Goal resources, each activity's responsible organisation as
  `activity.detail.performer` (display = the unit), its due date as
  `activity.detail.scheduledPeriod.end`, the follow-up date in an extension.
- CareTeam: status active, subject by identifier, one participant per organisation/unit:
  `member` = the organisation (display = unit), `role` = the role as text, "fast
  vårdkontakt" and "is a physician" in two boolean extensions.

Samverkan's extensions and code systems live under `SAMVERKAN_FHIR_BASE`, a placeholder
until the project has a canonical URL of its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, TypeVar, cast

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.careteam import CareTeam
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir_core.fhirabstractmodel import FHIRAbstractModel

from samverkan.people.identity import IdSystem, PersonIdentifier, parse_identifier

__all__ = [
    "FHIR_VERSION",
    "HSA_ID_SYSTEM",
    "SAMVERKAN_FHIR_BASE",
    "ActivityData",
    "CarePlanData",
    "CareTeamData",
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
    "patient_from_fhir",
    "patient_to_fhir",
    "to_fhir",
    "to_json",
]

FHIR_VERSION = "4.3.0"  # fhir.resources.R4B
HSA_ID_SYSTEM = "urn:oid:1.2.752.129.2.1.4.1"
SAMVERKAN_FHIR_BASE = "https://samverkan.example/fhir"
ORGANISATION_KIND_SYSTEM = f"{SAMVERKAN_FHIR_BASE}/CodeSystem/organisation-kind"
EXT_FOLLOWUP_DATE = f"{SAMVERKAN_FHIR_BASE}/StructureDefinition/careplan-followup-date"
EXT_NAMED_CARE_CONTACT = f"{SAMVERKAN_FHIR_BASE}/StructureDefinition/named-care-contact"
EXT_PHYSICIAN = f"{SAMVERKAN_FHIR_BASE}/StructureDefinition/participant-is-physician"
EXT_DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
CONFIDENTIALITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
MASKED_ADDRESS: dict[str, Any] = {
    "extension": [{"url": EXT_DATA_ABSENT_REASON, "valueCode": "masked"}]
}
RESTRICTED: dict[str, Any] = {
    "security": [{"system": CONFIDENTIALITY_SYSTEM, "code": "R", "display": "restricted"}]
}

Gender = Literal["female", "male", "other", "unknown"]
GENDERS: frozenset[str] = frozenset({"female", "male", "other", "unknown"})
CAREPLAN_STATUSES: frozenset[str] = frozenset(
    {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}
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


# --- export ---------------------------------------------------------------------------


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, [], {}, "")}


def _identifier(identifier: PersonIdentifier) -> dict[str, str]:
    return {"system": identifier.system.uri, "value": identifier.value}


def _subject(identifier: PersonIdentifier) -> dict[str, Any]:
    return {"type": "Patient", "identifier": _identifier(identifier)}


def _org_reference(org_id: str, display: str | None = None) -> dict[str, str]:
    return _drop_empty({"reference": f"Organization/{org_id}", "display": display})


def _iso(value: date) -> str:
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError("FHIR kräver tidszon i en tidpunkt med klockslag.")
    return value.isoformat()


def patient_to_fhir(person: PersonData, resource_id: str | None = None) -> Patient:
    """A Patient. `resource_id` is the resource's logical id (never use a personnummer)."""
    if person.sex is not None and person.sex not in GENDERS:
        raise ValueError(f"Okänt kön: {person.sex!r}")
    name = _drop_empty(
        {
            "use": "official",
            "family": person.family,
            "given": list(person.given),
            "text": " ".join([*person.given, person.family or ""]).strip(),
        }
    )
    if person.address_withheld:
        address: list[dict[str, Any]] = [MASKED_ADDRESS]
    else:
        address = [{"district": person.municipality_code}] if person.municipality_code else []
    resource = _drop_empty(
        {
            "resourceType": "Patient",
            "id": resource_id,
            "meta": RESTRICTED if person.address_withheld else None,
            "identifier": [_identifier(i) for i in person.identifiers],
            "name": [name] if len(name) > 1 else [],
            "gender": person.sex,
            "birthDate": person.birth_date.isoformat() if person.birth_date else None,
            "address": address,
        }
    )
    return Patient.model_validate(resource)


def organization_to_fhir(org: OrganisationData) -> Organization:
    resource = _drop_empty(
        {
            "resourceType": "Organization",
            "id": org.id,
            "identifier": [{"system": HSA_ID_SYSTEM, "value": org.hsa_id}] if org.hsa_id else [],
            "type": [{"coding": [{"system": ORGANISATION_KIND_SYSTEM, "code": org.kind}]}]
            if org.kind
            else [],
            "name": org.name,
            "address": [{"district": org.scb_code}] if org.scb_code else [],
        }
    )
    return Organization.model_validate(resource)


def careplan_to_fhir(plan: CarePlanData) -> CarePlan:
    if plan.status not in CAREPLAN_STATUSES:
        raise ValueError(f"Okänd status för vårdplan: {plan.status!r}")
    subject = _subject(plan.person)
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
            "contained": goals,
            "extension": [{"url": EXT_FOLLOWUP_DATE, "valueDate": plan.followup_date.isoformat()}]
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
            "goal": [{"reference": f"#{g['id']}"} for g in goals],
            "activity": activities,
        }
    )
    return CarePlan.model_validate(resource)


def careteam_to_fhir(team: CareTeamData) -> CareTeam:
    participants = [
        _drop_empty(
            {
                "extension": [
                    {"url": EXT_NAMED_CARE_CONTACT, "valueBoolean": p.is_named_care_contact},
                    {"url": EXT_PHYSICIAN, "valueBoolean": p.is_physician},
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
            "status": "active",
            "subject": _subject(team.person),
            "participant": participants,
        }
    )
    return CareTeam.model_validate(resource)


AnyData = PersonData | OrganisationData | CarePlanData | CareTeamData


def to_fhir(obj: AnyData) -> FHIRAbstractModel:
    """The FHIR resource for any of the dataclasses (a Patient gets no id)."""
    if isinstance(obj, PersonData):
        return patient_to_fhir(obj)
    if isinstance(obj, OrganisationData):
        return organization_to_fhir(obj)
    if isinstance(obj, CarePlanData):
        return careplan_to_fhir(obj)
    if isinstance(obj, CareTeamData):
        return careteam_to_fhir(obj)
    raise TypeError(f"Kan inte göra FHIR av {type(obj).__name__}")


def bundle_collection(
    resources: Iterable[FHIRAbstractModel | AnyData],
    *,
    bundle_id: str | None = None,
    timestamp: datetime | None = None,
    base_url: str | None = None,
) -> Bundle:
    """A Bundle of type `collection`.

    With `base_url`, each entry whose resource has an id gets `fullUrl`
    `<base_url>/<type>/<id>`, so that references like `Organization/x` resolve inside it.
    """
    entries = []
    for item in resources:
        resource = item if isinstance(item, FHIRAbstractModel) else to_fhir(item)
        entry: dict[str, Any] = {"resource": resource}
        rid = getattr(resource, "id", None)
        if base_url and rid:
            entry["fullUrl"] = f"{base_url.rstrip('/')}/{resource.get_resource_type()}/{rid}"
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
    return Bundle.model_validate(bundle)


def to_json(resource: FHIRAbstractModel, *, indent: int | None = None) -> str:
    """FHIR JSON of a resource (empty elements left out)."""
    text = resource.model_dump_json()
    return (
        text if indent is None else json.dumps(json.loads(text), indent=indent, ensure_ascii=False)
    )


# --- import ---------------------------------------------------------------------------

M = TypeVar("M", bound=FHIRAbstractModel)
Source = str | bytes | Mapping[str, Any] | FHIRAbstractModel


def _load(model: type[M], data: Source) -> dict[str, Any]:
    """Validate with fhir.resources, then return the resource as plain JSON data."""
    if isinstance(data, FHIRAbstractModel):
        validated = model.model_validate(json.loads(data.model_dump_json()))
    elif isinstance(data, str | bytes):
        validated = model.model_validate_json(data)
    else:
        validated = model.model_validate(dict(data))
    return cast(dict[str, Any], json.loads(validated.model_dump_json()))


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


def _org_id(reference: Mapping[str, Any] | None) -> str:
    ref = (reference or {}).get("reference") or ""
    kind, _, org_id = ref.rpartition("/")
    if not kind.endswith("Organization") or not org_id:
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


def organization_from_fhir(data: Source) -> OrganisationData:
    org = _load(Organization, data)
    hsa_id = next(
        (i["value"] for i in org.get("identifier", []) if i.get("system") == HSA_ID_SYSTEM),
        None,
    )
    kind = next(
        (
            c.get("code")
            for t in org.get("type", [])
            for c in t.get("coding", [])
            if c.get("system") == ORGANISATION_KIND_SYSTEM
        ),
        None,
    )
    district = next((a["district"] for a in org.get("address", []) if "district" in a), None)
    return OrganisationData(
        id=org.get("id", ""), name=org.get("name", ""), hsa_id=hsa_id, kind=kind, scb_code=district
    )


def careplan_from_fhir(data: Source) -> CarePlanData:
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
    followup = _extension(plan, EXT_FOLLOWUP_DATE)
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
    )


def careteam_from_fhir(data: Source) -> CareTeamData:
    team = _load(CareTeam, data)
    participants = []
    for p in team.get("participant", []):
        named = _extension(p, EXT_NAMED_CARE_CONTACT) or {}
        physician = _extension(p, EXT_PHYSICIAN) or {}
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
    )


_IMPORTERS: dict[str, Callable[[Source], AnyData]] = {
    "Patient": patient_from_fhir,
    "Organization": organization_from_fhir,
    "CarePlan": careplan_from_fhir,
    "CareTeam": careteam_from_fhir,
}


def bundle_from_fhir(data: Source) -> list[AnyData]:
    """The dataclasses for the Patient, Organization, CarePlan and CareTeam entries, in order.

    Other resource types are skipped.
    """
    bundle = _load(Bundle, data)
    result: list[AnyData] = []
    for entry in bundle.get("entry", []):
        resource = entry.get("resource") or {}
        importer = _IMPORTERS.get(resource.get("resourceType", ""))
        if importer is not None:
            result.append(importer(resource))
    return result
