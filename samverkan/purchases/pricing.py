"""Price lists with history, and the rate an invoice uses for a group of records.

Prices (Bilaga 4 tjänsteköp) are entered by an administrator: the agreements do not state
them, so the lists ship empty. An edit never changes a row: it adds a version that
supersedes the old one (which gets ``retired_at``). For a record, the most specific active
price wins: intervention and band given beat "all"; two equally specific prices valid the
same day are refused when saved.

Gävleborg's 50 % of performed time is priced from Försäkringskassan's schablonbelopp in
``rates.py`` (with its source); an unverified or missing year is reported as missing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone

from samverkan.accounts.models import Organisation
from samverkan.audit.models import Action
from samverkan.audit.services import record as audit
from samverkan.core.money import format_sek, half_ore, to_decimal, to_ore
from samverkan.purchases import rates
from samverkan.purchases.access import require_price_admin
from samverkan.purchases.bases import (
    AGREEMENT_NAMES,
    BILLING_TERMS,
    DISCHARGE_INTERVENTIONS,
    HOURLY_SHARE_50,
    PAYMENT_RESPONSIBILITY,
    SHARED,
)
from samverkan.purchases.buyers import reference_problem
from samverkan.purchases.errors import PriceError, Problem
from samverkan.purchases.models import Band, DecisionSnapshot, Price, PriceList, PriceUnit
from samverkan.rules import INTERVENTIONS, agreement_name, discharge_terms

__all__ = [
    "PriceIndex",
    "Rate",
    "price_list_for",
    "rate_for",
    "retire_price",
    "set_price",
]

BAND_TEXT = {"day": "dagtid 08–17", "evening_night": "kväll, natt och helg"}
MODE_TEXT = {
    "service_purchase": "tjänsteköp",
    "hourly_share_50": "50 % av utförd tid",
    "shared": "delad kostnad 50 %",
}


@dataclass(frozen=True)
class Rate:
    """What a group of records is invoiced at."""

    unit: str  # PriceUnit value: hour or visit
    unit_price_ore: int
    description: str
    source: str
    price_id: int | None = None
    rate_year: int | None = None


@dataclass(frozen=True)
class Missing:
    """A price that is not there (or not usable), in Swedish."""

    key: tuple[str, ...]
    message: str


def price_list_for(agreement: str) -> PriceList:
    """The agreement's price list (created empty if it does not exist)."""
    if agreement not in AGREEMENT_NAMES:
        raise PriceError.one("agreement", "unknown_agreement", f"Okänt avtal: {agreement}.")
    price_list, _ = PriceList.objects.get_or_create(
        agreement=agreement,
        defaults={
            "name": f"Prislista {AGREEMENT_NAMES[agreement]}",
            "description": "Priserna finns inte i avtalstexten; de läggs in av en administratör.",
        },
    )
    return price_list


class PriceIndex:
    """The active prices, loaded once (a run or an import looks up many keys)."""

    def __init__(self, prices: Iterable[Price] | None = None) -> None:
        if prices is None:
            prices = Price.objects.filter(retired_at__isnull=True).select_related("price_list")
        self._by_agreement: dict[str, list[Price]] = defaultdict(list)
        for price in prices:
            self._by_agreement[price.price_list.agreement].append(price)

    def find(self, agreement: str, intervention: str, band: str, day: dt.date) -> list[Price]:
        """The most specific prices valid on ``day`` (normally one; two or more = ambiguous)."""
        best: list[Price] = []
        best_score = -1
        for price in self._by_agreement.get(agreement, ()):
            if price.intervention not in ("", intervention) or price.band not in ("", band):
                continue
            if price.valid_from > day or (price.valid_to is not None and price.valid_to < day):
                continue
            score = (2 if price.intervention else 0) + (1 if price.band else 0)
            if score > best_score:
                best, best_score = [price], score
            elif score == best_score:
                best.append(price)
        return best


def _describe(intervention: str, band: str, payment: str) -> str:
    return f"{INTERVENTIONS.get(intervention, intervention)}, {BAND_TEXT.get(band, band)} – {MODE_TEXT.get(payment, payment)}"


#: Modes whose records are priced by their own decision snapshot (a source states the price
#: of what it bills: payment days at a local agreement's amount per vårddygn).
PRICED_BY_DECISION = frozenset({PAYMENT_RESPONSIBILITY})


def priced_by() -> Case:
    """The query expression of the decision a record is priced by (None: by its key)."""
    return Case(
        When(payment__in=sorted(PRICED_BY_DECISION), then=F("decision_id")),
        default=Value(None),
        output_field=IntegerField(),
    )


