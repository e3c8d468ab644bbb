"""The organisations Samverkan ships (demo invoicing data) and the test fixtures carry the real
identifiers: those of ../shared/reference/organisations.csv wherever it has a value (issue 12:
Östersunds kommun was given Umeå kommun's number and Gävle kommun another's)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

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
