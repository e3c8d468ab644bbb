"""The FHIR R4 (4.0.1) export of a SIP (the PDF is in `sip.pdf`).

Patient, Organization (every organisation the plan names, and the huvudman of a private
provider it names: the provider's Organization is `partOf` it), CarePlan and CareTeam
through `samverkan.people.fhir` (HL7 Sweden base profiles), in a Bundle of type collection
whose references resolve inside it: CarePlan, CareTeam and the plan's Goals refer to the
Patient entry, the CarePlan to its CareTeam, every activity to its performing Organization.
Samverkan's extensions live under the setting `SAMVERKAN_FHIR_CANONICAL_BASE`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from samverkan.accounts.models import Organisation, Unit
from samverkan.people import fhir
from samverkan.people.access import withhold_contact
from samverkan.people.identity import PersonIdentifier
from samverkan.sip.models import (
    ActionStatus,
    ParticipantResponse,
    Sip,
    SipStatus,
)
from samverkan.sip.plan import PlanData, plan_of

if TYPE_CHECKING:
    from samverkan.people.models import Person

# --- FHIR -----------------------------------------------------------------------------------

CAREPLAN_STATUS = {
    SipStatus.DRAFT: "draft",
    SipStatus.INVITED: "draft",
    SipStatus.ACTIVE: "active",
    SipStatus.FOLLOWED_UP: "active",
    SipStatus.CLOSED: "completed",
}
ACTIVITY_STATUS = {
    ActionStatus.PLANNED: "not-started",
    ActionStatus.IN_PROGRESS: "in-progress",
    ActionStatus.DONE: "completed",
    ActionStatus.CANCELLED: "cancelled",
}
# A draft or invited SIP is a proposed team, not an active one; a closed SIP an inactive one.
CARETEAM_STATUS = {
    SipStatus.DRAFT: "proposed",
    SipStatus.INVITED: "proposed",
    SipStatus.ACTIVE: "active",
    SipStatus.FOLLOWED_UP: "active",
    SipStatus.CLOSED: "inactive",
}
CAREPLAN_TITLE = "Samordnad individuell plan (SIP)"


def person_identifiers(person: Person) -> list[PersonIdentifier]:
    """The person's current identifiers, the primary one first."""
    primary = person.primary_identity()
    identities = [i for i in person.identities.all() if i.is_active]
    identities.sort(key=lambda i: i.pk != (primary.pk if primary else None))
    return [i.identifier for i in identities]


def person_data(person: Person) -> fhir.PersonData:
    """The Patient of the export. A protected identity exports no address, not even the
    kommun (`people.access.withhold_contact`, an output that leaves the system)."""
    sex = person.sex if person.sex in fhir.GENDERS else None
    withheld = withhold_contact(person)
    return fhir.PersonData(
        identifiers=person_identifiers(person),
        given=person.given_name.split(),
        family=person.family_name or None,
        birth_date=person.birth_date,
        sex=sex,  # type: ignore[arg-type]
        municipality_code=None if withheld else person.home_municipality or None,
        address_withheld=withheld,
    )


def canonical_base() -> str:
    """The deployment's canonical base for Samverkan's FHIR extensions and code systems."""
    return str(settings.SAMVERKAN_FHIR_CANONICAL_BASE)


def patient_id(sip: Sip) -> str:
    return f"person-{sip.person.pk}"


def careteam_id(sip: Sip) -> str:
    return f"sip-{sip.pk}-team"


def org_id(organisation: Organisation) -> str:
    return f"org-{organisation.code}"


def organisation_data(organisation: Organisation) -> fhir.OrganisationData:
    """A private provider ("även om vården utförs av privata utförare med avtal") is its own
    vårdgivare, `partOf` the huvudman that contracted it (`organisations_named` puts the
    huvudman in the Bundle, so the reference resolves)."""
    huvudman = organisation.huvudman
    return fhir.OrganisationData(
        id=org_id(organisation),
        name=organisation.name,
        kind=organisation.kind,
        scb_code=organisation.scb_code,
        org_number=_org_number(organisation.org_number),
        hsa_id=organisation.hsa_id.strip() or None,
        part_of=org_id(huvudman) if huvudman.pk != organisation.pk else None,
    )


def _org_number(value: str) -> str | None:
    """The organisationsnummer as NNNNNN-NNNN (the form HL7 Sweden's examples use)."""
    digits = value.replace("-", "").strip()
    return f"{digits[:6]}-{digits[6:]}" if len(digits) == 10 and digits.isdigit() else None


def unit_id(unit: Unit) -> str:
    return f"unit-{unit.pk}"


def units_named(sip: Sip, plan: PlanData) -> list[Unit]:
    """The units the export names that have an HSA-id: each becomes an Organization."""
    candidates: list[Unit | None] = [
        sip.initiated_by_unit,
        plan.overall_responsible_unit,
        *(
            p.unit
            for p in sip.participants.filter(response=ParticipantResponse.ACCEPTED).select_related(
                "unit"
            )
        ),
        *(a.unit for a in plan.actions),
        *(c.unit for c in plan.care_contacts),
    ]
    found = {u.pk: u for u in candidates if u is not None and u.hsa_id.strip()}
    return sorted(found.values(), key=lambda u: u.pk)


def unit_data(unit: Unit) -> fhir.OrganisationData:
    return fhir.OrganisationData(
        id=unit_id(unit),
        name=unit.name,
        hsa_id=unit.hsa_id.strip(),
        part_of=org_id(unit.organisation),
    )


