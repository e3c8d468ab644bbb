"""Agreement lifecycle: notices change the computed end (jh-hemsjukvard §10), reminders
ahead of deadlines, local agreements only at the points of §8.3, the routines matrix,
Bilaga 2 lists fixed only with every signature."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samverkan.accounts.models import Role
from samverkan.agreements import selectors, services
from samverkan.agreements.models import AgreementSettings, CareArea
from samverkan.rules.clauses.library import passage
from samverkan.web.work_queue import tasks_for

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


def test_reminders_appear_ahead_of_deadlines(people, orgs, monkeypatch):
    # 2026-06-30 is the notice deadline; default lead time 90 days -> from 2026-04-01.
    assert not [
        r
        for r in selectors.reminders(D("2026-03-31"), "jh-hemsjukvard")
        if r.kind == "notice_deadline"
    ]
    shown = selectors.reminders(D("2026-04-01"), "jh-hemsjukvard")
    notice = [r for r in shown if r.kind == "notice_deadline"]
    assert notice and notice[0].due == D("2026-06-30") and notice[0].role == Role.FORUM_MEMBER
    assert not [
        r
        for r in selectors.reminders(D("2026-07-01"), "jh-hemsjukvard")
        if r.due == D("2026-06-30")
    ]
    # Yearly follow-up (default 31 December): shows from 2 October.
    assert [r.kind for r in selectors.reminders(D("2026-10-02"), "jh-hemsjukvard")] == ["followup"]

    # In the work queue of forum members in the region, not of nurses or Gävleborg.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: D("2026-05-15"))
    titles = [i.title for i in tasks_for(people.forum).items]
    assert any("Sista dag för uppsägning" in t for t in titles)
    assert any(
        "Sista dag för uppsägning" in t
        for t in (i.title for i in tasks_for(people.kommun_forum).items)
    )
    assert not any("uppsägning" in i.title for i in tasks_for(people.kommun_nurse).items)


def test_lead_time_and_role_are_configurable(people, monkeypatch):
    services.update_settings(people.forum, "jh-hemsjukvard", reminder_lead_days=30,
                              responsible_role=Role.MAS)  # fmt: skip
    assert AgreementSettings.objects.get(agreement="jh-hemsjukvard").reminder_lead_days == 30
    assert not [
        r
        for r in selectors.reminders(D("2026-05-15"), "jh-hemsjukvard")
        if r.kind == "notice_deadline"
    ]
    assert [r.kind for r in selectors.reminders(D("2026-06-01"), "jh-hemsjukvard")] == [
        "notice_deadline"
    ]
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: D("2026-06-01"))
    assert any("uppsägning" in i.title for i in tasks_for(people.kommun_mas).items)
    assert not any("uppsägning" in i.title for i in tasks_for(people.forum).items)


def test_ended_agreements_remind_nothing():
    assert selectors.reminders(D("2026-05-15"), "jh-psykisk") == []
    assert selectors.reminders(D("2026-05-15"), "gvb-svart-sjuka") == []
    overview = selectors.agreement_overview("jh-psykisk", D("2026-05-15"))
    assert overview.status.ended and overview.final_end == D("2020-12-31")


def test_local_agreement_refused_outside_8_3_with_the_quote(
    people, orgs, units, client_as, api_client
):
    with pytest.raises(services.LocalAgreementRefused) as exc:
        services.register_local_agreement(people.forum, point="Egen taxa för hembesök",
                                          municipality=orgs.ostersund, title="Taxa",
                                          agreed_on=D("2024-01-01"))  # fmt: skip
    quote = passage("jh-hemsjukvard §8.3", "enbart ske på de punkter", context=2)
    assert exc.value.reason == quote and exc.value.clause == "jh-hemsjukvard §8.3"
    assert (
        "Därför ska lokala överenskommelser enbart ske på de punkter där detta särskilt anges"
        in quote
    )
    response = client_as(people.forum).post(
        "/avvikelser/lokala/",
        {"point": "other", "other_point": "Egen taxa", "municipality": orgs.ostersund.pk,
         "title": "Taxa", "agreed_on": "2024-01-01"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "enbart ske på de punkter där detta särskilt anges" in response.content.decode()
    body = api_client(people.forum).post(
        "/api/deviations/local-agreements",
        {
            "point": "taxa",
            "municipality_id": orgs.ostersund.pk,
            "title": "T",
            "agreed_on": "2024-01-01",
        },
        content_type="application/json",
    )
    assert body.status_code == 422 and body.json()["detail"][0]["code"] == "not_allowed_by_8_3"
    assert "jh-hemsjukvard §8.3" in body.json()["detail"][0]["message"]
    ok = services.register_local_agreement(people.forum, point="physician_participation",
                                           municipality=orgs.ostersund, health_centre=units.hc_centrum,
                                           title="Läkarmedverkan HC Centrum", agreed_on=D("2024-01-01"))  # fmt: skip
    assert ok.pk and ok.agreement == "jh-hemsjukvard"


def test_routines_matrix(people, orgs, units, client_as):
    CareArea.objects.create(health_centre=units.hc_centrum, municipality=orgs.ostersund)
    CareArea.objects.create(health_centre=units.hc_lit, municipality=orgs.krokom)
    reg = services.register_local_agreement
    reg(people.forum, point="physician_participation", municipality=orgs.ostersund,
        health_centre=units.hc_centrum, title="Läkarmedverkan", agreed_on=D("2024-01-01"))  # fmt: skip
    reg(people.forum, point="cosmic_access", municipality=orgs.ostersund,
        title="Behörigheter i Cosmic", agreed_on=D("2024-01-01"))  # fmt: skip
    reg(people.forum, point="lab_service", municipality=orgs.krokom, health_centre=units.hc_lit,
        title="Lab", agreed_on=D("2020-01-01"), valid_to=D("2023-12-31"))  # fmt: skip
    matrix = selectors.routines_matrix("jamtland-harjedalen", D("2024-06-01"))
    rows = {(r.health_centre.name, r.municipality.name): r for r in matrix.rows}
    assert set(rows) == {
        ("Hälsocentral Centrum", "Östersunds kommun"),
        ("Hälsocentral Lit", "Krokoms kommun"),
    }
    ost = {
        c.point.key: c.present for c in rows[("Hälsocentral Centrum", "Östersunds kommun")].cells
    }
    assert ost == {"physician_participation": True, "lab_service": False, "cosmic_access": True,
                   "service_purchase_documentation": False}  # fmt: skip
    krokom = rows[("Hälsocentral Lit", "Krokoms kommun")]
    assert len(krokom.missing) == 4  # the lab routine expired
    assert (
        selectors.routines_matrix("jamtland-harjedalen", D("2022-01-01")).rows[0].cells[1].present
    )
    coverage = selectors.routines_coverage("jamtland-harjedalen", D("2024-06-01"))
    assert coverage.pairs == 2 and coverage.complete_pairs == 0
    assert {p.point: p.present for p in coverage.points}["cosmic_access"] == 1
    page = (
        client_as(people.kommun_nurse).get("/avvikelser/rutiner/?datum=2024-06-01").content.decode()
    )
    assert "Rutin angående läkarmedverkan" in page and "saknas" in page and "finns" in page


def test_bilaga2_list_fixed_only_when_all_have_signed(people, orgs, client_as, make_staff):
    kommun_rep = people.kommun_mas
    region_rep = make_staff(Role.MAS, orgs.region_jh, "lakemedel.region")
    lst = services.create_list(people.forum, kind="emergency_medicines", year=2025,
                               items="Adrenalin 1 mg/ml\nNaloxon 0,4 mg/ml")  # fmt: skip
    with pytest.raises(ValidationError):  # no working group yet
        services.fix_list(people.forum, lst)
    services.add_list_member(people.forum, lst, region_rep)
    services.add_list_member(people.forum, lst, kommun_rep)
    services.sign_list(region_rep, lst)
    with pytest.raises(ValidationError) as exc:
        services.fix_list(people.forum, lst)
    assert "1 ledamöter har inte undertecknat" in str(exc.value) and "Östersunds kommun" in str(
        exc.value
    )
    assert "undertecknas av samtliga ledamöter i arbetsgruppen" in str(exc.value)
    # A non-member cannot sign; a change of items voids the signatures given.
    with pytest.raises(PermissionDenied):
        services.sign_list(people.kommun_nurse, lst)
    services.update_list_items(people.forum, lst, "Adrenalin 1 mg/ml\nNaloxon 0,4 mg/ml\nGlukagon")
    assert lst.members.filter(signed_at__isnull=False).count() == 0
    assert any("Underteckna förteckningen" in i.title for i in tasks_for(kommun_rep).items)
    for user in (region_rep, kommun_rep):
        assert (
            client_as(user).post(f"/avvikelser/forteckningar/{lst.pk}/underteckna/").status_code
            == 302
        )
    assert (
        client_as(people.forum).post(f"/avvikelser/forteckningar/{lst.pk}/faststall/").status_code
        == 302
    )
    lst.refresh_from_db()
    assert lst.is_fixed and lst.item_lines[-1] == "Glukagon"
    with pytest.raises(ValidationError):
        services.update_list_items(people.forum, lst, "Annat")
    # Local variations per kommun; next year's version starts from this one.
    services.add_local_variation(kommun_rep, lst, municipality=orgs.ostersund,
                                 description="Extra naloxon på Björkbacken.", agreed_on=D("2025-03-01"))  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.add_local_variation(kommun_rep, lst, municipality=orgs.krokom,
                                     description="x", agreed_on=D("2025-03-01"))  # fmt: skip
    nxt = services.create_list(people.forum, kind="emergency_medicines", year=2026)
    assert nxt.items == lst.items and not nxt.is_fixed


def test_only_the_region_convenes_the_lists(people):
    with pytest.raises(PermissionDenied):
        services.create_list(people.kommun_forum, kind="basic_equipment", year=2025)
    with pytest.raises(PermissionDenied):
        services.create_list(people.region_nurse, kind="basic_equipment", year=2025)


def test_fix_refused_on_the_page(people, orgs, client_as):
    lst = services.create_list(
        people.forum, kind="basic_equipment", year=2025, items="Blodtrycksmätare"
    )
    services.add_list_member(people.forum, lst, people.kommun_mas)
    services.add_list_member(people.forum, lst, people.region_chief)
    response = client_as(people.forum).post(f"/avvikelser/forteckningar/{lst.pk}/faststall/")
    assert response.status_code == 422 and "Kan inte fastställas" in response.content.decode()
