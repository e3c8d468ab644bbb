"""What could be verified of the parties' identifiers, shipped with the product.

Transcribed from ``../shared/reference/organisations.csv`` (sources per row there;
``tests/accounts/test_reference_organisations.py`` compares this table with the file). Each
value carries where it came from:

- ``own_page``: seen on the organisation's own page;
- ``derived``: computed from another published value (an organisation number read from the
  published Peppol id ``0007:<orgnr>``; every VAT number, SE + orgnr + 01);
- ``secondary``: from a secondary source only (Wikipedia);
- ``disagree``: sources disagree;
- ``not_found``: nothing could be verified (the value is empty here).

The invoice address has one more status, ``outdated``: stated on the organisation's own page,
but one so old it may no longer hold (Hudiksvall's, reviewed 2011-08-22). Where the address's
sources disagree or are old, ``invoice_address_readings`` says what each source gives.

An identifier that is not ``own_page`` must be confirmed by an administrator before an
invoice to that organisation is issued (:func:`needs_confirmation`).
"""

from __future__ import annotations

from dataclasses import dataclass

OWN_PAGE = "own_page"
DERIVED = "derived"
SECONDARY = "secondary"
DISAGREE = "disagree"
NOT_FOUND = "not_found"
ENTERED = "entered"  # typed in by an administrator, no source recorded

SOURCE_CHOICES = [
    (OWN_PAGE, "sedd på organisationens egen webbplats"),
    (DERIVED, "härledd ur ett annat publicerat värde"),
    (SECONDARY, "endast från en andrahandskälla"),
    (DISAGREE, "källorna är oeniga"),
    (NOT_FOUND, "inte funnen"),
    (ENTERED, "inlagd av administratör utan källa"),
]
SOURCE_LABELS = dict(SOURCE_CHOICES)
OUTDATED = "outdated"  # the invoice address only (not a model choice)
ADDRESS_SOURCE_LABELS = {
    **SOURCE_LABELS,
    OUTDATED: "från organisationens egen sida, men en gammal som kan vara inaktuell",
}


@dataclass(frozen=True)
class Reading:
    """What one source gives for a value: the source in Swedish, the value, its address."""

    source: str
    value: str
    url: str


@dataclass(frozen=True)
class Identifiers:
    name: str
    org_number: str = ""
    org_number_source: str = NOT_FOUND
    peppol_id: str = ""  # "0007:2120002528"
    peppol_id_source: str = NOT_FOUND
    #: invoice address where the organisation's own page states one: lines, postal code, city
    invoice_address: tuple[str, ...] = ()
    invoice_postal_code: str = ""
    invoice_city: str = ""
    #: ``disagree`` or ``outdated`` where so; else the address is ``own_page`` if there is one
    invoice_address_source: str = ""
    #: where the address's sources disagree or are old: what each source gives
    invoice_address_readings: tuple[Reading, ...] = ()

    @property
    def address_status(self) -> str:
        return self.invoice_address_source or (OWN_PAGE if self.invoice_address else NOT_FOUND)

    @property
    def address_text(self) -> str:
        """The address as one line ("Box 910, 831 29 Östersund"), or ""."""
        if not self.invoice_address:
            return ""
        code = self.invoice_postal_code
        postal = f"{code[:3]} {code[3:]}" if len(code) == 5 else code
        return ", ".join([*self.invoice_address, f"{postal} {self.invoice_city}".strip()])

    @property
    def vat_number(self) -> str:
        """SE + the ten digits + 01 (always derived: no organisation publishes it)."""
        return f"SE{self.org_number.replace('-', '')}01" if self.org_number else ""

    @property
    def peppol_scheme(self) -> str:
        return self.peppol_id.split(":", 1)[0] if self.peppol_id else ""

    @property
    def peppol_value(self) -> str:
        return self.peppol_id.split(":", 1)[1] if self.peppol_id else ""


def _p(number: str) -> str:
    return f"0007:{number.replace('-', '')}"


