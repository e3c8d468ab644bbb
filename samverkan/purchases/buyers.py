"""The buyer's side of an invoice: whether its identifiers may be used.

An organisation number or Peppol id that is not from the buyer's own page (see
:mod:`samverkan.accounts.reference`: derived, secondary, disagreeing sources, or typed in
without a source) is confirmed by an administrator before an invoice to that organisation is
issued; the run is refused otherwise (``buyer_identifiers_unconfirmed``). A changed number
or Peppol id loses its confirmation (``Organisation.save``). Confirmations are logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from samverkan.accounts.actors import role_of
from samverkan.accounts.models import Organisation, Role, Unit
from samverkan.accounts.reference import DISAGREE, OUTDATED, Reading, reference_for
from samverkan.audit.models import Action
from samverkan.audit.services import record as audit
from samverkan.purchases.access import (
    _deny,
    can_edit_prices,
    organisation_of_actor,
    require_identifier_admin,
    user_of,
)
from samverkan.purchases.bases import AGREEMENT_NAMES, BILLING_TERMS
from samverkan.purchases.errors import Problem, PurchasesError
from samverkan.purchases.models import BuyerRule as BuyerRuleRow
from samverkan.purchases.models import DetailChannel, OrderingUnitReference

UNCONFIRMED = "buyer_identifiers_unconfirmed"
DISPUTED = "buyer_rule_disputed"


def identifier_problem(buyer: Organisation) -> Problem | None:
    """The refusal for an invoice to ``buyer`` whose identifiers nobody has confirmed."""
    unverified = buyer.unverified_identifiers()
    if not unverified:
        return None
    return Problem(
        "buyer",
        UNCONFIRMED,
        f"Fakturan till {buyer.name} kan inte utfärdas: {' och '.join(unverified)} är inte "
        "hämtat från organisationens egen webbplats. En administratör behöver kontrollera "
        "och bekräfta uppgiften under Fakturamottagare först.",
    )


def confirm_identifiers(actor: Any, org: Organisation) -> Organisation:
    """An administrator confirms the organisation number and Peppol id as they stand now."""
    user = require_identifier_admin(actor)
    if not org.org_number:
        raise PurchasesError.one(
            "org_number",
            "org_number_missing",
            f"Organisationsnummer saknas för {org.name}; lägg in det innan det bekräftas.",
        )
    now = timezone.now()
    Organisation.objects.filter(pk=org.pk).update(
        identifiers_confirmed_at=now, identifiers_confirmed_by=user
    )
    org.identifiers_confirmed_at, org.identifiers_confirmed_by = now, user
    peppol = f", Peppol-id {org.peppol_scheme or '0007'}:{org.peppol_id}" if org.peppol_id else ""
    audit(
        actor,
        Action.UPDATE,
        Organisation,
        org.pk,
        why=f"Identifierare bekräftade för {org.name}: organisationsnummer {org.org_number}{peppol}",
        owner=org,
    )
    return org


# --------------------------------------------------------------------------- buyer rules

PDF, CSV = "application/pdf", "text/csv"

#: The reference formats buyers publish, each a whole-match pattern and its Swedish rule.
_ALNUM = "0-9A-Za-zÅÄÖåäö"
REFERENCE_FORMATS: dict[str, tuple[str, str, str]] = {
    # key: (label, pattern, the rule in a message)
    "any": ("Valfri text", "", ""),
    "digits6": (
        "Sex siffror",
        r"\d{6}",
        "sex siffror och inget annat (referenskoden beställaren har lämnat)",
    ),
    "digits4": ("Fyra siffror", r"\d{4}", "fyra siffror och inget annat"),
    "chars5_6": (
        "Fem eller sex tecken",
        f"[{_ALNUM}]{{5,6}}",
        "fem eller sex bokstäver eller siffror i följd",
    ),
    "digits4_id": (
        "8–10 tecken, börjar med fyra siffror",
        f"\\d{{4}}[{_ALNUM}]{{4,6}}",
        "8–10 tecken som börjar med fyra siffror (t.ex. 3010BBB123)",
    ),
    "bk_digits": (
        "BK och 2–5 siffror",
        r"BK\d{2,5}",
        "BK följt av 2–5 siffror, utan mellanslag och inget annat (t.ex. BK123)",
    ),
    "alnum8": (
        "Högst åtta bokstäver och siffror",
        f"[{_ALNUM}]{{1,8}}",
        "högst åtta bokstäver och siffror",
    ),
}

#: Attachment types a buyer may name, by the word shown.
ATTACHMENT_TYPES: dict[str, str] = {
    "PDF": PDF,
    "CSV": CSV,
    "JPG": "image/jpeg",
    "PNG": "image/png",
    "TIFF": "image/tiff",
    "GIF": "image/gif",
}


@dataclass(frozen=True)
class BuyerRule:
    """What a buyer publishes for incoming e-invoices: the form of "Er referens"
    (BuyerReference), the attachment types it accepts and how the individual-level detail
    reaches it (``DetailChannel``)."""

    reference_format: str = "any"
    attachment_types: frozenset[str] = frozenset()  # MIME types; empty: any
    detail_channel: str = DetailChannel.SAMVERKAN
    source: str = ""
    #: Where the buyer's sources disagree on the rule (Bergs kommun): what each says, in
    #: Swedish. Such a seed is not applied as if sure: invoices and references to the buyer
    #: are refused (``buyer_rule_disputed``) until someone settles the rule (an edited row).
    disagreement: str = ""
    #: Where the rule comes from a page so old it may no longer hold (Hudiksvall's, 2011):
    #: why, in Swedish. Invoices are issued, with a warning where the rule is shown and when
    #: invoicing, until someone checks the rule and saves it (an edited row).
    uncertain: str = ""

    @property
    def reference_pattern(self) -> str:
        return REFERENCE_FORMATS.get(self.reference_format, REFERENCE_FORMATS["any"])[1]

    @property
    def reference_rule(self) -> str:
        return REFERENCE_FORMATS.get(self.reference_format, REFERENCE_FORMATS["any"])[2]


_RJH_ATTACHMENTS = frozenset({"image/jpeg", PDF, "image/tiff", "image/gif", "image/png"})

#: The seed of the editable table: each buyer's rule as ``../shared/reference/organisations.csv``
#: (column ``invoice_rules``) states it. Only what the organisation's own page says; where
#: nothing was found the defaults apply until someone enters the rule; where the sources
#: disagree (Bergs kommun) the seed says so and nothing is sent until the rule is settled.
SEEDS: dict[str, BuyerRule] = {
    # "Mandatory six-digit referenskod in 'Er referens' with no other characters before or
    # after"; "Accepted attachment formats: JPG JPEG PDF TIFF TIF GIF PNG".
    "23": BuyerRule(
        "digits6",
        _RJH_ATTACHMENTS,
        DetailChannel.EMBEDDED,
        "Region Jämtland Härjedalen, Faktureringsuppgifter för leverantörer",
    ),
    # "A valid six-digit reference number must always be on the invoice"
    "2380": BuyerRule("digits6", source="Östersunds kommun, fakturor till kommunen"),
    # "Mandatory ('tvingande') four-digit referenskod"
    "2321": BuyerRule("digits4", source="Åre kommun, fakturering"),
    # "Reference code of five or six characters in sequence must be given"
    "2313": BuyerRule("chars5_6", source="Strömsunds kommun, fakturering"),
    # "invoices whose content risks revealing secret data go as paper"
    "21": BuyerRule(
        detail_channel=DetailChannel.SEPARATE,
        source="Region Gävleborg, fakturering till regionen",
    ),
    # "Referens-id is mandatory: 8-10 characters, always starting with a 4-digit number"
    "2180": BuyerRule("digits4_id", source="Gävle kommun, fakturera kommunen"),
    # (2011) "at most eight characters, letters and digits"; individ- och familjeomsorg
    # invoiced separately (secrecy)
    "2184": BuyerRule(
        "alnum8",
        detail_channel=DetailChannel.SEPARATE,
        source="Hudiksvalls kommun, fakturering (sida från 2011)",
        uncertain=(
            "regeln kommer från kommunens sida granskad 2011-08-22, från tiden före lagen om "
            "e-faktura till offentlig sektor (2019), och kan vara inaktuell"
        ),
    ),
    # "SOURCES DISAGREE on the reference: current page - 'BK' followed by 2-5 digits, no
    # spaces, nothing else [...] (e.g. BK123); 2018 page - 'BK' + three digits followed by
    # the orderer's name (e.g. 'BK909 Bo Berg')"
    "2326": BuyerRule(
        source="Bergs kommun, skicka faktura till kommunen (nuvarande sida och sida från 2018)",
        disagreement=(
            "kommunens nuvarande sida anger BK följt av 2–5 siffror och inget annat "
            "(t.ex. BK123), sidan från 2018 BK och tre siffror följda av beställarens namn "
            "(t.ex. BK909 Bo Berg)"
        ),
    ),
}


def _types(text: str) -> frozenset[str]:
    words_ = {w.strip().upper() for w in re.split(r"[,\s]+", text or "") if w.strip()}
    return frozenset(ATTACHMENT_TYPES[w] for w in words_ if w in ATTACHMENT_TYPES)


def type_words(types: frozenset[str]) -> str:
    return ", ".join(word for word, mime in ATTACHMENT_TYPES.items() if mime in types)


def rule_for(buyer: Organisation) -> BuyerRule:
    """The buyer's rule: the edited row, else the seed, else the defaults."""
    row = BuyerRuleRow.objects.filter(organisation=buyer).first()
    if row is not None:
        return BuyerRule(
            row.reference_format, _types(row.attachment_types), row.detail_channel, row.source
        )
    return SEEDS.get(buyer.scb_code, BuyerRule())


