"""The dispute ledger: a disputed cost is shared equally until the parties agree.

jh-hemsjukvard §7.7: "Om huvudmännen inte är överens om kostnadsansvar ska kostnaderna
delas lika till dess överenskommelse skett." The dispute itself (case, escalation, forum
decision) lives in ``samverkan.deviations``; this module keeps the money:

- ``open_disputed_cost``: the party that bore a cost (creditor) books it against the other
  (debtor); half of it, rounded half up to whole öre, is owed now and invoiced by the
  creditor's next invoice run for the month (or the first month not yet closed).
- ``settle_dispute``: once the parties agree who bears what share, one settlement entry per
  pair of parties settles the difference between what is owed under the agreement and what
  has been booked so far (split halves, service records invoiced at 50 %, minus anything
  credited). If money goes back, the settlement is booked the other way round, so that it
  is invoiced by the party that is owed.
- ``dispute_balance``: the state of a dispute, per pair of parties.

Entries are never changed, except that an invoice run links an entry to the invoice line
that bills it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from samverkan.accounts.models import Organisation
from samverkan.audit.models import Action
from samverkan.audit.services import record as audit
from samverkan.core.money import half_ore, to_decimal, to_ore
from samverkan.purchases.access import user_of
from samverkan.purchases.bases import AGREEMENT_NAMES, month_start, next_month
from samverkan.purchases.errors import LedgerError, Problem
from samverkan.purchases.models import DisputeLedgerEntry, LedgerKind, LedgerSource

__all__ = ["DisputeBalance", "dispute_balance", "open_disputed_cost", "settle_dispute"]


def _open_month(creditor: Organisation, debtor: Organisation, day: dt.date) -> dt.date:
    """The first month from ``day``'s on whose invoicing creditor → debtor is not closed."""
    from samverkan.purchases.registration import is_month_locked

    month = month_start(day)
    for _ in range(240):
        if not is_month_locked(creditor.pk, debtor.pk, month):
            return month
        month = next_month(month)
    return month


def open_disputed_cost(
    *,
    dispute_ref: str,
    creditor: Organisation,
    debtor: Organisation,
    amount: Decimal | int | str,
    description: str,
    occurred_on: dt.date,
    agreement: str = "jh-hemsjukvard",
    user: Any = None,
) -> DisputeLedgerEntry:
    """Book a disputed cost borne by ``creditor``: ``debtor`` owes half until agreement.

    ``amount`` is the whole cost in kronor (Decimal or text, never float). The half is
    invoiced by the creditor's next run. For the deviations app (which checks who may).
    """
    problems = []
    if not dispute_ref.strip() or len(dispute_ref) > 64:
        problems.append(Problem("dispute_ref", "required", "Tvistreferens: 1–64 tecken."))
    if creditor.pk == debtor.pk:
        problems.append(
            Problem("debtor", "same_party", "Gäldenär: kan inte vara samma som fordringsägaren.")
        )
    if agreement not in AGREEMENT_NAMES:
        problems.append(Problem("agreement", "unknown_agreement", "Avtal: okänt avtal."))
    if not description.strip():
        problems.append(
            Problem("description", "required", "Beskrivning: ange vad kostnaden avser.")
        )
    cost = 0
    try:
        cost = to_ore(amount)
    except (TypeError, ValueError):
        problems.append(Problem("amount", "invalid_amount", "Belopp: ange kronor (t.ex. 1250.00)."))
    if cost <= 0 and not any(p.field == "amount" for p in problems):
        problems.append(Problem("amount", "not_positive", "Belopp: ska vara större än noll."))
    if problems:
        raise LedgerError(problems)
    with transaction.atomic():
        if DisputeLedgerEntry.objects.filter(
            dispute_ref=dispute_ref, kind=LedgerKind.SETTLEMENT
        ).exists():
            raise LedgerError.one(
                "dispute_ref",
                "already_settled",
                "Tvisten är redan reglerad; öppna ett nytt ärende.",
            )
        entry = DisputeLedgerEntry.objects.create(
            dispute_ref=dispute_ref,
            kind=LedgerKind.SPLIT,
            source=LedgerSource.MANUAL,
            agreement=agreement,
            creditor=creditor,
            debtor=debtor,
            cost_ore=cost,
            amount_ore=half_ore(cost),
            description=description.strip()[:300],
            occurred_on=occurred_on,
            invoice_month=_open_month(creditor, debtor, occurred_on),
            created_by=user_of(user)
            if user is not None and user_of(user).is_authenticated
            else None,
        )
        audit(
            user,
            Action.CREATE,
            DisputeLedgerEntry,
            entry.pk,
            why=f"Tvistad kostnad {dispute_ref} bokad, delas lika",
        )
    return entry


@dataclass(frozen=True)
class PairBalance:
    creditor_id: int
    debtor_id: int
    cost_ore: int  # the disputed cost borne by the creditor (net of credits)
    owed_ore: int  # what the debtor owes the creditor through the ledger so far
    invoiced_ore: int  # of which already on an invoice

    @property
    def cost(self) -> Decimal:
        return Decimal(self.cost_ore) / 100

    @property
    def owed(self) -> Decimal:
        return Decimal(self.owed_ore) / 100


@dataclass(frozen=True)
class DisputeBalance:
    dispute_ref: str
    settled: bool
    pairs: tuple[PairBalance, ...]


