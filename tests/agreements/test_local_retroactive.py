"""Issue 14: registering a local agreement with an ``agreed_on`` already past runs the same
retroactive check the adoption of a revision from a past date runs
(``agreements.revisions.use_retroactive``, ``followup.revision_glue``): a recorded decision of
its kommun that it changes is flagged with the difference, the issued invoices are checked and
none is changed; nothing is re-written."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from samverkan.accounts.models import Role
from samverkan.agreements import services
from samverkan.agreements.models import LocalAgreement
from samverkan.rules import decide
from tests.baselines import JH_NIGHT_SPECIALIST_NEED, ROUTING_DEFAULT, ROUTING_LOCAL

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat
DEFAULT = ROUTING_DEFAULT
LOCAL = ROUTING_LOCAL
NIGHT_NEED = JH_NIGHT_SPECIALIST_NEED


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def decided(make_staff, orgs, person):
    """decided(day, kommun) -> an intervention with its recorded decision (the default)."""
    from samverkan.people.models import Intervention, ResponsibilityDecision

    nurse = make_staff(Role.NURSE, orgs.ostersund)

    def make(day: str, municipality: str = "2380"):
        intervention = Intervention.objects.create(
            person=person, kind="nursing", start=dt.date(2026, 1, 1),
            performing_organisation=orgs.ostersund, created_by=nurse,
        )  # fmt: skip
        facts = dict(NIGHT_NEED | {"date": day, "municipality": municipality})
        decision = decide(facts)
        assert DEFAULT in decision.actions
        ResponsibilityDecision.objects.create(
            intervention=intervention, facts_used=facts, outcome=decision.outcome,
            actions=decision.actions, agreement_version="jh-primarvard-kommun@2017-03-21",
        )  # fmt: skip
        return intervention

    return make


@pytest.fixture
def invoices(monkeypatch):
    """The purchases selector's rows (its SQL is a plain filter, tested in tests/purchases):
    two records of Östersund on one issued invoice, one of Krokom on another; what it was
    asked for is kept."""
    from samverkan.purchases import selectors as purchases_selectors

    asked = []
    facts = {k: v for k, v in NIGHT_NEED.items() if k not in ("date", "time")}
    snapshot = {
        "facts": facts,
        "outcome": decide(NIGHT_NEED | {"date": "2026-10-01"}).outcome,
        "actions": decide(NIGHT_NEED | {"date": "2026-10-01"}).actions,
    }
    rows = [
        ("JH-1", dt.date(2026, 10, 1), "22:00", snapshot),
        ("JH-1", dt.date(2026, 10, 2), "22:00", snapshot),
        ("JH-2", dt.date(2026, 10, 3), "22:00", snapshot | {"facts": facts | {"municipality": "2309"}}),
    ]  # fmt: skip

    def since(agreement, day):
        asked.append((agreement, day))
        return rows

    monkeypatch.setattr(purchases_selectors, "invoiced_records_since", since)
    return asked


def _register(forum, orgs, agreed_on: str) -> LocalAgreement:
    return services.register_local_agreement(
        forum,
        point="specialist_care_routing",
        municipality=orgs.ostersund,
        title="Specialistpsykiatrins nattkontakt med hemsjukvården",
        document_ref="Dnr RS/2026:41",
        agreed_on=D(agreed_on),
    )


def test_a_past_agreed_on_flags_the_decisions_it_changes(people, orgs, decided, invoices):
    after, before, krokom = (
        decided("2026-10-01"),
        decided("2026-08-01"),
        decided("2026-10-01", "2309"),
    )
    local = _register(people.forum, orgs, "2026-09-01")
    found = LocalAgreement.objects.get(pk=local.pk).retroactive["2380"]
    assert [d["intervention"] for d in found["decisions"]] == [after.pk]
    flagged = found["decisions"][0]
    assert flagged["difference"] == {"actions": [[DEFAULT], [LOCAL]]}
    assert flagged["version_before"] == "jh-primarvard-kommun@2017-03-21"
    assert flagged["version_after"] == f"2017-03-21+lokal-{local.pk}"
    assert before.pk not in [d["intervention"] for d in found["decisions"]]
    assert krokom.pk not in [d["intervention"] for d in found["decisions"]]
    # The issued invoices of the annex from the day agreed are checked; the local agreement
    # changes the next step, not the payment, so none is to be credited; none is changed.
    assert invoices == [("jh-primarvard-kommun", D("2026-09-01"))]
    assert found["invoices"] == []
    assert after.decisions.count() == before.decisions.count() == 1  # nothing re-written


def test_a_future_or_todays_agreed_on_runs_no_check(people, orgs, decided, invoices):
    decided("2026-12-10")
    local = _register(people.forum, orgs, "2026-12-02")
    assert LocalAgreement.objects.get(pk=local.pk).retroactive == {}
    assert invoices == []


def test_the_local_page_shows_the_flagged_difference(people, orgs, decided, invoices, client_as):
    decided("2026-10-01")
    _register(people.forum, orgs, "2026-09-01")
    page = client_as(people.forum).get("/avvikelser/lokala/").content.decode()
    assert "Retroaktiv verkan: Specialistpsykiatrins nattkontakt med hemsjukvården" in page
    assert "1 beslut markerade för omprövning" in page
    assert "Att göra: " in page and " → " in page
    assert DEFAULT not in page and LOCAL not in page  # the actions in words
