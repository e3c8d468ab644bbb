"""The per-stay payment view (`discharge.payment_view`) follows the invoice runs: a month's
days are "not in a run yet", then held with the run's own reason, or invoiced with the
invoice's number; what both parties' ekonom read is the invoice's reference (issue 16)."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan.discharge import invoicing, payment_view
from samverkan.purchases import services
from tests.purchases.test_discharge_invoicing import MARCH, _run, _stay, march, w  # noqa: F401

pytestmark = pytest.mark.django_db


def _months(user, stay):
    return {m.month: m for m in payment_view.stay_payment(user, stay, dt.date(2022, 4, 30)).months}


def test_a_month_is_shown_as_invoiced_with_the_invoice_number(w, march):  # noqa: F811
    stay = march["discharged"]
    assert _months(w.assessor, stay)[MARCH].state == "not_run"
    (invoice,) = [i for i in _run(w, MARCH).created if i.agreement == "lag-2017-612"]
    for user in (w.assessor, w.ward_nurse, w.ekonom, w.ekonom_region):
        month = _months(user, stay)[MARCH]
        assert month.state == "invoiced", user
        assert month.invoice_numbers == (invoice.number,)
        assert invoice.number in month.text
    # The ekonom's person is the invoice's pseudonymous reference.
    view = payment_view.stay_payment(w.ekonom, stay, dt.date(2022, 4, 30))
    assert view.person.startswith("P-") and "Sigrid" not in view.person


def test_a_held_month_says_why_in_the_runs_own_words(w):  # noqa: F811
    # December 2021: 8 500 kr is not confirmed against the föreskrift; the run holds the days.
    stay = _stay(
        w, w.new_person(), dt.datetime(2021, 12, 20, 9, tzinfo=dt.UTC),
        ready=dt.datetime(2021, 12, 27, 9, tzinfo=dt.UTC),
        end=dt.datetime(2022, 1, 5, 9, tzinfo=dt.UTC),
    )  # fmt: skip
    dec = dt.date(2021, 12, 1)
    services.preview_run(
        w.ekonom_region, seller=w.orgs.region_jh, buyer=w.orgs.ostersund, month=dec
    )
    month = _months(w.assessor, stay)[dec]
    assert month.state == "held" and month.text == invoicing.HOLD_UNVERIFIED
    assert _months(w.assessor, stay)[dt.date(2022, 1, 1)].state == "not_run"


def test_a_dispute_from_the_page_holds_the_days_in_the_run(w, march, client_as):  # noqa: F811
    stay = march["died"]
    response = client_as(w.assessor).post(
        f"/utskrivning/{stay.pk}/betalning/bestrid/",
        {"reason": "Meddelandet om utskrivningsklar kom inte fram.", "confirm": "on"},
    )
    assert response.status_code == 302
    preview = services.preview_run(
        w.ekonom_region, seller=w.orgs.region_jh, buyer=w.orgs.ostersund, month=MARCH
    )
    assert {g.label: g.records for g in preview.excluded}[invoicing.HOLD_DISPUTE] == 1
    assert _months(w.ekonom_region, stay)[MARCH].state == "disputed"


def test_a_credited_month_then_invoiced_again(w, march):  # noqa: F811
    stay = march["discharged"]
    (invoice,) = [i for i in _run(w, MARCH).created if i.agreement == "lag-2017-612"]
    services.credit_invoice(
        w.ekonom_region, invoice, reason="Fel utskrivningsdatum", today=dt.date(2026, 12, 2)
    )
    after_credit = _months(w.assessor, stay)[MARCH]
    # The credit note leaves draft copies of the days, to invoice again.
    assert after_credit.state == "credited" and after_credit.invoice_numbers == ()
    assert after_credit.text == payment_view.STATE_TEXT["credited"]
    (again,) = [i for i in _run(w, MARCH).created if i.agreement == "lag-2017-612"]
    month = _months(w.assessor, stay)[MARCH]
    assert month.state == "invoiced" and month.invoice_numbers == (again.number,)
