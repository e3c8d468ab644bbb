"""A dispute about a stay's payment days that names a month holds (open) or excludes (decided:
the region bears the days) only that month's days; a dispute naming no month covers the whole
stay (issue 16: a month-naming dispute held every month of the stay). The invoice source's two
paths (stay by stay and the batch) agree, and the payment view and the month list say that
only the named month is disputed.

The stay: utskrivningsklar 21 March 2022 (notice the same day) -> paid from 24 March,
discharged 5 April: 8 days in March and 4 in April at 9 300 kr (2022, confirmed)."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan.deviations import disputes
from samverkan.discharge import invoicing, payment_view
from samverkan.purchases import services
from samverkan.purchases.bases import DISCHARGE_AGREEMENT, PAYMENT_RESPONSIBILITY
from samverkan.purchases.models import InvoiceRun, RecordStatus, RunKind, ServiceRecord
from tests.purchases.test_discharge_invoicing import MARCH, _clock, _day, _run, _stay, w  # noqa: F401

pytestmark = pytest.mark.django_db

APRIL = dt.date(2022, 4, 1)
PER_DAY_ORE = 930_000


@pytest.fixture
def stay(w):  # noqa: F811
    return _stay(
        w, w.new_person(), _day(2022, 3, 20), ready=_day(2022, 3, 21), end=_day(2022, 4, 5)
    )


def _sources(w, month):  # noqa: F811
    """The month's items of both paths, checked to agree."""
    batch = invoicing.discharge_source(w.orgs.region_jh, w.orgs.ostersund, month)
    single = invoicing.discharge_source_per_stay(w.orgs.region_jh, w.orgs.ostersund, month)
    assert batch.items == single.items and batch.excluded == single.excluded, month
    return batch


def _of(result, stay):
    return [i for i in result.items if i.key.startswith(f"{stay.pk}-")]


def _dispute(w, stay, month=None):  # noqa: F811
    return invoicing.dispute_payment_days(
        w.assessor,
        stay,
        question="Meddelandet om utskrivningsklar kom inte fram.",
        acting_note="Vård ges.",
        month=month,
    )


def _decide(w, dispute, bearer):  # noqa: F811
    disputes.record_dispute_decision(
        w.chief,
        dispute.pk,
        decided_on=dt.date(2022, 4, 20),
        decided_by="Närmsta chefer",
        reasoning="Utrett.",
        cost_bearer=bearer,
    )


def test_an_open_dispute_naming_a_month_holds_only_that_month(w, stay):  # noqa: F811
    dispute = _dispute(w, stay, APRIL)
    (march_item,) = _of(_sources(w, MARCH), stay)
    assert (march_item.status, march_item.hold, march_item.approvable) == ("approved", "", True)
    assert march_item.dispute_ref == "" and march_item.minutes == 8 * 1440
    (april_item,) = _of(_sources(w, APRIL), stay)
    assert (april_item.status, april_item.hold, april_item.approvable) == (
        "draft",
        invoicing.HOLD_DISPUTE,
        False,
    )
    assert april_item.dispute_ref == f"tvist-{dispute.pk}" and april_item.minutes == 4 * 1440
    # March is invoiced as usual; April's days wait for the decision.
    (invoice,) = [i for i in _run(w, MARCH).created if i.agreement == DISCHARGE_AGREEMENT]
    assert invoice.line_total_ore == 8 * PER_DAY_ORE
    preview = services.preview_run(
        w.ekonom_region, seller=w.orgs.region_jh, buyer=w.orgs.ostersund, month=APRIL
    )
    assert {g.label: g.records for g in preview.excluded} == {invoicing.HOLD_DISPUTE: 1}


def test_the_region_bearing_a_months_days_excludes_only_that_month(w, stay):  # noqa: F811
    _decide(w, _dispute(w, stay, APRIL), "region")
    (march_item,) = _of(_sources(w, MARCH), stay)
    assert march_item.status == "approved" and march_item.hold == ""
    april = _sources(w, APRIL)
    assert _of(april, stay) == []
    assert april.excluded == [(invoicing.EXCLUDED_REGION_BEARS, 1)]
    (invoice,) = [i for i in _run(w, MARCH).created if i.agreement == DISCHARGE_AGREEMENT]
    assert invoice.line_total_ore == 8 * PER_DAY_ORE
    assert _run(w, APRIL).status == "nothing"


