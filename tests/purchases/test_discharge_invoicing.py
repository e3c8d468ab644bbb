"""Betalningsansvar invoiced through the tjänsteköp invoice runs (issue 16): the discharge
room is a source of the same run (region sells to kommun), one invoice per pair and month
for the days; what is left out is in the pre-lock summary with why; disputes hold days
back; Peppol validation at issue; the attachment adds up to the invoice to the öre."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

import pytest
import time_machine

import samverkan.rules as rules
from samverkan.accounts.models import Role, Unit, UnitKind
from samverkan.deviations import disputes
from samverkan.discharge import invoicing
from samverkan.discharge import services as discharge
from samverkan.discharge.selectors import stay_facts
from samverkan.people import services as people_services
from samverkan.people.testpersons import test_personnummer
from samverkan.purchases import services
from samverkan.purchases.bases import DISCHARGE_AGREEMENT, PAYMENT_RESPONSIBILITY
from samverkan.purchases.documents import attachment_rows, build_invoice_doc
from samverkan.purchases.models import (
    AttachmentRow,
    BillingProfile,
    Invoice,
    InvoiceLine,
    RecordStatus,
    ServiceRecord,
)
from samverkan.purchases.peppol_validation import fatal
from tests.purchases.conftest import at

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
_NUMBERS = test_personnummer(12, seed=4716)
MARCH = dt.date(2022, 3, 1)  # 9 300 kr per vårddygn, verified (HSLF-FS 2021)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def w(tk, make_staff):
    orgs = tk.orgs
    # Östersunds kommun buys here: its "Er referens" is six digits (purchases.buyers).
    orgs.ostersund.invoice_reference = "238001"
    orgs.ostersund.save()
    BillingProfile.objects.create(
        organisation=orgs.region_jh, bankgiro="5050-1055", contact_name="Ekonomi"
    )
    tk.ward = Unit.objects.create(
        organisation=orgs.region_jh, name="Medicinavdelning 5", kind=UnitKind.SPECIALIST_CARE
    )
    tk.ward_nurse = make_staff(Role.NURSE, orgs.region_jh, "ssk.avd5", unit=tk.ward)
    tk.doctor = make_staff(Role.PHYSICIAN, orgs.region_jh, "lakare.avd5", unit=tk.ward)
    tk.chief = make_staff(Role.CHIEF_PHYSICIAN, orgs.region_jh, "chefslakare.rjh")
    tk.ost_unit = Unit.objects.create(
        organisation=orgs.ostersund, name="Biståndsenheten", kind=UnitKind.SOCIAL_SERVICES
    )
    tk.assessor = make_staff(Role.NEEDS_ASSESSOR, orgs.ostersund, "bistand.ost", unit=tk.ost_unit)
    numbers = count()

    def person():
        p, _ = people_services.create_person(
            tk.ward_nurse,
            identifier=_NUMBERS[next(numbers)],
            given_name="Sigrid",
            family_name="Utskrivsson",
            home_municipality="2380",
            confirm_care_relation=True,
            reason="Inskriven på avdelning 5",
        )
        return p

    tk.new_person = person
    return tk


def _stay(w, person, admitted, *, notice=True, ready=None, ready_notice=None, end=None,
          died=False, care_type="somatic"):  # fmt: skip
    stay = discharge.admit(
        w.ward_nurse,
        person,
        unit=w.ward,
        municipality=w.orgs.ostersund,
        care_type=care_type,
        admitted_at=admitted,
        needs_municipal_insatser=True,
    )
    if notice:
        discharge.send_admission_notice(
            w.ward_nurse,
            stay,
            receivers=["municipal_social_services", "municipal_health_care"],
            sent_at=admitted + dt.timedelta(hours=2),
        )
    if ready is not None:
        discharge.mark_ready(
            w.doctor, stay, ready_at=ready, notice_at=ready_notice or ready, confirm=True
        )
    if end is not None:
        if died:
            discharge.record_death(w.ward_nurse, stay, died_at=end, confirm=True)
        else:
            discharge.discharge(w.ward_nurse, stay, discharged_at=end, confirm=True)
    stay.refresh_from_db()
    return stay


def _xml(invoice):
    return services.document_bytes(invoice, "xml")


def _day(y, m, d, hh=10):
    return at(dt.date(y, m, d), f"{hh:02d}:00")


@pytest.fixture
def march(w):
    """Four stays in March 2022: a discharge, a death, a missing notice, a re-admission."""
    p1, p2, p3 = w.new_person(), w.new_person(), w.new_person()
    s = {}
    # notice 1 March -> paid from 4 March; discharged 10 March (not counted): 6 days
    s["discharged"] = _stay(w, p1, _day(2022, 2, 25), ready=_day(2022, 3, 1), end=_day(2022, 3, 10))
    # notice 5 March -> from 8 March; died 12 March: 4 days
    s["died"] = _stay(
        w, p2, _day(2022, 3, 1), ready=_day(2022, 3, 5), end=_day(2022, 3, 12), died=True
    )
    # no inskrivningsmeddelande: no days, excluded with why
    s["missing"] = _stay(w, p3, _day(2022, 3, 2), notice=False, ready=_day(2022, 3, 3))
    # p1 re-admitted 20 March, notice 21 March -> from 24 March, still in care: 8 days
    s["readmitted"] = _stay(w, p1, _day(2022, 3, 20), ready=_day(2022, 3, 21))
    return s


def _run(w, month):
    return services.run_invoices(
        w.ekonom_region,
        seller=w.orgs.region_jh,
        buyer=w.orgs.ostersund,
        month=month,
        today=dt.date(2026, 12, 2),
    )


def test_a_month_of_stays_is_invoiced_by_the_run(w, march, peppol_validator):
    preview = services.preview_run(
        w.ekonom_region, seller=w.orgs.region_jh, buyer=w.orgs.ostersund, month=MARCH
    )
    labels = {g.label: g for g in preview.included}
    group = labels["Betalningsansvar vid utskrivning från sluten vård, lag (2017:612)"]
    assert group.records == 3  # one record per stay and amount
    assert group.amount_ore == 18 * 930_000
    excluded = {g.label: g.records for g in preview.excluded}
    assert excluded[invoicing.EXCLUDED_MISSING] == 1
    assert not preview.blocking

    result = _run(w, MARCH)
    assert result.status == "created"
    (invoice,) = [i for i in result.created if i.agreement == DISCHARGE_AGREEMENT]
    assert invoice.seller == w.orgs.region_jh and invoice.buyer == w.orgs.ostersund
    assert invoice.line_total_ore == 18 * 930_000 == invoice.payable_ore
    lines = list(InvoiceLine.objects.filter(invoice=invoice))
    assert {line.unit for line in lines} == {"day"}
    assert sum(line.minutes for line in lines) // 1440 == 18
    assert all(line.unit_price_ore == 930_000 for line in lines)
    doc = build_invoice_doc(invoice)
    # One line per (pseudonymised) person and rate, as every invoice of the runs: p1's two
    # stays (6 + 8 days) are one line, p2's 4 days another.
    assert sorted(str(line.quantity) for line in doc.lines) == ["14", "4"]
    assert {line.unit_code for line in doc.lines} == {"DAY"}
    # The rule and its source travel with the rate (both parties see it on the invoice page).
    assert "5 kap. 6 §" in invoice.rates.get().source
    # Attachment rows (one per stay) add up to the invoice to the öre.
    rows = list(attachment_rows(invoice))
    assert sum(r.amount for r in rows) == invoice.line_total
    assert AttachmentRow.objects.filter(invoice=invoice).count() == 3
    assert fatal(peppol_validator.validate(_xml(invoice))) == []
    # Running again creates nothing (idempotent), and the month's records are invoiced.
    assert _run(w, MARCH).status == "already_done"
    assert not ServiceRecord.objects.filter(
        payment=PAYMENT_RESPONSIBILITY, status=RecordStatus.APPROVED
    ).exists()


def test_credit_note_of_payment_days_is_valid_and_reopens_the_month(w, march, peppol_validator):
    (invoice,) = [i for i in _run(w, MARCH).created if i.agreement == DISCHARGE_AGREEMENT]
    credit = services.credit_invoice(
        w.ekonom_region, invoice, reason="Fel utskrivningsdatum", today=dt.date(2026, 12, 2)
    )
    assert credit.kind == "credit_note" and credit.credits_id == invoice.pk
    assert credit.line_total_ore == invoice.line_total_ore
    assert fatal(peppol_validator.validate(_xml(credit))) == []
    # The copies of the credited payment days occupy nobody's time, as the originals did not
    # (PostgreSQL's overlap guard refused the copies; SQLite's trigger looks one day back only).
    copies = ServiceRecord.objects.filter(payment=PAYMENT_RESPONSIBILITY, replaces__isnull=False)
    assert copies.exists() and not copies.filter(occupies=True).exists()
    # The credit note reopens the month: the days are invoiced again by a new run.
    again = services.preview_run(
        w.ekonom_region, seller=w.orgs.region_jh, buyer=w.orgs.ostersund, month=MARCH
    )
    assert not again.locked
    group = {g.label: g for g in again.included}[
        "Betalningsansvar vid utskrivning från sluten vård, lag (2017:612)"
    ]
    assert group.amount_ore == 18 * 930_000
    (reissued,) = [i for i in _run(w, MARCH).created if i.agreement == DISCHARGE_AGREEMENT]
    assert reissued.pk != invoice.pk and reissued.line_total_ore == 18 * 930_000
    assert fatal(peppol_validator.validate(_xml(reissued))) == []


def test_over_new_year_each_day_at_its_years_amount(w):
    stay = _stay(
        w, w.new_person(), _day(2021, 12, 20), ready=_day(2021, 12, 27), end=_day(2022, 1, 5)
    )
    # December: 30-31 at 8 500 kr (2021, not confirmed) -> drafts, not invoiced yet
    dec = dt.date(2021, 12, 1)
    preview = services.preview_run(
        w.ekonom_region, seller=w.orgs.region_jh, buyer=w.orgs.ostersund, month=dec
    )
    assert {g.label: g.records for g in preview.excluded} == {invoicing.HOLD_UNVERIFIED: 1}
    assert _run(w, dec).status == "nothing"
    # The parties confirm the amount: the region's ekonom approves the days in the review.
    assert services.approve_records(w.ekonom_region, month=dec) == 1
    (dec_invoice,) = _run(w, dec).created
    (jan_invoice,) = _run(w, dt.date(2022, 1, 1)).created
    assert dec_invoice.line_total_ore == 2 * 850_000
    assert jan_invoice.line_total_ore == 4 * 930_000
    facts = stay_facts(stay)
    whole = rules.payment_days(facts, rules.stay_terms(facts), dt.date(2022, 1, 31))
    assert Decimal(dec_invoice.line_total_ore + jan_invoice.line_total_ore) / 100 == whole.amount


def test_an_open_dispute_excludes_the_stay_until_decided(w, march):
    stay = march["died"]
    dispute = invoicing.dispute_payment_days(
        w.assessor,
        stay,
        question="Meddelandet om utskrivningsklar kom inte fram den 5 mars.",
        acting_note="Hemtjänsten planeras som vanligt.",
        month=MARCH,
    )
    preview = services.preview_run(
        w.ekonom_region, seller=w.orgs.region_jh, buyer=w.orgs.ostersund, month=MARCH
    )
    assert {g.label: g.records for g in preview.excluded}[invoicing.HOLD_DISPUTE] == 1
    # Approving the month does not let disputed days through.
    services.approve_records(w.ekonom_region, month=MARCH)
    (invoice,) = [i for i in _run(w, MARCH).created if i.agreement == DISCHARGE_AGREEMENT]
    assert invoice.line_total_ore == 14 * 930_000  # 6 + 8 days; the 4 disputed wait
    held = ServiceRecord.objects.get(payment=PAYMENT_RESPONSIBILITY, status=RecordStatus.DRAFT)
    assert held.dispute_ref == f"tvist-{dispute.pk}"
    # A second dispute on the same stay while one is open is refused, naming the field.
    with pytest.raises(invoicing.PaymentDisputeError) as caught:
        invoicing.dispute_payment_days(w.assessor, stay, question="Igen", acting_note="x")
    assert caught.value.field == "question"
    # The parties' deciders (a chefsläkare of the region, deviations.access) decide: the
    # kommun bears the days, so they are invoiced in the next run of March.
    disputes.record_dispute_decision(
        w.chief,
        dispute.pk,
        decided_on=dt.date(2022, 4, 2),
        decided_by="Närmsta chefer",
        reasoning="Meddelandet skickades i tid.",
        cost_bearer="municipality",
    )
    result = invoicing.discharge_source(w.orgs.region_jh, w.orgs.ostersund, MARCH)
    assert any(i.key.startswith(f"{stay.pk}-") and i.status == "approved" for i in result.items)
    # March is locked: the next look at the pair's invoicing reopens it for correction…
    april = services.preview_run(
        w.ekonom_region, seller=w.orgs.region_jh, buyer=w.orgs.ostersund, month=dt.date(2022, 4, 1)
    )
    assert april.month == dt.date(2022, 4, 1)
    again = services.preview_run(
        w.ekonom_region, seller=w.orgs.region_jh, buyer=w.orgs.ostersund, month=MARCH
    )
    assert not again.locked
    # … and its run invoices the 4 days (and nothing twice).
    (late,) = [i for i in _run(w, MARCH).created if i.agreement == DISCHARGE_AGREEMENT]
    assert late.line_total_ore == 4 * 930_000
    assert not ServiceRecord.objects.filter(
        payment=PAYMENT_RESPONSIBILITY,
        status__in=(RecordStatus.DRAFT, RecordStatus.APPROVED),
        service_date__lt=dt.date(2022, 4, 1),
    ).exists()
    assert _run(w, MARCH).status == "already_done"


def test_a_decision_that_the_region_bears_the_days_removes_them(w, march):
    stay = march["died"]
    dispute = invoicing.dispute_payment_days(
        w.ward_nurse, stay, question="Kommunen fick inget meddelande.", acting_note="Vård ges."
    )
    disputes.record_dispute_decision(
        w.chief,
        dispute.pk,
        decided_on=dt.date(2022, 3, 30),
        decided_by="Närmsta chefer",
        reasoning="Meddelandet nådde inte kommunen.",
        cost_bearer="region",
    )
    preview = services.preview_run(
        w.ekonom_region, seller=w.orgs.region_jh, buyer=w.orgs.ostersund, month=MARCH
    )
    assert {g.label: g.records for g in preview.excluded}[invoicing.EXCLUDED_REGION_BEARS] == 1
    (invoice,) = [i for i in _run(w, MARCH).created if i.agreement == DISCHARGE_AGREEMENT]
    assert invoice.line_total_ore == 14 * 930_000


def test_unrelated_kommun_cannot_dispute(w, march, make_staff):
    unit = Unit.objects.create(
        organisation=w.orgs.krokom, name="Bistånd Krokom", kind=UnitKind.SOCIAL_SERVICES
    )
    krokom = make_staff(Role.NEEDS_ASSESSOR, w.orgs.krokom, "bistand.kr", unit=unit)
    with pytest.raises(invoicing.PaymentDisputeError) as caught:
        invoicing.dispute_payment_days(krokom, march["died"], question="Nej", acting_note="Inget")
    assert caught.value.status == 404
    assert not Invoice.objects.exists()


def test_days_under_unconfirmed_local_terms_wait_for_the_confirmation(w, march, make_staff):
    """A local agreement version the other party has not confirmed is not sent: its days are
    held with a Swedish reason, the month review cannot approve them, the run leaves them
    out; the kommun's confirmation releases them at the same price."""
    from samverkan.discharge import local_terms

    forum_region = make_staff(Role.FORUM_MEMBER, w.orgs.region_jh, "forum.rjh")
    forum_ost = make_staff(Role.FORUM_MEMBER, w.orgs.ostersund, "forum.ost")
    # Payment from the second day after the notice (one day earlier than the law).
    version = local_terms.enter_version(
        forum_region,
        valid_from=dt.date(2022, 1, 1),
        name="Lokal överenskommelse om utskrivning, Jämtlands län",
        terms={"days_after_notice": 2},
        municipality=w.orgs.ostersund,
    )
    preview = services.preview_run(
        w.ekonom_region, seller=w.orgs.region_jh, buyer=w.orgs.ostersund, month=MARCH
    )
    assert {g.label: g.records for g in preview.excluded}[invoicing.HOLD_LOCAL_UNCONFIRMED] == 3
    assert "Betalningsansvar vid utskrivning från sluten vård, lag (2017:612)" not in {
        g.label for g in preview.included
    }
    assert services.approve_records(w.ekonom_region, month=MARCH) == 0
    assert not [i for i in _run(w, MARCH).created if i.agreement == DISCHARGE_AGREEMENT]

    local_terms.confirm_version(forum_ost, version, confirm=True)
    (invoice,) = [i for i in _run(w, MARCH).created if i.agreement == DISCHARGE_AGREEMENT]
    # 7 + 5 + 9 days: each stay one day more than under the law's three days.
    assert invoice.line_total_ore == 21 * 930_000


