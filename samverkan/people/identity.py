"""Person identifiers: personnummer, samordningsnummer, LMA-nummer and reservnummer.

Pure Python, no Django. `parse_identifier` is the one validating constructor; everything
else reads a `PersonIdentifier` that has already been parsed (or loaded from storage).

Stored form (`PersonIdentifier.value`):

- personnummer / samordningsnummer: 12 digits `YYYYMMDDNNNC` (the century is part of the
  stored number, as in Skatteverket's own register); a samordningsnummer keeps its day + 60.
- LMA-nummer: the 8 digits of the Migrationsverket case number (`dossiernummer`), no dash.
- reservnummer: a nationellt reservnummer (NRID) as its 12 characters without dash, upper
  case; any other (regional) reservnummer exactly as entered, only trimmed.

Validation of personnummer and samordningsnummer (date, Luhn check digit, serial 000) is
the `personnummer` library's (it agrees with every vector in personnummer/meta's
test data); this module adds century inference against a reference date, the
personnummer/samordningsnummer distinction, Swedish error messages and stable codes.

Formats accepted for the numbers without a check digit we could verify ("never Luhn"):

- LMA-nummer: `NN-NNNNNN`, with or without the dash, optionally followed by the card's
  serial `/N` (dropped: it numbers the card, not the person). Source: Migrationsverket,
  "Alltid aktuell information med digitala LMA-kort" (2022): the case number under the
  photo, e.g. `XX-XXXXXX/1`; Västra Götalandsregionen's tandvård page: the LMA-nummer or
  dossiernummer "består av åtta siffror xx-xxxxxx".
- nationellt reservnummer: `XXYYMMDDNNGC` (Inera, Nationellt ReservID specifikation 1.0;
  HL7 Sweden basprofiler invariant `nationelltReservnummer-invariant`):
  8 digits, then two letters A–Z except I, O, Q, V, W, then a digit or such a letter (sex:
  unknown) and a check digit. An optional dash after the 8 digits is accepted.
- regional (local) reservnummer: 6 or 8 digits, optional dash, then 4 letters or digits.
  This covers every regional format HL7 Sweden basprofiler lists as an invariant
  (Stockholm `99…`, VGR, Värmland, Örebro, Skåne, Blekinge, Västernorrland, Sörmland,
  Västerbotten, Halland, Gävleborg, Dalarna, Inera CareLink), and the value is kept as
  entered because some of them are case-sensitive (VGR GRID) or contain a dash (Gävleborg).
  A regional reservnummer is only accepted when the caller says `IdSystem.reservnummer`;
  with `system=None` only the NRID format is recognised as a reservnummer.

A `PersonIdentifier`'s repr and str are masked (`19121212-****`), so an identifier that
slips into a log line or an exception does not leak the number. Better still: never log it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from personnummer import personnummer as _pnr

__all__ = [
    "IdSystem",
    "InvalidIdentifier",
    "PersonIdentifier",
    "Sex",
    "age_on",
    "birth_date",
    "display",
    "is_valid",
    "mask",
    "other_reading",
    "parse_identifier",
    "sex",
]

Sex = Literal["female", "male"]


class IdSystem(StrEnum):
    """The kinds of person identifier Samverkan accepts (HL7 Sweden basprofiler systems)."""

    personnummer = "personnummer"
    samordningsnummer = "samordningsnummer"
    lma = "lma"
    reservnummer = "reservnummer"

    @property
    def uri(self) -> str:
        """The FHIR `Identifier.system` (HL7 Sweden basprofiler)."""
        return _URIS[self]

    @property
    def oid(self) -> str | None:
        """The OID, where one is published (personnummer, samordningsnummer)."""
        return _OIDS.get(self)

    @property
    def label(self) -> str:
        """Swedish name, for the UI and error messages."""
        return _LABELS[self]

    @classmethod
    def from_uri(cls, uri: str) -> IdSystem | None:
        """The system for a FHIR `Identifier.system` (URI or `urn:oid:`), None if unknown."""
        return _BY_URI.get(uri.strip())


_URIS: dict[IdSystem, str] = {
    IdSystem.personnummer: "http://electronichealth.se/identifier/personnummer",
    IdSystem.samordningsnummer: "http://electronichealth.se/identifier/samordningsnummer",
    IdSystem.lma: "http://electronichealth.se/identifier/LMA-nummer",
    IdSystem.reservnummer: "http://electronichealth.se/identifier/nationelltReservnummer",
}
_OIDS: dict[IdSystem, str] = {
    IdSystem.personnummer: "1.2.752.129.2.1.3.1",
    IdSystem.samordningsnummer: "1.2.752.129.2.1.3.3",
}
_LABELS: dict[IdSystem, str] = {
    IdSystem.personnummer: "personnummer",
    IdSystem.samordningsnummer: "samordningsnummer",
    IdSystem.lma: "LMA-nummer",
    IdSystem.reservnummer: "reservnummer",
}
_BY_URI: dict[str, IdSystem] = {
    **{uri: system for system, uri in _URIS.items()},
    **{f"urn:oid:{oid}": system for system, oid in _OIDS.items()},
    # An older HL7 Sweden SEBasePatient slice spelt it with one m; read it, never write it.
    "http://electronichealth.se/identifier/nationelltReservnumer": IdSystem.reservnummer,
}


@dataclass(frozen=True, slots=True, repr=False)
class PersonIdentifier:
    """A person identifier in its stored form (see the module docstring).

    Construct it with `parse_identifier`; the constructor itself does not validate (it is
    also how stored values are loaded back).
    """

    system: IdSystem
    value: str

    @property
    def uri(self) -> str:
        return self.system.uri

    def __repr__(self) -> str:
        return f"PersonIdentifier(system={self.system.value!r}, value={mask(self)!r})"

    __str__ = __repr__


class InvalidIdentifier(ValueError):
    """An identifier that cannot be accepted.

    `field` names the form/API field, `code` is stable (`empty`, `invalid_format`,
    `invalid_date`, `invalid_checksum`, `invalid_serial`, `interim_not_allowed`,
    `system_mismatch`), `message` is Swedish and never contains the number itself.
    """

    def __init__(self, field: str, code: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.message = message

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}

    def __repr__(self) -> str:
        return f"InvalidIdentifier(field={self.field!r}, code={self.code!r})"


# --- patterns -------------------------------------------------------------------------

_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})

_PNR_RE = re.compile(
    r"^(?P<century>\d{2})?(?P<yy>\d{2})(?P<mm>\d{2})(?P<dd>\d{2})"
    r"(?P<sep>[-+]?)(?P<serial>\d{3})(?P<check>\d)$",
    re.ASCII,  # no other scripts' digits
)
# Interim numbers (interimistiska personnummer): a letter in place of the first serial digit.
_INTERIM_RE = re.compile(r"^(?:\d{2})?\d{6}[-+]?[TRSUWXJKLMN]\d{3}$", re.I | re.A)
_NRID_LETTER = "A-HJ-NPR-UX-Z"  # A–Z without I, O, Q, V, W
_NRID_RE = re.compile(
    rf"^(?P<date>\d{{8}})-?(?P<rest>[{_NRID_LETTER}]{{2}}(?:\d|[{_NRID_LETTER}])\d)$",
    re.I | re.A,
)
_LOCAL_RESERV_RE = re.compile(r"^\d{6}(?:\d{2})?-?[0-9A-Za-z]{4}$", re.ASCII)
_LMA_RE = re.compile(r"^(?P<a>\d{2})(?P<dash>-?)(?P<b>\d{6})(?:/\d{1,3})?$", re.ASCII)

_FORMAT_HINT = (
    "Skriv personnummer eller samordningsnummer som ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN "
    "(ÅÅMMDD+NNNN för den som fyllt 100 år), LMA-nummer som NN-NNNNNN. "
    "Ett reservnummer tas emot när identitetstypen reservnummer är vald."
)


# --- parsing --------------------------------------------------------------------------


def parse_identifier(
    text: str,
    system: IdSystem | None = None,
    *,
    today: date | None = None,
    field: str = "identifier",
) -> PersonIdentifier:
    """Validate and normalise a person identifier as typed or received.

    `system=None` recognises personnummer, samordningsnummer, a nationellt reservnummer and
    an LMA-nummer written with its dash. `system=personnummer` or `samordningsnummer` also
    checks that the number is of that kind (`system_mismatch` otherwise). `today` is the
    reference date for the century of a 10-digit number (`-`: the most recent such date not
    after `today`; `+`: 100 years before that) and for rejecting birth dates in the future;
    with the century written out, the separator changes nothing (as in the library).
    Interim numbers (a letter in the serial) are always refused (`interim_not_allowed`):
    personnummer 3.2.1 has no option to accept them (it takes an `options` dict but never
    reads it), so neither has this function. Raises `InvalidIdentifier`.
    """
    today = today or date.today()
    if not isinstance(text, str):  # e.g. None from a form, an int from a spreadsheet
        text = "" if text is None else str(text)
    s = text.strip().translate(_DASHES)
    if not s:
        raise InvalidIdentifier(field, "empty", "Identitetsnummer saknas.")

    if system is IdSystem.lma:
        return _parse_lma(s, field)
    if system is IdSystem.reservnummer:
        return _parse_reservnummer(s, field)

    if pnr := _PNR_RE.match(s):
        return _parse_pnr(pnr, system, today, field)
    if _INTERIM_RE.match(s):
        raise InvalidIdentifier(
            field,
            "interim_not_allowed",
            "Interimistiska nummer (med en bokstav i födelsenumret) tas inte emot. "
            "Är det ett reservnummer: välj identitetstypen reservnummer.",
        )
    if system is None:
        if _NRID_RE.match(s):
            return _parse_reservnummer(s, field)
        lma = _LMA_RE.match(s)
        if lma and lma["dash"]:
            return _parse_lma(s, field)
        raise InvalidIdentifier(
            field, "invalid_format", "Okänt format på identitetsnumret. " + _FORMAT_HINT
        )
    raise InvalidIdentifier(
        field,
        "invalid_format",
        f"Fel format på {system.label}et. Skriv ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN "
        "(ÅÅMMDD+NNNN för den som fyllt 100 år).",
    )


def is_valid(text: str, system: IdSystem | None = None, *, today: date | None = None) -> bool:
    try:
        parse_identifier(text, system, today=today)
    except InvalidIdentifier:
        return False
    return True


def _infer_century(yy: str, mm: str, dd: str, sep: str, today: date) -> str:
    """Century of a 10-digit number: `-` under 100 years old, `+` 100 or older.

    The birth date is the most recent date with these YYMMDD not after `today` (minus 100
    years for `+`). Compares (year, month, day) tuples so that an impossible date still gets
    a century and is then rejected as `invalid_date` by the validation.
    """
    day = int(dd) - 60 if int(dd) > 60 else int(dd)
    year = today.year - ((today.year - int(yy)) % 100)
    if (year, int(mm), day) > (today.year, today.month, today.day):
        year -= 100
    if sep == "+":
        year -= 100
    return f"{year // 100:02d}"


def _parse_pnr(
    m: re.Match[str], system: IdSystem | None, today: date, field: str
) -> PersonIdentifier:
    yy, mm, dd, serial, check = m["yy"], m["mm"], m["dd"], m["serial"], m["check"]
    century = m["century"] or _infer_century(yy, mm, dd, m["sep"], today)
    twelve = f"{century}{yy}{mm}{dd}{serial}{check}"
    kind_label = "samordningsnumret" if int(dd) > 60 else "personnumret"

    try:
        parsed = _pnr.parse(twelve)
    except _pnr.PersonnummerException:
        parsed = None
    if parsed is None:
        # The library says no; tell the user which part is wrong.
        if _date_of(century + yy, mm, dd) is None:
            raise InvalidIdentifier(field, "invalid_date", _date_message(dd, kind_label)) from None
        if serial == "000":
            raise InvalidIdentifier(
                field, "invalid_serial", f"Födelsenumret 000 förekommer inte i {kind_label}."
            ) from None
        raise InvalidIdentifier(
            field,
            "invalid_checksum",
            f"Kontrollsiffran i {kind_label} stämmer inte. Kontrollera att numret är rätt skrivet.",
        ) from None

    if century not in ("18", "19", "20"):
        raise InvalidIdentifier(field, "invalid_date", "Århundradet ska vara 18, 19 eller 20.")
    born = parsed.get_date()
    if born > today:
        raise InvalidIdentifier(
            field, "invalid_date", f"Födelsedatumet i {kind_label} ligger i framtiden."
        )

    if _years_between(born, today) > MAX_AGE:
        raise InvalidIdentifier(
            field,
            "implausible_age",
            f"Födelsedatumet i {kind_label} ger en ålder över {MAX_AGE} år. Kontrollera numret "
            "(ÅÅMMDD+NNNN skrivs bara för den som fyllt 100 år).",
        )

    kind = IdSystem.samordningsnummer if parsed.is_coordination_number() else IdSystem.personnummer
    if system is not None and system is not kind:
        raise InvalidIdentifier(
            field,
            "system_mismatch",
            f"Numret är ett {kind.label}, inte ett {system.label} "
            "(i ett samordningsnummer är födelsedagen ökad med 60).",
        )
    return PersonIdentifier(kind, parsed.format(long_format=True))


# Older than anyone alive in Sweden (the oldest recorded Swede reached 112): a number that
# implies more is a typing or century error, not a person.
MAX_AGE = 125


def _years_between(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def other_reading(text: str, *, today: date | None = None) -> PersonIdentifier | None:
    """For a ten-digit number written without "+", the same number read as a person who has
    turned 100 (the "+" reading, a century earlier), when that reading is a valid and
    plausible number; else None. "0905271474" is read as born 2009-05-27; this gives the
    person born 1909-05-27. A caller that finds a person it may see under this reading says
    so, and never reveals one it may not see."""
    today = today or date.today()
    s = (text or "").strip().translate(_DASHES)
    m = _PNR_RE.match(s)
    if m is None or m["century"] or m["sep"] == "+":
        return None
    try:
        return parse_identifier(f"{s[:6]}+{s[-4:]}", today=today)
    except InvalidIdentifier:
        return None


def _date_message(dd: str, kind_label: str) -> str:
    if 31 < int(dd) <= 60 or int(dd) > 91 or int(dd) == 0:
        return (
            f"Dagen i {kind_label} är ogiltig (01–31 för personnummer, "
            "61–91 för samordningsnummer)."
        )
    return f"Datumet i {kind_label} finns inte."


def _date_of(yyyy: str, mm: str, dd: str) -> date | None:
    day = int(dd) - 60 if int(dd) > 60 else int(dd)
    try:
        return date(int(yyyy), int(mm), day)
    except ValueError:
        return None


def _parse_lma(s: str, field: str) -> PersonIdentifier:
    m = _LMA_RE.match(s)
    if not m:
        raise InvalidIdentifier(
            field,
            "invalid_format",
            "Fel format på LMA-numret: åtta siffror, NN-NNNNNN (ärendenumret på LMA-kortet).",
        )
    return PersonIdentifier(IdSystem.lma, m["a"] + m["b"])


def _parse_reservnummer(s: str, field: str) -> PersonIdentifier:
    nrid = _NRID_RE.match(s)
    if nrid:
        return PersonIdentifier(IdSystem.reservnummer, (nrid["date"] + nrid["rest"]).upper())
    if _LOCAL_RESERV_RE.match(s):
        return PersonIdentifier(IdSystem.reservnummer, s)
    raise InvalidIdentifier(
        field,
        "invalid_format",
        "Fel format på reservnumret: 6 eller 8 siffror följda av 4 bokstäver eller siffror "
        "(nationellt reservnummer: ÅÅÅÅMMDD följt av två bokstäver och två tecken).",
    )


# --- reading a parsed identifier ------------------------------------------------------


def _is_swedish_number(identifier: PersonIdentifier) -> bool:
    return (
        identifier.system in (IdSystem.personnummer, IdSystem.samordningsnummer)
        and len(identifier.value) == 12
        and identifier.value.isdigit()
    )


def _nrid_birth_date(value: str) -> date | None:
    """NRID: XX = birth century + 3k (22–99), 00 = unknown birth date.

    Centuries 18, 19 and 20 differ modulo 3, so XX determines the century.
    """
    m = _NRID_RE.match(value)
    if not m:
        return None
    xx = int(value[:2])
    if xx < 22:
        return None
    century = next(c for c in (18, 19, 20) if (xx - c) % 3 == 0)
    try:
        return date(century * 100 + int(value[2:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return None


def birth_date(identifier: PersonIdentifier) -> date | None:
    """The birth date the number states (a samordningsnummer's day minus 60).

    None for an LMA-nummer, a regional reservnummer and an NRID with unknown birth date.
    The stated date is not always the true one: when a day's serials run out, Skatteverket
    uses a nearby date.
    """
    if _is_swedish_number(identifier):
        return _date_of(identifier.value[:4], identifier.value[4:6], identifier.value[6:8])
    if identifier.system is IdSystem.reservnummer:
        return _nrid_birth_date(identifier.value)
    return None


def sex(identifier: PersonIdentifier) -> Sex | None:
    """Legal sex from the second last digit (odd: male, even: female), where the number has it."""
    if _is_swedish_number(identifier):
        digit = identifier.value[-2]
    elif identifier.system is IdSystem.reservnummer and _NRID_RE.match(identifier.value):
        digit = identifier.value[-2]
        if not digit.isdigit():
            return None  # NRID with unknown sex has a letter here
    else:
        return None
    return "male" if int(digit) % 2 else "female"


def age_on(identifier: PersonIdentifier, on: date) -> int | None:
    """Whole years on `on`; None when the number does not state a birth date.

    Someone born on 29 February turns a year older on 1 March in other years.
    """
    born = birth_date(identifier)
    if born is None:
        return None
    if on < born:
        raise ValueError("Datumet ligger före födelsedatumet.")
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def display(identifier: PersonIdentifier) -> str:
    """The number as shown to staff: `YYYYMMDD-NNNN`, `NN-NNNNNN` for LMA-nummer."""
    v = identifier.value
    if _is_swedish_number(identifier):
        return f"{v[:8]}-{v[8:]}"
    if identifier.system is IdSystem.lma and len(v) == 8:
        return f"{v[:2]}-{v[2:]}"
    if identifier.system is IdSystem.reservnummer and _NRID_RE.match(v) and "-" not in v:
        return f"{v[:8]}-{v[8:]}"
    return v


def mask(identifier: PersonIdentifier) -> str:
    """The number with its individual part hidden: `19121212-****`, `**-****78`.

    For places that show a number outside the audit log. Better: do not log it at all.
    """
    v = identifier.value
    if identifier.system is IdSystem.lma:
        return "**-****" + v[-2:] if len(v) >= 2 else "**"
    digits = re.match(r"^\d{6}(?:\d{2})?", v, re.ASCII)
    if digits:
        return f"{digits.group(0)}-****"
    return "****"
