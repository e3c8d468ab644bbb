"""Swedish payment and party identifiers: check digits, written forms (pure functions).

- Bankgiro: 7 or 8 digits, the last a mod 10 (Luhn) check digit over the others
  (Bankgirot, "Bankgironummer"); written NNN-NNNN / NNNN-NNNN.
- Plusgiro: 2 to 8 digits, the last a mod 10 (Luhn) check digit; written with a hyphen
  before the check digit (NNNNNN-N).
- OCR reference (Bankgirot's "OCR-referenskontroll"): digits, then a length digit (the
  total length including the length and check digits, modulo 10), then a mod 10 check digit.
- Peppol participant ids: scheme 0007 = Swedish organisation number (ten digits, Luhn; DIGG),
  scheme 0088 = GLN (GS1 Global Location Number, 13 digits, GS1 mod 10 check digit).

Every ``*_problem`` function answers a Swedish message, or None when the value is valid.
"""

from __future__ import annotations

import re

PEPPOL_SCHEMES = {"0007": "organisationsnummer", "0088": "GLN"}


def luhn_check_digit(digits: str) -> int:
    """The mod 10 (Luhn) check digit to append to ``digits``."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return (10 - total % 10) % 10


def luhn_ok(digits: str) -> bool:
    return (
        len(digits) >= 2 and digits.isdigit() and luhn_check_digit(digits[:-1]) == int(digits[-1])
    )


def _digits(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def bankgiro_problem(value: str) -> str | None:
    digits = _digits(value)
    if not re.fullmatch(r"\d{7,8}", digits):
        return f"Bankgironumret {value} ska ha sju eller åtta siffror."
    if not luhn_ok(digits):
        return f"Bankgironumret {value} har fel kontrollsiffra (sista siffran)."
    return None


def plusgiro_problem(value: str) -> str | None:
    digits = _digits(value)
    if not re.fullmatch(r"\d{2,8}", digits):
        return f"Plusgironumret {value} ska ha två till åtta siffror."
    if not luhn_ok(digits):
        return f"Plusgironumret {value} har fel kontrollsiffra (sista siffran)."
    return None


def bankgiro_display(value: str) -> str:
    digits = _digits(value)
    return f"{digits[:-4]}-{digits[-4:]}" if len(digits) in (7, 8) else value


def plusgiro_display(value: str) -> str:
    digits = _digits(value)
    return f"{digits[:-1]}-{digits[-1]}" if len(digits) >= 2 else value


def ocr_reference(base: str) -> str:
    """An OCR number for ``base`` (its digits, e.g. of the invoice number), with length digit
    and check digit: ``ocr_reference("2380-000017")`` -> ``"2380000017" + "2" + check``."""
    digits = re.sub(r"\D", "", base)
    if not digits:
        raise ValueError("an OCR reference needs digits")
    with_length = digits + str((len(digits) + 2) % 10)
    return with_length + str(luhn_check_digit(with_length))


def ocr_problem(value: str) -> str | None:
    if not re.fullmatch(r"\d{2,25}", value or ""):
        return "OCR-numret ska ha 2 till 25 siffror."
    if not luhn_ok(value):
        return f"OCR-numret {value} har fel kontrollsiffra."
    if len(value) >= 3 and int(value[-2]) != len(value) % 10:
        return f"OCR-numret {value} har fel längdsiffra."
    return None


def gln_ok(digits: str) -> bool:
    """GS1 mod 10: weights 3 and 1 from the right, excluding the check digit."""
    if not re.fullmatch(r"\d{13}", digits):
        return False
    body = digits[:-1]
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == int(digits[-1])


def peppol_participant_problem(scheme: str, value: str) -> str | None:
    """Scheme 0007 with a valid Swedish organisation number or 0088 with a valid GLN."""
    scheme = (scheme or "").strip()
    value = (value or "").strip()
    if scheme.count(":") == 0 and ":" in value:  # "0007:2120002528" typed in the id field
        scheme, value = value.split(":", 1)
    if scheme not in PEPPOL_SCHEMES:
        return (
            f"Peppol-schemat {scheme or '(tomt)'} stöds inte: ange 0007 (organisationsnummer) "
            "eller 0088 (GLN)."
        )
    if scheme == "0007":
        digits = _digits(value)
        if not re.fullmatch(r"\d{10}", digits) or not luhn_ok(digits):
            return (
                f"Peppol-id {value} under schema 0007 ska vara ett giltigt organisationsnummer "
                "(tio siffror med rätt kontrollsiffra)."
            )
    if scheme == "0088" and not gln_ok(value):
        return f"Peppol-id {value} under schema 0088 ska vara ett giltigt GLN (13 siffror)."
    return None