def test_a_dispute_naming_no_month_holds_and_excludes_the_whole_stay(w, stay):  # noqa: F811
    dispute = _dispute(w, stay)
    for month in (MARCH, APRIL):
        (item,) = _of(_sources(w, month), stay)
        assert item.hold == invoicing.HOLD_DISPUTE and item.status == "draft", month
    _decide(w, dispute, "region")
    for month in (MARCH, APRIL):
        result = _sources(w, month)
        assert _of(result, stay) == [], month
        assert result.excluded == [(invoicing.EXCLUDED_REGION_BEARS, 1)], month


def test_a_later_dispute_on_another_month_keeps_the_decided_one(w, stay):  # noqa: F811
    """The region bears March (decided); a later dispute about April holds April only."""
    _decide(w, _dispute(w, stay, MARCH), "region")
    later = _dispute(w, stay, APRIL)
    assert _of(_sources(w, MARCH), stay) == []
    (april_item,) = _of(_sources(w, APRIL), stay)
    assert april_item.hold == invoicing.HOLD_DISPUTE
    assert april_item.dispute_ref == f"tvist-{later.pk}"
    # Still one open dispute per stay, whichever month it names.
    with pytest.raises(invoicing.PaymentDisputeError) as caught:
        _dispute(w, stay, MARCH)
    assert caught.value.code == "dispute_open"


def test_the_payment_view_and_month_list_say_only_the_named_month_is_disputed(w, stay):  # noqa: F811
    _dispute(w, stay, APRIL)
    view = payment_view.stay_payment(w.assessor, stay, dt.date(2022, 4, 30))
    states = {m.month: m.state for m in view.months}
    assert states == {MARCH: "not_run", APRIL: "disputed"}
    assert view.open_dispute and view.open_dispute_month == APRIL
    assert {r.stay.pk: r.disputed for r in payment_view.month_rows(w.assessor, MARCH)} == {
        stay.pk: False
    }
    assert {r.stay.pk: r.disputed for r in payment_view.month_rows(w.assessor, APRIL)} == {
        stay.pk: True
    }
    assert [r.dispute for r in invoicing.month_payment(w.assessor, MARCH).rows] == [""]
    assert [r.dispute for r in invoicing.month_payment(w.assessor, APRIL).rows] == ["open"]


def test_the_page_and_api_name_the_disputed_month(w, stay, client_as, api_client):  # noqa: F811
    _dispute(w, stay, APRIL)
    with_month = client_as(w.assessor).get(f"/utskrivning/{stay.pk}/betalning/").text
    assert "Dagarna i april 2022 är bestridda" in with_month
    assert "Dagarna är bestridda" not in with_month
    api = api_client(w.assessor).get(f"/api/discharge/stays/{stay.pk}/payment").json()
    assert api["open_dispute"] is True and api["open_dispute_month"] == "2022-04-01"
    assert [(m["month"], m["state"]) for m in api["months"]] == [
        ("2022-03-01", "not_run"),
        ("2022-04-01", "disputed"),
    ]


def test_a_decision_settles_only_the_named_month(w, stay):  # noqa: F811
    """March invoiced and locked while April's days are held: the decision that the kommun
    bears April's days approves them and reopens no March correction."""
    dispute = _dispute(w, stay, APRIL)
    (invoice,) = [i for i in _run(w, MARCH).created if i.agreement == DISCHARGE_AGREEMENT]
    assert invoice.line_total_ore == 8 * PER_DAY_ORE
    services.preview_run(
        w.ekonom_region, seller=w.orgs.region_jh, buyer=w.orgs.ostersund, month=APRIL
    )
    held = ServiceRecord.objects.get(payment=PAYMENT_RESPONSIBILITY, status=RecordStatus.DRAFT)
    assert held.service_date >= APRIL and held.dispute_ref == f"tvist-{dispute.pk}"
    _decide(w, dispute, "municipality")
    assert not InvoiceRun.objects.filter(kind=RunKind.CORRECTION).exists()
    ready = ServiceRecord.objects.get(
        payment=PAYMENT_RESPONSIBILITY, status=RecordStatus.APPROVED, invoice__isnull=True
    )
    assert ready.service_date >= APRIL and ready.minutes == 4 * 1440
    (april_invoice,) = [i for i in _run(w, APRIL).created if i.agreement == DISCHARGE_AGREEMENT]
    assert april_invoice.line_total_ore == 4 * PER_DAY_ORE
    assert _run(w, MARCH).status == "already_done"
