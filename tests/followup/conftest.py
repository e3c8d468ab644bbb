"""A year of cooperation in Jämtland Härjedalen, built through the other apps' services:
persons and responsibility decisions, egenvård assessments, SIPs, purchased services and
their invoice, deviations and disputes. The reconciliation test recomputes the report from
these records; the browser test shows it.

Designed so that some cells are small (Krokom: 3 persons) and some are not (Östersund).

Every test here runs on a fixed clock (``suite_clock``: ``TODAY``, for the app's
``timezone.now``/``localdate`` and ``date.today`` alike), so the year under report and the
records' dates never depend on the day the suite runs (issue 10: taking the calendar's year
made the year-of-data fixture skip from 1 January to 1 March).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from samverkan.accounts.models import Role, Unit, UnitKind
from tests.baselines import HOME_CARE_PERSON

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ORG_NUMBERS = {
    "23": "232100-0214",
    "2380": "212000-2528",
    "2309": "212000-2544",
    "21": "232100-0198",
    "2180": "212000-2338",
}
#: The suite's today: mid-year, so January (invoiced) and February (approved) are behind it.
TODAY = dt.date(2026, 6, 15)
YEAR = TODAY.year
JANUARY = dt.date(YEAR, 1, 1)
_NOON = dt.datetime.combine(TODAY, dt.time(12, 0), tzinfo=STOCKHOLM)


def suite_clock() -> time_machine.travel:
    """The fixed clock as a context manager: time starts at noon on ``TODAY`` and ticks."""
    return time_machine.travel(_NOON, tick=True)


@pytest.fixture(autouse=True)
def fixed_clock() -> Any:
    with suite_clock():
        yield TODAY


# Facts that leave the home-care rules nothing unknown (ordinary housing, in the county).
# Their needs over time are beyond what parents give, should a personnummer be a child's
# (jh-hemsjukvard footnote 8).
BASE_FACTS: dict[str, Any] = dict(HOME_CARE_PERSON) | {"needs_beyond_parental_responsibility": True}
INTERVENTION_FACTS: dict[str, Any] = {
    "day_activity": False,
    "service_purchase_requested": False,
}


def at(day: dt.date, hhmm: str) -> dt.datetime:
    hh, mm = (int(p) for p in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=STOCKHOLM)


def _unit(org: Any, name: str, kind: str) -> Unit:
    return Unit.objects.get_or_create(organisation=org, name=name, defaults={"kind": kind})[0]


@pytest.fixture
def world(db, orgs, make_staff) -> SimpleNamespace:  # noqa: C901
    from samverkan.deviations import disputes as dispute_services
    from samverkan.deviations import services as deviation_services
    from samverkan.people import services as people
    from samverkan.people.testpersons import test_personnummer
    from samverkan.purchases import services as purchases
    from samverkan.purchases.models import BillingProfile
    from samverkan.sip import services as sip_services
    from samverkan.sip.models import Huvudman
    from samverkan.sip.plan import ActionRow, ContactRow, PlanData

    w = SimpleNamespace(orgs=orgs, year=YEAR)
    for org in (orgs.region_jh, orgs.ostersund, orgs.krokom):
        org.org_number = ORG_NUMBERS[org.scb_code]
        org.street_address = "Box 1"
        org.postal_code = "83182"
        org.city = "Östersund"
        # Region JH takes six digits alone in "Er referens" (samverkan.purchases.buyers)
        org.invoice_reference = "412000" if org.scb_code == "23" else f"Ref {org.scb_code}"
        # an administrator confirmed the identifiers (an invoice to an unconfirmed buyer is
        # refused: samverkan.purchases.buyers)
        org.identifiers_confirmed_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        org.save()
    BillingProfile.objects.create(organisation=orgs.ostersund, bankgiro="123-4566")
    home_ost = _unit(orgs.ostersund, "Hemsjukvården Östersund", UnitKind.HOME_HEALTH_CARE)
    social_ost = _unit(orgs.ostersund, "Biståndsenheten", UnitKind.SOCIAL_SERVICES)
    home_krokom = _unit(orgs.krokom, "Hemsjukvården Krokom", UnitKind.HOME_HEALTH_CARE)
    hc = _unit(orgs.region_jh, "Hälsocentral Centrum", UnitKind.PRIMARY_CARE)
    w.nurse = make_staff(Role.NURSE, orgs.ostersund, "ssk.uppf", unit=home_ost)
    w.nurse_krokom = make_staff(Role.NURSE, orgs.krokom, "ssk.krokom.uppf", unit=home_krokom)
    w.ekonom = make_staff(Role.FINANCE_OFFICER, orgs.ostersund, "ekonom.uppf")
    w.admin = make_staff(Role.ADMINISTRATOR, orgs.ostersund, "admin.uppf")
    w.forum = make_staff(
        Role.FORUM_MEMBER, orgs.region_jh, "forum.uppf", first_name="Fia", last_name="Forum"
    )

    numbers = iter(test_personnummer(20, seed=77))
    names = iter(
        [
            "Astrid",
            "Bertil",
            "Cecilia",
            "David",
            "Ebba",
            "Folke",
            "Greta",
            "Harald",
            "Ingrid",
            "Johan",
            "Karin",
        ]
    )

    def person(actor: Any, municipality: str, adl: list[str]) -> Any:
        p, _ = people.create_person(
            actor,
            identifier=next(numbers),
            given_name=next(names),
            family_name="Uppföljningsson",
            home_municipality=municipality,
            confirm_care_relation=True,
            reason="Test",
        )
        for name, value in {**BASE_FACTS, "adl_needs_over_time": adl}.items():
            people.set_fact(actor, p, name, value)
        return p

    # Östersund: 6 persons with an ADL need (kommunen), 2 without (regionen).
    # Krokom: 3 persons with an ADL need (a small cell).
    w.ost_municipal = [person(w.nurse, "2380", ["dressing"]) for _ in range(6)]
    w.ost_region = [person(w.nurse, "2380", []) for _ in range(2)]
    w.krokom = [person(w.nurse_krokom, "2309", ["hygiene"]) for _ in range(3)]
    w.persons = [*w.ost_municipal, *w.ost_region, *w.krokom]
    w.interventions = []
    for p in w.persons:
        actor = w.nurse_krokom if p in w.krokom else w.nurse
        intervention = people.create_intervention(
            actor, p, kind="nursing", start=dt.date(YEAR, 1, 2), facts=INTERVENTION_FACTS
        )
        people.decide_intervention(actor, intervention)
        w.interventions.append(intervention)
    # One re-decision: it counts as a decision of its own.
    people.decide_intervention(w.nurse, w.interventions[0])

    # Egenvård: 5 assessed as egenvård and 2 as hälso- och sjukvård, by Östersund.
    for index, p in enumerate(w.ost_municipal[:5] + w.ost_region):
        people.create_assessment(
            w.nurse,
            p,
            intervention_kind="medication_management",  # not the nursing decided above
            measure="Insulininjektion",
            result="self_care" if index < 5 else "health_care",
            review_date=dt.date(YEAR + 1, 6, 1),
            performed_by_person_or_others="Personen tar sprutan själv.",
        )

    # SIP: 6 started by Östersund, 2 of them activated and followed up.
    def plan() -> PlanData:
        return PlanData(
            goals=["Jag vill bo kvar hemma"],
            needs=["Hjälp med läkemedel"],
            overall_responsible_organisation=orgs.ostersund,
            overall_responsible_unit=home_ost,
            overall_responsibility_note="Sjuksköterska i hemsjukvården",
            follow_up_date=timezone.localdate() + dt.timedelta(days=30),
            actions=[
                ActionRow(
                    "Läkemedelsgenomgång",
                    Huvudman.REGION,
                    orgs.region_jh,
                    hc,
                    timezone.localdate() + dt.timedelta(days=7),
                ),
                ActionRow(
                    "Hemtjänst vid dusch",
                    Huvudman.MUNICIPALITY,
                    orgs.ostersund,
                    social_ost,
                    timezone.localdate() + dt.timedelta(days=10),
                ),
            ],
            care_contacts=[ContactRow(orgs.region_jh, "Distriktsläkare", hc, is_physician=True)],
        )

    w.sips = []
    for index, p in enumerate(w.ost_municipal):
        sip = sip_services.start_sip(w.nurse, p, agreement="jh-hemsjukvard")
        if index < 2:
            sip_services.save_plan(w.nurse, sip, plan(), base_version=sip.version)
            sip_services.activate(w.nurse, sip)
            sip_services.follow_up(
                w.nurse,
                sip,
                base_version=sip.version,
                notes="Det går bra.",
                next_follow_up=timezone.localdate() + dt.timedelta(days=90),
            )
        w.sips.append(sip)

    # Tjänsteköp: Östersund performs nursing for the region.
    w.price = purchases.set_price(
        w.admin,
        agreement="jh-hemsjukvard",
        intervention="nursing",
        band="day",
        unit="hour",
        amount=Decimal("650.00"),
        valid_from=dt.date(YEAR, 1, 1),
        source="Test: bilaga 4",
    )
    w.records = []
    # January (invoiced) and February (approved): weekdays without holidays, behind TODAY.
    january = [d for d in (dt.date(YEAR, 1, 12) + dt.timedelta(days=i) for i in range(14))
               if d.weekday() < 5]  # fmt: skip
    february = [d for d in (dt.date(YEAR, 2, 9) + dt.timedelta(days=i) for i in range(14))
                if d.weekday() < 5]  # fmt: skip
    for index, p in enumerate(w.ost_municipal[:5] + w.ost_region[:1]):
        for day, start, end in (
            (january[index], "09:00", "10:30"),
            (february[index], "13:00", "13:45"),
        ):
            records = purchases.register_service(
                w.nurse,
                purchases.ServiceInput(
                    person=p,
                    start=at(day, start),
                    end=at(day, end),
                    intervention="nursing",
                    basis="jh-tjanstekop",
                ),
            )
            purchases.approve_records(
                w.ekonom, month=day.replace(day=1), record_ids=[r.pk for r in records]
            )
            w.records += records
    w.run = purchases.run_invoices(
        w.ekonom,
        seller=orgs.ostersund,
        buyer=orgs.region_jh,
        month=JANUARY,
        today=dt.date(YEAR, 2, 2),
    )

    # Avvikelser: Östersund reports 6 medication deviations (1 serious) and 2 falls to the
    # region; the region has no reporter here.
    w.deviations = []
    for index in range(8):
        w.deviations.append(
            deviation_services.report_deviation(
                w.nurse,
                receiving_organisation=orgs.region_jh,
                category="medication" if index < 6 else "fall",
                severity="serious" if index == 0 else "minor",
                occurred_on=timezone.localdate() - dt.timedelta(days=index + 1),
                location="Hemmet",
                description="Läkemedelslistan stämde inte.",
                agreement="jh-hemsjukvard",
            )
        )
    # Tvister: 6 opened, one decided by the managers (costs shared equally).
    w.disputes = [
        dispute_services.open_dispute(
            w.nurse,
            counterparty=orgs.region_jh,
            question="Vem ansvarar för såromläggningen?",
            acting_organisation=orgs.ostersund,
            acting_note="Kommunens sjuksköterska lägger om såret tills vidare.",
            agreement="jh-hemsjukvard",
        )
        for _ in range(6)
    ]
    dispute_services.record_dispute_decision(
        make_staff(Role.MAS, orgs.ostersund, "mas.uppf"),  # a party's decider (issue 13)
        w.disputes[0].pk,
        decided_on=timezone.localdate(),
        reasoning="Cheferna kom överens om att dela kostnaden.",
        cost_bearer="shared_equally",
    )
    return w
