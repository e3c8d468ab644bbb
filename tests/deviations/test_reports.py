"""The yearly report's query services: disputes and outcomes, local agreements, coverage."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from samverkan.deviations import reports, services

pytestmark = pytest.mark.django_db


def test_disputes_and_outcomes(people, orgs):
    year = timezone.localdate().year
    case = services.open_dispute(
        people.kommun_nurse, counterparty=orgs.region_jh, question="Q", agreement="jh-primarvard-kommun",
        acting_organisation=orgs.ostersund, acting_note="Kommunen fortsätter.",
    )  # fmt: skip
    services.add_cost(people.kommun_nurse, case.pk, description="K", amount="100",
                      incurred_on=timezone.localdate(), paid_by=orgs.ostersund)  # fmt: skip
    services.record_dispute_decision(people.region_chief, case.pk, decided_on=timezone.localdate(),
                                     reasoning="Överens.", cost_bearer="shared_equally")  # fmt: skip
    other = services.open_dispute(
        people.kommun_nurse, counterparty=orgs.region_jh, question="P", agreement="jh-psykisk",
        acting_organisation=orgs.region_jh, acting_note="Regionen fortsätter.",
    )  # fmt: skip
    rows = services.disputes_and_outcomes("jh-hemsjukvard", year)  # includes its Bilaga 2
    assert [(r.id, r.status, r.cost_bearer, r.step_kind) for r in rows] == [
        (case.pk, "resolved", "shared_equally", "managers")
    ]
    assert (
        rows[0].disputed_amount == Decimal("100.00")
        and rows[0].step == "närmaste chef (huvudavtalet §8)"
    )
    psyk = services.disputes_and_outcomes("jh-psykisk", year)
    assert [r.id for r in psyk] == [other.pk] and psyk[0].status == "open"
    assert reports.dispute_summary(rows) == {
        "total": 1, "status:resolved": 1, "basis:disagreement": 1, "step:managers": 1,
        "cost_bearer:shared_equally": 1,
    }  # fmt: skip
    assert services.disputes_and_outcomes("jh-hemsjukvard", year - 1) == []
