"""FHIR import for the SIP app: the Patients of a Patient resource or a Bundle become persons.

The person itself is created by `samverkan.people.services.import_patient` (identifiers
validated, care relation to the importing organisation, audited); this module only finds
the Patients. A SIP Bundle exported by `sip.outputs` imports the same way: its Patient
becomes (or finds) the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction

from samverkan.accounts.models import Organisation, Unit
from samverkan.core.upload_settings import limits_for
from samverkan.core.uploads import check_shape, load_json
from samverkan.people import fhir
from samverkan.people import services as people_services

if TYPE_CHECKING:
    from samverkan.people.models import Person


def patients_in(data: str | bytes | Mapping[str, Any]) -> list[dict[str, Any]]:
    """The Patient resources in a Patient or a Bundle (JSON text or a dict). The whole
    resource must conform to FHIR 4.0.1 (`fhir.FhirStructureError`, a ValueError). Read by the
    shared upload reader with the `fhir` limits (nesting, Bundle entries): UploadError."""
    size = limits_for("fhir")
    if isinstance(data, str | bytes):
        resource = load_json(data, size)
    else:
        resource = check_shape(dict(data), size)
    kind = resource.get("resourceType")
    if kind in ("Patient", "Bundle"):
        fhir.parse_resource(resource)
    if kind == "Patient":
        return [resource]
    if kind == "Bundle":
        return [
            entry["resource"]
            for entry in resource.get("entry", [])
            if (entry.get("resource") or {}).get("resourceType") == "Patient"
        ]
    raise ValueError("Förväntade en FHIR Patient eller Bundle.")


def import_patients(
    actor: Any,
    data: str | bytes | Mapping[str, Any],
    *,
    organisation: Organisation | None = None,
    unit: Unit | None = None,
    confirm_care_relation: bool = False,
    reason: str = "",
) -> list[tuple[Person, bool]]:
    """(person, created) for each Patient, by the registration's rules (confirmation and
    reason, see people.services.import_patient); raises people.services.PeopleError on a bad
    one (then none of them is imported, but the refused attempt stays in the audit log)."""
    try:
        with transaction.atomic():
            return [
                people_services.import_patient(
                    actor,
                    patient,
                    confirm_care_relation=confirm_care_relation,
                    reason=reason,
                    organisation=organisation,
                    unit=unit,
                    why="FHIR-import av Patient",
                )
                for patient in patients_in(data)
            ]
    except people_services.PeopleError as error:
        people_services.record_refusals(error)
        raise
