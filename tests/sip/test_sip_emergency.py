"""Nödåtkomst (patientdatalagen 6 kap. 3 §): opens the plan only, for hours, never past a
SHARED spärr, always reviewed by the data owner, and says nothing about numbers elsewhere."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from samverkan.accounts.models import Role
from samverkan.audit.models import AuditEvent
from samverkan.people import emergency
from samverkan.people.models import AccessBlock, AccessBlockKind, TaskStatus
from samverkan.people.testpersons import test_personnummer

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 14, 0, tzinfo=dt.UTC)
REASON = "Medvetslös vid ankomst, behöver veta vem som ansvarar för vården."


def _number(person):
    return person.primary_identity().value


def _open(actor, person, *, acute=True, confirmed=True):
    return emergency.open_emergency_access(
        actor, _number(person), reason=REASON, confirmed=confirmed, acute=acute
    )


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_opens_the_plan_only(clock, shared_sip, staff, client_as, api_client, person, orgs):
    opened = _open(staff.gvb, person)
    assert [a.owner_id for a in opened] == [orgs.ostersund.pk]
    page = client_as(staff.gvb).get(f"/sip/nodatkomst/{opened[0].pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Jag vill kunna bo kvar hemma" in text  # the plan's goals
    assert "Distriktssköterska" in text  # the fast vårdkontakt
    assert "Biståndsenheten" in text  # a participant
    assert "Krokoms kommunhus" not in text  # no meeting place
    # Nothing else: the regular SIP pages, the person and the facts stay closed.
    api = api_client(staff.gvb)
    assert client_as(staff.gvb).get(f"/sip/{shared_sip.pk}/").status_code == 404
    assert api.get(f"/api/sips/{shared_sip.pk}").status_code == 404
    assert api.get(f"/api/persons/{person.pk}/facts").status_code == 404
    # Logged for the owner's log control.
    events = AuditEvent.objects.filter(user=staff.gvb, process="nödåtkomst")
    assert events.filter(action="create", owner=orgs.ostersund).count() == 1
    assert events.filter(action="view", object_type="sip.sip", owner=orgs.ostersund).exists()


def test_the_api_opens_and_shows_the_plans(clock, shared_sip, staff, api_client, person):
    api = api_client(staff.gvb)
    body = {"identifier": _number(person), "reason": REASON, "acute": True, "confirm": True}
    created = api.post(
        "/api/sips/emergency-access", json.dumps(body), content_type="application/json"
    )
    assert created.status_code == 201
    access_id = created.json()[0]["id"]
    shown = api.get(f"/api/sips/emergency-access/{access_id}").json()
    assert [s["id"] for s in shown["sips"]] == [shared_sip.pk]
    plan = shown["sips"][0]["plan"]
    assert plan["goals"][0] == "Jag vill kunna bo kvar hemma"
    assert {c["name_or_role"] for c in plan["care_contacts"]} == {
        "Distriktsläkare",
        "Distriktssköterska",
    }
    assert "meeting_place" not in json.dumps(shown["sips"][0]["participants"])


def test_expires(clock, shared_sip, staff, client_as, api_client, person):
    opened = _open(staff.gvb, person)[0]
    assert opened.expires_at == NOW + dt.timedelta(hours=4)
    clock.move_to(NOW + dt.timedelta(hours=3, minutes=59))
    assert client_as(staff.gvb).get(f"/sip/nodatkomst/{opened.pk}/").status_code == 200
    clock.move_to(NOW + dt.timedelta(hours=4, minutes=1))
    page = client_as(staff.gvb).get(f"/sip/nodatkomst/{opened.pk}/")
    assert page.status_code == 403
    assert "har gått ut" in page.content.decode()
    answer = api_client(staff.gvb).get(f"/api/sips/emergency-access/{opened.pk}")
    assert answer.status_code == 403
    assert answer.json()["detail"][0]["code"] == "expired"


def test_the_duration_is_a_setting(clock, shared_sip, staff, person, settings):
    settings.SAMVERKAN_EMERGENCY_ACCESS_HOURS = 1
    assert _open(staff.gvb, person)[0].expires_at == NOW + dt.timedelta(hours=1)


def test_refused_past_a_spärr_with_the_same_answer_as_an_unknown_number(
    clock, shared_sip, staff, person, orgs
):
    AccessBlock.objects.create(
        person=person, kind=AccessBlockKind.SHARED, organisation=orgs.ostersund
    )
    with pytest.raises(emergency.EmergencyError) as blocked:
        _open(staff.gvb, person)
    unknown_number = next(n for n in test_personnummer(60, seed=99) if n != _number(person))
    with pytest.raises(emergency.EmergencyError) as unknown:
        emergency.open_emergency_access(
            staff.gvb, unknown_number, reason=REASON, confirmed=True, acute=True
        )
    assert (blocked.value.code, blocked.value.message, blocked.value.status) == (
        unknown.value.code,
        unknown.value.message,
        unknown.value.status,
    )
    denied = AuditEvent.objects.get(user=staff.gvb, action="access_denied", owner=orgs.ostersund)
    assert denied.process == "nödåtkomst"
    assert not person.emergency_accesses.exists()


def test_a_spärr_after_opening_closes_it(clock, shared_sip, staff, client_as, person, orgs):
    opened = _open(staff.gvb, person)[0]
    AccessBlock.objects.create(
        person=person, kind=AccessBlockKind.SHARED, organisation=orgs.ostersund
    )
    assert client_as(staff.gvb).get(f"/sip/nodatkomst/{opened.pk}/").status_code == 403


def test_reviewed_by_the_data_owner(clock, shared_sip, staff, make_staff, orgs, person, client_as):
    opened = _open(staff.gvb, person)[0]
    task = opened.review_task
    assert (task.organisation, task.status) == (orgs.ostersund, TaskStatus.OPEN)
    # The owner's queue names the thing to do, not "Övrigt".
    assert task.get_kind_display() == "Granska nödåtkomst"
    mas = make_staff(Role.MAS, orgs.ostersund)
    listed = client_as(mas).get("/sip/nodatkomst/granska/")
    assert listed.status_code == 200
    assert f"/sip/nodatkomst/granska/{opened.pk}/" in listed.content.decode()
    # A nurse of the owner, or the MAS of the vårdgivare that opened it, may not review.
    with pytest.raises(PermissionDenied):
        emergency.review_emergency_access(staff.ost, opened, note="ok")
    gvb_mas = make_staff(Role.MAS, orgs.region_gvb)
    assert client_as(gvb_mas).get(f"/sip/nodatkomst/granska/{opened.pk}/").status_code == 404
    assert client_as(staff.ost).get("/sip/nodatkomst/granska/").status_code == 403
    web = client_as(mas)
    assert web.post(f"/sip/nodatkomst/granska/{opened.pk}/", {"note": ""}).status_code == 422
    done = web.post(f"/sip/nodatkomst/granska/{opened.pk}/", {"note": "Befogad: akut vård."})
    assert done.status_code == 302
    opened.refresh_from_db()
    task.refresh_from_db()
    assert opened.reviewed_by == mas
    assert task.status == TaskStatus.DONE
    assert not emergency.accesses_to_review(mas).exists()


def test_only_licensed_staff_with_a_reason_and_a_confirmation(
    clock, shared_sip, staff, person, client_as
):
    with pytest.raises(PermissionDenied):
        _open(staff.krokom, person)  # a biståndshandläggare
    assert client_as(staff.krokom).get("/sip/nodatkomst/").status_code == 403
    with pytest.raises(emergency.EmergencyError) as error:
        _open(staff.gvb, person, confirmed=False)
    assert error.value.code == "confirmation_required"
    with pytest.raises(emergency.EmergencyError) as error:
        emergency.open_emergency_access(
            staff.gvb, _number(person), reason=" ", confirmed=True, acute=True
        )
    assert (error.value.field, error.value.code) == ("reason", "required")


def test_not_acute_needs_an_invitation(clock, shared_sip, staff, person, orgs, units):
    with pytest.raises(emergency.EmergencyError) as error:
        _open(staff.region, person, acute=False)
    assert error.value.code == "not_acute"
    from samverkan.sip import services

    services.invite(staff.ost, shared_sip, organisation=orgs.region_jh, unit=units.jh_hc)
    assert _open(staff.region, person, acute=False)  # a participant-to-be


def test_the_form_opens_and_redirects(clock, shared_sip, staff, person, client_as):
    web = client_as(staff.gvb)
    assert web.get("/sip/nodatkomst/").status_code == 200
    refused = web.post("/sip/nodatkomst/", {"identifier": _number(person), "reason": REASON})
    assert refused.status_code == 422  # no confirmation
    done = web.post(
        "/sip/nodatkomst/",
        {"identifier": _number(person), "reason": REASON, "acute": "on", "confirm": "on"},
    )
    assert done.status_code == 302
    assert done["Location"].startswith("/sip/nodatkomst/")
    assert timezone.now() == NOW
