"""Synthetic demo stays at Region Jämtland Härjedalen's Medicinkliniken, through the room's own
services. Idempotent (each stay has a demo source id). Run after the accounts and people
demos. Everything is invented; the persons carry Skatteverket's test numbers.

- Östersund person (people demo case 1): admitted three days ago, inskrivningsmeddelanden in
  time, answers from Östersund's social services (hemtjänst) and home health care, a fast
  vårdkontakt at Hälsocentral Centrum, utskrivningsklar yesterday: the days are running.
- Östersund person (case 2): admitted two days ago, the inskrivningsmeddelande 30 hours
  later (late).
- Östersund person (case 0): admitted this morning, no notice sent yet.
- Last year's discharged stays (``_last_year``), for the forum's simulation of another number
  of days (issue 16): residents of Östersund, Krokom, Strömsund and Härjedalen (three: a small
  cell), written as the region's planning tool would have sent them (source "file"), with
  their notices; a few without the kommun's insatser, one inskrivningsmeddelande late.
- Local discharge terms for the pair Region Jämtland Härjedalen – Östersund: a version from
  2026-01-01 entered by the region's forum and confirmed by Östersund's (betalningsansvar
  from the second day after the notice, messages after 12:00 count to the next day), and a
  newer version from 2027-01-01 the region entered that Östersund has not confirmed yet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from samverkan.accounts.models import Organisation, Unit
from samverkan.discharge import local_terms, services
from samverkan.discharge.models import (
    LocalTermsVersion,
    Notice,
    NoticeKind,
    Receiver,
    Source,
    Stay,
    StayStatus,
)
from samverkan.people import access as people_access
from samverkan.people import services as people_services

WARD = "Medicinkliniken"
# The pair's local discharge terms: (valid from, name, terms, confirmed by Östersund).
LOCAL_TERMS = (
    (
        dt.date(2026, 1, 1),
        "Lokal överenskommelse om utskrivning, Östersund 2026",
        {"days_after_notice": {"somatic": 2, "psychiatric": 3}, "cutoff": "12:00"},
        True,
    ),
    (
        dt.date(2027, 1, 1),
        "Förslag: lokal överenskommelse om utskrivning, Östersund 2027",
        {"days_after_notice": {"somatic": 1, "psychiatric": 3}, "cutoff": "12:00"},
        False,
    ),
)
HEALTH_CENTRE = "Hälsocentral Centrum"


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def _person(case: int) -> Any:
    from samverkan.people import demo as people_demo

    return people_demo.case_person(case)


def _seen_by_region(nurse: Any, person: Any) -> Any:
    if not people_access.can_see(nurse, person):
        people_services.add_care_relation(nurse, person, reason="Inskriven på Medicinkliniken")
    return person


@transaction.atomic
def load_demo() -> None:
    nurse, doctor = _user("ssk.regionjh"), _user("lakare.regionjh")
    assessor, home_nurse = _user("bistand.ostersund"), _user("ssk.ostersund")
    region = Organisation.objects.filter(scb_code="23").first()
    ostersund = Organisation.objects.filter(scb_code="2380").first()
    if None in (nurse, doctor, assessor, home_nurse, region, ostersund):
        return
    ward = Unit.objects.filter(organisation=region, name=WARD).first()
    centre = Unit.objects.filter(organisation=region, name=HEALTH_CENTRE).first()
    if ward is None or centre is None:
        return
    now = timezone.now().replace(minute=0, second=0, microsecond=0)

    def admit(case: int, key: str, hours_ago: int) -> Stay | None:
        person = _person(case)
        if person is None or Stay.objects.filter(organisation=region, source_id=key).exists():
            return None
        _seen_by_region(nurse, person)
        return services.admit(
            nurse,
            person,
            unit=ward,
            municipality=ostersund,
            care_type="somatic",
            admitted_at=now - dt.timedelta(hours=hours_ago),
            needs_municipal_insatser=True,
            source_id=key,
        )

    both = ["municipal_social_services", "municipal_health_care", "region_open_care"]
    stay = admit(1, "demo:1", 72)
    if stay is not None:
        services.send_admission_notice(
            nurse, stay, receivers=both, sent_at=stay.admitted_at + dt.timedelta(hours=3)
        )
        services.record_consent(nurse, stay, given_by="person")
        services.add_planning(
            nurse, stay, text="Behöver hjälp vid förflyttning; ADL-bedömning gjord."
        )
        services.answer_planning(
            assessor,
            stay,
            text="Biståndshandläggare planerar hemtjänst.",
            insatser=["housing_support"],
        )
        services.answer_planning(
            home_nurse, stay, text="Hemsjukvården tar över såromläggning.", insatser=["nursing"]
        )
        services.appoint_care_contact(nurse, stay, unit=centre, name="Distriktssköterska")
        services.mark_ready(doctor, stay, ready_at=now - dt.timedelta(hours=24), confirm=True)
    stay = admit(2, "demo:2", 48)
    if stay is not None:
        services.send_admission_notice(
            nurse,
            stay,
            receivers=both[:2],
            sent_at=stay.admitted_at + dt.timedelta(hours=30),
        )
    admit(0, "demo:3", 2)
    if region is not None:
        _last_year(region, ward, nurse)
    if ostersund is not None:
        _local_terms(ostersund)


#: Last year's stays per kommun (SCB code, stays); one person each.
HISTORY = (("2380", 14), ("2309", 7), ("2313", 6), ("2361", 3))
HISTORY_SEED = 16_000


def _last_year(region: Organisation, ward: Unit, nurse: Any) -> None:
    """Discharged stays of last year, with the notices the kommun received (idempotent: by
    source id). Each kommun's residents are synthetic persons of their own."""
    from samverkan.people import demo as people_demo

    year = timezone.localdate().year - 1
    tz = timezone.get_current_timezone()
    for k, (code, count) in enumerate(HISTORY):
        kommun = Organisation.objects.filter(scb_code=code).first()
        if kommun is None:
            continue
        keys = [f"demo:{year}:{code}:{i}" for i in range(count)]
        if Stay.objects.filter(organisation=region, source_id__in=keys).count() == count:
            continue
        persons = people_demo.synthetic_demo_persons(kommun, nurse, count, HISTORY_SEED + k)
        for i, (key, person) in enumerate(zip(keys, persons, strict=True)):
            if Stay.objects.filter(organisation=region, source_id=key).exists():
                continue
            admitted = dt.datetime(year, 1 + (i * 5 + k) % 12, 3 + (i * 7) % 20, 8, tzinfo=tz)
            ready = admitted + dt.timedelta(days=3 + i % 5, hours=1)
            discharged = ready + dt.timedelta(days=2 + (i + k) % 7, hours=2)
            stay = Stay.objects.create(
                person=person,
                organisation=region,
                unit=ward,
                municipality=kommun,
                care_type="psychiatric" if i % 6 == 5 else "somatic",
                admitted_at=admitted,
                needs_municipal_insatser=i % 8 != 7,
                status=StayStatus.DISCHARGED,
                ready_at=ready,
                discharged_at=discharged,
                source=Source.FILE,
                source_id=key,
            )
            late = dt.timedelta(hours=30 if i == 4 else 2)
            for kind, sent_at, receiver in (
                (NoticeKind.ADMISSION, admitted + late, Receiver.MUNICIPAL_SOCIAL_SERVICES),
                (NoticeKind.READY, ready + dt.timedelta(hours=1), ""),
            ):
                Notice.objects.create(
                    stay=stay,
                    kind=kind,
                    sent_at=sent_at,
                    sender=region,
                    receiver=receiver,
                    receiver_organisation=kommun if receiver else None,
                    source=Source.FILE,
                )


def _local_terms(ostersund: Organisation) -> None:
    """The pair's two versions (idempotent: one per date); the region's forum enters them,
    Östersund's forum confirms the first."""
    region_forum, kommun_forum = _user("forum.jh"), _user("forum.ostersund")
    if region_forum is None or kommun_forum is None:
        return
    for valid_from, name, terms, confirmed in LOCAL_TERMS:
        version = LocalTermsVersion.objects.filter(
            region=ostersund.region, municipality=ostersund, valid_from=valid_from
        ).first()
        if version is None:
            version = local_terms.enter_version(
                region_forum,
                valid_from=valid_from,
                name=name,
                terms=terms,
                municipality=ostersund,
                source="Demo: påhittad överenskommelse",
            )
        if confirmed and not local_terms.is_confirmed(version):
            local_terms.confirm_version(kommun_forum, version, confirm=True)
