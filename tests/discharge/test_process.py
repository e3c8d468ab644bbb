"""The process of Lag (2017:612): notices, planning, utskrivningsklar with the engine's
snapshot, discharge, the SIP call, §7.6, guards and confirmation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from samverkan.discharge import access, selectors, services
from samverkan.discharge.models import (
    DischargeTool,
    NoticeKind,
    RegionDischargeSetting,
    StayTask,
    TaskKind,
)
from samverkan.discharge.services import DischargeError
from samverkan.discharge.work_queue import discharge_tasks
from samverkan.notifications.services import notifications_for

T = dt.datetime


def test_late_admission_notice_is_visible_as_late(stay, staff):
    (on_time,) = services.send_admission_notice(
        staff.ward_nurse,
        stay,
        receivers=["municipal_social_services"],
        sent_at=T(2026, 12, 1, 8, 0, tzinfo=dt.UTC),  # exactly 24 h: in time
    )
    (late,) = services.send_admission_notice(
        staff.ward_nurse,
        stay,
        receivers=["municipal_health_care"],
        sent_at=T(2026, 12, 1, 8, 1, tzinfo=dt.UTC),
    )
    assert not on_time.late
    assert late.late
    (row,) = selectors.board_rows(staff.ward_nurse)
    assert row.admission_notice_at == on_time.sent_at and not row.admission_late


def test_admission_notice_reaches_receivers_with_task_and_notification(noticed, staff, orgs):
    assert access.can_see(staff.assessor, noticed)
    assert access.can_see(staff.home_nurse, noticed)
    assert not access.can_see(staff.krokom, noticed)
    assert notifications_for(staff.assessor).filter(kind="discharge_notice").exists()
    titles = [t.title for t in discharge_tasks(staff.assessor)]
    assert titles == [f"Besvara inskrivningsmeddelande (vårdtillfälle nr {noticed.pk})"]
    # Sending again to the same receivers adds nothing.
    assert (
        services.send_admission_notice(
            staff.ward_nurse, noticed, receivers=["municipal_social_services"]
        )
        == []
    )


def test_only_the_region_sends_and_only_a_receiver_answers(noticed, staff):
    with pytest.raises(PermissionDenied):
        services.send_admission_notice(staff.assessor, noticed, receivers=["region_open_care"])
    with pytest.raises(PermissionDenied):
        services.answer_planning(staff.krokom, noticed, text="x")
    notice = services.answer_planning(
        staff.assessor,
        noticed,
        text="Biståndshandläggare planerar hemtjänst",
        insatser=["housing_support"],
    )
    assert notice.receiver == "municipal_social_services"
    noticed.refresh_from_db()
    assert noticed.status == "planned"
    assert discharge_tasks(staff.assessor) == []


def test_bad_input_names_the_field(noticed, staff):
    with pytest.raises(DischargeError) as error:
        services.answer_planning(staff.assessor, noticed, text="ok", insatser=["flying"])
    assert error.value.details[0].field == "insatser"
    with pytest.raises(DischargeError) as error:
        services.send_admission_notice(
            staff.ward_nurse,
            noticed,
            receivers=["municipal_social_services"],
            sent_at=T(2026, 11, 29, tzinfo=dt.UTC),
        )
    # already sent to that receiver is skipped, but a time before admission is refused first
    assert error.value.details[0].code == "before_admission"
    with pytest.raises(DischargeError) as error:
        services.mark_ready(
            staff.doctor, noticed, ready_at=T(2026, 12, 3, tzinfo=dt.UTC), confirm=True
        )
    assert error.value.details[0].code == "in_future"


def test_utskrivningsklar_only_by_physician_with_confirmation_and_snapshot(noticed, staff):
    services.answer_planning(
        staff.assessor, noticed, text="Hemtjänst", insatser=["housing_support"]
    )
    services.answer_planning(staff.home_nurse, noticed, text="Hemsjukvård", insatser=["nursing"])
    with pytest.raises(PermissionDenied):
        services.mark_ready(staff.ward_nurse, noticed, confirm=True)
    with pytest.raises(DischargeError) as error:
        services.mark_ready(staff.doctor, noticed)
    assert error.value.details[0].code == "confirmation_required"
    services.mark_ready(
        staff.doctor, noticed, ready_at=T(2026, 12, 1, 9, tzinfo=dt.UTC), confirm=True
    )
    noticed.refresh_from_db()
    assert noticed.status == "ready"
    kinds = [item["intervention"] for item in noticed.decision_snapshot]
    assert kinds == ["housing_support", "nursing"]
    for item in noticed.decision_snapshot:
        assert "decision" in item and item["decision"]["agreements"]
    with pytest.raises(DischargeError) as error:
        services.mark_ready(staff.doctor, noticed, confirm=True)
    assert error.value.status == 409


def test_discharge_with_several_units_calls_a_sip_through_the_sip_room(noticed, staff, units):
    services.answer_planning(
        staff.assessor, noticed, text="Hemtjänst", insatser=["housing_support"]
    )
    services.answer_planning(staff.home_nurse, noticed, text="Hemsjukvård", insatser=["nursing"])
    services.appoint_care_contact(
        staff.ward_nurse, noticed, unit=units.hc, name="Distriktssköterska"
    )
    services.mark_ready(
        staff.doctor, noticed, ready_at=T(2026, 12, 1, 9, tzinfo=dt.UTC), confirm=True
    )
    with pytest.raises(DischargeError):
        services.discharge(staff.ward_nurse, noticed)  # no confirmation
    services.discharge(staff.ward_nurse, noticed, confirm=True)
    task = StayTask.objects.get(stay=noticed, kind=TaskKind.CALL_SIP)
    assert task.unit == units.hc and task.due == dt.date(2026, 12, 5)
    assert [t.kind for t in discharge_tasks(staff.hc_nurse)] == ["Kalla till SIP efter utskrivning"]
    sip = services.call_sip(staff.ward_nurse, noticed)
    noticed.refresh_from_db()
    assert noticed.sip_id == sip.pk
    assert sip.person_id == noticed.person_id
    assert not StayTask.objects.filter(
        stay=noticed, kind=TaskKind.CALL_SIP, done_at__isnull=True
    ).exists()


def test_one_unit_needs_no_sip(noticed, staff):
    services.answer_planning(
        staff.assessor, noticed, text="Hemtjänst", insatser=["housing_support"]
    )
    services.discharge(staff.ward_nurse, noticed, confirm=True)
    assert not StayTask.objects.filter(stay=noticed, kind=TaskKind.CALL_SIP).exists()


def test_7_6_home_from_regional_care_without_care_contact(noticed, staff, units, orgs):
    """hemsjukvård §7.6: the kommun records it; a task goes to the hälsocentral concerned."""
    services.discharge(staff.ward_nurse, noticed, confirm=True)
    with pytest.raises(PermissionDenied):
        services.report_home_without_care_contact(staff.krokom, noticed, health_centre=units.hc)
    with pytest.raises(DischargeError) as error:
        services.report_home_without_care_contact(staff.assessor, noticed, health_centre=units.ward)
    assert error.value.details[0].field == "health_centre"
    notice = services.report_home_without_care_contact(
        staff.assessor, noticed, health_centre=units.hc
    )
    assert notice.kind == NoticeKind.HOME_WITHOUT_CARE_CONTACT
    task = StayTask.objects.get(stay=noticed, kind=TaskKind.CARE_CONTACT_MISSING)
    assert task.unit == units.hc and task.done_at is None
    assert notifications_for(staff.hc_nurse).filter(kind="discharge_notice").exists()
    # The region appoints the contact: the task is done.
    noticed.refresh_from_db()
    services.appoint_care_contact(staff.hc_nurse, noticed, unit=units.hc, name="Distriktssköterska")
    task.refresh_from_db()
    assert task.done_at is not None


def test_7_6_regional_care_discharge_without_contact_creates_task(staff, orgs, units, person):
    stay = services.admit(
        staff.ward_nurse,
        person,
        unit=units.ward,
        municipality=orgs.ostersund,
        care_type="somatic",
        admitted_at=T(2026, 11, 28, tzinfo=dt.UTC),
        from_regional_care=True,
    )
    services.discharge(staff.ward_nurse, stay, confirm=True)
    assert StayTask.objects.filter(
        stay=stay, kind=TaskKind.CARE_CONTACT_MISSING, done_at__isnull=True
    ).exists()


def test_death_closes_the_stay_and_its_tasks(noticed, staff):
    services.record_death(staff.doctor, noticed, confirm=True)
    noticed.refresh_from_db()
    assert noticed.status == "died"
    assert not StayTask.objects.filter(stay=noticed, done_at__isnull=True).exists()
    with pytest.raises(DischargeError) as error:
        services.discharge(staff.ward_nurse, noticed, confirm=True)
    assert error.value.details[0].code == "stay_closed"


def test_region_with_own_tool_refuses_manual_notices(stay, staff):
    RegionDischargeSetting.objects.create(region="jamtland-harjedalen", tool=DischargeTool.OWN_TOOL)
    with pytest.raises(DischargeError) as error:
        services.send_admission_notice(
            staff.ward_nurse, stay, receivers=["municipal_social_services"]
        )
    assert error.value.details[0].code == "region_uses_own_tool"


def test_admit_guards(staff, orgs, units, person, make_person):
    with pytest.raises(DischargeError) as error:
        services.admit(
            staff.assessor,
            person,
            unit=units.ward,
            municipality=orgs.ostersund,
            care_type="somatic",
        )
    assert error.value.status == 403
    with pytest.raises(DischargeError) as error:
        services.admit(
            staff.ward_nurse,
            person,
            unit=units.ost_home,
            municipality=orgs.ostersund,
            care_type="somatic",
        )
    assert error.value.details[0].field == "unit"
    with pytest.raises(DischargeError) as error:
        services.admit(
            staff.ward_nurse, person, unit=units.ward, municipality=orgs.gavle, care_type="somatic"
        )
    assert error.value.details[0].field == "municipality"
    with pytest.raises(DischargeError) as error:
        services.admit(
            staff.ward_nurse, person, unit=units.ward, municipality=orgs.ostersund, care_type="x"
        )
    assert error.value.details[0].field == "care_type"
    stranger = make_person(staff.gvb, municipality="2180")
    with pytest.raises(DischargeError) as error:
        services.admit(
            staff.ward_nurse,
            stranger,
            unit=units.ward,
            municipality=orgs.ostersund,
            care_type="somatic",
        )
    assert error.value.status == 404


def test_stay_facts_and_preliminary_days(noticed, staff):
    services.mark_ready(
        staff.doctor, noticed, ready_at=T(2026, 11, 30, 12, tzinfo=dt.UTC), confirm=True
    )
    noticed.refresh_from_db()
    facts = selectors.stay_facts(noticed)
    assert facts.care_type == "somatic"
    assert facts.admission_notice_at == T(2026, 11, 30, 10, tzinfo=dt.UTC)
    assert facts.ready_notice_at == T(2026, 11, 30, 12, tzinfo=dt.UTC)
    assert facts.needs_municipal_insatser and facts.discharged_at is None and not facts.died
    # law's default: three calendar days after the notice (Lag 2017:612): nothing on 12-02
    assert selectors.preliminary_payment_days(facts, dt.date(2026, 12, 2)) == 0
    counted = selectors.payment(facts, dt.date(2026, 12, 5))
    assert (
        counted.first_day is not None
        and counted.days == (dt.date(2026, 12, 5) - counted.first_day).days + 1
    )
    assert counted.amount > 0 and all(line.clause for line in counted.explanation)


def test_merge_moves_stays(stay, staff, make_person):
    from samverkan.people import services as people_services

    survivor = make_person()
    people_services.merge_persons(staff.ward_nurse, source=stay.person, target=survivor)
    stay.refresh_from_db()
    assert stay.person_id == survivor.pk


def test_the_notice_names_the_stay_for_who_may_see_it(noticed, staff):
    """Before: "Nytt meddelande om utskrivning från sluten vård" and nothing more."""
    from samverkan.notifications.services import lines_for

    texts = [line.text for line in lines_for(staff.assessor, notifications_for(staff.assessor))]
    wanted = f"Nytt meddelande om utskrivning från sluten vård: vårdtillfälle nr {noticed.pk}"
    assert any(text.startswith(wanted) for text in texts), texts
    # A viewer who may not see the stay: the label only.
    other = lines_for(staff.krokom, notifications_for(staff.assessor))
    assert {line.text for line in other} == {"Nytt meddelande om utskrivning från sluten vård"}
