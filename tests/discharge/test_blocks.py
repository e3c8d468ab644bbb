"""Spärr and protected identity in discharge (issue 11): an inre spärr on the ward hides
the stay from the region's other units (PDL 4 kap. 4 §) except for the notices the law
sends them; a spärr mot andra vårdgivare keeps the region's planning basis from the kommun
even under consent (PDL 6 kap. 2 §); a protected person's name and number stay with the
region on the board, the stay page and the API."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan.discharge import access, services
from samverkan.people import services as people_services

pytestmark = pytest.mark.django_db


def _block(staff, person, units, kind="internal"):
    return people_services.record_block(
        staff.ward_nurse, person, kind=kind, unit=units.ward if kind == "internal" else None,
        requested_by_person=True, reason="Personen bad om spärr vid besöket.",
    )  # fmt: skip


def test_an_inre_sparr_on_the_ward_hides_the_stay_from_the_regions_other_units(
    client_as, api_client, stay, staff, units, person
):
    assert access.is_own(staff.hc_nurse, stay)  # the region's hälsocentral, before the spärr
    _block(staff, person, units)
    assert access.is_own(staff.ward_nurse, stay)  # the ward itself keeps its stay
    assert not access.can_see(staff.hc_nurse, stay)
    board = client_as(staff.hc_nurse).get("/utskrivning/").content.decode()
    assert "Utskrivsson" not in board
    assert client_as(staff.hc_nurse).get(f"/utskrivning/{stay.pk}/").status_code == 404
    assert api_client(staff.hc_nurse).get(f"/api/discharge/stays/{stay.pk}").status_code == 404
    assert "Utskrivsson" in client_as(staff.ward_nurse).get("/utskrivning/").content.decode()


def test_the_law_s_notice_to_open_care_still_reaches_it_but_not_the_wards_planning(
    stay, staff, units, person
):
    services.send_admission_notice(
        staff.ward_nurse, stay, receivers=["region_open_care"],
        sent_at=dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC),
    )  # fmt: skip
    services.add_planning(staff.ward_nurse, stay, text="Behöver hjälp med läkemedel.")
    assert access.planning_visible_to(staff.hc_nurse, stay).count() == 1
    _block(staff, person, units)
    assert access.relation(staff.hc_nurse, stay) == access.RECEIVER
    assert access.planning_visible_to(staff.hc_nurse, stay).count() == 0
    assert access.planning_visible_to(staff.ward_nurse, stay).count() == 1


def test_a_shared_sparr_keeps_the_regions_planning_from_the_kommun_under_consent(
    noticed, staff, units, person
):
    services.add_planning(staff.ward_nurse, noticed, text="Behöver hjälp med läkemedel.")
    services.record_consent(staff.ward_nurse, noticed, given_by="person")
    assert access.planning_visible_to(staff.assessor, noticed).count() == 1
    _block(staff, person, units, kind="shared")
    assert access.planning_visible_to(staff.assessor, noticed).count() == 0
    # the notices the law makes the parties exchange still reach the kommun
    assert access.can_see(staff.assessor, noticed)


def test_a_protected_person_is_withheld_from_the_kommun_in_the_api(
    api_client, noticed, staff, person
):
    people_services.mark_protected(staff.ward_nurse, person, kind="protected_registration")
    number = person.primary_identity().value
    for user in (staff.assessor, staff.home_nurse):
        body = api_client(user).get(f"/api/discharge/stays/{noticed.pk}").content.decode()
        assert "Sigrid" not in body and number not in body and number[-4:] not in body
        board = api_client(user).get("/api/discharge/stays").content.decode()
        assert "Sigrid" not in board and number[-4:] not in board
    assert (
        "Sigrid"
        in api_client(staff.ward_nurse).get(f"/api/discharge/stays/{noticed.pk}").content.decode()
    )
