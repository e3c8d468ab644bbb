"""Protected identities and spärr: recording, ending, lifting, who sees what, the audit log
(issue 11). The access matrix of the pages and endpoints: tests/sip/test_protected_access.py."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from samverkan.accounts.models import Role, Unit, UnitKind
from samverkan.audit.models import Action, AuditEvent
from samverkan.people import access, services
from samverkan.people.models import (
    AccessBlock,
    IdentityProtection,
    ProtectionKind,
    ProtectionSource,
)
from samverkan.people.services import PeopleError

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(orgs):
    return Unit.objects.create(
        organisation=orgs.ostersund, name="Hemsjukvården Östersund", kind=UnitKind.HOME_HEALTH_CARE
    )


@pytest.fixture
def person(nurse, make_person):
    return make_person(nurse)


# --- services --------------------------------------------------------------------------------


def test_mark_and_end_protection_audited(nurse, person):
    protection = services.mark_protected(nurse, person, kind="protected_registration")
    assert protection.source == ProtectionSource.STAFF
    assert protection.organisation.scb_code == "2380"
    assert access.is_protected(person)
    assert AuditEvent.objects.filter(
        user=nurse, action=Action.CREATE, object_type="people.identityprotection",
        person_ref=person.ref,
    ).exists()  # fmt: skip
    with pytest.raises(PeopleError) as error:
        services.end_protection(nurse, person, protection.pk, reason="  ")
    assert error.value.field == "reason"
    ended = services.end_protection(nurse, person, protection.pk, reason="Skyddet har upphört")
    assert ended.ended_at is not None and ended.ended_by == nurse
    assert not access.is_protected(person)
    assert AuditEvent.objects.filter(
        user=nurse, action=Action.UPDATE, object_type="people.identityprotection"
    ).exists()


def test_mark_refuses_bad_kind_and_duplicates(nurse, person):
    with pytest.raises(PeopleError) as error:
        services.mark_protected(nurse, person, kind="secret")
    assert (error.value.field, error.value.code) == ("kind", "invalid_choice")
    services.mark_protected(nurse, person, kind="confidentiality_marking")
    with pytest.raises(PeopleError) as error:
        services.mark_protected(nurse, person, kind="confidentiality_marking")
    assert error.value.code == "already_marked"


def test_only_own_organisation_staff_with_care_relation_may_mark(
    person, make_staff, orgs, finance_officer
):
    stranger = make_staff(Role.NURSE, orgs.krokom)
    with pytest.raises(Http404):
        services.mark_protected(stranger, person, kind="protected_registration")
    with pytest.raises(PermissionDenied):
        services.mark_protected(finance_officer, person, kind="protected_registration")
    assert not IdentityProtection.objects.exists()
    assert AuditEvent.objects.filter(user=stranger, action=Action.ACCESS_DENIED).exists()


def test_register_protection_is_ended_by_the_register_only(nurse, person):
    protection = IdentityProtection.objects.create(
        person=person,
        kind=ProtectionKind.PROTECTED_REGISTRATION,
        source=ProtectionSource.POPULATION_REGISTER,
    )
    with pytest.raises(PeopleError) as error:
        services.end_protection(nurse, person, protection.pk, reason="Fel")
    assert error.value.code == "from_register"


def test_other_organisation_cannot_end_protection_it_did_not_mark(nurse, person, make_staff, orgs):
    protection = services.mark_protected(nurse, person, kind="protected_registration")
    region_nurse = make_staff(Role.NURSE, orgs.region_jh)
    services.add_care_relation(region_nurse, person, reason="Besök")
    with pytest.raises(PeopleError) as error:
        services.end_protection(region_nurse, person, protection.pk, reason="Fel")
    assert error.value.code == "other_organisation"
    protection.refresh_from_db()
    assert protection.ended_at is None


def test_internal_block_needs_own_unit_and_request(nurse, person, unit, orgs):
    with pytest.raises(PeopleError) as error:
        services.record_block(
            nurse, person, kind="internal", unit=unit, requested_by_person=False, reason="Bad"
        )
    assert error.value.code == "person_request_required"
    with pytest.raises(PeopleError) as error:
        services.record_block(nurse, person, kind="internal", requested_by_person=True, reason="x")
    assert (error.value.field, error.value.code) == ("unit_id", "required")
    other = Unit.objects.create(
        organisation=orgs.krokom, name="Hemtjänst Krokom", kind=UnitKind.SOCIAL_SERVICES
    )
    with pytest.raises(PeopleError) as error:
        services.record_block(
            nurse, person, kind="internal", unit=other.pk, requested_by_person=True, reason="x"
        )
    assert error.value.code == "wrong_organisation"
    block = services.record_block(
        nurse, person, kind="internal", unit=unit.pk, requested_by_person=True,
        reason="Personen bad muntligt vid besök",
    )  # fmt: skip
    assert access.internally_blocked_units(person, orgs.ostersund) == {unit.pk}
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_type="people.accessblock", person_ref=person.ref, unit=unit
    ).exists()
    assert not AccessBlock.objects.filter(lifted_at__isnull=False).exists()
    assert block.recorded_by == nurse


def test_shared_block_and_lift(nurse, person, orgs):
    with pytest.raises(PeopleError) as error:
        services.record_block(
            nurse, person, kind="shared", unit=1, requested_by_person=True, reason="x"
        )
    assert error.value.code == "not_allowed"
    block = services.record_block(
        nurse, person, kind="shared", requested_by_person=True, reason="Begärt i telefon"
    )
    assert access.shared_blocked(person, orgs.ostersund)
    with pytest.raises(PeopleError) as error:
        services.record_block(nurse, person, kind="shared", requested_by_person=True, reason="igen")
    assert error.value.code == "already_blocked"
    with pytest.raises(PeopleError) as error:
        services.lift_block(nurse, person, block.pk, requested_by_person=False, reason="x")
    assert error.value.code == "person_request_required"
    with pytest.raises(PeopleError):
        services.lift_block(nurse, person, block.pk, requested_by_person=True, reason="")
    lifted = services.lift_block(
        nurse, person, block.pk, requested_by_person=True, reason="Personen ringde och bad"
    )
    assert lifted.lifted_at is not None and lifted.lift_reason == "Personen ringde och bad"
    assert not access.shared_blocked(person, orgs.ostersund)


def test_blocks_are_seen_and_lifted_by_their_own_organisation_only(nurse, person, make_staff, orgs):
    block = services.record_block(
        nurse, person, kind="shared", requested_by_person=True, reason="Begärt"
    )
    region_nurse = make_staff(Role.NURSE, orgs.region_jh)
    services.add_care_relation(region_nurse, person, reason="Besök")
    assert services.blocks_for(region_nurse, person) == []
    assert services.blocks_for(nurse, person) == [block]
    with pytest.raises(Http404):
        services.lift_block(
            region_nurse, person, block.pk, requested_by_person=True, reason="Begärt"
        )
    block.refresh_from_db()
    assert block.lifted_at is None


# --- API -------------------------------------------------------------------------------------


def test_api_mark_end_block_lift(nurse, person, api_client, unit):
    api = api_client(nurse)
    base = f"/api/persons/{person.pk}"
    state = api.get(f"{base}/protection").json()
    assert state == {"protected": False, "marker": None, "protections": [], "blocks": []}
    r = api.post(f"{base}/protections", {"kind": "protected_registration"}, "application/json")
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    assert r.json()["kind_label"] == "skyddad folkbokföring" and r.json()["own"] is True
    state = api.get(f"{base}/protection").json()
    assert state["protected"] is True and state["marker"] == "Skyddad identitet"
    r = api.post(f"{base}/protections/{pid}/end", {"reason": "Upphört"}, "application/json")
    assert r.status_code == 422
    assert r.json()["detail"][0]["code"] == "confirmation_required"
    r = api.post(
        f"{base}/protections/{pid}/end", {"reason": "Upphört", "confirm": True}, "application/json"
    )
    assert r.status_code == 200 and r.json()["ended_at"]

    r = api.post(
        f"{base}/blocks",
        {"kind": "internal", "unit_id": unit.pk, "requested_by_person": True, "reason": "Begärt"},
        "application/json",
    )
    assert r.status_code == 201, r.content
    bid = r.json()["id"]
    assert r.json()["unit_name"] == unit.name
    r = api.post(f"{base}/blocks", {"kind": "nope", "reason": "x"}, "application/json")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "kind"
    r = api.post(
        f"{base}/blocks/{bid}/lift",
        {"requested_by_person": True, "reason": "Begärt", "confirm": True},
        "application/json",
    )
    assert r.status_code == 200 and r.json()["lift_reason"] == "Begärt"
    assert api.get(f"{base}/protection").json()["blocks"][0]["lifted_at"]


# --- the marker on pages ---------------------------------------------------------------------


def test_search_results_and_person_page_show_the_marker(nurse, person, make_person, client_as):
    other = make_person(nurse, index=1)
    services.mark_protected(nurse, person, kind="confidentiality_marking")
    web = client_as(nurse)
    page = web.get(f"/personer/{person.pk}/").content.decode()
    assert "Skyddad identitet" in page and "badge--protected" in page
    assert "Hemkommun: Östersund" in page  # the own vårdgivare sees the kommun
    assert "badge--protected" not in web.get(f"/personer/{other.pk}/").content.decode()
    results = web.get(f"/personer/?q={person.family_name}").content.decode()
    assert results.count("badge--protected") == 1
