"""Audit entries for every look and change, and the SIP items in "Mina uppgifter"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from samverkan.audit.models import AuditEvent
from samverkan.sip import services
from samverkan.sip.plan import plan_of
from samverkan.sip.work_queue import sip_tasks

pytestmark = pytest.mark.django_db


def test_every_view_and_change_is_audited_with_the_person(client_as, sip, staff, orgs, units):
    nurse = client_as(staff.ost)
    nurse.get(f"/sip/{sip.pk}/")
    nurse.post(
        f"/sip/{sip.pk}/samtycke/",
        {"given_by": "person", "given_at": "2026-01-01T10:00", "scope": "all_invited"},
    )
    nurse.post(f"/sip/{sip.pk}/kalla/", {"unit": units.krokom_social.pk})
    nurse.get(f"/sip/{sip.pk}/pdf")
    nurse.get(f"/sip/{sip.pk}/fhir")
    client_as(staff.krokom).get(f"/sip/{sip.pk}/")
    ref = sip.person.ref
    events = AuditEvent.objects.filter(person_ref=ref, object_type__startswith="sip.")
    seen = {(e.user.username, e.action, e.object_type, e.why) for e in events}
    assert {
        ("ssk.ost", "create", "sip.sip", "SIP startad"),
        ("ssk.ost", "view", "sip.sip", "Visa SIP"),
        ("ssk.ost", "create", "sip.consent", "Samtycke registrerat"),
        ("ssk.ost", "create", "sip.participant", "Kallelse till SIP"),
        ("ssk.ost", "print", "sip.sip", "SIP som PDF till personen"),
        ("ssk.ost", "export", "sip.sip", "SIP som FHIR-bundle"),
        ("bistand.krokom", "view", "sip.sip", "Visa SIP"),
    } <= seen
    # Identifiers and names only ever in person_ref.
    number = sip.person.primary_identity().value
    for event in AuditEvent.objects.all():
        text = f"{event.why} {event.object_id} {event.object_type}"
        assert number not in text and "Planström" not in text


def test_plan_saves_are_audited_as_updates_of_the_version(sip, staff, plan_factory):
    version = services.save_plan(staff.ost, sip, plan_factory(), base_version=1)
    event = AuditEvent.objects.get(object_type="sip.planversion", object_id=str(version.pk))
    assert (event.action, event.person_ref, event.why) == (
        "update",
        sip.person.ref,
        "SIP-plan reviderad",
    )


def _titles(user):
    return [item.title for item in sip_tasks(user)]


def test_invitation_to_answer_shows_up_for_the_invited_unit_after_consent(sip, staff, orgs, units):
    participant = services.invite(
        staff.ost,
        sip,
        organisation=orgs.krokom,
        unit=units.krokom_social,
        meeting_at=timezone.now() + dt.timedelta(days=5),
    )
    assert _titles(staff.krokom) == []  # nothing to see before consent
    services.record_consent(staff.ost, sip, given_by="person")
    (item,) = sip_tasks(staff.krokom)
    assert item.title == f"Kallelse till SIP nr {sip.pk} att besvara"
    assert item.url == f"/sip/{sip.pk}/#deltagare"
    assert item.due == timezone.localdate(sip.meeting_at)
    services.respond(staff.krokom, participant, accept=True)
    assert _titles(staff.krokom) == []


def test_due_follow_ups_and_actions(shared_sip, staff, orgs, units, plan_factory):
    sip = shared_sip
    services.activate(staff.ost, sip, confirm_unanswered=True)
    services.invite(staff.ost, sip, organisation=orgs.region_jh, unit=units.jh_hc)
    plan = plan_of(sip.current_version())
    plan.follow_up_date = timezone.localdate() + dt.timedelta(days=3)
    services.save_plan(staff.ost, sip, plan, base_version=sip.version)
    assert f"Uppföljning av SIP nr {sip.pk}" in _titles(staff.ost)
    # Region JH's action (due in 7 days) is in the region physician's queue.
    assert f"Insats i SIP nr {sip.pk} ska vara klar" in _titles(staff.region)
    assert _titles(staff.gavle) == []
    # Done actions drop out.
    plan = plan_of(sip.current_version())
    plan.actions[0].status = "done"
    services.save_plan(staff.ost, sip, plan, base_version=sip.version)
    assert f"Insats i SIP nr {sip.pk} ska vara klar" not in _titles(staff.region)


def test_start_page_lists_sip_tasks(client_as, sip, staff, orgs, units):
    services.invite(staff.ost, sip, organisation=orgs.krokom, unit=units.krokom_social)
    services.record_consent(staff.ost, sip, given_by="person")
    html = client_as(staff.krokom).get("/").content.decode()
    assert f"Kallelse till SIP nr {sip.pk} att besvara" in html
    assert "Planström" not in html