def decisions_of(ids: Iterable[int]) -> dict[int, Mapping[str, Any]]:
    """The decision snapshots' data by id (the few a month's source records share)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {
        pk: data
        for pk, data in DecisionSnapshot.objects.filter(pk__in=wanted).values_list("pk", "data")
        if isinstance(data, Mapping)
    }


def rate_for(
    index: PriceIndex,
    *,
    payment: str,
    agreement: str,
    intervention: str,
    band: str,
    day: dt.date,
    decision: Mapping[str, Any] | None = None,
) -> Rate | Missing:
    key = (payment, agreement, intervention, band)
    description = _describe(intervention, band, payment)
    if payment == HOURLY_SHARE_50:
        try:
            hourly = rates.hourly_amount(day.year)
        except rates.RateMissing as exc:
            return Missing(key + (str(day.year),), exc.message)
        row = rates.rate_for(day.year)
        return Rate(
            unit=PriceUnit.HOUR,
            unit_price_ore=half_ore(to_ore(hourly)),
            # One line per person and month, whatever the intervention or time of day.
            description=(
                "Egenvård/hälso- och sjukvårdsinsatser, 50 % av utförd tid "
                f"(Försäkringskassans timbelopp {day.year})"
            ),
            source=(
                f"Försäkringskassans schablonbelopp {day.year}: {format_sek(hourly)}/tim, "
                f"50 % ersätts. Källa: {row.source}"
            ),
            rate_year=day.year,
        )
    if payment == PAYMENT_RESPONSIBILITY:
        return _day_rate(key, intervention, day, decision)
    found = index.find(agreement, intervention, band, day)
    if not found:
        return Missing(
            key,
            f"Pris saknas i prislistan för {AGREEMENT_NAMES.get(agreement, agreement)}: "
            f"{INTERVENTIONS.get(intervention, intervention)}, {BAND_TEXT.get(band, band)}",
        )
    if len(found) > 1:
        return Missing(
            key,
            f"Flera priser gäller samtidigt i prislistan för {agreement}: "
            f"{INTERVENTIONS.get(intervention, intervention)}, {BAND_TEXT.get(band, band)}",
        )
    price = found[0]
    unit_price = to_ore(price.amount)
    source = f"Prislista {agreement}, pris {price.pk} version {price.version}"
    if price.source:
        source += f" ({price.source})"
    if price.is_demo:
        source += " – DEMOPRIS"
    if payment == SHARED:
        unit_price = half_ore(unit_price)
        source += "; 50 % (delas lika tills överenskommelse)"
    return Rate(
        unit=price.unit,
        unit_price_ore=unit_price,
        description=description,
        source=source,
        price_id=price.pk,
    )


def _day_rate(
    key: tuple[str, ...], intervention: str, day: dt.date, decision: Mapping[str, Any] | None
) -> Rate | Missing:
    """A vårddygn of betalningsansvar at the amount of its day (Socialstyrelsen's amount of
    the year, Lag 2017:612 5 kap. 6 §), with the rule's clause and source; or at the amount
    a local agreement version sets, when the record's decision (the discharge source's
    snapshot: ``per_day``, ``amount_clause``, ``amount_source``) states one, the version
    named in the text and as the source. Whether the amount is confirmed decides whether
    its records are approved (the discharge source), not this."""
    care_type = intervention.removeprefix("vardygn-")
    if intervention not in DISCHARGE_INTERVENTIONS:
        return Missing(key, f"Okänd vårdform för betalningsansvar: {intervention}")
    try:
        amount = discharge_terms(day).amount_on(care_type, day)
    except LookupError:
        amount = None
    if decision is not None and decision.get("per_day") is not None:
        clause = str(decision.get("amount_clause") or "")
        per_day = to_decimal(decision["per_day"])
        if amount is None or (per_day, clause) != (amount.per_day, amount.clause):
            confirmed = "" if decision.get("verified") else " (beloppet är inte bekräftat)"
            return Rate(
                unit=PriceUnit.DAY,
                unit_price_ore=to_ore(per_day),
                description=f"{DISCHARGE_INTERVENTIONS[intervention]}, {clause}",
                source=(
                    f"{clause} (lokal överenskommelse enligt lag (2017:612) 5 kap.): "
                    f"{format_sek(per_day)} per vårddygn{confirmed}. "
                    f"Källa: {decision.get('amount_source') or 'ej angiven'}"
                ),
                rate_year=day.year,
            )
    if amount is None:
        return Missing(key + (str(day.year),), f"Belopp per vårddygn saknas för {day.year}")
    confirmed = "" if amount.verified else " (beloppet är inte bekräftat mot föreskriften)"
    return Rate(
        unit=PriceUnit.DAY,
        unit_price_ore=to_ore(amount.per_day),
        description=f"{DISCHARGE_INTERVENTIONS[intervention]} {day.year}",
        source=(
            f"{amount.clause}: {format_sek(amount.per_day)} per vårddygn {day.year}"
            f"{confirmed}. Källa: {amount.source or 'ej angiven'}"
        ),
        rate_year=day.year,
    )


# --------------------------------------------------------------------------- editing


def _check_price(
    *,
    intervention: str,
    band: str,
    unit: str,
    amount: Any,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
) -> Decimal:
    problems: list[Problem] = []
    if intervention and intervention not in INTERVENTIONS:
        problems.append(Problem("intervention", "invalid_choice", "Insats: okänt värde."))
    if band and band not in Band.values:
        problems.append(Problem("band", "invalid_choice", "Tidsband: okänt värde."))
    if unit not in (PriceUnit.HOUR, PriceUnit.VISIT):
        problems.append(
            Problem("unit", "invalid_choice", "Enhet: ska vara per timme eller per besök.")
        )
    value = Decimal(0)
    try:
        value = to_decimal(amount)
    except (TypeError, ValueError):
        problems.append(Problem("amount", "invalid_amount", "Belopp: ange ett belopp i kronor."))
    else:
        if value < 0:
            problems.append(Problem("amount", "negative", "Belopp: får inte vara negativt."))
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            problems.append(
                Problem("amount", "too_many_decimals", "Belopp: högst två decimaler (öre).")
            )
    if valid_from is None:
        problems.append(Problem("valid_from", "required", "Gäller från: ange ett datum."))
    elif valid_to is not None and valid_to < valid_from:
        problems.append(
            Problem("valid_to", "before_valid_from", "Gäller till: får inte vara före från-datum.")
        )
    if problems:
        raise PriceError(problems)
    return value


def _check_buyer_rule(agreement: str) -> None:
    """A price list is set up for an agreement whose fixed "Er referens" the buyer's rule
    refuses (``buyers.reference_problem``): say so now, not at the first invoice run."""
    terms = BILLING_TERMS.get(agreement)
    if terms is None or not (terms.buyer_reference and terms.buyer_scb_code):
        return
    buyer = Organisation.objects.filter(scb_code=terms.buyer_scb_code).first()
    if buyer is None:
        return
    wrong = reference_problem(buyer, terms.buyer_reference)
    if wrong is not None:
        raise PriceError.one(
            "agreement",
            wrong.code,
            f"Prislistan för avtalet kan inte läggas upp: {wrong.message}",
        )


def set_price(
    actor: Any,
    *,
    agreement: str,
    intervention: str = "",
    band: str = "",
    unit: str = PriceUnit.HOUR,
    amount: Any,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    source: str = "",
    replaces: Price | None = None,
    is_demo: bool = False,
) -> Price:
    """Add a price, or a new version of ``replaces`` (administrators only).

    Two active prices for the same intervention and band may not be valid on the same day.
    """
    user = require_price_admin(actor)
    value = _check_price(
        intervention=intervention,
        band=band,
        unit=unit,
        amount=amount,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    _check_buyer_rule(agreement)
    price_list = price_list_for(agreement)
    with transaction.atomic():
        if replaces is not None:
            replaces = Price.objects.select_for_update().get(pk=replaces.pk)
            if replaces.retired_at is not None:
                raise PriceError.one(
                    "replaces", "already_replaced", "Priset har redan ersatts av en nyare version."
                )
            if replaces.price_list_id != price_list.pk:
                raise PriceError.one(
                    "replaces", "other_list", "Priset hör till en annan prislista."
                )
        clashing = Price.objects.filter(
            price_list=price_list, intervention=intervention, band=band, retired_at__isnull=True
        )
        if replaces is not None:
            clashing = clashing.exclude(pk=replaces.pk)
        end = valid_to or dt.date.max
        for other in clashing:
            other_end = other.valid_to or dt.date.max
            if other.valid_from <= end and valid_from <= other_end:
                raise PriceError.one(
                    "valid_from",
                    "overlapping_validity",
                    f"Gäller från: ett annat pris för samma insats och tidsband gäller redan "
                    f"{other.valid_from}–{other.valid_to or 'tills vidare'}. Ersätt det priset "
                    "i stället, eller avsluta det först.",
                )
        price = Price(
            price_list=price_list,
            intervention=intervention,
            band=band,
            unit=unit,
            amount=value,
            valid_from=valid_from,
            valid_to=valid_to,
            version=(replaces.version + 1) if replaces else 1,
            supersedes=replaces,
            source=source,
            is_demo=is_demo,
            created_by=user,
        )
        if replaces is not None:
            Price.objects.filter(pk=replaces.pk).update(retired_at=timezone.now(), retired_by=user)
        price.save()
        audit(
            actor,
            Action.UPDATE if replaces else Action.CREATE,
            Price,
            price.pk,
            why=f"Pris i prislista {agreement_name(agreement)}"
            + (f" (ersätter version {replaces.version})" if replaces else ""),
        )
    return price


def retire_price(actor: Any, price: Price) -> Price:
    """End a price without a successor (kept as history)."""
    user = require_price_admin(actor)
    with transaction.atomic():
        updated = Price.objects.filter(pk=price.pk, retired_at__isnull=True).update(
            retired_at=timezone.now(), retired_by=user
        )
        if not updated:
            raise PriceError.one("price", "already_replaced", "Priset är redan borttaget.")
        audit(actor, Action.DELETE, Price, price.pk, why="Pris borttaget ur prislistan")
    return Price.objects.get(pk=price.pk)


def price_history(price_list: PriceList) -> list[Price]:
    return list(
        price_list.prices.select_related("created_by", "retired_by").order_by(
            "intervention", "band", "valid_from", "version"
        )
    )
