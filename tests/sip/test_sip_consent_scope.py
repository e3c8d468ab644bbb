"""Issue 11: what a SIP's consent opens (the plan, not the record), the spärr that outranks
it, the log of other vårdgivare's reads, withdrawal with confirmation, and the basis of the
sharing for persons who cannot decide for themselves."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.utils import timezone

from samverkan.audit.models import AuditEvent
from samverkan.people.models import AccessBlock, AccessBlockKind
from samverkan.sip import access, services
from samverkan.sip.models import ConsentGiver

pytestmark = pytest.mark.django_db


def test_participant_with_consent_does_not_read_the_persons_facts(
    shared_sip, staff, api_client, person
):
    """Before: `GET /api/persons/{id}/facts` answered 200 to the participant after consent."""
    krokom = api_client(staff.krokom)
    assert krokom.get(f"/api/sips/{shared_sip.pk}").status_code == 200  # the plan
    assert krokom.get(f"/api/persons/{person.pk}/facts").status_code == 404
    assert krokom.get(f"/api/persons/{person.pk}").status_code == 404


def test_reads_by_another_vardgivare_name_the_owner_and_the_sip(shared_sip, staff, client_as, orgs):
    assert client_as(staff.krokom).get(f"/sip/{shared_sip.pk}/").status_code == 200
    event = AuditEvent.objects.filter(user=staff.krokom, action="view").get()
    assert event.owner_id == orgs.ostersund.pk
    assert event.process == f"sip:{shared_sip.pk}"
    # The initiator's own reads are its own data: no owner, no process.
    client_as(staff.ost).get(f"/sip/{shared_sip.pk}/")
    own = AuditEvent.objects.filter(user=staff.ost, action="view").latest("pk")
    assert own.owner_id is None


def test_refused_reads_name_the_owner(shared_sip, staff, client_as, orgs):
    assert client_as(staff.gavle).get(f"/sip/{shared_sip.pk}/").status_code == 404
    event = AuditEvent.objects.filter(user=staff.gavle, action="access_denied").get()
    assert event.owner_id == orgs.ostersund.pk


def test_a_shared_spärr_hides_the_plan_from_other_vårdgivare_whatever_the_consent(
    shared_sip, staff, client_as, api_client, orgs, person
):
    AccessBlock.objects.create(
        person=person, kind=AccessBlockKind.SHARED, organisation=orgs.ostersund
    )
    assert not access.can_see(staff.krokom, shared_sip)
    assert client_as(staff.krokom).get(f"/sip/{shared_sip.pk}/").status_code == 404
    listed = api_client(staff.krokom).get("/api/sips").json()
    assert shared_sip.pk not in [row["id"] for row in listed]
    assert (
        client_as(staff.krokom).get("/sip/").content.decode().count(f"/sip/{shared_sip.pk}/") == 0
    )
    assert access.can_see(staff.ost, shared_sip)  # the owner keeps its own plan


def test_withdrawal_asks_first(shared_sip, staff, client_as):
    consent = shared_sip.consents.get()
    web = client_as(staff.ost)
    url = f"/sip/{shared_sip.pk}/samtycke/{consent.pk}/aterkalla/"
    page = web.get(url)
    assert page.status_code == 200
    assert "går inte att ångra" in page.content.decode()
    assert web.post(url).status_code == 200  # no confirmation: asks again
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    assert web.post(url, {"bekrafta": "ja"}).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_api_withdrawal_needs_confirm_and_then_tells_the_invited(shared_sip, staff, api_client):
    consent = shared_sip.consents.get()
    url = f"/api/sips/{shared_sip.pk}/consents/{consent.pk}/withdraw"
    own = api_client(staff.ost)
    refused = own.post(url, "{}", content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["code"] == "confirmation_required"
    body = json.dumps({"confirm": True})
    assert own.post(url, body, content_type="application/json").status_code == 200
    answer = api_client(staff.krokom).get(f"/api/sips/{shared_sip.pk}")
    assert answer.status_code == 403
    assert answer.json()["detail"][0]["code"] == "consent_no_longer_covers"
    assert "Sigrid" not in answer.content.decode()
    # An organisation never invited still gets the plain 404.
    assert api_client(staff.gavle).get(f"/api/sips/{shared_sip.pk}").status_code == 404


# --- the basis of the sharing ---------------------------------------------------------------


def test_a_god_man_cannot_consent_in_the_persons_place(sip, staff):
    with pytest.raises(services.SipError) as error:
        services.record_consent(
            staff.ost, sip, given_by=ConsentGiver.LEGAL_REPRESENTATIVE, given_by_name="God man"
        )
    assert error.value.errors[0].code == "invalid"
    assert not sip.consents.exists()


def test_a_guardian_consents_only_for_a_child(sip, child_sip, staff):
    with pytest.raises(services.SipError) as error:
        services.record_consent(staff.ost, sip, given_by="guardian", given_by_name="Förälder")
    assert [e.code for e in error.value.errors] == ["guardian_adult"]
    consent = services.record_consent(
        staff.ost, child_sip, given_by="guardian", given_by_name="Förälder"
    )
    assert consent.is_consent


def test_an_adult_who_cannot_decide_needs_a_documented_assessment(sip, staff, orgs, units):
    with pytest.raises(services.SipError) as error:
        services.record_consent(staff.ost, sip, given_by="assessment")
    assert {e.field for e in error.value.errors} == {
        "assessed_by_name",
        "assessment_reason",
        "provision",
    }
    basis = services.record_consent(
        staff.ost,
        sip,
        given_by="assessment",
        assessed_by_name="Anna Läkare, distriktsläkare",
        assessment_reason="Långt framskriden demenssjukdom; inställningen utredd med dottern.",
        provision="pdl-6-2a-3a",
    )
    assert not basis.is_consent  # never recorded as samtycke
    assert basis.provision == "pdl-6-2a-3a"
    services.invite(staff.ost, sip, organisation=orgs.krokom, unit=units.krokom_social)
    assert access.can_see(staff.krokom, sip)  # it opens the plan as a consent would


def test_an_assessment_is_not_for_a_child(child_sip, staff):
    with pytest.raises(services.SipError) as error:
        services.record_consent(
            staff.ost,
            child_sip,
            given_by="assessment",
            assessed_by_name="X",
            assessment_reason="Y",
            provision="osl-25-1-26-1",
        )
    assert [e.code for e in error.value.errors] == ["assessment_child"]


def test_the_sip_page_shows_an_assessment_as_an_assessment(sip, staff, client_as):
    services.record_consent(
        staff.ost,
        sip,
        given_by="assessment",
        assessed_by_name="Anna Läkare",
        assessment_reason="Kan inte ta ställning.",
        provision="osl-25-1-26-1",
    )
    page = client_as(staff.ost).get(f"/sip/{sip.pk}/").content.decode()
    assert "kan inte själv ta ställning" in page
    assert "26 kap. 1 §" in page
    assert "Anna Läkare" in page


def test_the_api_records_an_assessment(sip, staff, api_client):
    body = {
        "given_by": "assessment",
        "assessed_by_name": "Anna Läkare",
        "assessment_reason": "Kan inte ta ställning.",
        "provision": "pdl-6-2a-3a",
    }
    response = api_client(staff.ost).post(
        f"/api/sips/{sip.pk}/consents", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["is_consent"] is False
    missing = api_client(staff.ost).post(
        f"/api/sips/{sip.pk}/consents",
        json.dumps({"given_by": "assessment"}),
        content_type="application/json",
    )
    assert missing.status_code == 400
    assert {d["field"] for d in missing.json()["detail"]} == {
        "assessed_by_name",
        "assessment_reason",
        "provision",
    }


def test_the_reason_of_an_assessment_stays_with_the_initiator(
    sip, staff, orgs, units, api_client, client_as
):
    services.record_consent(
        staff.ost,
        sip,
        given_by="assessment",
        assessed_by_name="Anna Läkare",
        assessment_reason="Framskriden demens.",
        provision="pdl-6-2a-3a",
    )
    services.invite(staff.ost, sip, organisation=orgs.krokom, unit=units.krokom_social)
    own = api_client(staff.ost).get(f"/api/sips/{sip.pk}").json()
    assert own["consents"][0]["assessment_reason"] == "Framskriden demens."
    other = api_client(staff.krokom).get(f"/api/sips/{sip.pk}").json()
    assert other["consents"][0]["assessment_reason"] == ""
    assert other["consents"][0]["is_consent"] is False
    assert (
        "Framskriden demens" not in client_as(staff.krokom).get(f"/sip/{sip.pk}/").content.decode()
    )


def test_a_shared_spärr_takes_the_sip_out_of_the_participants_work_queue(
    sip, staff, orgs, units, person
):
    from samverkan.sip.work_queue import sip_tasks

    services.record_consent(staff.ost, sip, given_by="person")
    services.invite(staff.ost, sip, organisation=orgs.krokom, unit=units.krokom_social)
    assert [item.title for item in sip_tasks(staff.krokom)]  # the invitation to answer
    AccessBlock.objects.create(
        person=person, kind=AccessBlockKind.SHARED, organisation=orgs.ostersund
    )
    assert sip_tasks(staff.krokom) == []


def test_a_newer_consent_supersedes_the_one_in_force(shared_sip, staff, client_as, orgs):
    """Before: two consents registered after each other both showed "Gäller"."""
    first = shared_sip.consents.get()
    second = services.record_consent(
        staff.ost, shared_sip, given_by="person", scope="listed", organisations=[orgs.ostersund]
    )
    first.refresh_from_db()
    assert first.superseded_by == second and not first.is_active
    assert list(shared_sip.active_consents()) == [second]
    page = client_as(staff.ost).get(f"/sip/{shared_sip.pk}/").content.decode()
    section = page[page.index('id="samtycke"') :]
    assert section.count("<strong>Gäller</strong>") == 1
    assert "Ersatt av ett senare samtycke" in section
    assert section.count("Återkalla …") == 1  # only the consent in force
    # The later, narrower consent is what counts: Krokom is no longer covered.
    assert not access.can_see(staff.krokom, shared_sip)
    with pytest.raises(services.StateError):
        services.withdraw_consent(staff.ost, first)


# --- told why the plan is gone, with the date (issue 13) -------------------------------------


def test_after_withdrawal_the_invited_are_told_the_date(shared_sip, staff, client_as, api_client):
    """Before: the page said "Samtycket har återkallats" without a date, the API code was
    `consent_withdrawn` and a narrower consent answered 404 "Sidan finns inte"."""
    with time_machine.travel(dt.datetime(2026, 11, 3, 14, 0, tzinfo=dt.UTC)):
        services.withdraw_consent(staff.ost, shared_sip.consents.get())
    page = client_as(staff.krokom).get(f"/sip/{shared_sip.pk}/")
    assert page.status_code == 403
    text = page.content.decode()
    assert "Samtycket har återkallats den 2026-11-03." in text
    assert "Sigrid" not in text
    answer = api_client(staff.krokom).get(f"/api/sips/{shared_sip.pk}")
    assert answer.status_code == 403
    item = answer.json()["detail"][0]
    assert (item["code"], item["reason"], item["since"]) == (
        "consent_no_longer_covers",
        "withdrawn",
        "2026-11-03",
    )
    assert "2026-11-03" in item["message"]
    assert client_as(staff.gavle).get(f"/sip/{shared_sip.pk}/").status_code == 404


def test_a_narrower_consent_tells_the_left_out_organisation(
    shared_sip, staff, client_as, api_client, orgs
):
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)):
        services.record_consent(
            staff.ost,
            shared_sip,
            given_by="person",
            scope="listed",
            organisations=[orgs.ostersund],
            given_at=timezone.now(),
        )
    page = client_as(staff.krokom).get(f"/sip/{shared_sip.pk}/")
    assert page.status_code == 403
    text = page.content.decode()
    assert "Samtycket omfattar inte längre din organisation sedan den 2026-11-20" in text
    assert "Sigrid" not in text
    item = api_client(staff.krokom).get(f"/api/sips/{shared_sip.pk}").json()["detail"][0]
    assert (item["code"], item["reason"], item["since"]) == (
        "consent_no_longer_covers",
        "narrowed",
        "2026-11-20",
    )
    # Never invited: the plain 404 (no existence oracle).
    assert api_client(staff.gavle).get(f"/api/sips/{shared_sip.pk}").status_code == 404
    # Covered again by a later consent: the plan opens again.
    services.record_consent(staff.ost, shared_sip, given_by="person")
    assert client_as(staff.krokom).get(f"/sip/{shared_sip.pk}/").status_code == 200
