"""The data owner's view (HSLF-FS 2016:40 4 kap. 9 §): every access to O's data, whoever
made it, and nothing of other organisations' patients."""

from __future__ import annotations

import pytest

from samverkan.accounts.models import Role
from samverkan.audit.models import Action, AuditEvent
from samverkan.audit.services import record
from tests.logcontrol.conftest import listed, log_looks

URL = "/loggkontroll/"
pytestmark = pytest.mark.django_db


def test_finding_the_owner_sees_other_organisations_accesses_to_her_patient(client_as, case):
    """Issue 11: Östersund's administrator, looking up her own patient, saw only her own
    staff's events. The old address (/audit/) leads to the owner's view."""
    response = client_as(case.admin).get("/audit/", {"person": case.ref}, follow=True)
    assert response.status_code == 200
    shown = set(listed(response))
    assert {case.own, case.via_sip, case.emergency} <= shown
    assert {e.organisation.name for e in shown if e.person_ref == case.ref} >= {
        "Krokoms kommun",
        "Region Jämtland Härjedalen",
        "Östersunds kommun",
    }


def test_other_organisations_patients_are_not_shown(client_as, case):
    response = client_as(case.admin).get(URL)
    shown = listed(response)
    assert case.unrelated not in shown
    assert all(e.person_ref != case.krokom_ref for e in shown)
    assert case.krokom_ref not in response.content.decode()


def test_krokoms_administrator_sees_krokoms_data_and_not_ostersunds(
    client_as, make_staff, orgs, case
):
    admin = make_staff(Role.ADMINISTRATOR, orgs.krokom)
    shown = listed(client_as(admin).get(URL))
    assert case.unrelated in shown
    # Krokom's nurse reading Östersund's patient through the SIP is Östersund's data.
    assert case.via_sip not in shown and case.own not in shown


def test_every_look_is_logged_and_a_person_search_with_the_reference(client_as, case):
    client = client_as(case.admin)
    client.get(URL)
    client.get(URL, {"person": case.ref})
    looks = log_looks(case.admin)
    assert [e.action for e in looks.order_by("pk")] == [Action.VIEW, Action.SEARCH]
    search = looks.get(action=Action.SEARCH)
    assert search.person_ref == case.ref and case.ref not in search.why


def test_the_look_does_not_list_itself(client_as, case):
    shown = listed(client_as(case.admin).get(URL))
    assert not any(e.object_type == "audit.auditevent" for e in shown)


def test_search_by_person_finds_every_reference_the_person_had(client_as, case, testpersons):
    from samverkan.people.models import PersonIdentity

    # A reservnummer the patient had before: events under it are the same person's.
    PersonIdentity.objects.create(
        person=case.patient,
        system="reservnummer",
        value="RES-OST-1",
        ended_on=case.own.timestamp.date(),
    )
    old = record(
        case.own_nurse, Action.VIEW, "people.person", case.patient.pk, person_ref="RES-OST-1"
    )
    shown = listed(client_as(case.admin).get(URL, {"person": case.ref}))
    assert old in shown and case.own in shown


def test_search_by_user_action_date_and_flag(client_as, case):
    client = client_as(case.admin)
    assert set(listed(client.get(URL, {"user": "ssk.krokom"}))) == {case.via_sip}
    creates = listed(client.get(URL, {"action": Action.CREATE}))
    assert creates and all(e.action == Action.CREATE for e in creates)
    assert listed(client.get(URL, {"date_to": "2026-03-09"})) == []
    assert case.own in listed(client.get(URL, {"date_from": "2026-03-10", "date_to": "2026-03-10"}))
    assert listed(client.get(URL, {"flag": "emergency"})) == [case.emergency]


def test_invalid_person_or_dates_show_a_swedish_error_and_no_rows(client_as, case):
    client = client_as(case.admin)
    response = client.get(URL, {"person": "19121212-1213"})
    assert "Ange ett giltigt personnummer" in response.content.decode()
    assert listed(response) == []
    response = client.get(URL, {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert "Slutdatum är före startdatum" in response.content.decode()


def test_superuser_alone_sees_nothing(client_as, make_staff, orgs, case):
    """Technical administrators get no log control by being superusers (need-to-know)."""
    technician = make_staff(
        Role.NURSE, orgs.region_jh, "tekniker", is_superuser=True, is_staff=True
    )
    response = client_as(technician).get(URL)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(user=technician, action=Action.ACCESS_DENIED).exists()


def test_a_superuser_who_is_an_administrator_sees_her_organisations_view(
    client_as, superuser, case
):
    shown = listed(client_as(superuser).get(URL))  # administrator of the region
    assert case.emergency not in shown and case.own not in shown


def test_old_address_redirects_with_its_query(client_as, case):
    response = client_as(case.admin).get("/audit/", {"user": "ssk.krokom"})
    assert response.status_code == 302
    assert response.url == "/loggkontroll/?user=ssk.krokom"


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_nav_shows_log_control_to_administrators_only(client_as, case):
    assert f'href="{URL}"' in client_as(case.admin).get("/").content.decode()
    assert f'href="{URL}"' not in client_as(case.own_nurse).get("/").content.decode()


def test_filter_form_is_labelled(client_as, case):
    html = client_as(case.admin).get(URL).content.decode()
    for name in ("person", "user", "organisation", "action", "flag", "date_from", "date_to"):
        assert f'for="id_{name}"' in html
