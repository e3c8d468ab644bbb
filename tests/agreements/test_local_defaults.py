"""Issue 14: a local agreement recorded at Bilaga 2's "om annat ej överenskommits" (point
``specialist_care_routing``) sets the default aside for its kommun from the day agreed: every
decision (engine door, API) answers by it and cites it; before it, or in another kommun, the
default holds and the answer says a local agreement may say otherwise."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan.agreements import services
from samverkan.agreements.local_points import POINTS_BY_KEY
from samverkan.rules import decide
from samverkan.rules.clauses.library import passage
from tests.baselines import JH_NIGHT_SPECIALIST_NEED, ROUTING_DEFAULT, ROUTING_LOCAL

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat
DEFAULT = ROUTING_DEFAULT
LOCAL = ROUTING_LOCAL
NIGHT_NEED = JH_NIGHT_SPECIALIST_NEED


def _case(day: str, kommun: str = "2380") -> dict:
    return dict(NIGHT_NEED | {"date": day, "municipality": kommun})


def test_the_point_is_the_annexs_own_words():
    point = POINTS_BY_KEY["specialist_care_routing"]
    assert point.clause == "jh-primarvard-kommun Tjänstgöring kvällar och nätter 17.00–08.00"
    assert point.anchor in passage(point.clause, point.anchor)
    assert point.citation.text.endswith("enligt överenskommelse mellan specialistvård och kommun.")


def test_a_recorded_local_agreement_governs_its_kommun_from_the_day_agreed(people, orgs):
    assert DEFAULT in decide(_case("2026-03-01")).actions
    local = services.register_local_agreement(
        people.forum,
        point="specialist_care_routing",
        municipality=orgs.ostersund,
        title="Specialistpsykiatrins nattkontakt med hemsjukvården",
        document_ref="Dnr RS/2026:41",
        agreed_on=D("2026-01-15"),
        valid_to=D("2026-12-31"),
    )
    decision = decide(_case("2026-03-01"))
    assert LOCAL in decision.actions and DEFAULT not in decision.actions
    (reason,) = [r for r in decision.reasons if r.action == LOCAL]
    assert "Specialistpsykiatrins nattkontakt med hemsjukvården (Dnr RS/2026:41)" in reason.text
    versions = {a["id"]: a["version"] for a in decision.as_dict()["agreements"]}
    assert versions["jh-primarvard-kommun"] == f"2017-03-21+lokal-{local.pk}"
    for other in (_case("2026-01-14"), _case("2027-01-01"), _case("2026-03-01", "2309")):
        assert DEFAULT in decide(other).actions, other


def test_the_api_answer_says_a_local_agreement_may_differ_then_cites_it(people, orgs, api_client):
    api = api_client(people.kommun_nurse)
    body = api.post("/api/decisions", _case("2026-03-01"), content_type="application/json")
    assert body.status_code == 200, body.content[:300]
    (reason,) = [r for r in body.json()["reasons"] if r.get("action") == DEFAULT]
    assert reason["local_note"].startswith(
        "En lokal överenskommelse mellan specialistvården och kommunen kan ange annat"
    )
    services.register_local_agreement(
        people.forum,
        point="specialist_care_routing",
        municipality=orgs.ostersund,
        title="Nattkontakt",
        agreed_on=D("2026-01-15"),
    )
    body = api.post("/api/decisions", _case("2026-03-01"), content_type="application/json")
    (reason,) = [r for r in body.json()["reasons"] if r.get("action") == LOCAL]
    assert reason["text"].startswith(
        "Enligt lokal överenskommelse mellan specialistvården och kommunen: Nattkontakt, "
        "överenskommen 2026-01-15."
    )
    assert reason.get("local_note") is None


def test_a_local_agreement_for_one_health_centre_follows_the_persons_listing(
    people, orgs, person, private_provider
):
    """Registered for Lillsjöns hälsocentral (a private provider acting for the region), it
    governs the kommun's persons listed there; the fact comes through the one fact assembler
    (`people.selectors.facts_for_decision`) from the person's recorded listing."""
    from samverkan.accounts.models import Unit
    from samverkan.people.models import Intervention
    from samverkan.people.selectors import facts_for_decision
    from samverkan.people.services import set_fact

    lillsjon = Unit.objects.get(organisation=private_provider, name="Lillsjöns hälsocentral")
    local = services.register_local_agreement(
        people.forum,
        point="specialist_care_routing",
        municipality=orgs.ostersund,
        health_centre=lillsjon,
        title="Nattkontakt Lillsjön",
        agreed_on=D("2026-01-15"),
    )
    intervention = Intervention.objects.create(
        person=person, kind="nursing", start=D("2026-03-01"),
        performing_organisation=orgs.ostersund, created_by=people.kommun_nurse,
    )  # fmt: skip
    stated = {k: v for k, v in NIGHT_NEED.items() if k not in ("region", "date", "intervention")}

    def decided():
        facts = facts_for_decision(intervention) | stated | {"municipality": "2380"}
        return facts, decide(facts)

    facts, unknown = decided()
    assert "listed_health_centre" not in facts
    assert LOCAL not in unknown.actions and "listed_health_centre" in unknown.missing_facts
    set_fact(people.kommun_nurse, person, "listed_health_centre", lillsjon.fact_code,
             valid_from=D("2026-01-01"))  # fmt: skip
    facts, listed = decided()
    assert facts["listed_health_centre"] == lillsjon.fact_code == f"enhet-{lillsjon.pk}"
    assert LOCAL in listed.actions and DEFAULT not in listed.actions
    (reason,) = [r for r in listed.reasons if r.action == LOCAL]
    assert "för personer listade vid Lillsjöns hälsocentral: Nattkontakt Lillsjön" in reason.text
    versions = {a["id"]: a["version"] for a in listed.as_dict()["agreements"]}
    assert versions["jh-primarvard-kommun"] == f"2017-03-21+lokal-{local.pk}"
    centrum = Unit.objects.get(name="Hälsocentral Centrum")
    set_fact(people.kommun_nurse, person, "listed_health_centre", centrum.fact_code,
             valid_from=D("2026-02-01"))  # fmt: skip
    _, elsewhere = decided()
    assert DEFAULT in elsewhere.actions and LOCAL not in elsewhere.actions


def test_the_listing_is_shown_by_the_health_centres_name(private_provider):
    from samverkan.accounts.models import Unit
    from samverkan.people.models import fact_value_display

    lillsjon = Unit.objects.get(organisation=private_provider)
    assert fact_value_display("listed_health_centre", lillsjon.fact_code) == (
        "Lillsjöns hälsocentral"
    )
    lillsjon.hsa_id = "SE2321000214-E1001"
    lillsjon.save()
    assert lillsjon.fact_code == "SE2321000214-E1001"
    assert fact_value_display("listed_health_centre", "SE2321000214-E1001") == (
        "Lillsjöns hälsocentral"
    )


def test_a_listing_at_an_unknown_health_centre_is_refused(people, person):
    from samverkan.people.services import PeopleError, set_fact

    with pytest.raises(PeopleError) as exc:
        set_fact(people.kommun_nurse, person, "listed_health_centre", "SE-okand")
    assert (exc.value.field, exc.value.code) == ("listed_health_centre", "unknown_health_centre")
