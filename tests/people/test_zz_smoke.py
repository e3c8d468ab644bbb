import pytest
from samverkan.accounts.models import Role
from samverkan.people import services
from samverkan.people.models import *

@pytest.mark.django_db
def test_smoke(client_as, make_staff, orgs, monkeypatch):
    from samverkan.web import nav
    monkeypatch.delitem(nav._entries, "sip", raising=False)
    from samverkan.people import access as acc
    monkeypatch.setattr(acc, "EXTRA_VISIBILITY", [])
    nurse = make_staff(Role.NURSE, orgs.ostersund)
    c = client_as(nurse)
    r = c.get("/personer/")
    assert r.status_code == 200, r.content
    r = c.post("/personer/ny/", {"identifier": "19121212-1212", "given_name": "Tolvan", "family_name": "Tolvansson", "home_municipality": "2380"})
    assert r.status_code == 302, r.content.decode()[-3000:]
    p = Person.objects.get()
    r = c.get(r.url); assert r.status_code == 200
    r = c.post(f"/personer/{p.pk}/uppgift/", {"name": "housing", "value": "ordinary"})
    assert r.status_code == 302, r.content.decode()[-3000:]
    r = c.post(f"/personer/{p.pk}/uppgift/", {"name": "adl_needs_over_time", "value": ["dressing"]})
    assert r.status_code == 302, r.content.decode()[-3000:]
    r = c.post(f"/personer/{p.pk}/insats/ny/", {"kind": "nursing", "start": "2022-02-01", "status": "active", "decide_now": "on"})
    assert r.status_code == 302, r.content.decode()[-5000:]
    r = c.get(r.url); assert r.status_code == 200
    print(r.content.decode()[-6000:])
    i = Intervention.objects.get()
    print(ResponsibilityDecision.objects.get().decision)
    print(list(Task.objects.values()))
    r = c.post(f"/personer/{p.pk}/insats/{i.pk}/besluta/")
    assert r.status_code == 302
    r = c.get(r.url); assert r.status_code == 200
    for u in ["/personer/uppgifter/", f"/personer/{p.pk}/", f"/personer/{p.pk}/?visa=identiteter", f"/personer/{p.pk}/egenvard/ny/", f"/personer/{p.pk}/uppgift/", f"/personer/{p.pk}/sammanfor/", f"/personer/{p.pk}/identitet/", "/"]:
        r = c.get(u); assert r.status_code == 200, (u, r.content.decode()[-3000:])


@pytest.mark.django_db
def test_api_smoke(api_client, make_staff, orgs, monkeypatch):
    from samverkan.people import access as acc
    monkeypatch.setattr(acc, "EXTRA_VISIBILITY", [])
    nurse = make_staff(Role.NURSE, orgs.ostersund)
    c = api_client(nurse)
    r = c.post("/api/persons", {"identifier": "19121212-1212", "given_name": "T", "family_name": "T", "home_municipality": "2380"}, content_type="application/json")
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    r = c.get(f"/api/persons/{pid}"); assert r.status_code == 200, r.content
    r = c.get(f"/api/persons?q=191212121212"); assert r.status_code == 200, r.content; assert len(r.json()) == 1
    r = c.post(f"/api/persons/{pid}/facts", {"name": "housing", "value": "ordinary"}, content_type="application/json"); assert r.status_code == 201, r.content
    r = c.post(f"/api/persons/{pid}/facts", {"name": "housing", "value": "x"}, content_type="application/json"); assert r.status_code == 422, r.content
    print(r.json())
    r = c.post(f"/api/persons/{pid}/interventions", {"kind": "nursing", "start": "2022-02-01", "decide": True}, content_type="application/json"); assert r.status_code == 201, r.content
    iid = r.json()["id"]
    r = c.post(f"/api/persons/{pid}/interventions/{iid}/redecide"); assert r.status_code == 201, r.content
    print(r.json()["diff"])
    r = c.get("/api/persons/tasks"); assert r.status_code == 200, r.content
    other = make_staff(Role.NURSE, orgs.gavle)
    r = api_client(other).get(f"/api/persons/{pid}"); assert r.status_code == 404, r.content
    adm = make_staff(Role.ADMINISTRATOR, orgs.ostersund)
    r = api_client(adm).get(f"/api/persons/{pid}"); assert r.status_code == 403, r.content