def test_individual_days_stay_in_samverkan_not_in_the_invoice(w, march):
    """The invoice carries days and amounts per pseudonymised person number only: no name,
    personnummer or stay; the individual detail (one attachment row per stay) is viewable in
    Samverkan behind the access checks (the buyer's default detail channel), not embedded."""
    (invoice,) = [i for i in _run(w, MARCH).created if i.agreement == DISCHARGE_AGREEMENT]
    xml = _xml(invoice).decode()
    for person in {s.person for s in march.values()}:
        assert person.family_name not in xml
        for identity in person.identities.all():
            assert identity.value not in xml
            assert identity.value.replace("-", "") not in xml
    assert "AdditionalDocumentReference" not in xml or "EmbeddedDocumentBinaryObject" not in xml
    assert AttachmentRow.objects.filter(invoice=invoice).count() == 3


def test_a_decision_after_the_month_was_locked_reopens_it_at_once(w, march):
    """The decision itself (the disputes service) creates the correction: the locked month
    is reopened and the days are approved before anyone opens the pair's invoicing again."""
    from samverkan.purchases.models import InvoiceRun, RunKind, RunStatus

    stay = march["died"]
    dispute = invoicing.dispute_payment_days(
        w.assessor,
        stay,
        question="Meddelandet kom inte fram.",
        acting_note="Vård ges.",
        month=MARCH,
    )
    (invoice,) = [i for i in _run(w, MARCH).created if i.agreement == DISCHARGE_AGREEMENT]
    assert invoice.line_total_ore == 14 * 930_000
    corrections = InvoiceRun.objects.filter(month=MARCH, kind=RunKind.CORRECTION)
    assert not corrections.exists()
    disputes.record_dispute_decision(
        w.chief,
        dispute.pk,
        decided_on=dt.date(2022, 4, 2),
        decided_by="Närmsta chefer",
        reasoning="Meddelandet skickades i tid.",
        cost_bearer="municipality",
    )
    # No preview or run in between: the decision opened the correction run of March …
    (correction,) = corrections
    assert correction.status == RunStatus.OPEN
    assert "avgjord tvist" in correction.message
    # … and the 4 days wait approved for it, no longer held.
    ready = ServiceRecord.objects.get(
        payment=PAYMENT_RESPONSIBILITY, status=RecordStatus.APPROVED, invoice__isnull=True
    )
    assert ready.minutes == 4 * 1440 and ready.dispute_ref == ""
    assert not ServiceRecord.objects.filter(
        payment=PAYMENT_RESPONSIBILITY, status=RecordStatus.DRAFT
    ).exists()
    (late,) = [i for i in _run(w, MARCH).created if i.agreement == DISCHARGE_AGREEMENT]
    assert late.line_total_ore == 4 * 930_000


