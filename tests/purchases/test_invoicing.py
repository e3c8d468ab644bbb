"""Invoice runs: lines and attachment, idempotence, locked months, crash safety, corrections,
missing prices, the Gävleborg deadline, and the produced XML under both Peppol rule sets."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from samverkan.purchases import documents, invoicing, rates, services
from samverkan.purchases.models import (
    AttachmentRow,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    InvoicePerson,
    InvoiceRun,
    RecordStatus,
    ServiceRecord,
)
from samverkan.purchases.peppol_validation import fatal

pytestmark = pytest.mark.django_db
MARCH = dt.date(2026, 3, 1)
APRIL_2 = dt.date(2026, 4, 2)


@pytest.fixture
def march(tk, register):
    """Approved March services of Östersund for the region (and one evening, unpaid)."""
    r = []
    r += register(tk.nurse, tk.p1, dt.date(2026, 3, 10), "15:30", "18:15", approve_by=tk.ekonom)
    r += register(tk.nurse, tk.p1, dt.date(2026, 3, 12), "07:30", "09:00", approve_by=tk.ekonom)
    r += register(tk.nurse2, tk.p2, dt.date(2026, 3, 18), "10:00", "11:20", approve_by=tk.ekonom)
    r += register(tk.nurse, tk.p2, dt.date(2026, 3, 19), "13:07", "14:00", approve_by=tk.ekonom)
    return r


def run(tk, month=MARCH, today=APRIL_2, buyer=None, seller=None, user=None):
    return services.run_invoices(
        user or tk.ekonom,
        seller=seller or tk.orgs.ostersund,
        buyer=buyer or tk.orgs.region_jh,
        month=month,
        today=today,
    )


def test_a_run_makes_one_invoice_with_lines_per_person_and_an_attachment(tk, march) -> None:
    result = run(tk)
    assert result.status == "created"
    (invoice,) = result.created
    assert invoice.number == "2380-000001"
    # 30 days after 2 April is Saturday 2 May: the due date is the next banking day
    assert invoice.due_date == dt.date(2026, 5, 4)
    lines = list(InvoiceLine.objects.filter(invoice=invoice).order_by("position"))
    # p1: 90 + 60 day minutes; p2: 80 + 53. Evening and early-morning parts are not invoiced.
    assert sorted(line.minutes for line in lines) == [133, 150]
    assert [line.person_ref for line in lines] == ["P-0001", "P-0002"]
    for line in lines:
        assert line.unit_price_ore == 65000
        expected = (Decimal(line.minutes) * Decimal("650") / 60).quantize(Decimal("0.01"))
        assert line.amount == expected
        rows = AttachmentRow.objects.filter(invoice=invoice, position=line.position)
        assert sum(r.amount_ore for r in rows) == line.amount_ore
        assert sum(r.minutes for r in rows) == line.minutes
    assert invoice.record_count == 4
    assert invoice.line_total_ore == sum(line.amount_ore for line in lines)
    assert invoice.payable_ore % 100 == 0  # öresavrundning
    assert ServiceRecord.objects.filter(invoice=invoice, status=RecordStatus.INVOICED).count() == 4
    evenings = ServiceRecord.objects.filter(band="evening_night")
    assert evenings.count() == 2  # 17:00-18:15 on 10 March, 07:30-08:00 on 12 March
    assert all(r.invoice is None and r.status == RecordStatus.APPROVED for r in evenings)
    run_row = InvoiceRun.objects.get()
    assert run_row.locked and run_row.status == "done"


def test_running_twice_creates_nothing_new(tk, march) -> None:
    first = run(tk)
    second = run(tk)
    assert second.status == "already_done"
    assert second.created == []
    assert [i.pk for i in second.invoices] == [i.pk for i in first.created]
    assert Invoice.objects.count() == 1
    assert InvoiceCounter.objects.get(seller=tk.orgs.ostersund).last_number == 1


def test_a_closed_month_is_locked_for_new_services(tk, march, register) -> None:
    run(tk)
    with pytest.raises(services.InvalidService) as caught:
        register(tk.nurse, tk.p3, dt.date(2026, 3, 25), "09:00", "10:00")
    assert caught.value.problems[0].code == "month_locked"
    # Unpaid services (no buyer) and other months are not locked.
    register(tk.nurse, tk.p3, dt.date(2026, 3, 25), "18:00", "19:00")
    register(tk.nurse, tk.p3, dt.date(2026, 4, 1), "09:00", "10:00")


def test_nothing_to_invoice_writes_nothing(tk) -> None:
    result = run(tk)
    assert result.status == "nothing"
    assert not InvoiceRun.objects.exists()


def test_missing_price_refuses_with_the_list_of_what_is_missing(tk, register) -> None:
    register(
        tk.nurse,
        tk.p1,
        dt.date(2026, 3, 10),
        "09:00",
        "10:00",
        intervention="rehabilitation",
        approve_by=tk.ekonom,
    )
    register(tk.nurse, tk.p1, dt.date(2026, 3, 11), "09:00", "10:00", approve_by=tk.ekonom)
    with pytest.raises(services.InvoicingRefused) as caught:
        run(tk)
    (problem,) = caught.value.problems
    assert problem.code == "price_missing"
    assert "Rehabilitering" in problem.message and "dagtid 08–17" in problem.message
    assert "(1 insats)." in problem.message  # issue 13: not "1 insatser"
    assert not Invoice.objects.exists() and not InvoiceRun.objects.exists()
    assert not InvoiceCounter.objects.exists()
    assert ServiceRecord.objects.filter(status=RecordStatus.APPROVED).count() == 2


def test_missing_party_data_is_listed(tk, march) -> None:
    tk.orgs.region_jh.org_number = ""
    tk.orgs.region_jh.invoice_reference = ""
    tk.orgs.region_jh.save()
    with pytest.raises(services.InvoicingRefused) as caught:
        run(tk)
    codes = {p.code for p in caught.value.problems}
    assert codes == {"org_number_missing", "buyer_reference_missing"}


def test_only_the_sellers_ekonom_runs_invoices(tk, march) -> None:
    for user in (tk.nurse, tk.admin, tk.ekonom_region):
        with pytest.raises(services.NotAllowed):
            run(tk, user=user)
    assert not Invoice.objects.exists()


@pytest.mark.parametrize("point", ["after_claim", "after_lines", "after_ledger", "before_commit"])
def test_a_crash_mid_invoice_leaves_nothing_and_a_rerun_finishes(
    tk, march, monkeypatch, point
) -> None:
    def crash(name: str) -> None:
        if name == point:
            raise KeyboardInterrupt(f"kill -9 at {name}")

    monkeypatch.setattr(invoicing, "_checkpoint", crash)
    with pytest.raises(KeyboardInterrupt):
        run(tk)
    assert not Invoice.objects.exists()
    assert not InvoiceLine.objects.exists() and not AttachmentRow.objects.exists()
    assert not InvoicePerson.objects.exists()
    assert not ServiceRecord.objects.filter(invoice__isnull=False).exists()
    assert InvoiceCounter.objects.filter(last_number__gt=0).count() == 0
    interrupted = InvoiceRun.objects.get()
    assert interrupted.status == "running" and not interrupted.locked

    monkeypatch.setattr(invoicing, "_checkpoint", lambda name: None)
    result = run(tk)
    assert [i.number for i in result.created] == ["2380-000001"]
    assert InvoiceRun.objects.get().status == "done"
    assert InvoiceRun.objects.get().attempts == 2


def test_a_crash_between_two_invoices_keeps_the_first_and_numbers_stay_gapless(
    tk, march, monkeypatch
) -> None:
    services.open_disputed_cost(
        dispute_ref="AVV-1",
        creditor=tk.orgs.ostersund,
        debtor=tk.orgs.region_jh,
        amount=Decimal("1000.00"),
        description="Omläggningsmaterial",
        occurred_on=dt.date(2026, 3, 3),
        agreement="jh-psykisk",
    )
    calls = []

    def crash(name: str) -> None:
        calls.append(name)
        if name == "before_invoice" and calls.count("before_invoice") == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(invoicing, "_checkpoint", crash)
    with pytest.raises(KeyboardInterrupt):
        run(tk)
    assert list(Invoice.objects.values_list("number", flat=True)) == ["2380-000001"]
    monkeypatch.setattr(invoicing, "_checkpoint", lambda name: None)
    result = run(tk)
    assert [i.number for i in result.created] == ["2380-000002"]
    assert sorted(Invoice.objects.values_list("sequence_number", flat=True)) == [1, 2]
    ledger_invoice = Invoice.objects.get(agreement="jh-psykisk")
    (line,) = InvoiceLine.objects.filter(invoice=ledger_invoice)
    assert line.amount_ore == 50000  # half of the disputed 1000 kr


def test_credit_note_and_new_invoice_correct_a_closed_month(tk, march) -> None:
    (original,) = run(tk).created
    with pytest.raises(services.NotAllowed):
        services.credit_invoice(tk.nurse, original, reason="Fel")
    credit = services.credit_invoice(
        tk.ekonom, original, reason="Fel tid 12 mars", today=dt.date(2026, 4, 10)
    )
    assert credit.kind == "credit_note" and credit.credits_id == original.pk
    assert credit.number == "2380-000002"
    assert credit.payable_ore == original.payable_ore
    assert (
        InvoiceLine.objects.filter(invoice=credit).count()
        == InvoiceLine.objects.filter(invoice=original).count()
    )
    original.refresh_from_db()
    assert original.status == "credited"
    assert ServiceRecord.objects.filter(invoice=original, status=RecordStatus.CREDITED).count() == 4
    drafts = ServiceRecord.objects.filter(replaces__isnull=False, status=RecordStatus.DRAFT)
    assert drafts.count() == 4
    with pytest.raises(services.InvoicingRefused):
        services.credit_invoice(tk.ekonom, original, reason="Igen")

    # Fix: withdraw the 12 March service, approve the rest, run the month again.
    wrong = drafts.get(service_date=dt.date(2026, 3, 12))
    services.withdraw_record(tk.ekonom, wrong, reason="Fel tid")
    assert services.approve_records(tk.ekonom, month=MARCH) == 3
    result = run(tk, today=dt.date(2026, 4, 11))
    (new,) = result.created
    assert new.number == "2380-000003"
    assert new.record_count == 3
    assert new.run.kind == "correction"
    assert services.is_month_locked(tk.orgs.ostersund.pk, tk.orgs.region_jh.pk, MARCH)
    assert run(tk).status == "already_done"
    numbers = sorted(
        Invoice.objects.filter(seller=tk.orgs.ostersund).values_list("sequence_number", flat=True)
    )
    assert numbers == [1, 2, 3]


def test_gavleborg_hourly_share_and_the_25th_deadline(tk, register) -> None:
    nov = dt.date(2019, 11, 1)
    for day, start, end, person in (
        (dt.date(2019, 11, 4), "08:00", "16:30", tk.pg1),
        (dt.date(2019, 11, 5), "22:00", "23:45", tk.pg1),
        (dt.date(2019, 11, 7), "07:00", "19:20", tk.pg2),
    ):
        register(
            tk.nurse_gavle,
            person,
            day,
            start,
            end,
            basis="gvb-timersattning",
            approve_by=tk.ekonom_gavle,
        )
    on_time = services.run_invoices(
        tk.ekonom_gavle,
        seller=tk.orgs.gavle,
        buyer=tk.orgs.region_gvb,
        month=nov,
        today=dt.date(2019, 12, 2),
    )
    (invoice,) = on_time.created
    assert invoice.deadline == dt.date(2019, 12, 25)
    assert not invoice.late and not on_time.late
    assert invoice.buyer_reference == "KST 80904"
    assert invoice.buyer_party["city"] == "Söderhamn"
    assert invoice.buyer_party["address_lines"] == ["Ledning Hälso- och sjukvård"]
    per_person = {line.person_no: line for line in InvoiceLine.objects.filter(invoice=invoice)}
    minutes = sorted(line.minutes for line in per_person.values())
    assert minutes == [(8 * 60 + 30) + 105, 12 * 60 + 20]
    for line in per_person.values():
        assert line.amount == rates.hourly_share_50(int(line.minutes), 2019)
        assert line.unit_price_ore == 14990  # 299,80 / 2
    assert "299,80 kr/tim" in invoice.note


def test_a_late_gavleborg_run_is_flagged(tk, register) -> None:
    register(
        tk.nurse_gavle,
        tk.pg1,
        dt.date(2019, 11, 4),
        "09:00",
        "10:00",
        basis="gvb-timersattning",
        approve_by=tk.ekonom_gavle,
    )
    late = services.run_invoices(
        tk.ekonom_gavle,
        seller=tk.orgs.gavle,
        buyer=tk.orgs.region_gvb,
        month=dt.date(2019, 11, 1),
        today=dt.date(2019, 12, 27),
    )
    assert late.late and late.created[0].late
    assert any("Sen:" in m and "2019-12-25" in m for m in late.messages)
    assert InvoiceRun.objects.get().late


def test_unverified_rate_years_are_missing_prices(tk, register) -> None:
    # 2019 is the last year of the Gävleborg agreement; pretend a rate is unverified.
    row = rates.SCHABLONBELOPP[2019]
    original = rates.SCHABLONBELOPP
    try:
        rates.SCHABLONBELOPP = {
            **original,
            2019: rates.ScheduleRate(2019, row.amount, False, "test"),
        }
        register(
            tk.nurse_gavle,
            tk.pg1,
            dt.date(2019, 11, 4),
            "09:00",
            "10:00",
            basis="gvb-timersattning",
            approve_by=tk.ekonom_gavle,
        )
        with pytest.raises(services.InvoicingRefused, match="inte verifierat"):
            services.run_invoices(
                tk.ekonom_gavle,
                seller=tk.orgs.gavle,
                buyer=tk.orgs.region_gvb,
                month=dt.date(2019, 11, 1),
                today=dt.date(2019, 12, 2),
            )
    finally:
        rates.SCHABLONBELOPP = original


def test_produced_invoice_and_credit_note_pass_both_peppol_rule_sets(
    tk, march, peppol_validator
) -> None:
    (invoice,) = run(tk).created
    credit = services.credit_invoice(tk.ekonom, invoice, reason="Test", today=dt.date(2026, 4, 5))
    for document in (invoice, credit):
        xml = services.document_bytes(document, "xml")
        assertions = peppol_validator.validate(xml)
        errors = fatal(assertions)
        assert not errors, "\n".join(f"{a.id}: {a.text} @ {a.location}" for a in errors)
        root = ET.fromstring(xml)
        assert root.tag.endswith("CreditNote" if document.is_credit_note else "Invoice")
        text = xml.decode()
        for pnr in tk.pnr.values():
            assert pnr not in text and pnr[2:] not in text
        assert "P-0001" in text


def test_gavleborg_invoice_passes_peppol(tk, register, peppol_validator) -> None:
    register(
        tk.nurse_gavle,
        tk.pg1,
        dt.date(2019, 11, 4),
        "07:10",
        "17:25",
        basis="gvb-timersattning",
        approve_by=tk.ekonom_gavle,
    )
    (invoice,) = services.run_invoices(
        tk.ekonom_gavle,
        seller=tk.orgs.gavle,
        buyer=tk.orgs.region_gvb,
        month=dt.date(2019, 11, 1),
        today=dt.date(2019, 12, 2),
    ).created
    errors = fatal(peppol_validator.validate(services.document_bytes(invoice, "xml")))
    assert not errors, errors


def test_documents_are_deterministic_and_stored(tk, march) -> None:
    (invoice,) = run(tk).created
    for kind in ("xml", "pdf", "attachment_csv", "attachment_pdf"):
        first = documents.generate(invoice, kind)
        assert first == documents.generate(invoice, kind)
        assert services.document_bytes(invoice, kind) == first
        assert services.document_bytes(invoice, kind) == first
    csv_text = documents.generate(invoice, "attachment_csv").decode("utf-8-sig")
    assert csv_text.startswith("Datum;Starttid;Sluttid;Person (ref)")
    assert "P-0001" in csv_text and "Hemsjukvården Östersund" in csv_text
    pdf = documents.generate(invoice, "pdf")
    assert pdf.startswith(b"%PDF")


def test_dispute_ledger_split_then_settlement(tk) -> None:
    entry = services.open_disputed_cost(
        dispute_ref="AVV-9",
        creditor=tk.orgs.ostersund,
        debtor=tk.orgs.region_jh,
        amount="1000.01",
        description="Hjälpmedel, oklart kostnadsansvar",
        occurred_on=dt.date(2026, 3, 5),
    )
    assert entry.cost_ore == 100001 and entry.amount_ore == 50001
    (invoice,) = run(tk).created
    assert invoice.line_total_ore == 50001
    balance = services.dispute_balance("AVV-9")
    (pair,) = balance.pairs
    assert (pair.cost_ore, pair.owed_ore, pair.invoiced_ore) == (100001, 50001, 50001)

    # The parties agree the region bears it all: the other half is invoiced next.
    (settlement,) = services.settle_dispute(
        dispute_ref="AVV-9", payer=tk.orgs.region_jh, decided_on=dt.date(2026, 4, 20)
    )
    assert settlement.amount_ore == 50000
    assert settlement.creditor == tk.orgs.ostersund and settlement.invoice_month == dt.date(
        2026, 4, 1
    )
    (april,) = run(tk, month=dt.date(2026, 4, 1), today=dt.date(2026, 5, 2)).created
    assert april.line_total_ore == 50000
    with pytest.raises(services.LedgerError):
        services.settle_dispute(dispute_ref="AVV-9", payer=tk.orgs.region_jh)


def test_settlement_the_other_way_is_invoiced_by_the_other_party(tk) -> None:
    services.open_disputed_cost(
        dispute_ref="AVV-10",
        creditor=tk.orgs.ostersund,
        debtor=tk.orgs.region_jh,
        amount="800",
        description="Material",
        occurred_on=dt.date(2026, 3, 5),
    )
    (settlement,) = services.settle_dispute(dispute_ref="AVV-10", payer=tk.orgs.ostersund)
    assert settlement.creditor == tk.orgs.region_jh and settlement.debtor == tk.orgs.ostersund
    assert settlement.amount_ore == 40000


def _both_paid(tk, dispute_ref: str) -> None:
    """Östersund paid 1000 kr and the region 600 kr of one disputed matter."""
    for creditor, debtor, amount in (
        (tk.orgs.ostersund, tk.orgs.region_jh, "1000"),
        (tk.orgs.region_jh, tk.orgs.ostersund, "600"),
    ):
        services.open_disputed_cost(
            dispute_ref=dispute_ref,
            creditor=creditor,
            debtor=debtor,
            amount=amount,
            description="Hjälpmedel",
            occurred_on=dt.date(2026, 3, 5),
        )


def test_settlement_shares_what_both_parties_paid_not_the_net(tk) -> None:
    # Östersund paid 1000 kr and the region 600 kr of one disputed matter (§7.7, §8):
    # the halves net to 200 kr owed to Östersund until the parties agree.
    _both_paid(tk, "AVV-11")
    (pair,) = services.dispute_balance("AVV-11").pairs
    assert pair.owed_ore == 20000
    # The region bears it all (1600 kr): having paid 600, it owes Östersund 1000 in all,
    # 800 more than the 200 already owed.
    (settlement,) = services.settle_dispute(dispute_ref="AVV-11", payer=tk.orgs.region_jh)
    assert settlement.creditor == tk.orgs.ostersund and settlement.debtor == tk.orgs.region_jh
    assert settlement.amount_ore == 80000


def test_settlement_at_a_quarter_when_both_parties_paid(tk) -> None:
    _both_paid(tk, "AVV-12")
    # Östersund bears 25 % of 1600 = 400 kr; it paid 1000, so the region owes it 600 in
    # all: 400 more than the 200 the halves gave.
    (settlement,) = services.settle_dispute(
        dispute_ref="AVV-12", payer=tk.orgs.ostersund, payer_share="0.25"
    )
    assert settlement.creditor == tk.orgs.ostersund and settlement.amount_ore == 40000


def test_shared_services_are_invoiced_at_half_and_booked_in_the_ledger(tk, register) -> None:
    register(
        tk.nurse,
        tk.p1,
        dt.date(2026, 3, 10),
        "09:00",
        "10:00",
        basis="jh-delad-kostnad",
        dispute_ref="AVV-3",
        approve_by=tk.ekonom,
    )
    (invoice,) = run(tk).created
    (line,) = InvoiceLine.objects.filter(invoice=invoice)
    assert line.amount_ore == 32500 and line.dispute_ref == "AVV-3"
    (pair,) = services.dispute_balance("AVV-3").pairs
    assert pair.cost_ore == 65000 and pair.owed_ore == 32500
    services.credit_invoice(tk.ekonom, invoice, reason="Fel", today=dt.date(2026, 4, 5))
    (pair,) = services.dispute_balance("AVV-3").pairs
    assert pair.cost_ore == 0 and pair.owed_ore == 0


def test_records_approved_while_a_run_plans_are_invoiced_from_a_fresh_plan(
    tk, march, register, monkeypatch
) -> None:
    services.set_price(
        tk.admin,
        agreement="jh-hemsjukvard",
        intervention="rehabilitation",
        unit="visit",
        amount="400.00",
        valid_from=dt.date(2020, 1, 1),
    )
    added = []

    def sneak_in(name: str) -> None:
        if name == "before_invoice" and not added:
            added.extend(
                register(
                    tk.nurse,
                    tk.p3,
                    dt.date(2026, 3, 20),
                    "09:00",
                    "10:00",
                    intervention="rehabilitation",
                    approve_by=tk.ekonom,
                )
            )

    monkeypatch.setattr(invoicing, "_checkpoint", sneak_in)
    (invoice,) = run(tk).created
    assert invoice.record_count == 5
    assert ServiceRecord.objects.get(pk=added[0].pk).invoice_id == invoice.pk
    assert sum(line.record_count for line in InvoiceLine.objects.filter(invoice=invoice)) == 5


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (dt.date(2026, 12, 2), dt.date(2027, 1, 4)),  # 1 January is nyårsdagen, then a weekend
        (dt.date(2026, 11, 24), dt.date(2026, 12, 28)),  # julafton, juldagen, annandag jul
        (dt.date(2026, 4, 6), dt.date(2026, 5, 6)),  # a Wednesday: unchanged
    ],
)
def test_the_due_date_is_a_banking_day(tk, march, today, due) -> None:
    (invoice,) = run(tk, today=today).created
    assert invoice.due_date == due
