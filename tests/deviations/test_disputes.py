"""Unclear responsibility and disputes: the person first, costs split equally, the agreement's
escalation path (jh-hemsjukvard §8/§11; jh-psykisk §11; Gävleborg), decision settles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samverkan.accounts.models import Role
from samverkan.deviations import disputes, services
from samverkan.deviations.models import DisputeStatus
from samverkan.rules import engine
from samverkan.web.work_queue import tasks_for
from tests.baselines import JH_CASE

pytestmark = pytest.mark.django_db

FACTS = dict(JH_CASE) | {
    "date": "2024-03-01",
    "prescriber": "municipality",
    "intervention": "aids_and_materials",
    "parties_disagree": True,
}


def open_case(user, orgs, **kwargs):
    defaults = {
        "counterparty": orgs.region_jh,
        "question": "Vem bekostar den förskrivna madrassen?",
        "acting_organisation": orgs.ostersund,
        "acting_note": "Kommunen lånar ut en madrass från eget förråd tills vidare.",
    }
    return services.open_dispute(user, **(defaults | kwargs))


def test_escalation_paths_come_from_the_agreements():
    hsv = disputes.escalation_path("jh-hemsjukvard")
    assert [s.kind for s in hsv] == ["managers", "forum"]
    assert hsv[0].label == "närmaste chef (§8)"
    assert hsv[1].forum == "SVOM/Fredagsgruppen" and "SVOM/Fredagsgruppen" in hsv[1].title
    psyk = disputes.escalation_path("jh-psykisk")
    assert [(s.kind, s.label) for s in psyk] == [
        ("managers", "respektive ansvarig överordnad chef"),
        ("court", "allmän domstol"),
    ]
    assert all(s.forum == "" for s in psyk)
    gvb = disputes.escalation_path("gvb-svart-sjuka")
    assert [s.kind for s in gvb] == ["managers", "forum"] and gvb[1].forum == "Länsledning Välfärd"
    assert disputes.escalation_path("jh-primarvard-kommun")[1].forum == "SVOM/Fredagsgruppen"


def test_open_from_engine_decision_shared_equally(people, orgs):
    decision = engine.decide(FACTS)
    assert decision.outcome["cost"] == "shared_equally"
    assert services.decision_triggers(decision) == ["cost=shared_equally"]
    case = open_case(people.kommun_nurse, orgs, facts=FACTS)
    assert case.basis == "engine" and case.trigger == "cost=shared_equally"
    assert case.agreement == "jh-hemsjukvard" and case.level == 1
    assert case.engine_decision["outcome"]["cost"] == "shared_equally"
    assert case.acting_organisation == orgs.ostersund
    assert case.region_party == orgs.region_jh and case.municipality_party == orgs.ostersund
    assert [s.what for s in case.steps.all()] == ["opened"]
    assert case.steps.get().step == "närmaste chef (§8)"


def test_a_clear_engine_answer_opens_no_case(people, orgs):
    clear_facts = FACTS | {
        "intervention": "nursing",
        "adl_needs_over_time": ["dressing"],
        "parties_disagree": False,
    }
    assert services.decision_triggers(engine.decide(clear_facts)) == []
    with pytest.raises(services.DisputeError) as exc:
        open_case(people.kommun_nurse, orgs, facts=clear_facts)
    assert (exc.value.field, exc.value.code) == ("facts", "determined")
    assert "Hälso- och sjukvårdsansvar: Kommunen (jh-hemsjukvard §7.3)" in exc.value.message
    assert exc.value.message.startswith("Ansvarsguidens besked är entydigt")


def test_undetermined_and_not_regulated_open_cases(people, orgs):
    unknown = engine.decide(
        {"region": "jamtland-harjedalen", "date": "2024-03-01", "intervention": "nursing"}
    )
    assert "cost=undetermined" in services.decision_triggers(unknown)
    assert services.decision_triggers(
        {"outcome": {"health_care_responsibility": "not_regulated"}}
    ) == ["health_care_responsibility=not_regulated"]


def test_who_acts_now_is_required(people, orgs):
    with pytest.raises(services.DisputeError) as exc:
        open_case(people.kommun_nurse, orgs, acting_note=" ", acting_organisation=orgs.krokom)
    assert {("acting_note", "missing"), ("acting_organisation", "not_a_party")} <= {
        (d.field, d.code) for d in exc.value.details
    }


def test_home_care_dispute_lifecycle_managers_forum_decision(people, orgs, client_as, api_client):
    case = open_case(people.kommun_nurse, orgs, agreement="jh-hemsjukvard")
    services.add_cost(people.kommun_nurse, case.pk, description="Madrass", amount="1000.01",
                      incurred_on=dt.date(2024, 3, 2), paid_by=orgs.ostersund)  # fmt: skip
    services.add_cost(people.region_nurse, case.pk, description="Transport", amount="200",
                      incurred_on=dt.date(2024, 3, 3), paid_by=orgs.region_jh)  # fmt: skip
    ledger = services.ledger(case)
    assert ledger.total == Decimal("1200.01") and not ledger.settled
    assert ledger.region.interim_share == Decimal(
        "600.01"
    )  # the region, not having paid, owes the half rounded up
    assert ledger.municipality.interim_share == Decimal("600.00")
    assert ledger.region.interim_transfer == Decimal("400.01")  # region pays kommun
    assert ledger.municipality.interim_transfer == Decimal("-400.01")  # kommun receives

    # To the forum only as a question of principle (§8).
    with pytest.raises(ValidationError) as exc:
        services.escalate_dispute(people.kommun_nurse, case.pk, note="Ingen enighet hos cheferna.")
    assert "principiell betydelse" in str(exc.value)
    services.escalate_dispute(
        people.kommun_nurse, case.pk, note="Gäller alla madrasser.", of_principle=True
    )
    case.refresh_from_db()
    assert case.level == 2 and disputes.current_step(case).kind == "forum"
    with pytest.raises(ValidationError):
        services.escalate_dispute(people.kommun_nurse, case.pk, note="Igen", of_principle=True)

    # The forum's members see it (no person) and decide; the parties no longer can.
    assert any(f"Tvist #{case.pk} hos" in i.title for i in tasks_for(people.forum).items)
    assert client_as(people.forum).get(f"/avvikelser/tvister/{case.pk}/").status_code == 200
    with pytest.raises(PermissionDenied):
        services.record_dispute_decision(people.kommun_nurse, case.pk, decided_on=dt.date(2024, 5, 3),
                                         reasoning="x", cost_bearer="region")  # fmt: skip
    response = client_as(people.forum).post(
        f"/avvikelser/tvister/{case.pk}/beslut/",
        {"decided_on": "2024-05-03", "cost_bearer": "municipality",
         "reasoning": "Kommunen förskrev madrassen; kostnaden följer förskrivaren (§7.7)."},
    )  # fmt: skip
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == DisputeStatus.RESOLVED and case.decided_on == dt.date(2024, 5, 3)
    assert case.decided_by.startswith("SVOM/Fredagsgruppen") and "förskrivaren" in case.reasoning
    ledger = services.ledger(case)
    assert ledger.settled
    assert (ledger.region.final_share, ledger.municipality.final_share) == (
        Decimal("0"),
        Decimal("1200.01"),
    )
    assert ledger.municipality.settlement == Decimal("600.01")
    assert ledger.region.settlement == Decimal("-600.01")
    assert [s.what for s in case.steps.all()] == ["opened", "cost", "cost", "escalated", "decision"]
    body = api_client(people.kommun_nurse).get(f"/api/deviations/disputes/{case.pk}").json()
    assert body["status"] == "resolved" and body["settled"] is True
    assert [p["settlement"] for p in body["parties"]] == ["-600.01", "600.01"]
    with pytest.raises(ValidationError):
        services.add_cost(people.kommun_nurse, case.pk, description="Sent", amount="1",
                          incurred_on=dt.date(2024, 6, 1), paid_by=orgs.ostersund)  # fmt: skip


def test_psychiatric_dispute_goes_to_superior_managers_then_court(people, orgs, api_client):
    case = open_case(people.kommun_nurse, orgs, agreement="jh-psykisk", question="Tolkning av §6.")
    assert disputes.current_step(case).label == "respektive ansvarig överordnad chef"
    body = (
        api_client(people.kommun_nurse)
        .post(
            f"/api/deviations/disputes/{case.pk}/escalate",
            {"note": "Parterna kan inte enas."},
            content_type="application/json",
        )
        .json()
    )
    assert body["step"] == {"level": 2, "kind": "court", "title": "allmän domstol"}
    assert body["next_step"] is None
    # No forum: forum members neither see it nor get a task.
    assert api_client(people.forum).get(f"/api/deviations/disputes/{case.pk}").status_code == 404
    assert not any(f"#{case.pk}" in i.title for i in tasks_for(people.forum).items)
    # The parties record the judgment.
    services.record_dispute_decision(people.region_chief, case.pk, decided_on=dt.date(2024, 9, 1),
                                     reasoning="Tingsrättens dom.", cost_bearer="shared_equally")  # fmt: skip
    case.refresh_from_db()
    assert case.decided_by == "allmän domstol" and case.cost_bearer == "shared_equally"


def test_gavleborg_dispute_goes_to_lansledning_valfard(make_staff, orgs):
    nurse = make_staff(Role.NURSE, orgs.gavle)
    forum = make_staff(Role.FORUM_MEMBER, orgs.region_gvb)
    case = services.open_dispute(
        nurse, counterparty=orgs.region_gvb, question="Respiratorvård: vem?", agreement="gvb-svart-sjuka",
        acting_organisation=orgs.gavle, acting_note="Kommunen fortsätter.", of_principle=True,
    )  # fmt: skip
    services.escalate_dispute(nurse, case.pk, note="Principfråga.")
    case.refresh_from_db()
    assert disputes.current_step(case).forum == "Länsledning Välfärd"
    assert any(f"Tvist #{case.pk}" in i.title for i in tasks_for(forum).items)


def test_dispute_access(people, orgs, client_as, api_client):
    case = open_case(people.kommun_nurse, orgs)
    assert client_as(people.krokom_nurse).get(f"/avvikelser/tvister/{case.pk}/").status_code == 404
    assert (
        client_as(people.forum).get(f"/avvikelser/tvister/{case.pk}/").status_code == 404
    )  # not at forum
    assert client_as(people.admin).get(f"/avvikelser/tvister/{case.pk}/").status_code == 403
    assert client_as(people.region_nurse).get(f"/avvikelser/tvister/{case.pk}/").status_code == 200


def test_open_dispute_from_the_page_with_facts(people, orgs, client_as):
    import json

    response = client_as(people.kommun_nurse).post(
        "/avvikelser/tvister/ny/",
        {
            "counterparty": orgs.region_jh.pk,
            "agreement": "jh-hemsjukvard",
            "question": "Madrassen",
            "acting_organisation": orgs.ostersund.pk,
            "acting_note": "Kommunen lånar ut.",
            "facts": json.dumps(FACTS),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client_as(people.kommun_nurse).get(response["Location"]).content.decode()
    assert "Kostnadsansvar: Delas lika" in page and "närmaste chef (§8)" in page
    # Issue 13 (role walks): the basis is named as staff know it, not "ansvarsmotorns besked".
    assert "<dd>Ansvarsguidens besked (" in page and "ansvarsmotor" not in page.lower()


def test_costs_and_settlement_reach_the_purchases_ledger(people, orgs):
    from samverkan.purchases import services as purchases

    case = open_case(people.kommun_nurse, orgs)
    cost = services.add_cost(people.kommun_nurse, case.pk, description="Madrass", amount="1000.01",
                             incurred_on=dt.date(2024, 3, 2), paid_by=orgs.ostersund)  # fmt: skip
    assert cost.ledger_ref
    ref = f"tvist-{case.pk}"
    [pair] = purchases.dispute_balance(ref).pairs
    assert (pair.creditor_id, pair.debtor_id) == (orgs.ostersund.pk, orgs.region_jh.pk)
    assert pair.owed == services.ledger(case).region.interim_share == Decimal("500.01")
    services.record_dispute_decision(people.region_chief, case.pk, decided_on=dt.date(2024, 4, 2),
                                     reasoning="Cheferna är överens.", cost_bearer="region")  # fmt: skip
    balance = purchases.dispute_balance(ref)
    assert balance.settled and balance.pairs[0].owed == Decimal("1000.01")
    case.refresh_from_db()
    ledger = services.ledger(case)
    assert ledger.region.interim_share + ledger.region.settlement == Decimal("1000.01")


def test_only_the_deciders_of_the_level_are_offered_the_decision(
    people, orgs, client_as, make_staff
):
    """Issue 13: a nurse was offered "Registrera beslut" at the managers' level, with
    "regionen" pre-selected as cost bearer."""
    from django.contrib.auth.models import Permission

    case = open_case(people.kommun_nurse, orgs)
    assert disputes.current_step(case).kind == "managers"
    url = f"/avvikelser/tvister/{case.pk}/"
    data = {"decided_on": "2024-03-05", "cost_bearer": "region", "reasoning": "Överens."}
    for user in (people.kommun_nurse, people.region_nurse):
        page = client_as(user).get(url).content.decode()
        assert "Registrera beslut" not in page
        assert client_as(user).post(f"{url}beslut/", data).status_code == 403
        with pytest.raises(PermissionDenied):
            services.record_dispute_decision(user, case.pk, decided_on=dt.date(2024, 3, 5),
                                             reasoning="x", cost_bearer="region")  # fmt: skip
    page = client_as(people.kommun_mas).get(url).content.decode()
    assert "Registrera beslut" in page
    assert '<option value="" selected>Välj enligt beslutet</option>' in page
    assert '<option value="region" selected' not in page
    response = client_as(people.kommun_mas).post(f"{url}beslut/", {**data, "cost_bearer": ""})
    assert response.status_code == 422
    assert "Välj vem som bär kostnaden enligt beslutet." in response.content.decode()
    case.refresh_from_db()
    assert case.status == DisputeStatus.OPEN
    # A manager may be granted the decision explicitly.
    chef = make_staff(Role.NURSE, orgs.ostersund, "enhetschef.ostersund")
    chef.user_permissions.add(Permission.objects.get(codename="decide_dispute"))
    chef = type(chef).objects.get(pk=chef.pk)
    assert disputes.may_decide(chef, case)
    assert client_as(people.kommun_mas).post(f"{url}beslut/", data).status_code == 302
    case.refresh_from_db()
    assert case.status == DisputeStatus.RESOLVED and case.cost_bearer == "region"


def test_api_refuses_a_decision_without_cost_bearer_and_from_a_nurse(people, orgs, api_client):
    case = open_case(people.kommun_nurse, orgs)
    url = f"/api/deviations/disputes/{case.pk}/decision"
    body = {"decided_on": "2024-03-05", "reasoning": "Överens.", "cost_bearer": "region"}
    assert (
        api_client(people.kommun_nurse).post(url, body, content_type="application/json").status_code
        == 403
    )
    response = api_client(people.region_chief).post(
        url, {**body, "cost_bearer": ""}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "cost_bearer"