def _pairs(entries: list[DisputeLedgerEntry]) -> dict[tuple[int, int], dict[str, int]]:
    """Per unordered pair, oriented as (creditor of the first split, its debtor)."""
    pairs: dict[tuple[int, int], dict[str, int]] = {}
    orient: dict[frozenset[int], tuple[int, int]] = {}
    for entry in entries:
        key = frozenset((entry.creditor_id, entry.debtor_id))
        if key not in orient:
            orient[key] = (entry.creditor_id, entry.debtor_id)
        a, b = orient[key]
        sign = 1 if (entry.creditor_id, entry.debtor_id) == (a, b) else -1
        acc = pairs.setdefault((a, b), defaultdict(int))
        acc["owed"] += sign * entry.amount_ore
        if entry.invoice_line_id is not None:
            acc["invoiced"] += sign * entry.amount_ore
        if entry.kind in (LedgerKind.SPLIT, LedgerKind.REVERSAL):
            acc["cost"] += sign * entry.cost_ore
            # What each side paid, kept apart: a decision shares the sum of both, not the net.
            acc["paid_by_creditor" if sign == 1 else "paid_by_debtor"] += entry.cost_ore
    return pairs


def dispute_balance(dispute_ref: str) -> DisputeBalance:
    entries = list(DisputeLedgerEntry.objects.filter(dispute_ref=dispute_ref).order_by("pk"))
    pairs = _pairs(entries)
    return DisputeBalance(
        dispute_ref=dispute_ref,
        settled=any(e.kind == LedgerKind.SETTLEMENT for e in entries),
        pairs=tuple(
            PairBalance(a, b, acc["cost"], acc["owed"], acc["invoiced"])
            for (a, b), acc in pairs.items()
        ),
    )


def settle_dispute(
    *,
    dispute_ref: str,
    payer: Organisation,
    payer_share: Decimal | int | str = Decimal(1),
    decided_on: dt.date | None = None,
    note: str = "",
    user: Any = None,
) -> list[DisputeLedgerEntry]:
    """The parties agreed: ``payer`` bears ``payer_share`` (0–1, default all) of the cost.

    For each pair of parties in the dispute, books the difference between what ``payer``
    owes under the agreement and what the ledger already holds, as a settlement entry that
    the party owed invoices in its next run. Returns the settlement entries (none if the
    halves already were right, e.g. a 50/50 agreement). Refused if already settled.
    """
    share = to_decimal(payer_share)
    if not Decimal(0) <= share <= Decimal(1):
        raise LedgerError.one("payer_share", "out_of_range", "Andel: ska vara mellan 0 och 1.")
    decided_on = decided_on or timezone.localdate()
    with transaction.atomic():
        entries = list(
            DisputeLedgerEntry.objects.select_for_update()
            .filter(dispute_ref=dispute_ref)
            .order_by("pk")
        )
        if not entries:
            raise LedgerError.one(
                "dispute_ref", "unknown_dispute", "Tvisten har inga bokade kostnader."
            )
        if any(e.kind == LedgerKind.SETTLEMENT for e in entries):
            raise LedgerError.one("dispute_ref", "already_settled", "Tvisten är redan reglerad.")
        settlements = []
        for (creditor_id, debtor_id), acc in _pairs(entries).items():
            if payer.pk not in (creditor_id, debtor_id):
                raise LedgerError.one(
                    "payer", "not_a_party", "Betalare: organisationen är inte part i tvisten."
                )
            debtor_share = share if payer.pk == debtor_id else Decimal(1) - share
            # The debtor bears its share of everything both paid, less what it paid itself.
            total = acc["paid_by_creditor"] + acc["paid_by_debtor"]
            bears = int((Decimal(total) * debtor_share).quantize(Decimal(1), ROUND_HALF_UP))
            difference = bears - acc["paid_by_debtor"] - acc["owed"]
            if difference == 0:
                continue
            creditor, debtor = (
                (creditor_id, debtor_id) if difference > 0 else (debtor_id, creditor_id)
            )
            first = next(
                e for e in entries if {e.creditor_id, e.debtor_id} == {creditor_id, debtor_id}
            )
            text = f"Reglering enligt överenskommelse {decided_on:%Y-%m-%d}"
            if note.strip():
                text += f": {note.strip()}"
            creditor_org = Organisation.objects.get(pk=creditor)
            debtor_org = Organisation.objects.get(pk=debtor)
            settlements.append(
                DisputeLedgerEntry.objects.create(
                    dispute_ref=dispute_ref,
                    kind=LedgerKind.SETTLEMENT,
                    source=LedgerSource.SETTLEMENT,
                    agreement=first.agreement,
                    creditor=creditor_org,
                    debtor=debtor_org,
                    cost_ore=0,
                    amount_ore=abs(difference),
                    description=text[:300],
                    occurred_on=decided_on,
                    invoice_month=_open_month(creditor_org, debtor_org, decided_on),
                    created_by=user_of(user)
                    if user is not None and user_of(user).is_authenticated
                    else None,
                )
            )
        if not settlements:
            # Mark the dispute settled even when nothing moves (a 50/50 agreement).
            first = entries[0]
            settlements.append(
                DisputeLedgerEntry.objects.create(
                    dispute_ref=dispute_ref,
                    kind=LedgerKind.SETTLEMENT,
                    source=LedgerSource.SETTLEMENT,
                    agreement=first.agreement,
                    creditor_id=first.creditor_id,
                    debtor_id=first.debtor_id,
                    cost_ore=0,
                    amount_ore=0,
                    description=f"Överenskommelse {decided_on:%Y-%m-%d}: ingen reglering behövs",
                    occurred_on=decided_on,
                    invoice_month=month_start(decided_on),
                )
            )
        audit(
            user,
            Action.CREATE,
            DisputeLedgerEntry,
            settlements[0].pk,
            why=f"Tvist {dispute_ref} reglerad",
        )
    return settlements