REFERENCE: dict[str, Identifiers] = {
    i_code: i_value
    for i_code, i_value in (
        (
            "23",
            Identifiers(
                "Region Jämtland Härjedalen",
                "232100-0214",
                OWN_PAGE,
                _p("232100-0214"),
                OWN_PAGE,
                ("Box 910",),
                "83129",
                "Östersund",
            ),
        ),
        (
            "2303",
            Identifiers("Ragunda kommun", "212000-2452", DERIVED, _p("212000-2452"), OWN_PAGE),
        ),
        ("2305", Identifiers("Bräcke kommun")),
        (
            "2309",
            Identifiers(
                "Krokoms kommun",
                invoice_address=("Fakturaenheten",),
                invoice_postal_code="83580",
                invoice_city="Krokom",
            ),
        ),
        (
            "2313",
            Identifiers("Strömsunds kommun", "212000-2486", DERIVED, _p("212000-2486"), OWN_PAGE),
        ),
        ("2321", Identifiers("Åre kommun")),
        (
            "2326",
            Identifiers(
                "Bergs kommun",
                "212000-2502",
                OWN_PAGE,
                _p("212000-2502"),
                OWN_PAGE,
                invoice_address_source=DISAGREE,
                invoice_address_readings=(
                    Reading(
                        "kommunens nuvarande sida",
                        "anger ingen fakturaadress",
                        "https://berg.se/kommun-och-politik/ekonomi-och-budget/"
                        "skicka-faktura-till-kommunen",
                    ),
                    Reading(
                        "kommunens äldre sida (uppdaterad 2018-06-28)",
                        "Bergs kommun, FE 299, 838 80 Frösön",
                        "https://www.berg.se/medborgare/kommunochpolitik/omkommunen/"
                        "fakturor.4.2a948e2414c4aa4dd9a20303.html",
                    ),
                ),
            ),
        ),
        ("2361", Identifiers("Härjedalens kommun", "212000-2510", SECONDARY)),
        (
            "2380",
            Identifiers("Östersunds kommun", "212000-2528", OWN_PAGE, _p("212000-2528"), OWN_PAGE),
        ),
        (
            "21",
            Identifiers("Region Gävleborg", "232100-0198", DERIVED, _p("232100-0198"), OWN_PAGE),
        ),
        (
            "2101",
            Identifiers(
                "Ockelbo kommun",
                "212000-2288",
                DERIVED,
                _p("212000-2288"),
                OWN_PAGE,
                ("Ekonomienheten",),
                "81680",
                "Ockelbo",
            ),
        ),
        ("2104", Identifiers("Hofors kommun")),
        ("2121", Identifiers("Ovanåkers kommun", "212000-2304", SECONDARY)),
        ("2132", Identifiers("Nordanstigs kommun")),
        ("2161", Identifiers("Ljusdals kommun")),
        (
            "2180",
            Identifiers(
                "Gävle kommun",
                "212000-2338",
                OWN_PAGE,
                invoice_address=("FE2120002338", "Box 954"),
                invoice_postal_code="80133",
                invoice_city="Gävle",
            ),
        ),
        (
            "2181",
            Identifiers(
                "Sandvikens kommun",
                invoice_address=("Fakturaenheten",),
                invoice_postal_code="81180",
                invoice_city="Sandviken",
            ),
        ),
        (
            "2182",
            Identifiers("Söderhamns kommun", "212000-2353", OWN_PAGE, _p("212000-2353"), OWN_PAGE),
        ),
        ("2183", Identifiers("Bollnäs kommun")),
        (
            "2184",
            Identifiers(
                "Hudiksvalls kommun",
                invoice_address=("Fakturacentralen", "Box 329"),
                invoice_postal_code="82427",
                invoice_city="Hudiksvall",
                invoice_address_source=OUTDATED,
                invoice_address_readings=(
                    Reading(
                        "kommunens sida granskad 2011-08-22",
                        "Hudiksvalls kommun, Fakturacentralen, Box 329, 824 27 Hudiksvall",
                        "http://www.hudiksvall.se/Foretagare--naringsliv/Kommunens-leverantorer/",
                    ),
                ),
            ),
        ),
    )
}


def reference_for(scb_code: str) -> Identifiers | None:
    return REFERENCE.get(scb_code)
