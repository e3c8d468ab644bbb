"""Issue 11: patient data only where the law allows it (the access core).

A care relation opens the records of its own vårdgivare × verksamhet, nothing else; writes
go only to the user's own records; the ekonom is out of the record; inner spärr hides a
unit's records from the vårdgivare's other units; decisions read only their parties' facts.
Each test fails on the code before issue 11 (afc3d33).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.utils import timezone

from samverkan.accounts.models import Role, Unit, UnitKind, Verksamhet
from samverkan.audit.models import Action, AuditEvent
from samverkan.people import access, selectors, services
from samverkan.people.models import AccessBlock, AccessBlockKind, FactRecord

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def ostersund_case(make_staff, orgs, make_person, jh_person_facts, jh_intervention_facts):
    """Östersund's patient: a nurse's facts, a decided nursing intervention, an assessment."""
    nurse = make_staff(Role.NURSE, orgs.ostersund)
    person = make_person(nurse)
    for name, value in jh_person_facts.items():
        services.set_fact(nurse, person, name, value, valid_from=dt.date(2026, 1, 1))
    intervention = services.create_intervention(
        nurse, person, kind="nursing", start=dt.date(2026, 2, 1), facts=jh_intervention_facts
    )
    decision = services.decide_intervention(nurse, intervention)
    assessment = services.create_assessment(
        nurse, person, intervention_kind="medication_management", measure="Insulin",
        result="health_care", review_date=dt.date(2026, 6, 1),
    )  # fmt: skip
    return SimpleNamespace(
        nurse=nurse, person=person, intervention=intervention, decision=decision,
        assessment=assessment,
    )  # fmt: skip


def _json(client, method, url, body=None):
    return getattr(client, method)(url, body or {}, content_type="application/json")


def test_a_self_declared_care_relation_opens_none_of_another_vardgivares_records(
    ostersund_case, make_staff, orgs, api_client, client_as
):
    c = ostersund_case
    krokom = make_staff(Role.NURSE, orgs.krokom)
    api = api_client(krokom)
    number = c.person.primary_identity().value
    registered = _json(
        api, "post", "/api/persons",
        {"identifier": number, "family_name": "X", "confirm_care_relation": True, "reason": "Besök"},
    )  # fmt: skip
    assert registered.status_code == 201, registered.content  # as for an unknown number
    assert registered.json()["facts"] == {}  # none of Östersund's facts
    base = f"/api/persons/{c.person.pk}"
    assert api.get(base).json()["facts"] == {}
    facts = api.get(f"{base}/facts").json()
    assert facts == {"current": {}, "history": []}
    assert api.get(f"{base}/interventions").json() == []
    assert api.get(f"{base}/assessments").json() == []
    i = c.intervention.pk
    for url in (f"{base}/interventions/{i}", f"{base}/interventions/{i}/decisions"):
        assert api.get(url).status_code == 404, url
    # Writing to Östersund's intervention and assessment: 404, as for a missing one.
    patch = _json(api, "patch", f"{base}/interventions/{i}", {"facts": {"time": "22:00"}})
    assert patch.status_code == 404
    missing = _json(api, "patch", f"{base}/interventions/999999", {"facts": {"time": "22:00"}})
    assert missing.status_code == 404 and missing.json() == patch.json()
    for url in (f"{base}/interventions/{i}/decide", f"{base}/interventions/{i}/redecide"):
        assert _json(api, "post", url).status_code == 404, url
    review = _json(
        api, "post", f"{base}/assessments/{c.assessment.pk}/review", {"reason": "Kontroll"}
    )
    assert review.status_code == 404
    c.intervention.refresh_from_db()
    assert c.intervention.facts.get("time") != "22:00"
    assert c.intervention.decisions.count() == 1
    # Refusals are logged for the data owner's log control.
    refused = AuditEvent.objects.filter(
        user=krokom, action=Action.ACCESS_DENIED, owner=orgs.ostersund
    )
    assert refused.filter(object_type="people.intervention", object_id=str(i)).exists()
    assert refused.filter(object_type="people.selfcareassessment").exists()
    # The person page: the person, none of Östersund's records.
    client = client_as(krokom)
    page = client.get(f"/personer/{c.person.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert c.person.family_name in html
    assert f"/insats/{i}/" not in html and "Insulin" not in html
    assert "Östersunds kommun" not in html  # not even whose patient the person is
    assert client.get(f"/personer/{c.person.pk}/insats/{i}/").status_code == 404
    assert client.get(f"/personer/{c.person.pk}/beslut/{c.decision.pk}/").status_code == 404
    assert client.get(f"/personer/{c.person.pk}/egenvard/{c.assessment.pk}/").status_code == 404
    assert client.post(f"/personer/{c.person.pk}/insats/{i}/besluta/").status_code == 404


def test_krokoms_fact_is_its_own_and_leaves_ostersunds_record_and_decision(
    ostersund_case, make_staff, orgs, relate
):
    c = ostersund_case
    krokom = make_staff(Role.NURSE, orgs.krokom)
    relate(c.person, orgs.krokom)
    fact = services.set_fact(krokom, c.person, "housing", "special_housing")
    assert (fact.organisation_id, fact.verksamhet) == (orgs.krokom.pk, Verksamhet.HEALTH_CARE)
    ostersund_housing = FactRecord.objects.get(
        person=c.person, name="housing", organisation=orgs.ostersund
    )
    assert ostersund_housing.valid_to is None and ostersund_housing.value == "ordinary"
    # Östersund's decision was not re-decided on Krokom's fact, nor is it decided on it.
    assert c.intervention.decisions.count() == 1
    assert selectors.facts_for_decision(c.intervention)["housing"] == "ordinary"
    krokoms = selectors.facts_on(c.person, TODAY.date(), parties=[orgs.krokom])
    krokoms.pop("age", None)
    assert krokoms == {"housing": "special_housing"}


def test_facts_on_with_parties_reads_only_their_records(ostersund_case, orgs):
    c = ostersund_case
    everyone = selectors.facts_on(c.person, TODAY.date())
    assert everyone["housing"] == "ordinary"
    assert selectors.facts_on(c.person, TODAY.date(), parties=[orgs.ostersund]) == everyone
    assert "housing" not in selectors.facts_on(c.person, TODAY.date(), parties=[orgs.gavle])
    # Facts without provenance belong to no vårdgivare: never read for given parties.
    FactRecord.objects.create(
        person=c.person, name="residence", value="not_registered", valid_from=dt.date(2026, 3, 1)
    )
    assert (
        selectors.facts_on(c.person, TODAY.date(), parties=[orgs.ostersund])["residence"]
        == everyone["residence"]
    )
    # The egenvård assessment is a party's record too.
    kind = "medication_management"
    assert (
        selectors.facts_on(c.person, TODAY.date(), intervention=kind, parties=[orgs.krokom])[
            "self_care_assessment"
        ]
        == "not_assessed"
    )
    assert (
        selectors.facts_on(c.person, TODAY.date(), intervention=kind, parties=[orgs.ostersund])[
            "self_care_assessment"
        ]
        == "health_care"
    )


def test_a_needs_assessor_reaches_only_the_social_services_records(
    ostersund_case, make_staff, orgs, api_client, client_as, relate
):
    c = ostersund_case
    assessor = make_staff(Role.NEEDS_ASSESSOR, orgs.ostersund)
    api = api_client(assessor)
    base = f"/api/persons/{c.person.pk}"
    # Only the kommun's health-care relation: the social services do not see the person.
    assert api.get(base).status_code == 404
    assert client_as(assessor).get(f"/personer/{c.person.pk}/").status_code == 404
    assert not access.can_see(assessor, c.person)
    # With the social services' own relation: the person and its records only.
    relate(c.person, orgs.ostersund, Verksamhet.SOCIAL_SERVICES)
    own = services.set_fact(assessor, c.person, "adl_needs_over_time", ["dressing"])
    assert own.verksamhet == Verksamhet.SOCIAL_SERVICES
    facts = api.get(f"{base}/facts").json()
    assert [f["id"] for f in facts["history"]] == [own.pk]
    assert facts["current"] == {"adl_needs_over_time": ["dressing"]}
    assert api.get(f"{base}/interventions").json() == []
    assert api.get(f"{base}/assessments").json() == []
    assert api.get(f"{base}/interventions/{c.intervention.pk}").status_code == 404
    html = client_as(assessor).get(f"/personer/{c.person.pk}/").content.decode()
    assert f"/insats/{c.intervention.pk}/" not in html and "Insulin" not in html
    # The nurse, in turn, does not see the social services' record.
    nurse_facts = api_client(c.nurse).get(f"{base}/facts").json()
    assert own.pk not in [f["id"] for f in nurse_facts["history"]]
    # A social services' intervention is the social services' record.
    support = services.create_intervention(assessor, c.person, kind="housing_support")
    assert [i["id"] for i in api.get(f"{base}/interventions").json()] == [support.pk]
    nurse_list = api_client(c.nurse).get(f"{base}/interventions").json()
    assert [i["id"] for i in nurse_list] == [c.intervention.pk]


def test_the_ekonom_gets_403_on_the_person_page_and_api(
    ostersund_case, make_staff, orgs, api_client, client_as, relate
):
    c = ostersund_case
    ekonom = make_staff(Role.FINANCE_OFFICER, orgs.ostersund)
    relate(c.person, orgs.ostersund)
    assert client_as(ekonom).get(f"/personer/{c.person.pk}/").status_code == 403
    api = api_client(ekonom)
    for url in ("", "/facts", "/interventions", "/assessments"):
        response = api.get(f"/api/persons/{c.person.pk}{url}")
        assert response.status_code == 403, url
        assert c.person.family_name not in response.content.decode()
    assert AuditEvent.objects.filter(user=ekonom, action=Action.ACCESS_DENIED).count() >= 5
    # Her organisation's persons are known to invoicing (the service records), not their
    # records: no reach at all.
    reach = access.reach_of(ekonom)
    assert not reach.facts(c.person).exists() and not reach.interventions(c.person).exists()
    assert not reach.assessments(c.person).exists() and not access.can_change(ekonom, c.person)


def test_inner_block_hides_a_units_records_from_the_vardgivares_other_units(
    make_staff, orgs, make_person, api_client, client_as
):
    psychiatry = Unit.objects.create(
        organisation=orgs.region_jh, name="Psykiatrimottagningen", kind=UnitKind.ADULT_PSYCHIATRY
    )
    primary = Unit.objects.create(
        organisation=orgs.region_jh, name="Hälsocentralen", kind=UnitKind.PRIMARY_CARE
    )
    psychiatrist = make_staff(Role.PHYSICIAN, orgs.region_jh, unit=psychiatry)
    gp = make_staff(Role.PHYSICIAN, orgs.region_jh, unit=primary)
    person = make_person(psychiatrist)
    services.add_care_relation(gp, person, reason="Besök")
    blocked_fact = services.set_fact(psychiatrist, person, "housing", "ordinary")
    intervention = services.create_intervention(psychiatrist, person, kind="psychiatric_specialist")
    AccessBlock.objects.create(
        person=person, kind=AccessBlockKind.INTERNAL, organisation=orgs.region_jh,
        unit=psychiatry, reason="Patientens begäran", since=timezone.now(),
    )  # fmt: skip
    base = f"/api/persons/{person.pk}"
    gp_api = api_client(gp)
    assert gp_api.get(base).status_code == 200  # the person, not the blocked unit's records
    assert gp_api.get(f"{base}/facts").json()["history"] == []
    assert gp_api.get(f"{base}/interventions").json() == []
    assert gp_api.get(f"{base}/interventions/{intervention.pk}").status_code == 404
    html = client_as(gp).get(f"/personer/{person.pk}/").content.decode()
    assert f"/insats/{intervention.pk}/" not in html
    # The blocked unit itself still reaches its own records.
    own_api = api_client(psychiatrist)
    assert blocked_fact.pk in [f["id"] for f in own_api.get(f"{base}/facts").json()["history"]]
    assert [i["id"] for i in own_api.get(f"{base}/interventions").json()] == [intervention.pk]