def test_a_decision_in_an_open_month_settles_the_held_days_at_once(w, march):
    """Decided before the month's run: the kommun bears one stay's days (approved at once),
    the region another's (withdrawn at once); no correction run for an open month."""
    from samverkan.purchases.models import InvoiceRun

    services.preview_run(
        w.ekonom_region, seller=w.orgs.region_jh, buyer=w.orgs.ostersund, month=MARCH
    )
    kommun, region = march["died"], march["discharged"]
    decided = {}
    for stay, bearer in ((kommun, "municipality"), (region, "region")):
        dispute = invoicing.dispute_payment_days(
            w.assessor, stay, question="Fel dag?", acting_note="Vård ges.", month=MARCH
        )
        services.preview_run(
            w.ekonom_region, seller=w.orgs.region_jh, buyer=w.orgs.ostersund, month=MARCH
        )
        held = ServiceRecord.objects.get(dispute_ref=f"tvist-{dispute.pk}", status="draft")
        disputes.record_dispute_decision(
            w.chief,
            dispute.pk,
            decided_on=dt.date(2022, 3, 30),
            decided_by="Närmsta chefer",
            reasoning="Utrett.",
            cost_bearer=bearer,
        )
        decided[bearer] = held
    assert ServiceRecord.objects.get(pk=decided["municipality"].pk).status == "withdrawn"
    assert ServiceRecord.objects.filter(
        external_id=decided["municipality"].external_id, status="approved", dispute_ref=""
    ).exists()
    assert ServiceRecord.objects.get(pk=decided["region"].pk).status == "withdrawn"
    assert not ServiceRecord.objects.filter(
        external_id=decided["region"].external_id, status__in=("draft", "approved")
    ).exists()
    assert not InvoiceRun.objects.exists()