@dataclass(frozen=True)
class AddressDoubt:
    """The buyer's invoice address where the reference data is unsure of it: ``status`` is
    ``disagree`` (Bergs kommun) or ``outdated`` (Hudiksvall), with what each source gives."""

    status: str
    readings: tuple[Reading, ...]

    @property
    def text(self) -> str:
        said = "; ".join(f"{r.source}: {r.value}" for r in self.readings)
        if self.status == DISAGREE:
            return f"källorna är oeniga om fakturaadressen ({said})"
        return f"fakturaadressen kommer från en gammal sida och kan vara inaktuell ({said})"


def address_doubt(buyer: Organisation) -> AddressDoubt | None:
    """The doubt over ``buyer``'s invoice address, until someone settles its rules (a saved
    rule row: the Fakturamottagare page asks to check address and rule together)."""
    ref = reference_for(buyer.scb_code)
    if ref is None or ref.address_status not in (DISAGREE, OUTDATED):
        return None
    if BuyerRuleRow.objects.filter(organisation=buyer).exists():
        return None
    return AddressDoubt(ref.address_status, ref.invoice_address_readings)


def rule_warnings(buyer: Organisation) -> list[str]:
    """What is unsure of the buyer's rule and address (Swedish), shown on the rule's page, the
    invoicing preview and the run's result; nothing here stops an invoice."""
    warnings = []
    rule = rule_for(buyer)
    if rule.uncertain:
        warnings.append(
            f"Osäker regel för fakturor till {buyer.name}: {rule.uncertain}. Kontrollera "
            "regeln med mottagaren och spara den under Fakturamottagare."
        )
    doubt = address_doubt(buyer)
    if doubt is not None:
        warnings.append(
            f"Fakturaadressen till {buyer.name} är osäker: {doubt.text}. Kontrollera den med "
            "mottagaren och spara reglerna under Fakturamottagare."
        )
    return warnings


