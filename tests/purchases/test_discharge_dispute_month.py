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
from samverkan.discharge.models import StayDispute
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
    # April's days are disputed already: not a second time while that dispute is open.
    with pytest.raises(invoicing.PaymentDisputeError) as caught:
        _dispute(w, stay, APRIL)
    assert (caught.value.code, caught.value.field, caught.value.status) == (
        "dispute_open",
        "month",
        409,
    )
    assert "dagarna i april 2022" in caught.value.message


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
    assert "de andra månaderna faktureras som vanligt" in with_month  # March is not disputed
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


# --- more than one month disputed at once --------------------------------------------------


FEBRUARY = dt.date(2022, 2, 1)


def test_a_second_month_is_disputed_while_the_first_is_open(w, stay, client_as, api_client):  # noqa: F811
    """The kommun disputes April's days, and while that dispute is open also March's (a
    second question, e.g. the notice day): each holds its own month, the page and the API
    name both, and nothing is left to dispute."""
    april = _dispute(w, stay, APRIL)
    march = _dispute(w, stay, MARCH)
    (march_item,) = _of(_sources(w, MARCH), stay)
    (april_item,) = _of(_sources(w, APRIL), stay)
    assert (march_item.hold, march_item.dispute_ref) == (
        invoicing.HOLD_DISPUTE,
        f"tvist-{march.pk}",
    )
    assert (april_item.hold, april_item.dispute_ref) == (
        invoicing.HOLD_DISPUTE,
        f"tvist-{april.pk}",
    )
    view = payment_view.stay_payment(w.assessor, stay, dt.date(2022, 4, 30))
    assert view.open_dispute_months == (MARCH, APRIL)
    assert [m.state for m in view.months] == ["disputed", "disputed"]
    assert not view.may_dispute and payment_view.dispute_months(view) == []
    page = client_as(w.assessor).get(f"/utskrivning/{stay.pk}/betalning/").text
    assert "Dagarna i mars 2022 och april 2022 är bestridda" in page
    assert "de andra månaderna faktureras som vanligt" not in page  # there are none
    assert "Bestrid dagarna i" not in page and "Bestrid betalningsdagarna</a>" not in page
    api = api_client(w.assessor).get(f"/api/discharge/stays/{stay.pk}/payment").json()
    assert api["open_dispute_months"] == ["2022-03-01", "2022-04-01"]
    assert api["open_dispute_month"] == "2022-03-01" and api["may_dispute"] is False
    again = api_client(w.assessor).post(
        f"/api/discharge/stays/{stay.pk}/payment-disputes",
        {"reason": "Igen", "confirm": True, "month": "2022-04-15"},
        content_type="application/json",
    )
    assert again.status_code == 409
    (error,) = again.json()["detail"]
    assert (error["field"], error["code"]) == ("month", "dispute_open")


def test_open_disputes_never_cover_the_same_days(w, stay):  # noqa: F811
    """A month while the whole stay is disputed, the whole stay while a month is: refused,
    nothing saved."""
    whole = _dispute(w, stay)
    for month in (MARCH, APRIL, None):
        with pytest.raises(invoicing.PaymentDisputeError) as caught:
            _dispute(w, stay, month)
        assert (caught.value.code, caught.value.status) == ("dispute_open", 409), month
        assert "alla betalningsdagar" in caught.value.message
    _decide(w, whole, "municipality")
    _dispute(w, stay, APRIL)
    with pytest.raises(invoicing.PaymentDisputeError) as caught:
        _dispute(w, stay, None)
    assert (caught.value.code, caught.value.field) == ("dispute_open", "question")
    assert "Hela vårdtillfället kan bestridas först när den är avgjord" in caught.value.message
    assert StayDispute.objects.filter(stay=stay).count() == 2


def test_the_service_refuses_a_month_without_paid_days(w, stay):  # noqa: F811
    """February has no paid day of the stay (utskrivningsklar 21 March): refused by name,
    whoever calls the service, nothing saved."""
    for month in (FEBRUARY, dt.date(2022, 5, 1)):
        with pytest.raises(invoicing.PaymentDisputeError) as caught:
            _dispute(w, stay, month)
        assert (caught.value.field, caught.value.code) == ("month", "invalid_month"), month
    assert not StayDispute.objects.exists()
    assert invoicing.paid_months(stay) == [MARCH, APRIL]


def test_deciding_one_month_keeps_the_other_month_held(w, stay):  # noqa: F811
    """March and April disputed; the decision on April (the kommun bears the days) approves
    April's days only: March's stay held by its own open dispute."""
    march, april = _dispute(w, stay, MARCH), _dispute(w, stay, APRIL)
    for month in (MARCH, APRIL):
        services.preview_run(
            w.ekonom_region, seller=w.orgs.region_jh, buyer=w.orgs.ostersund, month=month
        )
    _decide(w, april, "municipality")
    records = {
        (r.service_date < APRIL, r.status, r.dispute_ref)
        for r in ServiceRecord.objects.filter(payment=PAYMENT_RESPONSIBILITY).exclude(
            status=RecordStatus.WITHDRAWN
        )
    }
    assert records == {
        (True, RecordStatus.DRAFT, f"tvist-{march.pk}"),
        (False, RecordStatus.APPROVED, ""),
    }
    (april_invoice,) = [i for i in _run(w, APRIL).created if i.agreement == DISCHARGE_AGREEMENT]
    assert april_invoice.line_total_ore == 4 * PER_DAY_ORE
    assert [i for i in _run(w, MARCH).created if i.agreement == DISCHARGE_AGREEMENT] == []


def test_the_form_offers_only_the_months_not_yet_disputed(w, stay, client_as):  # noqa: F811
    _dispute(w, stay, APRIL)
    client = client_as(w.assessor)
    page = client.get(f"/utskrivning/{stay.pk}/betalning/").text
    url = f"/utskrivning/{stay.pk}/betalning/bestrid/"
    assert f"{url}?manad=2022-03" in page and f"{url}?manad=2022-04" not in page
    form = client.get(url).text
    assert '<option value="2022-03"' in form and '<option value="2022-04"' not in form
    assert "Hela vårdtillfället" not in form
    assert "Dagarna i april 2022 är bestridda i en pågående tvist" in form
    # Posting April anyway: refused by name, nothing saved.
    again = client.post(url, {"reason": "Igen", "confirm": "on", "month": "2022-04"})
    assert again.status_code == 200
    assert "Det finns redan en pågående tvist om dagarna i april 2022." in again.text
    done = client.post(url, {"reason": "Fel dag i mars", "confirm": "on", "month": "2022-03"})
    assert done.status_code == 302
    assert StayDispute.objects.filter(stay=stay, dispute__status="open").count() == 2
    assert client.get(url).status_code == 302  # nothing left to dispute
