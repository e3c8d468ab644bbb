"""One person, one truth: an egenvård assessment reaches the money.

Assessment (nursing assessed as egenvård) -> intervention decision -> service record ->
invoice line. The person page and the service record read the same facts (one assembler,
`samverkan.people.selectors`), so the record is decided `self_care` and no tjänsteköp is
invoiced for it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan.people import selectors
from samverkan.people import services as people
from samverkan.purchases import services as purchases
from samverkan.purchases.models import DecisionSnapshot, InvoiceLine
from tests.baselines import JH_INTERVENTION, JH_PERSON

pytestmark = pytest.mark.django_db
MARCH = dt.date(2026, 3, 1)
# A person whom the region is responsible for (personal assistance, LSS); the region buys
# the nursing from the kommun (tjänsteköp) unless the measure is egenvård.
LSS_PERSON = dict(JH_PERSON) | {"personal_assistance_lss": True, "adl_needs_over_time": ["eating"]}


def _with_facts(tk, person):
    for name, value in LSS_PERSON.items():
        people.set_fact(tk.nurse, person, name, value, valid_from=dt.date(2017, 1, 1))
    return people.create_intervention(
        tk.nurse,
        person,
        kind="nursing",
        start=MARCH,
        facts=dict(JH_INTERVENTION) | {"service_purchase_requested": True},
    )


def _assess_self_care(tk, person):
    return people.create_assessment(
        tk.nurse,
        person,
        intervention_kind="nursing",
        measure="Sondmatning",
        result="self_care",
        review_date=dt.date(2026, 9, 1),
        performed_by_person_or_others="Personliga assistenter",
    )


def test_one_assembler_gives_the_assessment_to_every_room(tk) -> None:
    intervention = _with_facts(tk, tk.p1)
    _assess_self_care(tk, tk.p1)
    on_page = selectors.facts_for_decision(intervention, on=dt.date(2026, 3, 10))
    rows = selectors.fact_rows_of([tk.p1.pk])[tk.p1.pk]
    assessed = selectors.assessments_of([tk.p1.pk])[tk.p1.pk]
    for_record = purchases_facts = selectors.facts_from_rows(
        rows, tk.p1.birth_date, dt.date(2026, 3, 10), assessments=assessed, intervention="nursing"
    )
    assert on_page["self_care_assessment"] == for_record["self_care_assessment"] == "self_care"
    shared = set(on_page) & set(purchases_facts)
    assert {k: on_page[k] for k in shared} == {k: for_record[k] for k in shared}


def test_egenvard_assessed_care_is_not_invoiced_as_service_purchase(tk, register) -> None:
    intervention = _with_facts(tk, tk.p1)
    first = people.decide_intervention(tk.nurse, intervention)
    assert first.outcome["health_care_responsibility"] == "region"
    _assess_self_care(tk, tk.p1)
    decision = people.decide_intervention(tk.nurse, intervention)
    assert decision.outcome["health_care_responsibility"] == "self_care"  # the person page

    # A second person, not assessed: the control that tjänsteköp is invoiced at all.
    _with_facts(tk, tk.p2)
    assessed = register(tk.nurse, tk.p1, dt.date(2026, 3, 10), "10:00", "11:00",
                        approve_by=tk.ekonom)  # fmt: skip
    control = register(tk.nurse, tk.p2, dt.date(2026, 3, 11), "10:00", "11:00",
                       approve_by=tk.ekonom)  # fmt: skip
    (record,) = assessed
    snapshot = DecisionSnapshot.objects.get(pk=record.decision_id).data
    assert snapshot["facts"]["self_care_assessment"] == "self_care"
    assert snapshot["outcome"]["health_care_responsibility"] == "self_care"
    assert record.payment == "none"
    assert [r.payment for r in control] == ["service_purchase"]

    purchases.run_invoices(
        tk.ekonom, seller=tk.orgs.ostersund, buyer=tk.orgs.region_jh, month=MARCH,
        today=dt.date(2026, 4, 2),
    )  # fmt: skip
    assert InvoiceLine.objects.filter(person=tk.p2).exists()
    assert not InvoiceLine.objects.filter(person=tk.p1).exists()