def reference_problem(
    buyer: Organisation,
    reference: str,
    rule: BuyerRule | None = None,
    field: str = "buyer_reference",
) -> Problem | None:
    """The buyer's published form of "Er referens", checked when a rule, an agreement's
    price or the organisation's reference is set up and again when an invoice is issued."""
    rule = rule or rule_for(buyer)
    if rule.disagreement:
        return Problem(
            field,
            DISPUTED,
            f"Fakturareferensen till {buyer.name} kan inte kontrolleras: källorna är oeniga om "
            f"formatet för Er referens ({rule.disagreement}). En administratör eller "
            f"mottagarens ekonom behöver fastställa regeln under Fakturamottagare först.",
        )
    if rule.reference_pattern and not re.fullmatch(rule.reference_pattern, reference or ""):
        return Problem(
            field,
            "buyer_reference_format",
            f"Fakturareferensen till {buyer.name} ska vara {rule.reference_rule}; nu är den "
            f"”{reference}”. Annars förs fakturan inte över till mottagaren.",
        )
    return None


def attachment_type(buyer: Organisation) -> str:
    """The type the individual-level attachment is embedded as: CSV where the buyer takes
    it, else PDF (Region Jämtland Härjedalen accepts images and PDF only)."""
    accepted = rule_for(buyer).attachment_types
    return CSV if not accepted or CSV in accepted else PDF


