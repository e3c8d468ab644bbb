"""Deviations and complaints between huvudmän (jh-hemsjukvard §8.1): routing, the status flow
both organisations see, serious deviations, complaint forwarding."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from samverkan.accounts.models import Role
from samverkan.audit.models import AuditEvent
from samverkan.deviations import services
from samverkan.deviations.models import ChiefContact, Deviation, Status
from samverkan.web.work_queue import tasks_for

pytestmark = pytest.mark.django_db


def titles(user) -> list[str]:
    return [item.title for item in tasks_for(user).items]


def test_routed_to_the_configured_receiver_of_the_other_huvudman(people, units, report, orgs):
    d = report(people.kommun_nurse)
    assert d.reporting_organisation == orgs.ostersund
    assert d.receiving_organisation == orgs.region_jh
    assert d.receiving_unit == units.safety and d.receiving_role == ""
    assert d.status == Status.RECEIVED and d.agreement == "jh-hemsjukvard"
    assert any(f"#{d.pk} att besvara" in t for t in titles(people.region_receiver))
    # Other region staff are not the receiver: no task, although they may read it.
    assert not any(f"#{d.pk}" in t for t in titles(people.region_nurse))


def test_default_receiver_is_mas_in_a_kommun(people, report, orgs):
    d = report(people.region_nurse, receiving_organisation=orgs.ostersund)
    assert d.receiving_unit is None and d.receiving_role == Role.MAS
    assert any(f"#{d.pk} att besvara" in t for t in titles(people.kommun_mas))


def test_receiver_must_be_the_other_huvudman_in_the_same_county(people, report, orgs):
    with pytest.raises(ValidationError) as exc:
        report(people.kommun_nurse, receiving_organisation=orgs.krokom)
    assert "receiving_organisation" in exc.value.error_dict
    with pytest.raises(ValidationError):
        report(people.kommun_nurse, receiving_organisation=orgs.region_gvb)


def test_status_flow_is_visible_to_both_with_timestamps(people, report, client_as):
    d = report(people.kommun_nurse)
    receiver = client_as(people.region_receiver)
    reporter = client_as(people.kommun_nurse)

    # The reporter cannot answer their own deviation.
    assert (
        reporter.post(f"/avvikelser/{d.pk}/status/", {"status": "investigating"}).status_code == 403
    )
    assert (
        receiver.post(f"/avvikelser/{d.pk}/status/", {"status": "investigating"}).status_code == 302
    )
    answer = "Rutinen för läkemedelslistor vid utskrivning är uppdaterad."
    response = receiver.post(f"/avvikelser/{d.pk}/status/", {"status": "answered", "answer": ""})
    assert response.status_code == 422
    receiver.post(f"/avvikelser/{d.pk}/status/", {"status": "answered", "answer": answer})
    d.refresh_from_db()
    assert d.status == Status.ANSWERED and d.investigating_at and d.answered_at
    for client in (reporter, receiver):
        page = client.get(f"/avvikelser/{d.pk}/").content.decode()
        assert answer in page and "Besvarad" in page
    assert any(f"#{d.pk} är besvarad" in t for t in titles(people.kommun_nurse))

    assert reporter.post(f"/avvikelser/{d.pk}/status/", {"status": "closed"}).status_code == 302
    d.refresh_from_db()
    assert d.status == Status.CLOSED and d.closed_at >= d.answered_at >= d.investigating_at
    statuses = [e.status for e in d.events.all()]
    assert statuses == ["received", "investigating", "answered", "closed"]


def test_reporter_may_send_an_answer_back(people, report):
    d = report(people.kommun_nurse)
    services.change_status(people.region_receiver, d.pk, "answered", answer="Svar.")
    services.change_status(people.kommun_nurse, d.pk, "investigating", note="Svaret räcker inte.")
    d.refresh_from_db()
    assert d.status == Status.INVESTIGATING
    with pytest.raises(PermissionDenied):
        services.change_status(people.kommun_nurse, d.pk, "answered", answer="Själv")


def test_serious_deviation_notifies_chief_physician_and_mas_of_both(
    people, report, orgs, make_staff
):
    region_mas = make_staff(Role.MAS, orgs.region_jh, "mas.region")
    d = report(people.kommun_nurse, severity="serious", category="fall")
    assert d.direct_contact
    contacts = {(c.organisation_id, c.role) for c in d.contacts.all()}
    assert contacts == {
        (orgs.region_jh.pk, Role.CHIEF_PHYSICIAN),
        (orgs.region_jh.pk, Role.MAS),
        (orgs.ostersund.pk, Role.MAS),
        # Östersund has no chefsläkare; its MAS is the one to contact there.
    }
    for user in (people.region_chief, region_mas, people.kommun_mas):
        items = [i for i in tasks_for(user).items if f"#{d.pk}: ta direktkontakt" in i.title]
        assert len(items) == 1 and items[0].urgent
    view = services.view_deviation(people.region_receiver, d.pk)
    assert view.actions == ["contact_chief_physician_mas"]
    assert (
        "Vid allvarliga avvikelser ska direktkontakt tas med chefsläkare/MAS."
        in view.citations[0].text
    )
    # Confirming the contact clears that one task.
    contact = ChiefContact.objects.get(deviation=d, role=Role.CHIEF_PHYSICIAN)
    with pytest.raises(Http404):
        services.mark_contact_done(people.kommun_mas, contact.pk)
    services.mark_contact_done(people.region_chief, contact.pk, note="Ringt MAS.")
    assert not any(f"#{d.pk}: ta direktkontakt" in t for t in titles(people.region_chief))
    assert any(f"#{d.pk}: ta direktkontakt" in t for t in titles(people.kommun_mas))


def test_minor_deviation_makes_no_contact_tasks(people, report):
    d = report(people.kommun_nurse, severity="moderate")
    assert not d.direct_contact and not d.contacts.exists()
    assert services.view_deviation(people.kommun_nurse, d.pk).actions == []


def test_complaint_is_forwarded_the_same_way(people, report, client_as, orgs):
    response = client_as(people.region_nurse).post(
        "/avvikelser/ny/",
        {
            "kind": "complaint",
            "receiving_organisation": orgs.ostersund.pk,
            "agreement": "jh-hemsjukvard",
            "category": "conduct",
            "severity": "minor",
            "occurred_on": (dt.date.today() - dt.timedelta(days=2)).isoformat(),
            "location": "Hembesök",
            "description": "Närstående framför klagomål på bemötandet vid hembesök.",
        },
    )
    assert response.status_code == 302
    d = Deviation.objects.get()
    assert d.kind == "complaint" and d.receiving_organisation == orgs.ostersund
    page = client_as(people.kommun_mas).get(f"/avvikelser/{d.pk}/").content.decode()
    assert "Klagomål och synpunkter som inkommer avseende den andra huvudmannens verksamhet" in page
    assert any(f"Klagomål/synpunkt #{d.pk}" in t for t in titles(people.kommun_mas))


def test_report_page_and_api_create(people, client_as, api_client, orgs):
    assert client_as(people.kommun_nurse).get("/avvikelser/ny/").status_code == 200
    api = api_client(people.kommun_nurse)
    payload = {
        "receiving_organisation_id": orgs.region_jh.pk,
        "category": "care_transition",
        "severity": "serious",
        "occurred_on": dt.date.today().isoformat(),
        "location": "Utskrivning från medicinkliniken",
        "description": "Ingen information om ändrad medicinering följde med.",
    }
    response = api.post("/api/deviations", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "received" and body["direct_contact"] is True
    assert body["actions"] == ["contact_chief_physician_mas"]
    assert {c["role"] for c in body["contacts"]} == {"chief_physician", "mas"}
    bad = api.post("/api/deviations", payload | {"category": "x"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "category"
    receiver = api_client(people.region_receiver)
    answered = receiver.post(
        f"/api/deviations/{body['id']}/status",
        {"status": "answered", "answer": "Utreds som Lex Maria."},
        content_type="application/json",
    )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert api.get(f"/api/deviations/{body['id']}").json()["answer"] == "Utreds som Lex Maria."


def test_every_look_and_change_is_audited(people, report, person):
    before = AuditEvent.objects.count()
    d = report(people.kommun_nurse, person=person)
    services.view_deviation(people.kommun_nurse, d.pk)
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [e.action for e in events] == ["create", "view"]
    assert all(e.object_type == "deviations.deviation" for e in events)
    assert all(e.person_ref == "194208269128" for e in events)
    # The identifier is only ever in person_ref.
    assert not any("194208269128" in (e.why + e.object_id) for e in events)
