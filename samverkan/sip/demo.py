"""Synthetic demo SIPs on the people app's demo persons.

`load_demo()` is idempotent: a demo person who already has a SIP from the demo's
initiating organisation is left as it is. Run after `samverkan.people.demo.load_demo()`
(called here when its persons are missing). Everything is invented; the persons carry
Skatteverket's test numbers.

- Östersund: end of life at home; Region JH's hälsocentral invited; the fast vårdkontakt
  is a physician (hemsjukvård §6.2); consent given; plan established.
- Krokom: needs both health and social care; Östersund's Biståndsenhet (another kommun)
  and Region JH invited to a meeting next week; consent given; plan in draft.
- Gävle: respirator at home, discharge ahead; Gävleborg's checklist half done and a risk
  analysis begun; not yet ready for discharge.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from samverkan.accounts.models import Organisation, Unit
from samverkan.sip import services
from samverkan.sip.models import Huvudman, Sip
from samverkan.sip.plan import ActionRow, ContactRow, RiskRow, plan_of

if TYPE_CHECKING:
    from samverkan.people.models import Person

# The people demo's cases (samverkan.people.demo.CASES) these SIPs build on.
END_OF_LIFE_CASE, BOTH_CARES_CASE, RESPIRATOR_CASE = 1, 5, 6


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def _org(scb_code: str) -> Organisation:
    return Organisation.objects.get(scb_code=scb_code)


def _unit(scb_code: str, name: str) -> Unit | None:
    return Unit.objects.filter(organisation__scb_code=scb_code, name=name).first()


def _person(case: int) -> Person | None:
    from samverkan.people import demo as people_demo

    return people_demo.case_person(case)


def _days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def _meeting(days: int, hour: int) -> dt.datetime:
    day = _days(days)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


def _end_of_life(person: Person) -> None:
    nurse = _user("ssk.ostersund")
    sip = services.start_sip(
        nurse, person, agreement="jh-hemsjukvard", circumstances={"end_of_life": True}
    )
    services.record_consent(nurse, sip, given_by="person", note="Muntligt samtycke vid hembesök")
    region, ostersund = _org("23"), _org("2380")
    health_centre = _unit("23", "Hälsocentral Centrum")
    home_care = _unit("2380", "Hemsjukvården Östersund")
    services.invite(nurse, sip, organisation=region, unit=health_centre)
    # The meeting was held last week (history: the service refuses a time already passed).
    Sip.objects.filter(pk=sip.pk).update(meeting_at=_meeting(-7, 10), meeting_sequence=1)
    sip.refresh_from_db()
    plan = plan_of(sip.current_version())
    plan.goals = ["Jag vill få vara hemma den sista tiden", "Jag vill ha ont så lite som möjligt"]
    plan.needs = ["Smärtlindring dygnet runt", "Stöd till min make"]
    plan.overall_responsible_organisation = ostersund
    plan.overall_responsible_unit = home_care
    plan.overall_responsibility_note = "Sjuksköterska i hemsjukvården"
    plan.follow_up_date = _days(10)
    plan.actions = [
        ActionRow(
            "Läkarbesök i hemmet varannan vecka och vid behov",
            Huvudman.REGION,
            region,
            health_centre,
            _days(5),
        ),  # fmt: skip
        ActionRow(
            "Hemsjukvård: smärtpump och symtomkontroll",
            Huvudman.MUNICIPALITY,
            ostersund,
            home_care,
            _days(2),
        ),  # fmt: skip
        ActionRow(
            "Anhörigstöd till maken",
            Huvudman.MUNICIPALITY,
            ostersund,
            _unit("2380", "Biståndsenheten"),
            _days(14),
        ),  # fmt: skip
    ]
    plan.care_contacts = [
        ContactRow(
            region,
            "Distriktsläkare",
            health_centre,
            is_physician=True,
            responsibility="Medicinskt ansvar, smärtlindring",
        ),  # fmt: skip
        ContactRow(
            ostersund,
            "Distriktssköterska",
            home_care,
            responsibility="Omvårdnad",
            phone="063-14 30 00",
        ),
    ]
    plan.change_note = "Plan från SIP-mötet"
    services.save_plan(nurse, sip, plan, base_version=sip.version)
    # The region came to the meeting without answering in the app: fastställd with that named.
    services.activate(nurse, sip, confirm_unanswered=services.unanswered(sip))


def _both_cares(person: Person) -> None:
    coordinator = _user("sip.krokom")
    sip = services.start_sip(coordinator, person, agreement="jh-hemsjukvard")
    services.record_consent(coordinator, sip, given_by="person")
    services.invite(
        coordinator,
        sip,
        organisation=_org("2380"),
        unit=_unit("2380", "Biståndsenheten"),
        meeting_at=_meeting(6, 13),
        meeting_place="Krokoms kommunhus",
    )
    services.invite(
        coordinator,
        sip,
        organisation=_org("23"),
        unit=_unit("23", "Hälsocentral Centrum"),
    )
    services.invite_by_letter(coordinator, sip, recipient="person")
    plan = plan_of(sip.current_version())
    plan.goals = ["Jag vill klara min hygien själv igen"]
    plan.needs = ["Träning efter höftoperationen", "Hjälp att duscha tills vidare"]
    plan.change_note = "Inför SIP-mötet"
    services.save_plan(coordinator, sip, plan, base_version=sip.version)


def _respirator(person: Person) -> None:
    nurse = _user("ssk.gavle")
    sip = services.start_sip(
        nurse,
        person,
        agreement="gvb-svart-sjuka",
        circumstances={"extensive_home_care": "respirator", "discharge_from_inpatient_care": True},
    )
    services.record_consent(nurse, sip, given_by="person")
    region, gavle = _org("21"), _org("2180")
    health_centre = _unit("21", "Hälsocentral Söder")
    services.invite(nurse, sip, organisation=region, unit=health_centre, meeting_at=_meeting(2, 9))
    plan = plan_of(sip.current_version())
    plan.goals = ["Jag vill bo hemma med min respirator och gå på konserter ibland"]
    plan.needs = ["Respiratorvård dygnet runt", "Utbildad personal"]
    plan.overall_responsible_organisation = region
    plan.overall_responsible_unit = health_centre
    plan.overall_responsibility_note = "Läkare med särskilt samordningsansvar"
    plan.follow_up_date = _days(21)
    plan.actions = [
        ActionRow(
            "Utbildning av personal på KTC",
            Huvudman.REGION,
            region,
            _unit("21", "Geriatriska kliniken"),
            _days(7),
        ),  # fmt: skip
        ActionRow(
            "Personal dygnet runt i hemmet",
            Huvudman.MUNICIPALITY,
            gavle,
            _unit("2180", "Hemsjukvården Gävle"),
            _days(10),
        ),  # fmt: skip
    ]
    plan.care_contacts = [
        ContactRow(
            region,
            "Läkare på hälsocentralen",
            health_centre,
            is_physician=True,
            responsibility="Samordningsansvar för de medicinska insatserna",
        ),  # fmt: skip
    ]
    for item in plan.checklist[:4]:
        item.done = True
    plan.risks = [
        RiskRow(
            "Strömavbrott",
            "Respiratorn stannar",
            2,
            4,
            "Reservbatteri och rutin",
            "Enhetschef",
            _days(7),
        ),  # fmt: skip
        RiskRow("Larm hörs inte nattetid", "Syrebrist", 2, 4),
    ]
    plan.change_note = "Inför utskrivning"
    services.save_plan(nurse, sip, plan, base_version=sip.version)


DEMO_SIPS = (
    (END_OF_LIFE_CASE, "2380", _end_of_life),
    (BOTH_CARES_CASE, "2309", _both_cares),
    (RESPIRATOR_CASE, "2180", _respirator),
)


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create the demo SIPs that are missing; returns counts."""
    if _person(END_OF_LIFE_CASE) is None:
        from samverkan.people.demo import load_demo as load_people

        load_people()
    created = 0
    for case, initiator, build in DEMO_SIPS:
        person = _person(case)
        if (
            person is None
            or Sip.objects.filter(
                person=person, initiated_by_organisation__scb_code=initiator
            ).exists()
        ):
            continue
        build(person)
        created += 1
    return {"created": created, "sips": Sip.objects.count()}
