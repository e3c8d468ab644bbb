"""Access: own organisation only, forum members aggregates only, persons through
people.access (a receiver who may not see the person sees that one is linked, not who)."""

from __future__ import annotations

import pytest

from samverkan.audit.models import AuditEvent
from samverkan.deviations import services

pytestmark = pytest.mark.django_db


def test_other_organisation_gets_404_web_and_api(people, report, client_as, api_client):
    d = report(people.kommun_nurse)
    assert client_as(people.krokom_nurse).get(f"/avvikelser/{d.pk}/").status_code == 404
    assert api_client(people.krokom_nurse).get(f"/api/deviations/{d.pk}").status_code == 404
    assert (
        client_as(people.krokom_nurse).get("/avvikelser/").content.decode().count(f"#{d.pk}") == 0
    )
    assert api_client(people.krokom_nurse).get("/api/deviations").json() == []
    assert AuditEvent.objects.filter(action="access_denied", object_id=str(d.pk)).count() == 2


def test_both_organisations_see_it(people, report, client_as):
    d = report(people.kommun_nurse)
    for user in (
        people.kommun_nurse,
        people.kommun_mas,
        people.region_receiver,
        people.region_nurse,
    ):
        assert client_as(user).get(f"/avvikelser/{d.pk}/").status_code == 200


def test_forum_member_and_administrator_see_no_single_deviation(
    people, report, client_as, api_client
):
    d = report(people.kommun_nurse)
    for user in (people.forum, people.admin):
        assert client_as(user).get(f"/avvikelser/{d.pk}/").status_code == 403
        assert api_client(user).get(f"/api/deviations/{d.pk}").status_code == 403
        assert api_client(user).get("/api/deviations").status_code == 403
    # The index sends a forum member to the aggregated follow-up.
    response = client_as(people.forum).get("/avvikelser/")
    assert response.status_code == 302 and response["Location"].endswith("/avvikelser/uppfoljning/")


def test_person_shown_only_through_people_access(people, report, person, client_as, api_client):
    d = report(people.kommun_nurse, person=person, description="Fall i hemmet.")
    own = client_as(people.kommun_nurse).get(f"/avvikelser/{d.pk}/").content.decode()
    assert "Greta Testsson" in own
    # The region has no care relation with the person: the link shows, the person does not.
    other = client_as(people.region_receiver).get(f"/avvikelser/{d.pk}/").content.decode()
    assert "Greta Testsson" not in other and "194208269128" not in other
    assert "En person är kopplad" in other
    body = api_client(people.region_receiver).get(f"/api/deviations/{d.pk}").json()
    assert body["person"] is None and body["person_hidden"] is True
    own_body = api_client(people.kommun_nurse).get(f"/api/deviations/{d.pk}").json()
    assert own_body["person"]["name"] == "Greta Testsson"


def test_reporter_cannot_link_a_person_they_may_not_see(people, report, person):
    from django.http import Http404

    with pytest.raises(Http404):
        services.find_person(people.region_nurse, "19420826-9128", why="test")
    assert services.find_person(people.kommun_nurse, "19420826-9128", why="test") == person
    with pytest.raises(Http404):
        report(
            people.region_nurse,
            receiving_organisation=people.kommun_nurse.staff_profile.organisation,
            person=person,
        )


def test_forum_follow_up_has_no_personal_data(people, report, person, client_as):
    for _ in range(6):
        report(people.kommun_nurse, person=person, description="Greta föll i badrummet.")
    page = client_as(people.forum).get("/avvikelser/uppfoljning/").content.decode()
    assert "Greta" not in page and "194208269128" not in page and "badrummet" not in page
    assert "Läkemedel" in page


def test_lifecycle_pages_are_open_to_region_staff_only(people, client_as, orgs, make_staff):
    from samverkan.accounts.models import Role

    gavle = make_staff(Role.NURSE, orgs.gavle, "ssk.gavle")
    assert client_as(gavle).get("/avvikelser/avtal/jh-hemsjukvard/").status_code == 404
    assert client_as(gavle).get("/avvikelser/avtal/gvb-svart-sjuka/").status_code == 200
    assert client_as(people.kommun_nurse).get("/avvikelser/avtal/").status_code == 200


def test_a_protected_persons_place_is_read_by_the_reporter_only(
    people, person, report, client_as, api_client
):
    """The place is free text ("hemma på …"): for a person with a protected identity the
    receiving huvudman reads "Lämnas inte ut" on the page and in the API (issue 11)."""
    from samverkan.people import services as people_services

    people_services.mark_protected(people.kommun_nurse, person, kind="protected_registration")
    deviation = report(people.kommun_nurse, person=person, location="Hemma, Storgatan 3")
    withheld = "Lämnas inte ut – skyddad identitet"
    receiver = people.region_receiver
    page = client_as(receiver).get(f"/avvikelser/{deviation.pk}/").content.decode()
    assert "Storgatan 3" not in page and withheld in page
    body = api_client(receiver).get(f"/api/deviations/{deviation.pk}").json()
    assert body["location"] == withheld
    own = client_as(people.kommun_nurse).get(f"/avvikelser/{deviation.pk}/").content.decode()
    assert "Hemma, Storgatan 3" in own
    # Without a protected identity the place is the place, for both.
    other = report(people.kommun_nurse, location="Korttidsboendet")
    assert api_client(receiver).get(f"/api/deviations/{other.pk}").json()["location"] == (
        "Korttidsboendet"
    )
