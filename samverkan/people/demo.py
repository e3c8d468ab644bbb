"""Synthetic demo persons: a handful per demo organisation, with facts, interventions,
decisions (and the tasks they call for) and an egenvård assessment or two.

`load_demo()` is idempotent: a person whose identifier already exists is left as it is.
Every personnummer is one of Skatteverket's test numbers (samverkan.people.testpersons);
names are invented. The one reservnummer is the HL7 Sweden example from the shared FHIR
test data. Run after `samverkan.accounts.demo.load_demo()` (it is called here if the demo
staff are missing).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from samverkan.accounts.models import Organisation
from samverkan.people import services
from samverkan.people.identity import IdSystem
from samverkan.people.models import CareRelation, Person, PersonIdentity
from samverkan.people.testpersons import synthetic_persons

DEMO_SEED = 4242
DEMO_RESERVNUMMER = "20210325K069"  # HL7 Sweden basprofiler example (shared FHIR test data)

# Every person fact the Jämtland Härjedalen rules read, known and "no".
JH_PERSON: dict[str, Any] = {
    "residence": "registered_in_county",
    "housing": "ordinary",
    "personal_assistance_lss": False,
    "adl_needs_over_time": [],
    "psychiatric_disability": False,
    "end_of_life": False,
    "wishes_health_centre": False,
    "needs_health_and_social_care": False,
    "discharge_from_inpatient_care": False,
    "compulsory_care": "none",
}
JH_INTERVENTION: dict[str, Any] = {
    "time": "10:00",
    "day_activity": False,
    "prescriber": "region",
    "medication_risk_remains": False,
    "urgent": False,
    "service_purchase_requested": False,
    "asylum_entitlement": False,
    "habilitation_type": "medical",
    "parties_disagree": False,
    "question_of_principle": False,
    "serious_deviation": False,
}
GVB_PERSON: dict[str, Any] = {
    "residence": "registered_in_county",
    "housing": "ordinary",
    "extensive_home_care": "respirator",
    "needs_health_and_social_care": True,  # gvb's target group has both halves
    "discharge_from_inpatient_care": False,
}
GVB_INTERVENTION: dict[str, Any] = {"treatment_responsibility": "specialist_care"}


@dataclass
class DemoCase:
    org: str  # scb_code of the organisation registering the person
    actor: str  # demo username
    municipality: str
    person_facts: dict[str, Any]
    kind: str
    intervention_facts: dict[str, Any]
    start_days_ago: int | None = 30  # None: use `start`
    start: dt.date | None = None
    performer: str | None = None  # scb_code of the performing organisation (default org)
    also_related: list[str] = field(default_factory=list)  # further care relations
    assessment: dict[str, Any] | None = None
    later_fact: tuple[str, Any] | None = None  # changed after the decision (re-decide demo)


GVB_START = dt.date(2019, 3, 1)  # gvb-svart-sjuka was in force 2018-04-01 – 2019-12-31

CASES: list[DemoCase] = [
    # Östersund: ordinary housing, needs help dressing -> kommunen; egenvård first.
    DemoCase("2380", "ssk.ostersund", "2380", JH_PERSON | {"adl_needs_over_time": ["dressing"]},
             "nursing", JH_INTERVENTION, 20,
             later_fact=("housing", "special_housing")),
    # Östersund: end of life at home -> fast vårdkontakt who is a physician.
    DemoCase("2380", "ssk.ostersund", "2380",
             JH_PERSON | {"adl_needs_over_time": ["eating", "moving"], "end_of_life": True},
             "nursing", JH_INTERVENTION, 10, also_related=["23"]),
    # Östersund: personal assistance (LSS) -> regionen; SIP and egenvård.
    DemoCase("23", "ssk.regionjh", "2380",
             JH_PERSON | {"personal_assistance_lss": True, "adl_needs_over_time": ["eating"]},
             "nursing", JH_INTERVENTION, 40, also_related=["2380"],
             assessment={"measure": "Sondmatning", "result": "self_care",
                         "performed_by_person_or_others": "Personliga assistenter"}),
    # Region JH: visiting, registered in another region -> bill the home region.
    DemoCase("23", "ssk.regionjh", "",
             JH_PERSON | {"residence": "registered_elsewhere",
                          "adl_needs_over_time": ["dressing"]},
             "nursing", JH_INTERVENTION, 5),
    # Krokom: discharge from hospital -> appoint a fast vårdkontakt.
    DemoCase("2309", "ssk.krokom", "2309",
             JH_PERSON | {"discharge_from_inpatient_care": True, "housing": "special_housing"},
             "nursing", JH_INTERVENTION, 3),
    # Krokom: both health and social care -> offer SIP.
    DemoCase("2309", "ssk.krokom", "2309",
             JH_PERSON | {"needs_health_and_social_care": True,
                          "adl_needs_over_time": ["hygiene"]},
             "rehabilitation", JH_INTERVENTION, 15),
    # Gävle: respirator at home, specialist care responsible (2019, agreement in force).
    DemoCase("2180", "ssk.gavle", "2180", GVB_PERSON, "nursing", GVB_INTERVENTION,
             None, GVB_START, also_related=["21"]),
    # Region Gävleborg: peritoneal dialysis, self care assessed.
    DemoCase("21", "ssk.regiongvb", "2180",
             GVB_PERSON | {"extensive_home_care": "peritoneal_dialysis"}, "nursing",
             GVB_INTERVENTION, None, dt.date(2019, 5, 15),
             assessment={"measure": "Påsdialys", "result": "self_care",
                         "performed_by_person_or_others": "Personen själv, med stöd av make"}),
]  # fmt: skip


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def _ensure_staff() -> None:
    if not get_user_model().objects.filter(username="ssk.ostersund").exists():
        from samverkan.accounts.demo import load_demo as load_accounts

        load_accounts()


def _relate(person: Person, scb_code: str, actor: Any) -> None:
    from samverkan.people.models import CareRelation

    organisation = Organisation.objects.get(scb_code=scb_code)
    if not person.care_relations.filter(organisation=organisation).exists():
        CareRelation.objects.create(
            person=person, organisation=organisation, created_by=actor,
            since=timezone.localdate() - dt.timedelta(days=60),
        )  # fmt: skip


def _load_case(case: DemoCase, synthetic: dict[str, Any]) -> bool:
    if PersonIdentity.objects.filter(
        system=IdSystem.personnummer.value, value=synthetic["personnummer"]
    ).exists():
        return False
    actor = _user(case.actor)
    person, _created = services.create_person(
        actor,
        identifier=synthetic["personnummer"],
        id_system=IdSystem.personnummer,
        given_name=synthetic["given"],
        family_name=synthetic["family"],
        home_municipality=case.municipality,
        confirm_care_relation=True,
        reason="Demodata",
        why="Demodata",
    )
    for scb_code in case.also_related:
        _relate(person, scb_code, actor)
    start = case.start or timezone.localdate() - dt.timedelta(days=case.start_days_ago or 0)
    for name, value in case.person_facts.items():
        services.set_fact(
            actor, person, name, value, valid_from=min(start, timezone.localdate()),
            reason="Demodata",
        )  # fmt: skip
    performer = Organisation.objects.get(scb_code=case.performer or case.org)
    intervention = services.create_intervention(
        actor,
        person,
        kind=case.kind,
        start=start,
        performing_organisation=performer,
        facts=case.intervention_facts,
        why="Demodata",
    )
    if case.assessment is not None:
        services.create_assessment(
            actor,
            person,
            intervention=intervention,
            intervention_kind=case.kind,
            review_date=timezone.localdate() + dt.timedelta(days=180),
            why="Demodata",
            **case.assessment,
        )
    services.decide_intervention(actor, intervention, why="Demodata")
    if case.later_fact is not None:
        name, value = case.later_fact
        services.set_fact(actor, person, name, value, reason="Demodata: flyttat")
        services.redecide_intervention(actor, intervention, why="Demodata")
    return True


def _load_reservnummer_person() -> bool:
    """An asylum seeker known by a reservnummer in Region Jämtland Härjedalen."""
    if PersonIdentity.objects.filter(value=DEMO_RESERVNUMMER).exists():
        return False
    actor = _user("ssk.regionjh")
    person, _created = services.create_person(
        actor,
        identifier=DEMO_RESERVNUMMER,
        id_system=IdSystem.reservnummer,
        given_name="Demo",
        family_name="Reservsson",
        birth_date=dt.date(1988, 5, 4),
        home_municipality="2380",
        confirm_care_relation=True,
        reason="Demodata",
        why="Demodata",
    )
    for name, value in (JH_PERSON | {"residence": "asylum_seeker"}).items():
        services.set_fact(actor, person, name, value, reason="Demodata")
    intervention = services.create_intervention(
        actor, person, kind="physician", facts=JH_INTERVENTION | {"urgent": True}, why="Demodata"
    )
    services.decide_intervention(actor, intervention, why="Demodata")
    return True


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create the demo persons that are missing; returns counts."""
    _ensure_staff()
    synthetic = synthetic_persons(len(CASES), seed=DEMO_SEED)
    created = sum(_load_case(case, person) for case, person in zip(CASES, synthetic, strict=True))
    created += _load_reservnummer_person()
    return {"created": created, "persons": Person.objects.count()}


