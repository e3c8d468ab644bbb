"""The consent gate: before consent only the initiating organisation sees the plan; after
consent the invited unit does; a withdrawn consent hides it again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from samverkan.people.access import can_change, persons_visible_to
from samverkan.sip import access, services
from samverkan.sip.models import ConsentScope, ParticipantResponse, SipStatus

pytestmark = pytest.mark.django_db


def _invite_krokom(sip, staff, orgs, units):
    return services.invite(
        staff.ost,
        sip,
        organisation=orgs.krokom,
        unit=units.krokom_social,
        meeting_at=timezone.now() + dt.timedelta(days=2),
    )


def test_before_consent_only_the_initiator_sees_it(client_as, sip, staff, orgs, units):
    _invite_krokom(sip, staff, orgs, units)
    assert access.can_see(staff.ost, sip)
    assert not access.can_see(staff.krokom, sip)
    assert client_as(staff.ost).get(f"/sip/{sip.pk}/").status_code == 200
    assert client_as(staff.krokom).get(f"/sip/{sip.pk}/").status_code == 404
    assert sip not in access.sips_visible_to(staff.krokom)


def test_after_consent_the_invited_unit_sees_it_and_withdrawal_hides_it(
    client_as, sip, staff, orgs, units
):
    _invite_krokom(sip, staff, orgs, units)
    consent = services.record_consent(staff.ost, sip, given_by="person")
    krokom = client_as(staff.krokom)
    page = krokom.get(f"/sip/{sip.pk}/")
    assert page.status_code == 200
    assert "Sigrid Planström" in page.content.decode()
    assert not access.can_see(staff.gavle, sip)  # unrelated organisation
    assert client_as(staff.gavle).get(f"/sip/{sip.pk}/").status_code == 404

    services.withdraw_consent(staff.ost, consent)
    page = krokom.get(f"/sip/{sip.pk}/")
    assert page.status_code == 403
    assert "Samtycket har återkallats" in page.content.decode()
    assert "Sigrid" not in page.content.decode()  # and nothing more
    assert access.can_see(staff.ost, sip)


def test_invitation_alone_or_consent_alone_is_not_enough(sip, staff, orgs, units):
    services.record_consent(staff.ost, sip, given_by="person")
    assert not access.can_see(staff.krokom, sip)  # consent, but not invited
    _invite_krokom(sip, staff, orgs, units)
    assert access.can_see(staff.krokom, sip)


def test_consent_for_listed_organisations_only(sip, staff, orgs, units):
    _invite_krokom(sip, staff, orgs, units)
    services.invite(staff.ost, sip, organisation=orgs.region_jh, unit=units.jh_hc)
    services.record_consent(
        staff.ost, sip, given_by="person", scope=ConsentScope.LISTED, organisations=[orgs.region_jh]
    )
    assert access.can_see(staff.region, sip)
    assert not access.can_see(staff.krokom, sip)


def test_a_guardian_consent_needs_a_name(child_sip, staff):
    with pytest.raises(services.SipError) as error:
        services.record_consent(staff.ost, child_sip, given_by="guardian")
    assert error.value.errors[0].field == "given_by_name"
    consent = services.record_consent(
        staff.ost, child_sip, given_by="guardian", given_by_name="Vårdnadshavare Ett"
    )
    assert consent.is_active


def test_a_declined_invitation_gives_no_access(sip, staff, orgs, units):
    participant = _invite_krokom(sip, staff, orgs, units)
    services.record_consent(staff.ost, sip, given_by="person")
    services.respond(staff.krokom, participant, accept=False)
    assert participant.response == ParticipantResponse.DECLINED
    assert not access.can_see(staff.krokom, sip)


def test_invitation_of_another_kommuns_unit(client_as, sip, staff, orgs, units):
    client = client_as(staff.ost)
    response = client.post(
        f"/sip/{sip.pk}/mote/",
        {"meeting_at": "2030-05-06T13:30", "meeting_place": "Kommunhuset", "meeting_link": ""},
    )
    assert response.status_code == 302
    response = client.post(
        f"/sip/{sip.pk}/kalla/", {"organisation": orgs.krokom.pk, "unit": units.krokom_social.pk}
    )
    assert response.status_code == 302
    participant = sip.participants.get()
    assert (participant.organisation, participant.unit) == (orgs.krokom, units.krokom_social)
    sip.refresh_from_db()
    assert timezone.localtime(sip.meeting_at).strftime("%Y-%m-%d %H:%M") == "2030-05-06 13:30"
    assert sip.status == SipStatus.INVITED
    # The unit is given without its organisation: the organisation follows from the unit.
    response = client.post(f"/sip/{sip.pk}/kalla/", {"unit": units.jh_hc.pk})
    assert response.status_code == 302
    assert sip.participants.filter(organisation=orgs.region_jh, unit=units.jh_hc).exists()


def test_unit_of_the_wrong_organisation_is_refused(client_as, sip, staff, orgs, units):
    response = client_as(staff.ost).post(
        f"/sip/{sip.pk}/kalla/", {"organisation": orgs.region_jh.pk, "unit": units.krokom_social.pk}
    )
    assert response.status_code == 200
    assert "Enheten hör inte till vald organisation" in response.content.decode()
    assert not sip.participants.exists()


def _options(page: str, select_id: str) -> str:
    start = page.index(f'id="{select_id}"')
    return page[start : page.index("</select>", start)]


def test_the_invite_form_offers_the_countys_organisations_and_no_units_at_first(
    client_as, sip, staff, orgs, units, private_provider
):
    """Before: every organisation of every county and all their units, unfiltered."""
    page = client_as(staff.ost).get(f"/sip/{sip.pk}/kalla/").content.decode()
    organisations = _options(page, "id_organisation")
    for name in ("Region Jämtland Härjedalen", "Östersunds kommun", "Krokoms kommun"):
        assert name in organisations
    assert private_provider.name in organisations  # contracted by the region
    assert "Gävleborg" not in organisations and "Gävle kommun" not in organisations
    unit_select = _options(page, "id_unit")
    assert "Välj först en organisation" in unit_select
    assert "Biståndsenheten" not in unit_select and "Hälsocentral" not in unit_select
    # An organisation of another county is refused, in Swedish, nothing saved.
    refused = client_as(staff.ost).post(
        f"/sip/{sip.pk}/kalla/", {"organisation": orgs.gavle.pk, "unit": units.gavle_home.pk}
    )
    assert refused.status_code == 200
    assert "giltigt" in refused.content.decode()
    assert not sip.participants.exists()


def test_without_javascript_visa_enheter_shows_the_chosen_organisations_units(
    client_as, sip, staff, orgs, units
):
    client = client_as(staff.ost)
    page = client.get(f"/sip/{sip.pk}/kalla/").content.decode()
    assert 'name="visa_enheter"' in page[page.index("<noscript>") : page.index("</noscript>")]
    shown = client.post(
        f"/sip/{sip.pk}/kalla/", {"organisation": orgs.krokom.pk, "visa_enheter": "1"}
    )
    assert shown.status_code == 200
    page = shown.content.decode()
    unit_select = _options(page, "id_unit")
    assert "Biståndsenheten" in unit_select and "Hemsjukvården Krokom" in unit_select
    assert "Hälsocentral" not in unit_select and "Östersund" not in unit_select
    assert f'value="{orgs.krokom.pk}" selected' in _options(page, "id_organisation")
    assert "Välj en organisation" not in page.replace("Välj organisation", "")  # no errors
    assert not sip.participants.exists()  # only shown, not sent
    sent = client.post(
        f"/sip/{sip.pk}/kalla/", {"organisation": orgs.krokom.pk, "unit": units.krokom_home.pk}
    )
    assert sent.status_code == 302
    assert sip.participants.get().unit == units.krokom_home


def test_with_htmx_choosing_an_organisation_loads_its_units(client_as, sip, staff, orgs):
    client = client_as(staff.ost)
    page = client.get(f"/sip/{sip.pk}/kalla/").content.decode()
    select = page[page.index('id="id_organisation"') - 300 : page.index('id="id_organisation"')]
    select += _options(page, "id_organisation")
    assert 'hx-get="/sip/enheter/?tomt_forst=1"' in select
    assert 'hx-target="#id_unit"' in select
    loaded = client.get(
        "/sip/enheter/",
        {"tomt_forst": "1", "organisation": orgs.region_jh.pk},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Hälsocentral Centrum" in loaded and "Vuxenpsykiatriska mottagningen" in loaded
    assert "Biståndsenheten" not in loaded
    # The organisation unchosen again: no units.
    empty = client.get(
        "/sip/enheter/",
        {"tomt_forst": "1", "organisation": ""},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Välj först en organisation" in empty and "<optgroup" not in empty


def test_consent_opens_the_plan_not_the_person_record(client_as, sip, staff, orgs, units, person):
    """Issue 11: consent covers "planen och uppgifterna i den"; the participant no longer
    reads the person page or the record (before: 200 on the person page and the facts)."""
    _invite_krokom(sip, staff, orgs, units)
    services.record_consent(staff.ost, sip, given_by="person")
    krokom = client_as(staff.krokom)
    assert krokom.get(f"/sip/{sip.pk}/").status_code == 200  # the plan
    assert not persons_visible_to(staff.krokom).filter(pk=person.pk).exists()
    assert krokom.get(f"/personer/{person.pk}/").status_code == 404
    assert not can_change(staff.krokom, person)


def test_consent_form_records_who_and_scope(client_as, sip, staff, orgs):
    response = client_as(staff.ost).post(
        f"/sip/{sip.pk}/samtycke/",
        {
            "given_by": "person",
            "given_at": "2026-01-02T10:00",
            "scope": "listed",
            "organisations": [orgs.krokom.pk],
            "note": "",
        },
    )
    assert response.status_code == 302
    consent = sip.consents.get()
    assert consent.given_by == "person"
    assert list(consent.organisations.all()) == [orgs.krokom]
    assert consent.recorded_by == staff.ost


def test_consent_form_offers_the_sips_county_only(client_as, api_client, sip, staff, orgs):
    """Before: a Jämtland SIP's consent form listed Region Gävleborg and Gävle too."""
    web = client_as(staff.ost)
    page = web.get(f"/sip/{sip.pk}/samtycke/").content.decode()
    assert orgs.krokom.name in page and orgs.region_jh.name in page
    assert orgs.region_gvb.name not in page and orgs.gavle.name not in page
    refused = web.post(
        f"/sip/{sip.pk}/samtycke/",
        {"given_by": "person", "given_at": "2026-01-02T10:00", "scope": "listed",
         "organisations": [orgs.gavle.pk]},
    )  # fmt: skip
    assert refused.status_code == 200 and not sip.consents.exists()
    # The API, which takes ids, refuses them by a stable code.
    response = api_client(staff.ost).post(
        f"/api/sips/{sip.pk}/consents",
        {"given_by": "person", "scope": "listed", "organisation_ids": [orgs.gavle.pk]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "outside_region" in response.content.decode()
    assert not sip.consents.exists()


def test_only_the_initiator_records_consent_or_invites(client_as, shared_sip, staff):
    krokom = client_as(staff.krokom)
    assert krokom.get(f"/sip/{shared_sip.pk}/samtycke/").status_code == 403
    assert krokom.post(f"/sip/{shared_sip.pk}/kalla/", {}).status_code == 403


def test_a_merged_persons_sips_follow_to_the_surviving_record(sip, staff, person, make_person):
    from samverkan.people import services as people_services

    survivor = make_person(given_name="Sigrid", family_name="Planström")
    people_services.merge_persons(staff.ost, source=person, target=survivor)
    sip.refresh_from_db()
    assert sip.person == survivor
