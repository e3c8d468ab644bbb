"""Agreement bases for a performed service, and the agreements' billing terms.

Pure data, no Django. A *basis* (avtalsgrund) is what the person registering a service says
it was done under; it names the agreement and clause and the payment mode the clause gives
for day-time and for evening/night. The rules engine has the last word (see
``samverkan.purchases.decisions``): when it can decide compensation and cost from the facts,
its answer is used; the basis is the fallback when facts are missing, and it is recorded in
the decision snapshot which of the two decided.

Payment modes (``PaymentMode`` in models.py, the domain model's ``compensation``/``cost``):

- ``none``: no compensation (Bilaga 2: evenings and nights 17.00-08.00 "utan ersättning");
- ``service_purchase``: tjänsteköp priced from the agreement's price list (Bilaga 4);
- ``hourly_share_50``: Gävleborg, 50 % of performed time at Försäkringskassan's hourly amount;
- ``home_region``: a visitor's home region is billed (jh-hemsjukvard §7.2); outside the
  invoice runs between the parties in this system;
- ``shared``: the cost is shared equally until the parties agree (§7.7, §8): invoiced at 50 %
  and recorded in the dispute ledger.

Billing terms are what the agreement says about invoicing: Gävleborg's "Faktureringsadress"
(Region Gävleborg, Ledning Hälso- och sjukvård, 826 82 Söderhamn, Referensnummer KST 80904)
and its deadline ("faktura ska vara Region Gävleborg tillhanda den 25 i varje månad").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = [
    "AGREEMENT_NAMES",
    "BASES",
    "BILLING_TERMS",
    "INVOICEABLE_MODES",
    "PAYMENT_MODE_LABELS",
    "Basis",
    "BillingTerms",
    "DISCHARGE_AGREEMENT",
    "DISCHARGE_BASIS",
    "DISCHARGE_INTERVENTIONS",
    "PAYMENT_RESPONSIBILITY",
    "basis_choices",
    "delivery_deadline",
    "month_end",
    "month_start",
    "next_month",
]

NONE = "none"
SERVICE_PURCHASE = "service_purchase"
HOURLY_SHARE_50 = "hourly_share_50"
HOME_REGION = "home_region"
SHARED = "shared"
#: Betalningsansvar vid utskrivning (Lag 2017:612 5 kap.): vårddygn the kommun pays the
#: region for, from the discharge room's source (``samverkan.purchases.sources``).
PAYMENT_RESPONSIBILITY = "discharge_days"

PAYMENT_MODE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        NONE: "Ingen ersättning",
        SERVICE_PURCHASE: "Tjänsteköp (pris enligt prislista)",
        HOURLY_SHARE_50: "50 % av utförd tid (Försäkringskassans timbelopp)",
        HOME_REGION: "Faktureras hemregionen",
        SHARED: "Delas lika tills överenskommelse",
        PAYMENT_RESPONSIBILITY: "Betalningsansvar vid utskrivning (per vårddygn)",
    }
)
#: Modes that an invoice run between the parties bills.
INVOICEABLE_MODES = frozenset({SERVICE_PURCHASE, HOURLY_SHARE_50, SHARED, PAYMENT_RESPONSIBILITY})

AGREEMENT_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "jh-hemsjukvard": "Samverkansavtal gällande hemsjukvård (Jämtland Härjedalen)",
        "jh-primarvard-kommun": "Bilaga 2 Samverkan och ansvar primärvård – kommun",
        "jh-psykisk": "Överenskommelse om personer med psykiska funktionsnedsättningar",
        "gvb-svart-sjuka": "Överenskommelse svårt sjuka personer som vårdas i hemmet (Gävleborg)",
        "lag-2017-612": "Betalningsansvar vid utskrivning från sluten vård, lag (2017:612)",
    }
)
#: The "agreement" of betalningsansvar: the law itself (or the parties' local discharge
#: agreement under it); its days get an invoice of their own in the pair's monthly run.
DISCHARGE_AGREEMENT = "lag-2017-612"
#: The basis of a record of payment days (not offered when registering a service).
DISCHARGE_BASIS = "lag-2017-612-betalningsansvar"
#: What a record of payment days is for, per care type (the record's ``intervention``).
DISCHARGE_INTERVENTIONS: Mapping[str, str] = MappingProxyType(
    {
        "vardygn-somatic": "Vårddygn efter utskrivningsklar, somatisk vård",
        "vardygn-psychiatric": "Vårddygn efter utskrivningsklar, psykiatrisk vård",
    }
)


@dataclass(frozen=True)
class Basis:
    id: str
    label: str
    region: str
    agreement: str  # the agreement whose price list and billing terms apply
    clause: str
    mode_day: str
    mode_evening_night: str
    #: Facts this basis states about the service, given to the engine unless the person's
    #: own facts say otherwise.
    facts: Mapping[str, Any] = field(default_factory=dict)
    needs_dispute_ref: bool = False

    def mode_for(self, band: str) -> str:
        return self.mode_day if band == "day" else self.mode_evening_night


BASES: Mapping[str, Basis] = MappingProxyType(
    {
        b.id: b
        for b in (
            Basis(
                "jh-tjanstekop",
                "Tjänsteköp enligt bilaga 4 (dagtid 08–17; kväll/natt utan ersättning)",
                "jamtland-harjedalen",
                "jh-hemsjukvard",
                "jh-hemsjukvard §7.5; jh-primarvard-kommun Dagtid 08.00–17.00",
                SERVICE_PURCHASE,
                NONE,
                {"service_purchase_requested": True},
            ),
            Basis(
                "jh-kvall-natt",
                "Distriktssköterskeinsats kväll/natt i regionens primärvård, utan ersättning",
                "jamtland-harjedalen",
                "jh-primarvard-kommun",
                "jh-primarvard-kommun Tjänstgöring kvällar och nätter 17.00–08.00",
                NONE,
                NONE,
            ),
            Basis(
                "jh-hemregion",
                "Besökare från annan region: faktureras hemregionen (§7.2)",
                "jamtland-harjedalen",
                "jh-hemsjukvard",
                "jh-hemsjukvard §7.2",
                HOME_REGION,
                HOME_REGION,
                {"residence": "registered_elsewhere"},
            ),
            Basis(
                "jh-delad-kostnad",
                "Oenighet om kostnadsansvar: delas lika tills överenskommelse (§7.7, §8)",
                "jamtland-harjedalen",
                "jh-hemsjukvard",
                "jh-hemsjukvard §7.7",
                SHARED,
                SHARED,
                {"parties_disagree": True},
                needs_dispute_ref=True,
            ),
            Basis(
                "gvb-timersattning",
                "Gävleborg: 50 % av utförd tid enligt Försäkringskassans timbelopp",
                "gavleborg",
                "gvb-svart-sjuka",
                "gvb-svart-sjuka Ekonomisk överenskommelse 2018-2019",
                HOURLY_SHARE_50,
                HOURLY_SHARE_50,
                {"treatment_responsibility": "specialist_care"},
            ),
        )
    }
)


def basis_choices(region: str | None = None) -> list[tuple[str, str]]:
    return [(b.id, b.label) for b in BASES.values() if region is None or b.region == region]


@dataclass(frozen=True)
class BillingTerms:
    """What an agreement says about invoicing. Empty fields: take them from the buyer's
    organisation (address, invoice reference)."""

    agreement: str
    contract_reference: str
    clause: str = ""
    buyer_address_lines: tuple[str, ...] = ()
    buyer_postal_code: str = ""
    buyer_city: str = ""
    buyer_reference: str = ""
    #: The buyer the fixed reference is for (its SCB code), checked against its buyer rule.
    buyer_scb_code: str = ""
    #: The invoice must *reach* the buyer by this day of the month after the service month.
    deadline_day: int | None = None
    payment_days: int = 30


BILLING_TERMS: Mapping[str, BillingTerms] = MappingProxyType(
    {
        t.agreement: t
        for t in (
            BillingTerms(
                "gvb-svart-sjuka",
                "Överenskommelse svårt sjuka personer som vårdas i hemmet, "
                "Ekonomisk överenskommelse 2018-2019",
                clause="gvb-svart-sjuka Faktureringsadress",
                buyer_address_lines=("Ledning Hälso- och sjukvård",),
                buyer_postal_code="82682",
                buyer_city="Söderhamn",
                buyer_reference="KST 80904",
                buyer_scb_code="21",
                deadline_day=25,
            ),
            BillingTerms(
                "jh-hemsjukvard",
                "Samverkansavtal gällande hemsjukvård, bilaga 4 (tjänsteköp)",
                clause="jh-hemsjukvard §7.5",
            ),
            BillingTerms(
                "jh-primarvard-kommun",
                "Bilaga 2 Samverkan och ansvar primärvård – kommun",
                clause="jh-primarvard-kommun",
            ),
            BillingTerms(
                "jh-psykisk",
                "Överenskommelse om personer med psykiska funktionsnedsättningar",
                clause="jh-psykisk",
            ),
        )
    }
)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    month = month_start(month)
    return dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    return next_month(month) - dt.timedelta(days=1)


def delivery_deadline(agreement: str, month: dt.date) -> dt.date | None:
    """The last day the invoice for ``month`` may reach the buyer, if the agreement says.

    Gävleborg: monthly invoicing, "faktura ska vara Region Gävleborg tillhanda den 25 i varje
    månad": the invoice for November must be there by 25 December.
    """
    terms = BILLING_TERMS.get(agreement)
    if terms is None or terms.deadline_day is None:
        return None
    following = next_month(month)
    return following.replace(day=terms.deadline_day)