def careplan_data(sip: Sip, plan: PlanData, subject: PersonIdentifier) -> fhir.CarePlanData:
    return fhir.CarePlanData(
        id=f"sip-{sip.pk}",
        person=subject,
        title=CAREPLAN_TITLE,
        status=CAREPLAN_STATUS[SipStatus(sip.status)],
        created=timezone.localtime(sip.created),
        goals=list(plan.goals),
        activities=[
            fhir.ActivityData(
                description=action.description,
                # the performing unit where it is an Organization of its own (an HSA-id)
                responsible_org_id=unit_id(action.unit)
                if action.unit is not None and action.unit.hsa_id.strip()
                else org_id(action.organisation),
                unit_name=action.unit.name if action.unit else None,
                due=action.due,
                status=ACTIVITY_STATUS[ActionStatus(action.status)],
            )
            for action in plan.actions
        ],
        overall_responsible_org_id=org_id(plan.overall_responsible_organisation)
        if plan.overall_responsible_organisation
        else None,
        followup_date=plan.follow_up_date,
        patient_id=patient_id(sip),
        careteam_id=careteam_id(sip),
    )


def careteam_data(sip: Sip, plan: PlanData, subject: PersonIdentifier) -> fhir.CareTeamData:
    members = [
        fhir.ParticipantData(
            org_id=org_id(sip.initiated_by_organisation),
            unit_name=sip.initiated_by_unit.name if sip.initiated_by_unit else None,
            role="Initierande organisation",
        )
    ]
    # Only participants who accepted are members; an invitation is not a place in the team.
    for participant in sip.participants.filter(
        response=ParticipantResponse.ACCEPTED
    ).select_related("organisation", "unit"):
        members.append(
            fhir.ParticipantData(
                org_id=org_id(participant.organisation),
                unit_name=participant.unit.name if participant.unit else None,
                role="Deltagare i SIP",
            )
        )
    if plan.overall_responsible_organisation:
        role = "Övergripande ansvar"
        if plan.compulsory_care and plan.chief_physician_name:
            role = f"Övergripande ansvar: chefsöverläkare {plan.chief_physician_name}"
        elif plan.overall_responsibility_note:
            role = f"Övergripande ansvar: {plan.overall_responsibility_note}"
        members.append(
            fhir.ParticipantData(
                org_id=org_id(plan.overall_responsible_organisation),
                unit_name=plan.overall_responsible_unit.name
                if plan.overall_responsible_unit
                else None,
                role=role,
                is_physician=bool(plan.compulsory_care and plan.chief_physician_name),
            )
        )
    for contact in plan.care_contacts:
        members.append(
            fhir.ParticipantData(
                org_id=org_id(contact.organisation),
                unit_name=contact.unit.name if contact.unit else None,
                role=f"Fast vårdkontakt: {contact.name_or_role}",
                is_named_care_contact=True,
                is_physician=contact.is_physician,
            )
        )
    return fhir.CareTeamData(
        id=careteam_id(sip),
        person=subject,
        participants=members,
        status=CARETEAM_STATUS[SipStatus(sip.status)],
        patient_id=patient_id(sip),
    )


def organisations_named(sip: Sip, plan: PlanData) -> list[Organisation]:
    found: dict[int, Organisation] = {}
    candidates: list[Organisation | None] = [
        sip.initiated_by_organisation,
        plan.overall_responsible_organisation,
        *(
            p.organisation
            for p in sip.participants.filter(response=ParticipantResponse.ACCEPTED).select_related(
                "organisation"
            )
        ),
        *(a.organisation for a in plan.actions),
        *(c.organisation for c in plan.care_contacts),
    ]
    for organisation in candidates:
        if organisation is not None:
            found.setdefault(organisation.pk, organisation)
            # a private provider's huvudman, whom its Organization is partOf
            found.setdefault(organisation.huvudman.pk, organisation.huvudman)
    return sorted(found.values(), key=lambda o: o.code)


def sip_resources(sip: Sip) -> list[Any]:
    """[PersonData, OrganisationData…, CarePlanData, CareTeamData] of the current version."""
    plan = plan_of(sip.current_version())
    person = person_data(sip.person)
    if not person.identifiers:
        raise ValueError("Personen saknar identitet; planen kan inte exporteras som FHIR.")
    subject = person.identifiers[0]
    return [
        person,
        *(organisation_data(o) for o in organisations_named(sip, plan)),
        *(unit_data(u) for u in units_named(sip, plan)),
        careplan_data(sip, plan, subject),
        careteam_data(sip, plan, subject),
    ]


def fhir_bundle(sip: Sip) -> Any:
    """The SIP as a FHIR 4.0.1 Bundle (a fhirclient model; `fhir.to_json` writes it)."""
    resources: list[Any] = []
    for item in sip_resources(sip):
        if isinstance(item, fhir.PersonData):
            resources.append(fhir.patient_to_fhir(item, resource_id=patient_id(sip)))
        else:
            resources.append(item)
    return fhir.bundle_collection(
        resources,
        base=canonical_base(),
        bundle_id=f"sip-{sip.pk}-v{sip.version}",
        timestamp=timezone.now(),
    )


def fhir_bundle_json(sip: Sip) -> str:
    return fhir.to_json(fhir_bundle(sip), indent=2)