def agreement_references(buyer: Organisation) -> list[tuple[str, str]]:
    """The fixed references agreements give for invoices to ``buyer`` (agreement, reference)."""
    return [
        (terms.agreement, terms.buyer_reference)
        for terms in BILLING_TERMS.values()
        if terms.buyer_reference and terms.buyer_scb_code == buyer.scb_code
    ]


def can_edit_rule(actor: Any, buyer: Organisation) -> bool:
    """Administrators, and the buyer's own ekonom (it is the buyer's published rule)."""
    if can_edit_prices(actor):
        return True
    own = organisation_of_actor(actor)
    return role_of(actor) == Role.FINANCE_OFFICER and own is not None and own.pk == buyer.pk


def save_rule(
    actor: Any,
    buyer: Organisation,
    *,
    reference_format: str,
    attachment_types: str,
    detail_channel: str,
    invoice_reference: str,
    source: str = "",
) -> BuyerRuleRow:
    """Edit ``buyer``'s rule and its own invoice reference (administrator or the buyer's
    ekonom). The references in use are checked against the new rule: the organisation's
    "fakturareferens" and every agreement's fixed reference to this buyer."""
    if not can_edit_rule(actor, buyer):
        raise _deny(
            actor,
            "purchases.buyerrule",
            "Tjänsteköp: regler för fakturamottagare",
            "Bara administratörer och mottagarens egen ekonom får ändra reglerna för fakturor.",
        )
    user = user_of(actor)
    problems: list[Problem] = []
    if reference_format not in REFERENCE_FORMATS:
        problems.append(
            Problem(
                "reference_format",
                "invalid_choice",
                "Format för Er referens: välj ett av formaten.",
            )
        )
    if detail_channel not in DetailChannel.values:
        problems.append(
            Problem(
                "detail_channel",
                "invalid_choice",
                "Underlag på individnivå: välj hur underlaget når mottagaren.",
            )
        )
    unknown = [
        w
        for w in re.split(r"[,\s]+", attachment_types or "")
        if w.strip() and w.strip().upper() not in ATTACHMENT_TYPES
    ]
    if unknown:
        problems.append(
            Problem(
                "attachment_types",
                "unknown_type",
                f"Bilagetyper: {', '.join(unknown)} känns inte igen; ange några av "
                f"{', '.join(ATTACHMENT_TYPES)}.",
            )
        )
    if problems:
        raise PurchasesError(problems)
    types = _types(attachment_types)
    if detail_channel == DetailChannel.EMBEDDED and types and not types & {CSV, PDF}:
        problems.append(
            Problem(
                "detail_channel",
                "attachment_not_accepted",
                "Underlag på individnivå: mottagaren tar inte emot PDF eller CSV som bilaga, "
                "så underlaget kan inte bifogas i e-fakturan.",
            )
        )
    rule = BuyerRule(reference_format, types, detail_channel, source)
    reference = invoice_reference.strip()
    if reference and (wrong := reference_problem(buyer, reference, rule, "invoice_reference")):
        problems.append(wrong)
    for agreement, fixed in agreement_references(buyer):
        wrong = reference_problem(buyer, fixed, rule, "reference_format")
        if wrong is not None:
            problems.append(
                Problem(
                    "reference_format",
                    "buyer_reference_format",
                    f"{wrong.message} Referensen står i avtalet {AGREEMENT_NAMES.get(agreement, agreement)}.",
                )
            )
    for unit_name, unit_reference in OrderingUnitReference.objects.filter(
        unit__organisation=buyer
    ).values_list("unit__name", "reference"):
        wrong = reference_problem(buyer, unit_reference, rule, "reference_format")
        if wrong is not None:
            problems.append(
                Problem(
                    "reference_format",
                    "buyer_reference_format",
                    f"{wrong.message} Referensen gäller enheten {unit_name}; ändra den först.",
                )
            )
    if problems:
        raise PurchasesError(problems)
    with transaction.atomic():
        row, _created = BuyerRuleRow.objects.update_or_create(
            organisation=buyer,
            defaults={
                "reference_format": reference_format,
                "attachment_types": type_words(types),
                "detail_channel": detail_channel,
                "source": source.strip()[:400],
                "updated_by": user,
                "updated_at": timezone.now(),
            },
        )
        if reference != buyer.invoice_reference:
            Organisation.objects.filter(pk=buyer.pk).update(invoice_reference=reference)
            buyer.invoice_reference = reference
        audit(
            actor,
            Action.UPDATE,
            BuyerRuleRow,
            row.pk,
            why=(
                f"Fakturaregler för {buyer.name}: Er referens "
                f"{REFERENCE_FORMATS[reference_format][0].lower()}, bilagor "
                f"{type_words(types) or 'alla typer'}, underlag "
                f"{DetailChannel(detail_channel).label.lower()}"
            ),
            owner=buyer,
        )
    return row


