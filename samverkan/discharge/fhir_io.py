"""FHIR R4 (4.0.1) notices from an inpatient record system: an `Encounter` (the stay) and
`Communication`s (the notices), alone or in a Bundle. Each resource is first checked against
the 4.0.1 model (`people.fhir.parse_resource`, fhirclient); then mapped and recorded through
`services.record_from_source`, idempotent by the resource's identifier. The resource itself
is kept with the stay and each notice (`payload`).

Encounter: `identifier[0]` (system|value, the source id), `class` = v3-ActCode `IMP`
(inpatient), `subject.identifier` (personnummer, samordningsnummer or reservnummer with HL7
Sweden's systems; only a person the importing user already sees), `serviceProvider.identifier`
(the inpatient unit's HSA-id, `urn:oid:1.2.752.29.4.19`), `period.start` (admitted) and
`period.end` (discharged), `type` coded in `<base>/CodeSystem/discharge-care-type`
(`somatic`, `psychiatric`), `hospitalization.dischargeDisposition` `exp` = died; Samverkan's
extensions under `<base>/StructureDefinition/`: `discharge-municipality` (valueCode, the SCB
kommunkod; default the person's home kommun), `discharge-needs-municipal-insatser`
(valueBoolean), `discharge-ready` (valueDateTime: the physician's assessment), `discharge-from-regional-care`
(valueBoolean, §7.6).

Communication: `identifier[0]`, `category` coded in `<base>/CodeSystem/discharge-notice`
(`admission`, `ready`, `discharge`, `death`), `sent`, `about[0].identifier` = the Encounter's
identifier, and for an admission `recipient[].identifier` in
`<base>/CodeSystem/discharge-receiver` (`municipal_social_services`, `municipal_health_care`,
`region_open_care`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.dateparse import parse_datetime
from fhirclient.models.bundle import Bundle
from fhirclient.models.communication import Communication
from fhirclient.models.encounter import Encounter

from samverkan.accounts.models import Organisation, OrganisationKind, Unit
from samverkan.core.upload_settings import limits_for
from samverkan.core.uploads import check_shape, load_json
from samverkan.discharge import access, services
from samverkan.discharge.models import Receiver, Source, Stay
from samverkan.discharge.services import DischargeError, Imported
from samverkan.people import fhir
from samverkan.people import selectors as people_selectors

HSA_ID_SYSTEM = "urn:oid:1.2.752.29.4.19"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"


def _base() -> str:
    return str(settings.SAMVERKAN_FHIR_CANONICAL_BASE).rstrip("/")


def _bad(path: str, message: str) -> DischargeError:
    return DischargeError(path, "invalid_fhir", message)


def _source_id(resource: Mapping[str, Any], path: str) -> str:
    identifiers = resource.get("identifier") or []
    first = identifiers[0] if identifiers else {}
    if not first.get("value"):
        raise _bad(f"{path}.identifier", "Resursen saknar identifierare (identifier.value).")
    system = first.get("system") or ""
    return f"{system}|{first['value']}"[:200]


def _time(value: Any, path: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = parse_datetime(str(value))
    except ValueError:  # well-formed but impossible, e.g. month 13
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise _bad(path, "Tidpunkten ska ha datum, klockslag och tidszon.")
    return parsed


def _extension(resource: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    url = f"{_base()}/StructureDefinition/{name}"
    for ext in resource.get("extension") or []:
        if ext.get("url") == url:
            return ext
    return None


def _code(codeable: Any, system: str) -> str | None:
    for item in codeable if isinstance(codeable, list) else [codeable]:
        for coding in (item or {}).get("coding") or []:
            if coding.get("system") == system:
                return coding.get("code")
    return None


def _encounter(actor: Any, resource: Mapping[str, Any], path: str, result: Imported) -> Stay:
    organisation = access.staff_profile(actor).organisation
    source_id = _source_id(resource, path)
    klass = resource.get("class") or {}
    if klass.get("system") != ACT_CODE or klass.get("code") != "IMP":
        raise _bad(f"{path}.class", "Vårdkontakten ska vara slutenvård (class IMP).")
    subject = (resource.get("subject") or {}).get("identifier") or {}
    person = people_selectors.resolve_identifier(actor, str(subject.get("value") or ""))
    if person is None:
        raise DischargeError(
            f"{path}.subject",
            "person_unknown",
            "Personen finns inte bland era patienter.",
            status=404,
        )
    hsa = (resource.get("serviceProvider") or {}).get("identifier") or {}
    unit = None
    if hsa.get("system") == HSA_ID_SYSTEM and hsa.get("value"):
        unit = Unit.objects.filter(organisation=organisation, hsa_id=hsa["value"]).first()
    if unit is None:
        raise _bad(f"{path}.serviceProvider", "Ingen av regionens enheter har det HSA-id:t.")
    care_type = _code(resource.get("type") or [], f"{_base()}/CodeSystem/discharge-care-type")
    if care_type not in ("somatic", "psychiatric"):
        raise _bad(f"{path}.type", "Vårdformen (somatisk eller psykiatrisk) saknas.")
    ext = _extension(resource, "discharge-municipality")
    code = (ext or {}).get("valueCode") or person.home_municipality
    municipality = Organisation.objects.filter(
        kind=OrganisationKind.MUNICIPALITY, scb_code=code
    ).first()
    if municipality is None:
        raise _bad(f"{path}.extension", "Kommunen är okänd (ange kommunkoden).")
    period = resource.get("period") or {}
    admitted = _time(period.get("start"), f"{path}.period.start")
    if admitted is None:
        raise _bad(f"{path}.period.start", "Inskrivningstiden saknas.")
    ended = _time(period.get("end"), f"{path}.period.end")
    disposition = (resource.get("hospitalization") or {}).get("dischargeDisposition") or {}
    died = any(c.get("code") == "exp" for c in disposition.get("coding") or [])
    needs = (_extension(resource, "discharge-needs-municipal-insatser") or {}).get("valueBoolean")
    regional = (_extension(resource, "discharge-from-regional-care") or {}).get("valueBoolean")
    ready = _time(
        (_extension(resource, "discharge-ready") or {}).get("valueDateTime"), f"{path}.extension"
    )
    return services.record_from_source(
        actor,
        result,
        source=Source.FHIR,
        source_id=source_id,
        person=person,
        unit=unit,
        municipality=municipality,
        care_type=care_type,
        admitted_at=admitted,
        needs_municipal_insatser=needs,
        from_regional_care=bool(regional),
        ready_at=ready,
        discharged_at=None if died else ended,
        died_at=ended if died else None,
        payload=dict(resource),
    )


def _communication(actor: Any, resource: Mapping[str, Any], path: str, result: Imported) -> None:
    organisation = access.staff_profile(actor).organisation
    source_id = _source_id(resource, path)
    kind = _code(resource.get("category") or [], f"{_base()}/CodeSystem/discharge-notice")
    if kind not in ("admission", "ready", "discharge", "death"):
        raise _bad(f"{path}.category", "Meddelandets typ saknas eller är okänd.")
    sent = _time(resource.get("sent"), f"{path}.sent")
    if sent is None:
        raise _bad(f"{path}.sent", "Tidpunkten då meddelandet skickades saknas.")
    about = (resource.get("about") or [{}])[0].get("identifier") or {}
    stay_id = f"{about.get('system') or ''}|{about.get('value') or ''}"
    stay = Stay.objects.filter(organisation=organisation, source_id=stay_id[:200]).first()
    if stay is None:
        raise _bad(f"{path}.about", "Vårdtillfället (Encounter) är inte mottaget än.")
    receivers: list[str] = []
    for recipient in resource.get("recipient") or []:
        ident = recipient.get("identifier") or {}
        if ident.get("system") == f"{_base()}/CodeSystem/discharge-receiver":
            if ident.get("value") not in Receiver.values:
                raise _bad(f"{path}.recipient", "Okänd mottagare.")
            receivers.append(ident["value"])
    if kind == "admission" and not receivers:
        raise _bad(f"{path}.recipient", "Inskrivningsmeddelandet saknar mottagare.")
    found = services.existing_notice(stay, source_id)
    if found is not None or (
        kind == "admission"
        and all(services.existing_notice(stay, f"{source_id}:{r}") for r in receivers)
    ):
        result.notices_found += 1
        return
    result.notices_created += 1
    payload = dict(resource)
    if kind == "admission":
        services.send_admission_notice(
            actor,
            stay,
            receivers=receivers,
            sent_at=sent,
            source=Source.FHIR,
            source_id=source_id,
            payload=payload,
        )
    elif kind == "ready":
        services.mark_ready(
            actor,
            stay,
            ready_at=stay.ready_at or sent,
            notice_at=sent,
            source=Source.FHIR,
            source_id=source_id,
            imported=True,
        )
    elif kind == "discharge":
        services.discharge(
            actor, stay, discharged_at=sent, source=Source.FHIR, source_id=source_id, imported=True
        )
    else:
        services.record_death(
            actor, stay, died_at=sent, source=Source.FHIR, source_id=source_id, imported=True
        )


def import_fhir(actor: Any, data: str | bytes | Mapping[str, Any]) -> Imported:
    """Record the Encounters, then the Communications, of a resource or Bundle; all or
    nothing."""
    services.require_region_sender(actor)  # the door first, then the content
    size = limits_for("fhir")  # the shared reader's limits: nesting, Bundle entries
    if isinstance(data, str | bytes):
        resource = load_json(data, size)
    else:
        resource = check_shape(dict(data), size)
    kind = resource.get("resourceType")
    if kind not in ("Encounter", "Communication", "Bundle"):
        raise _bad("resourceType", "Förväntade en FHIR Encounter, Communication eller Bundle.")
    model = {"Encounter": Encounter, "Communication": Communication, "Bundle": Bundle}[kind]
    try:
        fhir.parse_resource(resource, model)
    except fhir.FhirStructureError as error:
        raise _bad("resourceType", str(error)) from None
    if kind == "Bundle":
        entries = [
            (f"entry.{i}.resource", e.get("resource") or {})
            for i, e in enumerate(resource.get("entry") or [])
        ]
    else:
        entries = [("", resource)]
    result = Imported()
    with transaction.atomic():
        for path, item in sorted(entries, key=lambda e: e[1].get("resourceType") != "Encounter"):
            where = path or item.get("resourceType", "")
            if item.get("resourceType") == "Encounter":
                _encounter(actor, item, where, result)
            elif item.get("resourceType") == "Communication":
                _communication(actor, item, where, result)
    return result
