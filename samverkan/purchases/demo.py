"""Demo data for tjänsteköp: invoicing details, price lists and a few service records.

``load_demo()`` is idempotent (safe on every ``samverkan serve``). It needs the accounts
demo (organisations, staff) and calls it if the demo staff are missing. Two synthetic
persons per kommun are created here on Skatteverket's test numbers (with a care relation,
no facts), so the demo does not depend on the people demo's cases.

- Jämtland Härjedalen: the Bilaga 4 price list is EMPTY in the agreement text, so it ships
  empty except ONE demo price (sjuksköterskeinsats dagtid, 650 kr/tim) clearly marked as a
  demo price, so that an invoice run can be shown. An administrator replaces it.
- Gävleborg: 50 % of performed time at Försäkringskassan's hourly amount (rates.py, with
  sources); the demo records are from November 2019, while the agreement was in force.
- A closed month: Gävle kommun's November 2019 to Region Gävleborg is invoiced, the invoice
  credited and the month invoiced again (``_closed_month``), so the ekonom's path shows
  issued invoices and a credit note with their XML and PDF.
- Ordering units: Region Jämtland Härjedalen's Hälsocentral Centrum and Medicinkliniken
  have references of their own (``UNIT_REFERENCES``, demo codes in the region's six-digit
  form); Östersund's demo services of last month are ordered by the two, so its invoice run
  for the month makes two invoices, each with its unit's "Er referens".
- Organisation numbers are the parties' own (recalled, Luhn-checked, not verified against a
  register) and are filled in only where empty; bankgiro numbers are made up.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from samverkan.accounts.models import Organisation
from samverkan.purchases import services
from samverkan.purchases.bases import month_start
from samverkan.purchases.models import BillingProfile, Price, PriceList, ServiceRecord
from samverkan.purchases.pricing import price_list_for
from samverkan.purchases.timesplit import STOCKHOLM

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from samverkan.people.models import Person

DEMO_SEED = 5150
DEMO_PRICE_SOURCE = "DEMOPRIS – inte ur bilaga 4. Ersätt med det pris huvudmännen beslutat."

# scb_code -> (organisation number, invoice reference, street, postal code, city)
ORG_DATA = {
    # Region JH: six digits alone in "Er referens" (its published rule; a demo code)
    "23": ("232100-0214", "412000", "Box 910", "83129", "Östersund"),
    # Östersund: "a valid six-digit reference number" (its published rule; a demo code)
    "2380": ("212000-2528", "100200", "Rådhusgatan 44", "83182", "Östersund"),
    "21": ("232100-0198", "KST 80904", "Ledning Hälso- och sjukvård", "82682", "Söderhamn"),
    # Gävle: "FE2120002338/<förvaltning>, Box 954, 801 33 Gävle" (its published address)
    # its Referens-id: 8-10 characters starting with four digits (a demo code)
    "2180": ("212000-2338", "3010DEMO01", "Box 954", "80133", "Gävle"),
}
BANKGIRO = {"2380": "123-4566", "2180": "5050-1055"}
#: scb_code -> {unit name: its "Er referens"} (demo codes in the buyer's published form)
UNIT_REFERENCES = {"23": {"Hälsocentral Centrum": "412010", "Medicinkliniken": "412020"}}


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def _ensure_accounts() -> None:
    if _user("ssk.ostersund") is None or _user("ssk.gavle") is None:
        from samverkan.accounts.demo import load_demo as load_accounts

        load_accounts()


def _organisations() -> dict[str, Organisation]:
    orgs = {o.scb_code: o for o in Organisation.objects.filter(scb_code__in=ORG_DATA)}
    for code, (number, reference, street, postal, city) in ORG_DATA.items():
        org = orgs.get(code)
        if org is None:
            continue
        changed = False
        for attr, value in (
            ("org_number", number),
            ("invoice_reference", reference),
            ("street_address", street),
            ("postal_code", postal),
            ("city", city),
        ):
            if not getattr(org, attr):
                setattr(org, attr, value)
                changed = True
        if changed:
            org.save()
        if code in BANKGIRO:
            BillingProfile.objects.get_or_create(
                organisation=org,
                defaults={"bankgiro": BANKGIRO[code], "contact_name": "Ekonomienheten (demo)"},
            )
    return orgs


def _unit_references(admin: Any, orgs: dict[str, Organisation]) -> int:
    """The demo units' references, set up through the service (checked, logged); once."""
    from samverkan.accounts.models import Unit
    from samverkan.purchases.buyers import save_unit_reference
    from samverkan.purchases.models import OrderingUnitReference

    created = 0
    for code, references in UNIT_REFERENCES.items():
        org = orgs.get(code)
        if org is None:
            continue
        for unit in Unit.objects.filter(organisation=org, name__in=references):
            if not OrderingUnitReference.objects.filter(unit=unit).exists():
                save_unit_reference(admin, unit, references[unit.name])
                created += 1
    return created