# --------------------------------------------------------------------------- ordering units


def unit_references(buyer: Organisation) -> dict[int, str]:
    """The "Er referens" of each of ``buyer``'s units that has one (unit id: reference)."""
    return dict(
        OrderingUnitReference.objects.filter(unit__organisation_id=buyer.pk).values_list(
            "unit_id", "reference"
        )
    )


def units_with_references(buyer: Organisation) -> list[tuple[Unit, str]]:
    """Every unit of ``buyer`` with its reference ("" where it has none), by name."""
    references = unit_references(buyer)
    return [
        (unit, references.get(unit.pk, ""))
        for unit in Unit.objects.filter(organisation=buyer).order_by("name")
    ]


def save_unit_reference(actor: Any, unit: Unit, reference: str) -> OrderingUnitReference | None:
    """Set up the "Er referens" of an ordering unit of a buyer (administrator or the buyer's
    ekonom), checked against the buyer's rule; an empty reference removes it (the unit's
    services then carry the organisation's reference). Logged."""
    buyer = unit.organisation
    if not can_edit_rule(actor, buyer):
        raise _deny(
            actor,
            "purchases.orderingunitreference",
            "Tjänsteköp: referenser för beställande enheter",
            "Bara administratörer och mottagarens egen ekonom får ändra enheternas referenser.",
        )
    user = user_of(actor)
    reference = reference.strip()
    if len(reference) > 100:
        raise PurchasesError.one("reference", "too_long", "Er referens: högst 100 tecken.")
    if reference and (wrong := reference_problem(buyer, reference, field="reference")):
        raise PurchasesError([wrong])
    with transaction.atomic():
        if not reference:
            deleted, _rows = OrderingUnitReference.objects.filter(unit=unit).delete()
            if deleted:
                audit(
                    actor,
                    Action.DELETE,
                    OrderingUnitReference,
                    unit.pk,
                    why=f"Er referens borttagen för {unit.name} ({buyer.name})",
                    owner=buyer,
                )
            return None
        row, _created = OrderingUnitReference.objects.update_or_create(
            unit=unit,
            defaults={"reference": reference, "updated_by": user, "updated_at": timezone.now()},
        )
        audit(
            actor,
            Action.UPDATE,
            OrderingUnitReference,
            row.pk,
            why=f"Er referens för {unit.name} ({buyer.name}): {reference}",
            owner=buyer,
        )
    return row