def test_a_local_agreements_own_amount_is_invoiced_at_that_amount(w, march, make_staff,
                                                                 peppol_validator):  # fmt: skip
    """A local version with its own amount per vårddygn: its days are invoiced at that
    amount once the other party has confirmed the version (held until then), the version
    named on the line and as the rate's source; a stay counted under the law on the same
    days keeps the law's amount (two prices on the same days, each record at its own)."""
    from samverkan.discharge import local_terms

    forum_region = make_staff(Role.FORUM_MEMBER, w.orgs.region_jh, "forum.rjh")
    forum_ost = make_staff(Role.FORUM_MEMBER, w.orgs.ostersund, "forum.ost")
    # From 15 March: 8 000 kr per vårddygn of somatic care. Stays whose notice came before
    # (1 and 5 March) are counted under the law; the re-admission (notice 21 March) under it.
    version = local_terms.enter_version(
        forum_region,
        valid_from=dt.date(2022, 3, 15),
        name="Lokal överenskommelse om utskrivning, Östersund",
        terms={"amount_per_day": {"somatic": "8000.00"}},
        municipality=w.orgs.ostersund,
    )
    preview = services.preview_run(
        w.ekonom_region, seller=w.orgs.region_jh, buyer=w.orgs.ostersund, month=MARCH
    )
    assert {g.label: g.records for g in preview.excluded}[invoicing.HOLD_LOCAL_UNCONFIRMED] == 1
    local_terms.confirm_version(forum_ost, version, confirm=True)
    preview = services.preview_run(
        w.ekonom_region, seller=w.orgs.region_jh, buyer=w.orgs.ostersund, month=MARCH
    )
    group = {g.label: g for g in preview.included}[
        "Betalningsansvar vid utskrivning från sluten vård, lag (2017:612)"
    ]
    assert group.amount_ore == 10 * 930_000 + 8 * 800_000
    (invoice,) = [i for i in _run(w, MARCH).created if i.agreement == DISCHARGE_AGREEMENT]
    assert invoice.line_total_ore == 10 * 930_000 + 8 * 800_000
    lines = list(InvoiceLine.objects.filter(invoice=invoice).order_by("position"))
    by_price = {line.unit_price_ore: line for line in lines}
    assert set(by_price) == {930_000, 800_000}
    assert by_price[800_000].minutes == 8 * 1440
    assert "Lokal överenskommelse om utskrivning, Östersund" in by_price[800_000].description
    assert "Lokal överenskommelse" not in by_price[930_000].description
    local_rate = invoice.rates.get(unit_price_ore=800_000)
    assert "Lokal överenskommelse om utskrivning, Östersund" in local_rate.source
    assert "5 kap. 6 §" in invoice.rates.get(unit_price_ore=930_000).source
    rows = list(attachment_rows(invoice))
    assert sum(r.amount for r in rows) == invoice.line_total
    assert fatal(peppol_validator.validate(_xml(invoice))) == []