def _price_lists(admin: Any) -> int:
    jh = price_list_for("jh-hemsjukvard")
    if not jh.description.startswith("Bilaga 4"):
        PriceList.objects.filter(pk=jh.pk).update(
            description=(
                "Bilaga 4 (tjänsteköp): priserna finns inte i avtalstexten. Listan är tom "
                "utom ett DEMOPRIS; en administratör lägger in de beslutade priserna."
            )
        )
    gvb = price_list_for("gvb-svart-sjuka")
    if not gvb.description.startswith("Ersättningen"):
        PriceList.objects.filter(pk=gvb.pk).update(
            description=(
                "Ersättningen är 50 % av utförd tid enligt Försäkringskassans schablonbelopp "
                "för assistansersättning (se tabellen nedan, med källor); inga egna priser."
            )
        )
    if Price.objects.filter(price_list=jh, is_demo=True).exists():
        return 0
    services.set_price(
        admin,
        agreement="jh-hemsjukvard",
        intervention="nursing",
        band="day",
        unit="hour",
        amount="650.00",
        valid_from=dt.date(2024, 1, 1),
        source=DEMO_PRICE_SOURCE,
        is_demo=True,
    )
    return 1


def _persons(org: Organisation, actor: Any, count: int, offset: int) -> list[Person]:
    """The demo persons of ``org`` (created once; no facts recorded, so the agreement basis
    decides the payment mode where the engine lacks facts), seeded by the people room."""
    from samverkan.people.demo import synthetic_demo_persons

    return synthetic_demo_persons(org, actor, count, DEMO_SEED + offset)


def _register(  # noqa: PLR0913
    actor: Any,
    person: Person,
    day: dt.date,
    start: str,
    end: str,
    basis: str,
    ext: str,
    orderer_unit: str = "",
) -> int:
    if ServiceRecord.objects.filter(external_id=ext).exists():
        return 0
    hs, ms = (int(p) for p in start.split(":"))
    he, me = (int(p) for p in end.split(":"))
    start_at = dt.datetime.combine(day, dt.time(hs, ms), tzinfo=STOCKHOLM)
    end_at = dt.datetime.combine(day, dt.time(he, me), tzinfo=STOCKHOLM)
    if end_at <= start_at:
        end_at += dt.timedelta(days=1)
    try:
        records = services.register_service(
            actor,
            services.ServiceInput(
                person=person,
                start=start_at,
                end=end_at,
                intervention="nursing",
                basis=basis,
                orderer_unit=orderer_unit or None,
                external_id=ext,
            ),
        )
    except services.PurchasesError:
        return 0  # e.g. the month is already invoiced and locked
    return len(records)