# --- demo persons of other rooms' demos -------------------------------------------------------
# Other rooms' demo loaders seed persons through these, never through the people models.


def case_person(case: int) -> Person | None:
    """The person of the people demo's ``CASES[case]`` (by its personnummer), None when the
    people demo has not been loaded. No access check: demo loading only."""
    number = synthetic_persons(len(CASES), seed=DEMO_SEED)[case]["personnummer"]
    identity = PersonIdentity.objects.filter(
        system=IdSystem.personnummer.value, value=number
    ).first()
    return identity.person if identity else None


def synthetic_demo_persons(
    organisation: Organisation, actor: Any, count: int, seed: int
) -> list[Person]:
    """``count`` synthetic persons (``synthetic_persons(count, seed=seed)``) living in
    ``organisation``'s kommun with a care relation to it since 2017-01-01, created once (the
    one holding a personnummer is reused) and without facts. Written directly, without the
    people services' access checks and audit log, as demo loading always has (the
    tjänsteköp demo)."""
    persons: list[Person] = []
    for data in synthetic_persons(count, seed=seed):
        identity = (
            PersonIdentity.objects.filter(value=data["personnummer"])
            .select_related("person")
            .first()
        )
        if identity is not None:
            person = identity.person
        else:
            person = Person.objects.create(
                given_name=data["given"],
                family_name=data["family"],
                birth_date=data["birth_date"],
                sex=data["sex"],
                home_municipality=organisation.scb_code,
                created_by=actor,
            )
            PersonIdentity.objects.create(
                person=person,
                system="personnummer",
                value=data["personnummer"],
                is_primary=True,
                added_by=actor,
            )
        if not CareRelation.objects.filter(person=person, organisation=organisation).exists():
            CareRelation.objects.create(
                person=person,
                organisation=organisation,
                since=dt.date(2017, 1, 1),
                created_by=actor,
            )
        persons.append(person)
    return persons