def test_a_credit_note_of_local_amount_days_reissues_them_at_the_same_amount(
    w, march, make_staff, peppol_validator
):
    from samverkan.discharge import local_terms

    forum_region = make_staff(Role.FORUM_MEMBER, w.orgs.region_jh, "forum.rjh")
    forum_ost = make_staff(Role.FORUM_MEMBER, w.orgs.ostersund, "forum.ost")
    version = local_terms.enter_version(
        forum_region,
        valid_from=dt.date(2022, 3, 15),
        name="Lokal överenskommelse om utskrivning, Östersund",
        terms={"amount_per_day": {"somatic": "8000.00"}},
        municipality=w.orgs.ostersund,
    )
    local_terms.confirm_version(forum_ost, version, confirm=True)
    (invoice,) = [i for i in _run(w, MARCH).created if i.agreement == DISCHARGE_AGREEMENT]
    total = 10 * 930_000 + 8 * 800_000
    assert invoice.line_total_ore == total
    credit = services.credit_invoice(
        w.ekonom_region, invoice, reason="Fel kostnadsställe", today=dt.date(2026, 12, 2)
    )
    assert credit.line_total_ore == total
    assert fatal(peppol_validator.validate(_xml(credit))) == []
    (reissued,) = [i for i in _run(w, MARCH).created if i.agreement == DISCHARGE_AGREEMENT]
    assert reissued.line_total_ore == total
    assert {line.unit_price_ore for line in InvoiceLine.objects.filter(invoice=reissued)} == {
        930_000,
        800_000,
    }
