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
from tests.baselines import JH_CASE

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat
DEFAULT = "route_via_primary_care_physician_on_call"
LOCAL = "follow_local_agreement_specialist_care"
NIGHT_NEED = JH_CASE | {
    "time": "22:00",
    "adl_needs_over_time": ["hygiene"],
    "specialist_care_needed": True,
}


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
