"""The start page's person search and overview: who is involved from each huvudman, the
fasta vårdkontakter, decisions, open SIPs and tasks, read through the people door and logged."""

from __future__ import annotations

from samverkan.audit.models import Action, AuditEvent
from samverkan.people.models import Task, TaskKind
from samverkan.sip import services


def test_start_page_searches_and_overview_shows_what_the_viewer_may_see(
    client_as, staff, orgs, units, person, shared_sip
):
    services.invite(staff.ost, shared_sip, organisation=orgs.region_jh, unit=units.jh_hc)
    task = Task.objects.create(kind=TaskKind.RISK_ANALYSIS, person=person,
                               organisation=orgs.ostersund)  # fmt: skip
    client = client_as(staff.ost)
    start = client.get("/").content.decode()
    assert 'id="personsok"' in start and 'action="/personer/"' in start
    hits = client.get("/personer/", {"q": person.identities.get().value}).content.decode()
    assert f"/personer/{person.pk}/oversikt/" in hits
    before = AuditEvent.objects.count()
    page = client.get(f"/personer/{person.pk}/oversikt/").content.decode()
    assert person.name in page
    for text in ("Östersunds kommun", "Krokoms kommun", "Region Jämtland Härjedalen",
                 "Distriktsläkare", "Hälsocentral Centrum", f"SIP nr {shared_sip.pk}",
                 f"/personer/uppgifter/{task.pk}/", "Riskanalys"):  # fmt: skip
        assert text in page, text
    events = AuditEvent.objects.order_by("pk")[before:]
    assert any(e.action == Action.VIEW and e.why == "Personöversikt" and
               e.object_type == "people.person" for e in events)  # fmt: skip
    assert any(e.object_type == "sip.sip" and e.why == "Personöversikt" for e in events)


def test_overview_refuses_a_person_the_viewer_may_not_see(client_as, staff, person, shared_sip):
    """Krokom takes part in the SIP with consent, but consent opens the plan only: not the
    person's overview (404, logged, nothing of the person)."""
    response = client_as(staff.krokom).get(f"/personer/{person.pk}/oversikt/")
    assert response.status_code == 404
    assert person.family_name not in response.content.decode()
    assert AuditEvent.objects.filter(user=staff.krokom, action=Action.ACCESS_DENIED).exists()


def test_start_page_without_person_search_for_roles_without_persons(client_as, make_staff, orgs):
    from samverkan.accounts.models import Role

    finance = make_staff(Role.FINANCE_OFFICER, orgs.ostersund)
    assert 'id="personsok"' not in client_as(finance).get("/").content.decode()
