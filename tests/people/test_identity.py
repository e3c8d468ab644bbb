"""samverkan.people.identity and .testpersons against the shared test vectors (read in place)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from personnummer import personnummer as pnr_lib

from samverkan.people import testpersons
from samverkan.people.identity import (
    IdSystem,
    InvalidIdentifier,
    PersonIdentifier,
    age_on,
    birth_date,
    display,
    is_valid,
    mask,
    parse_identifier,
    sex,
)

TODAY = date(2026, 11, 24)
FORMATS = ("long_format", "short_format", "separated_format", "separated_long")
TYPES = {"ssn": IdSystem.personnummer, "con": IdSystem.samordningsnummer}


def _shared() -> Path:
    folder = testpersons.shared_dir()
    assert folder is not None and folder.is_dir(), f"../shared saknas: {folder}"
    return folder


def _vectors(name: str) -> Any:
    return json.loads((_shared() / "testdata" / "personnummer" / name).read_text("utf-8"))


def _luhn_check(digits: str) -> str:
    """Check digit over YYMMDDNNN (independent of the library, for building test numbers)."""
    total = 0
    for i, ch in enumerate(digits):
        v = int(ch) * (2 - i % 2)
        total += v - 9 if v > 9 else v
    return str((10 - total % 10) % 10)


def _number(yymmdd: str, serial: str) -> str:
    return f"{yymmdd}{serial}{_luhn_check(yymmdd + serial)}"


def _error(text: Any, system: IdSystem | None = None, **kw: Any) -> InvalidIdentifier:
    with pytest.raises(InvalidIdentifier) as info:
        parse_identifier(text, system, today=TODAY, **kw)
    return info.value


# --- list.json: every vector, every written format --------------------------------------

LIST = _vectors("list.json")


@pytest.mark.parametrize(
    ("vector", "fmt"),
    [(v, f) for v in LIST for f in FORMATS],
    ids=[f"{v[f]}-{f}" for v in LIST for f in FORMATS],
)
def test_list_vector(vector: dict[str, Any], fmt: str) -> None:
    text = vector[fmt]
    if not vector["valid"]:
        assert _error(text).code in {"invalid_format", "invalid_checksum", "invalid_serial"}
        return
    identifier = parse_identifier(text, today=TODAY)
    assert identifier.system is TYPES[vector["type"]]
    assert sex(identifier) == ("male" if vector["isMale"] else "female")
    assert vector["isMale"] != vector["isFemale"]
    long = vector["long_format"]
    if fmt == "short_format" and "+" in vector["separated_format"]:
        # The vectors' short format of a 1909 number drops the "+": "0905271474" is then a
        # person under 100, born 2009 (a valid date, and Luhn ignores the century).
        assert identifier.value == "20" + long[2:]
    else:
        assert identifier.value == long
    # The kind given explicitly is accepted; the other one is a mismatch.
    assert parse_identifier(text, identifier.system, today=TODAY) == identifier
    other = next(s for s in TYPES.values() if s is not identifier.system)
    assert _error(text, other).code == "system_mismatch"


def test_list_vector_integers() -> None:
    for vector in LIST:
        assert is_valid(str(vector["integer"]), today=TODAY) is vector["valid"]


def test_list_invalid_vectors_say_why() -> None:
    codes = {v["long_format"]: _error(v["long_format"]).code for v in LIST if not v["valid"]}
    assert codes == {
        "201509160006": "invalid_serial",
        "197004289895": "invalid_checksum",
        "194205669899": "invalid_checksum",
        "196004309886": "invalid_checksum",
        "197210869924": "invalid_checksum",
        "19090527 1474": "invalid_format",
    }


# --- structured.json ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["ssn", "con"])
def test_structured_vectors(kind: str) -> None:
    data = _vectors("structured.json")[kind]
    for representation in ("integer", "string"):
        for text in data[representation]["valid"]:
            identifier = parse_identifier(str(text), today=TODAY)
            assert identifier.system is TYPES[kind], text
        for text in data[representation]["invalid"]:
            assert not is_valid(str(text), today=TODAY), text


# --- interim.json: rejected, as the library does --------------------------------------------

INTERIM = _vectors("interim.json")


@pytest.mark.parametrize(
    ("vector", "fmt"),
    [(v, f) for v in INTERIM for f in FORMATS],
    ids=[f"{v[f]}-{f}" for v in INTERIM for f in FORMATS],
)
def test_interim_vector_rejected(vector: dict[str, Any], fmt: str) -> None:
    error = _error(vector[fmt])
    # A well-formed interim number is refused as such; the invalid vector (letter E, not an
    # interim letter) is not an interim number at all.
    assert error.code == ("interim_not_allowed" if vector["valid"] else "invalid_format")
    assert error.field == "identifier"
    assert _error(vector[fmt], IdSystem.personnummer).code == error.code


def test_library_has_no_interim_option() -> None:
    """personnummer 3.2.1 takes an options dict but never reads it: no way to accept interim
    numbers. If a release adds one, this fails and parse_identifier can offer the option."""
    for vector in INTERIM:
        for options in (None, {"allowInterimNumber": True}, {"allow_interim_number": True}):
            with pytest.raises(pnr_lib.PersonnummerException):
                pnr_lib.parse(vector["long_format"], options)


# --- Skatteverket's test numbers ----------------------------------------------------------


def test_all_skatteverket_test_numbers_are_valid_personnummer() -> None:
    numbers = _vectors("skatteverket-test-personnummer.json")
    assert len(numbers) == 41_129
    # Issue 12: a number implying an age over 125 is refused as implausible (the list
    # reaches back to 1890); every other one is a valid personnummer.
    limit = TODAY.replace(year=TODAY.year - 126)
    for number in numbers:
        born = date(int(number[:4]), int(number[4:6]), int(number[6:8]))
        if born <= limit:
            with pytest.raises(InvalidIdentifier) as refused:
                parse_identifier(number, today=TODAY)
            assert refused.value.code == "implausible_age"
            continue
        identifier = parse_identifier(number, today=TODAY)
        assert identifier.system is IdSystem.personnummer
        assert identifier.value == number


# --- error codes and messages ------------------------------------------------------------

VALID = "19121212-1212"  # Skatteverket's well-known example


def test_messages_are_swedish() -> None:
    assert _error("").message == "Identitetsnummer saknas."
    assert _error("19121212-1213").message == (
        "Kontrollsiffran i personnumret stämmer inte. Kontrollera att numret är rätt skrivet."
    )
    assert _error("19121272-1212").message.startswith("Kontrollsiffran i samordningsnumret")
    assert _error("19121312-1212").message == "Datumet i personnumret finns inte."
    assert "ligger i framtiden" in _error("20" + _number("271212", "121")).message
    assert _error("19121212-1212", IdSystem.samordningsnummer).message.startswith(
        "Numret är ett personnummer, inte ett samordningsnummer"
    )
    assert "Interimistiska nummer" in _error("000101-T220").message


@pytest.mark.parametrize(
    ("text", "system", "code"),
    [
        ("", None, "empty"),
        ("   ", None, "empty"),
        (None, None, "empty"),
        ("19121212-121", None, "invalid_format"),
        ("19121212--1212", None, "invalid_format"),
        ("19121212 1212", None, "invalid_format"),
        ("ABC", None, "invalid_format"),
        ("\u0661\u0669\u0661\u0662\u0661\u0662\u0661\u0662-1212", None, "invalid_format"),
        ("12345678", None, "invalid_format"),
        ("19121212-1212", IdSystem.lma, "invalid_format"),
        ("19121312-1212", None, "invalid_date"),  # month 13
        ("19" + _number("010229", "123"), None, "invalid_date"),  # 1901 is no leap year
        ("19" + _number("121260", "123"), None, "invalid_date"),  # day 60: neither kind
        ("19" + _number("121292", "123"), None, "invalid_date"),  # samordningsnummer day 32
        ("19" + _number("121200", "123"), None, "invalid_date"),
        ("17" + _number("121212", "121"), None, "invalid_date"),  # century 17
        ("20" + _number("271212", "121"), None, "invalid_date"),  # in the future
        ("19121212-1213", None, "invalid_checksum"),
        ("19121272-1212", None, "invalid_checksum"),  # samordningsnummer, wrong check
        ("19" + _number("121212", "000"), None, "invalid_serial"),
        ("19121212-1212", IdSystem.samordningsnummer, "system_mismatch"),
        ("197302889931", IdSystem.personnummer, "system_mismatch"),
        ("20000101T220", None, "interim_not_allowed"),
    ],
)
def test_error_codes(text: Any, system: IdSystem | None, code: str) -> None:
    error = _error(text, system, field="pnr")
    assert error.code == code
    assert error.field == "pnr"
    assert error.as_dict() == {"field": "pnr", "code": code, "message": error.message}
    assert str(error) == error.message
    # Never the number itself (messages end up in logs and API responses).
    assert error.message
    if text and len(str(text).strip()) >= 6:
        assert str(text).strip()[-4:] not in error.message


# --- century inference and normalisation --------------------------------------------------


def test_century_from_separator_and_reference_date() -> None:
    tomorrow_yymmdd, today_yymmdd = "261125", "261124"
    tomorrow, today = _number(tomorrow_yymmdd, "123"), _number(today_yymmdd, "123")
    assert parse_identifier(today, today=TODAY).value == "20" + today
    assert parse_identifier(tomorrow, today=TODAY).value == "19" + tomorrow
    assert parse_identifier(f"{tomorrow[:6]}-{tomorrow[6:]}", today=TODAY).value[:2] == "19"
    assert parse_identifier(f"{today[:6]}+{today[6:]}", today=TODAY).value[:2] == "19"
    with pytest.raises(InvalidIdentifier) as refused:  # 1826: an age over 125 (issue 12)
        parse_identifier(f"{tomorrow[:6]}+{tomorrow[6:]}", today=TODAY)
    assert refused.value.code == "implausible_age"
    assert parse_identifier("121212-1212", today=TODAY).value == "201212121212"
    assert parse_identifier("121212+1212", today=TODAY).value == "191212121212"
    # The day after tomorrow's date in 2026 is in the future: with '-' it is read as 1926.
    assert parse_identifier("121212-1212", today=date(2012, 12, 11)).value == "191212121212"


def test_samordningsnummer_century_uses_real_day() -> None:
    number = _number("261184", "123")  # 24 Nov 2026 as samordningsnummer
    assert parse_identifier(number, today=TODAY).value == "20" + number
    assert parse_identifier(number, today=date(2026, 11, 23)).value == "19" + number


def test_normalisation() -> None:
    expected = PersonIdentifier(IdSystem.personnummer, "191212121212")
    for text in (
        "191212121212",
        "19121212-1212",
        "19121212+1212",  # explicit century: the separator changes nothing
        "121212+1212",
        " 19121212-1212\n",
        "19121212\u20131212",  # en dash, as pasted from a word processor
        "19121212\u22121212",
    ):
        assert parse_identifier(text, today=TODAY) == expected, text


def test_default_today_is_the_real_date() -> None:
    assert parse_identifier("121212+1212").value == "191212121212"


# --- LMA-nummer and reservnummer ----------------------------------------------------------


def test_lma_nummer() -> None:
    expected = PersonIdentifier(IdSystem.lma, "12345678")
    assert parse_identifier("12-345678") == expected
    assert parse_identifier("12-345678/2") == expected  # the card's serial is dropped
    assert parse_identifier("12345678", IdSystem.lma) == expected
    assert parse_identifier(" 12-345678 ", IdSystem.lma) == expected
    assert _error("1234567", IdSystem.lma).code == "invalid_format"
    assert _error("AB-345678", IdSystem.lma).code == "invalid_format"
    assert display(expected) == "12-345678"
    assert mask(expected) == "**-****78"
    assert birth_date(expected) is None and sex(expected) is None
    assert age_on(expected, TODAY) is None


def test_nationellt_reservnummer() -> None:
    expected = PersonIdentifier(IdSystem.reservnummer, "98240301AA06")
    assert parse_identifier("98240301AA06") == expected
    assert parse_identifier("98240301-aa06") == expected
    assert parse_identifier("98240301AA06", IdSystem.reservnummer) == expected
    assert birth_date(expected) == date(2024, 3, 1)  # 98 = 20 + 3·26
    assert birth_date(PersonIdentifier(IdSystem.reservnummer, "22500101AB13")) == date(1950, 1, 1)
    assert birth_date(PersonIdentifier(IdSystem.reservnummer, "00002040AB13")) is None
    assert sex(expected) == "female"
    assert sex(PersonIdentifier(IdSystem.reservnummer, "98240301ABC6")) is None  # unknown sex
    assert display(expected) == "98240301-AA06"
    assert mask(expected) == "98240301-****"
    assert age_on(expected, TODAY) == 2


def test_regional_reservnummer_needs_the_system() -> None:
    # HL7 Sweden's example "nationellt reservnummer" has a regional (VGR-like) shape, which
    # is also the shape of an interim number: accepted only when the system is said.
    assert _error("20210325K069").code == "interim_not_allowed"
    for value in ("20210325K069", "20210325-12K3", "991234567890", "210325DXAB", "19500101Tk1A"):
        identifier = parse_identifier(value, IdSystem.reservnummer)
        assert identifier == PersonIdentifier(IdSystem.reservnummer, value)
        assert birth_date(identifier) is None and sex(identifier) is None
        assert display(identifier) == value
    assert mask(PersonIdentifier(IdSystem.reservnummer, "20210325K069")) == "20210325-****"
    assert _error("20210325DXAB").code == "invalid_format"
    for bad in ("K069", "2021-03-25", "20210325K0699", "20210325_K069"):
        assert _error(bad, IdSystem.reservnummer).code == "invalid_format", bad


# --- reading a parsed identifier ----------------------------------------------------------


def test_birth_date_sex_age_display_mask() -> None:
    pnr = parse_identifier(VALID)
    assert birth_date(pnr) == date(1912, 12, 12)
    assert sex(pnr) == "male"
    assert age_on(pnr, date(2012, 12, 11)) == 99
    assert age_on(pnr, date(2012, 12, 12)) == 100
    assert display(pnr) == "19121212-1212"
    assert mask(pnr) == "19121212-****"

    snr = parse_identifier("197302889931")
    assert snr.system is IdSystem.samordningsnummer
    assert birth_date(snr) == date(1973, 2, 28)
    assert display(snr) == "19730288-9931"
    assert mask(snr) == "19730288-****"

    woman = parse_identifier("194608239986")
    assert sex(woman) == "female"

    with pytest.raises(ValueError):
        age_on(pnr, date(1900, 1, 1))


def test_age_on_leap_day_birthday() -> None:
    leap = parse_identifier("20000229-2399")
    assert age_on(leap, date(2001, 2, 28)) == 0
    assert age_on(leap, date(2001, 3, 1)) == 1
    assert age_on(leap, date(2004, 2, 29)) == 4


def test_repr_and_str_are_masked() -> None:
    identifier = parse_identifier(VALID)
    for text in (repr(identifier), str(identifier), f"{identifier}", repr([identifier])):
        assert "1212-1212" not in text and "121212121212" not in text
        assert "19121212-****" in text


def test_id_systems() -> None:
    assert IdSystem.personnummer.uri == "http://electronichealth.se/identifier/personnummer"
    assert IdSystem.personnummer.oid == "1.2.752.129.2.1.3.1"
    assert IdSystem.samordningsnummer.oid == "1.2.752.129.2.1.3.3"
    assert IdSystem.lma.uri == "http://electronichealth.se/identifier/LMA-nummer"
    assert IdSystem.lma.oid is None
    assert (
        IdSystem.reservnummer.uri == "http://electronichealth.se/identifier/nationelltReservnummer"
    )
    for system in IdSystem:
        assert IdSystem.from_uri(system.uri) is system
        if system.oid:
            assert IdSystem.from_uri(f"urn:oid:{system.oid}") is system
    assert (
        IdSystem.from_uri("http://electronichealth.se/identifier/nationelltReservnumer")
        is IdSystem.reservnummer
    )
    assert IdSystem.from_uri("urn:oid:1.2.752.129.2.1.4.1") is None  # HSA-id: not a person
    assert IdSystem("personnummer") is IdSystem.personnummer
    assert PersonIdentifier(IdSystem.lma, "12345678").uri == IdSystem.lma.uri


# --- testpersons ----------------------------------------------------------------------------


def test_shared_dir_is_beside_the_project_root() -> None:
    root = testpersons.project_root()
    assert root is not None and (root / "pyproject.toml").is_file()
    assert testpersons.shared_dir() == root.parent / "shared"


def test_test_personnummer_deterministic_and_from_the_list() -> None:
    numbers = set(_vectors("skatteverket-test-personnummer.json"))
    first = testpersons.test_personnummer(50, seed=7)
    assert first == testpersons.test_personnummer(50, seed=7)
    assert first != testpersons.test_personnummer(50, seed=8)
    assert len(set(first)) == 50 and set(first) <= numbers
    assert len(testpersons.load_test_personnummer()) == len(numbers)
    with pytest.raises(ValueError):
        testpersons.test_personnummer(len(numbers) + 1)


def test_embedded_numbers_are_from_the_list_and_valid() -> None:
    numbers = set(_vectors("skatteverket-test-personnummer.json"))
    embedded = testpersons.EMBEDDED_TEST_PERSONNUMMER
    assert len(embedded) == len(set(embedded)) == 30
    assert set(embedded) <= numbers


def test_fallback_without_shared_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(testpersons.SHARED_ENV, str(tmp_path / "missing"))
    _clear_caches()
    try:
        assert testpersons.load_test_personnummer() == tuple(
            sorted(testpersons.EMBEDDED_TEST_PERSONNUMMER)
        )
        assert len(testpersons.test_personnummer(30)) == 30
        persons = testpersons.synthetic_persons(20, seed=3)
        assert {p["personnummer"] for p in persons} <= set(testpersons.EMBEDDED_TEST_PERSONNUMMER)
    finally:
        monkeypatch.undo()
        _clear_caches()


def _clear_caches() -> None:
    testpersons.load_test_personnummer.cache_clear()
    testpersons._pools.cache_clear()


def test_synthetic_persons_are_consistent() -> None:
    eras = {
        name: (first, last)
        for first, last, _w, women, men in testpersons._ERAS
        for name in women + men
    }
    assert len(eras) == sum(len(e[3]) + len(e[4]) for e in testpersons._ERAS)  # no name twice
    persons = testpersons.synthetic_persons(300, seed=1)
    assert persons == testpersons.synthetic_persons(300, seed=1)
    assert len({p["personnummer"] for p in persons}) == 300
    years = []
    for person in persons:
        identifier = parse_identifier(person["personnummer"], IdSystem.personnummer)
        assert person["sex"] == sex(identifier)
        assert person["birth_date"] == birth_date(identifier)
        first, last = eras[person["given"]]
        assert first <= person["birth_date"].year <= last, person
        assert person["family"] in testpersons._FAMILY_NAMES
        years.append(person["birth_date"].year)
    assert testpersons.synthetic_person(5) == testpersons.synthetic_person(5)
    old = sum(year <= 1955 for year in years) / len(years)
    assert 0.4 < old < 0.7  # mostly old people, as in hemsjukvård
    assert {p["sex"] for p in persons} == {"female", "male"}


def _luhn_number(yymmdd: str, serial: str) -> str:
    digits = [int(c) for c in yymmdd + serial]
    total = sum(
        (d * 2 - 9 if d * 2 > 9 else d * 2) if i % 2 == 0 else d for i, d in enumerate(digits)
    )
    return f"{yymmdd}{serial}{(10 - total % 10) % 10}"


def test_an_age_over_125_is_refused_as_implausible() -> None:
    from datetime import date

    from samverkan.people.identity import InvalidIdentifier, parse_identifier

    today = date(2026, 12, 2)
    number = _luhn_number("890101", "123")
    with pytest.raises(InvalidIdentifier) as refused:
        parse_identifier("18" + number[:6] + "-" + number[6:], today=today)
    assert refused.value.code == "implausible_age" and refused.value.field == "identifier"
    assert "125 år" in refused.value.message
    assert parse_identifier("19121212-1212", today=today).value == "191212121212"  # 113: fine


def test_the_other_reading_of_a_ten_digit_number() -> None:
    from datetime import date

    from samverkan.people.identity import other_reading

    today = date(2026, 12, 2)
    assert other_reading("121212-1212", today=today).value == "191212121212"
    assert other_reading("1212121212", today=today).value == "191212121212"
    assert other_reading("121212+1212", today=today) is None  # written with "+": no doubt
    assert other_reading("20121212-1212", today=today) is None  # twelve digits: no doubt
    assert other_reading("451212-1212", today=today) is None  # "+" would be 1845: implausible
