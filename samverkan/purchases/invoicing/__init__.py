"""Invoice runs: one seller, one buyer, one month; credit notes; gapless numbers.

A run
    1. checks, before anything is written, that every approved record of the month has a
       price (or a verified Försäkringskassan rate) and that both parties have what an
       e-invoice needs; otherwise it refuses with the complete list of what is missing;
    2. records its state (``InvoiceRun``, status ``running``) in its own transaction;
    3. makes one invoice per agreement, each in ONE transaction: lock the seller's number
       counter (``select_for_update``), take the next number, claim the records (``UPDATE
       … SET invoice_id``), write rates, the anonymised person map, lines and attachment
       rows with set-based SQL (``INSERT … SELECT … GROUP BY`` and window functions), totals;
    4. marks the run done and the month locked.

Crash safety: a kill at any point rolls back the invoice being written (its number is not
used: the counter row is updated in the same transaction), so there is never a partial
invoice or a gap. Re-running finds the run ``running`` and finishes it; records already on
an invoice are not claimed again, so running twice creates nothing new.

Corrections are never edits: ``credit_invoice`` issues a credit note for the whole invoice,
marks its records credited, puts copies of them back as drafts (to be fixed, withdrawn or
approved) and opens a correction run for the month; the next run invoices what is approved
then.

Amounts are integer öre. A line of hours is ``round_half_up(minutes × unit price / 60)``;
each attachment row has its own record's amount rounded the same way, and the line's last
record (highest id) takes the difference (a few öre at most), so the attachment adds up to
the line exactly. (A largest-remainder share-out needs a sort per line: half a second per
100,000 records on SQLite; this needs none.)

The package splits the job: ``runs`` (parties, plan, the run), ``sql`` (the set-based
writes of an invoice), ``ledger`` (dispute-ledger lines) and ``credits`` (credit notes).
Import from the package: ``from samverkan.purchases.invoicing import run_invoices``.
"""

from __future__ import annotations

from samverkan.purchases.invoicing.credits import credit_invoice
from samverkan.purchases.invoicing.runs import (
    ACTIVE_RUN,
    RunResult,
    invoice_number,
    invoices_of_run,
    party_problems,
    run_invoices,
)
from samverkan.purchases.invoicing.sql import _records_of

__all__ = [
    "ACTIVE_RUN",
    "RunResult",
    "records_of",
    "credit_invoice",
    "invoice_number",
    "invoices_of_run",
    "party_problems",
    "run_invoices",
]


def _checkpoint(name: str) -> None:
    """A no-op; tests replace it to simulate a crash at a named point of a run."""


records_of = _records_of
