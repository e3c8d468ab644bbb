"""The organisations Samverkan ships (demo invoicing data) and the test fixtures carry the real
identifiers: those of ../shared/reference/organisations.csv wherever it has a value (issue 12:
Östersunds kommun was given Umeå kommun's number and Gävle kommun another's)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from benchmarks import invoicing as invoicing_benchmark
from samverkan.accounts.reference import REFERENCE as SHIPPED
from samverkan.purchases.demo import ORG_DATA
from tests.followup import conftest as followup_fixtures
from tests.purchases import conftest as purchases_fixtures

REFERENCE = (
    Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "organisations.csv"
)


def _reference() -> dict[str, dict[str, str]]:
    with REFERENCE.open(encoding="utf-8", newline="") as f:
        return {row["code"]: row for row in csv.DictReader(f)}


def _known(value: str) -> bool:
    return bool(value) and value != "not found"


@pytest.mark.parametrize(
    ("where", "numbers"),
    [
        ("samverkan/purchases/demo.py", {code: data[0] for code, data in ORG_DATA.items()}),
        ("tests/purchases/conftest.py", purchases_fixtures.ORG_NUMBERS),
        ("tests/followup/conftest.py", followup_fixtures.ORG_NUMBERS),
        ("benchmarks/invoicing.py", invoicing_benchmark.ORG_NUMBERS),
        (
            "samverkan/accounts/reference.py",
            {code: ref.org_number for code, ref in SHIPPED.items()},
        ),
    ],
)
def test_organisation_numbers_are_the_reference_ones(where, numbers) -> None:
    reference = _reference()
    wrong = {
        code: (number, reference[code]["org_number"])
        for code, number in numbers.items()
        if _known(reference[code]["org_number"]) and number != reference[code]["org_number"]
    }
    assert wrong == {}, f"{where}: scb code -> (shipped, reference) {wrong}"


def test_the_fixture_parties_use_the_reference_numbers_and_vat_numbers() -> None:
    reference = _reference()
    for party, code in (
        (purchases_fixtures.OSTERSUND, "2380"),
        (purchases_fixtures.REGION_JH, "23"),
    ):
        assert party.org_number == reference[code]["org_number"]
        if party.vat_number:
            assert party.vat_number == reference[code]["vat_number"]


def test_region_jamtland_harjedalen_is_invoiced_at_its_invoice_address() -> None:
    """Box 910, 831 29 Östersund (Box 654 is its postal address for other mail)."""
    assert "Box 910, 831 29 Östersund" in _reference()["23"]["invoice_address"]
    _, _, street, postal_code, city = ORG_DATA["23"]
    assert (street, postal_code, city) == ("Box 910", "83129", "Östersund")


def _source(row: dict[str, str], column: str) -> str:
    """The status the reference file gives a value: 'not found', a NOTE saying how it was
    obtained (read from the Peppol id = derived; Wikipedia = secondary), disagreeing sources,
    or else seen on the organisation's own page."""
    if not _known(row[column]):
        return "not_found"
    notes = [n for n in row["invoice_rules"].split("NOTE:")[1:] if n.strip().startswith(column)]
    text = " ".join(notes).lower()
    if "disagree" in text:
        return "disagree"
    if "wikipedia" in text:
        return "secondary"
    if "derived" in text or "read from the published peppol id" in text:
        return "derived"
    return "own_page"


def test_the_shipped_reference_table_is_the_reference_file() -> None:
    """Every organisation, its number, VAT number, Peppol id and where each came from."""
    reference = _reference()
    assert set(SHIPPED) == set(reference)
    for code, row in reference.items():
        shipped = SHIPPED[code]
        assert shipped.name == row["name"], code
        assert shipped.org_number == (row["org_number"] if _known(row["org_number"]) else "")
        assert shipped.vat_number == (row["vat_number"] if _known(row["vat_number"]) else "")
        assert shipped.peppol_id == (row["peppol_id"] if _known(row["peppol_id"]) else "")
        assert shipped.org_number_source == _source(row, "org_number"), code
        assert shipped.peppol_id_source == _source(row, "peppol_id"), code
        if shipped.invoice_address:
            # the address lines, postal code and city are the file's own words
            address = row["invoice_address"].replace(" ", "")
            for part in (*shipped.invoice_address, shipped.invoice_postal_code):
                assert part.replace(" ", "") in address, (code, part)
            assert shipped.invoice_city in row["invoice_address"], code