def _weekdays(month: dt.date, count: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = month
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


#: The demo's closed month: Gävle kommun invoices Region Gävleborg for November 2019 on
#: 2 December, credits the invoice on 9 December and invoices the month again.
CLOSED_MONTH_DAYS = (dt.date(2019, 12, 2), dt.date(2019, 12, 9))
CREDIT_REASON = (
    "Demo: fakturan krediteras i sin helhet och ersätts av en ny faktura för samma månad "
    "(så visas en kreditfaktura)."
)


def _closed_month(
    admin: Any, ekonom: Any, seller: Organisation, buyer: Organisation, month: dt.date
) -> int:
    """Issue the month's invoice, credit it and invoice again, all through the services
    (the official Peppol rules run on each); the month ends locked with two invoices and
    one credit note, downloadable by the ekonomer of both parties. Done once."""
    from samverkan.purchases.buyers import confirm_identifiers
    from samverkan.purchases.models import Invoice

    if Invoice.objects.filter(seller=seller, buyer=buyer, period_start=month).exists():
        return 0
    if buyer.unverified_identifiers():
        # Region Gävleborg's number is read from its Peppol id (derived): the demo's
        # administrator confirms it, as one would after checking (logged).
        confirm_identifiers(admin, buyer)
        buyer.refresh_from_db()
    issued, corrected = CLOSED_MONTH_DAYS
    try:
        with transaction.atomic():
            first = services.run_invoices(
                ekonom, seller=seller, buyer=buyer, month=month, today=issued
            ).created
            for invoice in first:
                services.credit_invoice(ekonom, invoice, reason=CREDIT_REASON, today=corrected)
            services.approve_records(ekonom, month=month)
            again = services.run_invoices(
                ekonom, seller=seller, buyer=buyer, month=month, today=corrected
            ).created
    except services.PurchasesError as error:
        # e.g. the validation rules are not found (the checkout is not beside shared/ and
        # SAMVERKAN_SHARED_DIR is not set): the demo runs without, and says why
        logger.warning("Demo: the closed month is not invoiced (%s)", error.code)
        return 0
    return len(first) * 2 + len(again)


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create what is missing; returns counts."""
    _ensure_accounts()
    orgs = _organisations()
    admin = _user("admin.regionjh") or _user("admin")
    created_prices = _price_lists(admin) if admin else 0
    if admin:
        _unit_references(admin, orgs)
    records = invoices = 0
    nurse_ost, ekonom_ost = _user("ssk.ostersund"), _user("ekonom.ostersund")
    if nurse_ost is not None and "2380" in orgs:
        persons = _persons(orgs["2380"], nurse_ost, 2, 0)
        last_month = month_start(month_start(timezone.localdate()) - dt.timedelta(days=1))
        days = _weekdays(last_month, 3)
        # ordered by two of the region's units with references of their own
        ordered = [
            (
                persons[0],
                days[0],
                "15:30",
                "18:15",
                "Hälsocentral Centrum",
            ),  # day paid, evening not
            (persons[0], days[1], "09:00", "10:00", "Medicinkliniken"),
            (persons[-1], days[2], "13:10", "14:40", "Hälsocentral Centrum"),
        ]
        for index, (person, day, start, end, unit) in enumerate(ordered):
            records += _register(
                nurse_ost,
                person,
                day,
                start,
                end,
                "jh-tjanstekop",
                f"demo-ost-{day:%Y%m}-{index}",
                unit,
            )
        if ekonom_ost is not None:
            services.approve_records(
                ekonom_ost,
                month=last_month,
                record_ids=ServiceRecord.objects.filter(
                    external_id__in=[f"demo-ost-{d:%Y%m}-{i}" for i, d in enumerate(days[:2])],
                    status="draft",
                ).values_list("pk", flat=True),
            )
    nurse_gvb, ekonom_gvb = _user("ssk.gavle"), _user("ekonom.gavle")
    if nurse_gvb is not None and "2180" in orgs:
        persons = _persons(orgs["2180"], nurse_gvb, 2, 1)
        nov = dt.date(2019, 11, 1)
        plan = [
            (persons[0], dt.date(2019, 11, 4), "08:00", "16:30"),
            (persons[0], dt.date(2019, 11, 5), "22:00", "23:45"),
            (persons[-1], dt.date(2019, 11, 7), "07:00", "19:20"),
        ]
        for index, (person, day, start, end) in enumerate(plan):
            records += _register(
                nurse_gvb, person, day, start, end, "gvb-timersattning", f"demo-gvb-{index}"
            )
        if ekonom_gvb is not None:
            services.approve_records(ekonom_gvb, month=nov)
            if "21" in orgs and admin is not None:
                invoices = _closed_month(admin, ekonom_gvb, orgs["2180"], orgs["21"], nov)
    return {
        "prices": created_prices,
        "records": records,
        "invoices": invoices,
        "service_records": ServiceRecord.objects.count(),
    }
