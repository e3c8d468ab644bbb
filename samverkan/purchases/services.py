"""What views, the API and other apps may call in tjänsteköp (the app's one door).

Registration and import
    ``register_service(actor, ServiceInput, approve=False) -> list[ServiceRecord]``
    ``import_csv(actor, content, mode="all_or_nothing"|"valid_only", filename="") -> ImportReport``
    ``withdraw_record(actor, record, reason=…)``, ``approve_records(actor, month=…, record_ids=None)``
    ``reject_record(actor, record, reason=…)`` (month review), ``locked_buyers(seller_id, month)``
Prices
    ``set_price(actor, agreement=…, intervention="", band="", unit="hour", amount=…,
    valid_from=…, valid_to=None, source="", replaces=None) -> Price``, ``retire_price``
Invoicing
    ``preview_run(actor, seller=…, buyer=…, month=…) -> RunPreview`` (what a run includes,
    excludes and why; nothing written), ``run_invoices(actor, seller=…, buyer=…, month=…,
    today=None) -> RunResult``
    ``credit_invoice(actor, invoice, reason=…, today=None) -> Invoice`` (the credit note)
    ``document_bytes(invoice, kind)``: ``xml`` | ``pdf`` | ``attachment_csv`` | ``attachment_pdf``
    ``person_map(actor, invoice) -> list[(ref, Person | None)]`` (MAS of the parties)
Dispute ledger (for samverkan.deviations)
    ``open_disputed_cost(dispute_ref=…, creditor=…, debtor=…, amount=…, description=…,
    occurred_on=…, agreement="jh-hemsjukvard", user=None) -> DisputeLedgerEntry``
    ``settle_dispute(dispute_ref=…, payer=…, payer_share=1, decided_on=None, note="",
    user=None) -> list[DisputeLedgerEntry]``
    ``dispute_balance(dispute_ref) -> DisputeBalance``

Errors are ``errors.PurchasesError`` subclasses carrying ``problems`` (field, code, Swedish
message); ``NotAllowed`` means 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from samverkan.audit.models import Action
from samverkan.audit.services import record as audit
from samverkan.people.access import persons_visible_to, shared_blocked_persons
from samverkan.people.selectors import persons_in, survivor_ids
from samverkan.purchases.access import can_see_person_map, organisation_of_actor
from samverkan.purchases.csv_import import ImportReport, RowError, import_csv
from samverkan.purchases.disclosure import INVOICING, audit_persons
from samverkan.purchases.documents import document_bytes, generate
from samverkan.purchases.errors import (
    InvalidService,
    InvoicingRefused,
    LedgerError,
    NotAllowed,
    PriceError,
    Problem,
    PurchasesError,
)
from samverkan.purchases.invoicing import RunResult, credit_invoice, run_invoices
from samverkan.purchases.invoicing.preview import RunPreview, preview_run
from samverkan.purchases.ledger import (
    DisputeBalance,
    dispute_balance,
    open_disputed_cost,
    settle_dispute,
)
from samverkan.purchases.models import Invoice, InvoicePerson
from samverkan.purchases.pricing import price_list_for, retire_price, set_price
from samverkan.purchases.registration import (
    ServiceInput,
    approve_records,
    is_month_locked,
    locked_buyers,
    register_service,
    reject_record,
    withdraw_record,
)

if TYPE_CHECKING:
    from samverkan.people.models import Person

__all__ = [
    "DisputeBalance",
    "ImportReport",
    "InvalidService",
    "InvoicingRefused",
    "LedgerError",
    "NotAllowed",
    "PriceError",
    "Problem",
    "PurchasesError",
    "RowError",
    "RunPreview",
    "RunResult",
    "ServiceInput",
    "approve_records",
    "credit_invoice",
    "dispute_balance",
    "document_bytes",
    "generate",
    "import_csv",
    "is_month_locked",
    "open_disputed_cost",
    "person_map",
    "preview_run",
    "price_list_for",
    "locked_buyers",
    "register_service",
    "reject_record",
    "retire_price",
    "run_invoices",
    "set_price",
    "settle_dispute",
    "withdraw_record",
]


def person_map(actor: Any, invoice: Invoice) -> list[tuple[str, Person | None]]:
    """Whom the invoice's references stand for: MAS of seller or buyer only, and only
    persons she may see (others stay ``None``). The buyer's MAS never sees a person who keeps
    the seller's data from other vårdgivare (spärr, PDL 6 kap. 2 §; 6 kap. 3 §: another
    vårdgivare processes only what was made available): the reference stays without a name,
    enough to check the invoice. Every person shown is audited; a refused attempt is audited
    with the persons it tried to reach."""
    rows = list(
        InvoicePerson.objects.filter(invoice=invoice)
        .order_by("number")
        .values_list("number", "person_id")
    )
    if not can_see_person_map(actor, invoice.seller_id, invoice.buyer_id):
        audit_persons(
            actor, [p for _, p in rows], why="Tjänsteköp: personreferenser", process=INVOICING,
            action=Action.ACCESS_DENIED, owner_id=invoice.seller_id, obj_type="purchases.invoice",
            obj_id=invoice.pk,
        )  # fmt: skip
        if not rows:
            audit(
                actor, Action.ACCESS_DENIED, Invoice, invoice.pk, why="Tjänsteköp: personreferenser"
            )
        raise NotAllowed.one(
            None,
            "forbidden",
            "Bara medicinskt ansvarig (MAS) hos säljaren eller köparen får se vem referenserna "
            "avser.",
        )
    # The map is history: a person merged away since reads as the survivor.
    survivors = survivor_ids(p for _, p in rows)
    visible = set(
        persons_visible_to(actor)
        .filter(pk__in=list(set(survivors.values())))
        .values_list("pk", flat=True)
    )
    if invoice.seller_id != _org_id(actor):
        visible -= shared_blocked_persons(visible, invoice.seller_id)
    persons = {p.pk: p for p in persons_in(visible).prefetch_related("identities")}
    result: list[tuple[str, Person | None]] = []
    for number, person_id in rows:
        person = persons.get(survivors.get(person_id, person_id))
        ref = f"P-{number:04d}"
        if person is not None:
            audit(
                actor,
                Action.VIEW,
                InvoicePerson,
                invoice.pk,
                person_ref=person.ref,
                why=f"Tjänsteköp: vem {ref} på faktura {invoice.number} avser",
                owner=None if invoice.seller_id == _org_id(actor) else invoice.seller_id,
                process=INVOICING,
            )
        result.append((ref, person))
    # The references of persons she may not see are shown too (without a name).
    audit_persons(
        actor, [p for _, p in rows if survivors.get(p, p) not in visible],
        why=f"Faktura {invoice.number}: personreferenser utan namn", process=INVOICING,
        owner_id=invoice.seller_id,
        obj_type="purchases.invoice", obj_id=invoice.pk,
    )  # fmt: skip
    return result


def _org_id(actor: Any) -> int | None:
    org = organisation_of_actor(actor)
    return org.pk if org else None
