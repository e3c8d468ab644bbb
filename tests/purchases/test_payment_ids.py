"""Payment and party identifiers are checked (issue 12): bankgiro and plusgiro check digits,
an OCR number with length and check digit where the seller has OCR, Peppol participant ids
under 0007 (organisation number) or 0088 (GLN)."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.exceptions import ValidationError

from samverkan.core.payment_ids import (
    bankgiro_problem,
    gln_ok,
    ocr_problem,
    ocr_reference,
    peppol_participant_problem,
    plusgiro_problem,
)
from samverkan.purchases.models import BillingProfile
from samverkan.purchases.ubl import InvoiceDataError, build_ubl

from .conftest import build_jamtland


def test_bankgiro_check_digit() -> None:
    assert bankgiro_problem("5050-1055") is None
    assert bankgiro_problem("123-4566") is None
    problem = bankgiro_problem("123-4567")  # the old demo number
    assert problem and "kontrollsiffra" in problem
    assert "sju eller åtta" in (bankgiro_problem("12-345") or "")


def test_plusgiro_check_digit() -> None:
    assert plusgiro_problem("9 02 00-7") is None  # 90200-7
    assert plusgiro_problem("4 20 05-8") is not None
    assert plusgiro_problem("1") is not None


def test_ocr_number_has_length_and_check_digit() -> None:
    ocr = ocr_reference("2380-000017")
    assert ocr.startswith("2380000017") and len(ocr) == 12
    assert ocr[-2] == "2"  # twelve digits, modulo 10
    assert ocr_problem(ocr) is None
    assert ocr_problem(ocr[:-1] + str((int(ocr[-1]) + 1) % 10)) is not None
    assert ocr_problem("2380000017") is not None  # the invoice number is not an OCR number


def test_peppol_participant_ids() -> None:
    assert peppol_participant_problem("0007", "2120002528") is None
    assert peppol_participant_problem("0007", "2120002529") is not None
    assert peppol_participant_problem("0088", "7381010016001") is None  # Region JH's GLN
    assert gln_ok("7309861003438")  # Ragunda's GLN
    assert peppol_participant_problem("0088", "7381010016002") is not None
    assert "stöds inte" in (peppol_participant_problem("9999", "abc") or "")


@pytest.mark.django_db
def test_organisation_and_billing_profile_are_checked_when_entered(orgs) -> None:
    org = orgs.ostersund
    org.peppol_scheme, org.peppol_id = "0007", "2120002529"
    with pytest.raises(ValidationError) as refused:
        org.full_clean()
    assert "peppol_id" in refused.value.message_dict
    org.peppol_id = "2120002528"
    org.full_clean()
    profile = BillingProfile(organisation=org, bankgiro="123-4567", plusgiro="4 20 05-8")
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert set(refused.value.message_dict) == {"bankgiro", "plusgiro"}


def test_a_bad_bankgiro_or_peppol_id_is_refused_before_the_xml() -> None:
    doc = build_jamtland().doc
    with pytest.raises(InvoiceDataError) as refused:
        build_ubl(
            dataclasses.replace(doc, seller=dataclasses.replace(doc.seller, bankgiro="1234567"))
        )
    assert refused.value.code == "bankgiro_invalid"
    buyer = dataclasses.replace(doc.buyer, peppol_id="2321000215")
    with pytest.raises(InvoiceDataError) as refused:
        build_ubl(dataclasses.replace(doc, buyer=buyer))
    assert refused.value.code == "peppol_id_invalid"


def test_plusgiro_and_ocr_reach_the_invoice(peppol_validator) -> None:
    doc = build_jamtland().doc
    seller = dataclasses.replace(doc.seller, plusgiro="90200-7", uses_ocr=True)
    xml = build_ubl(dataclasses.replace(doc, seller=seller)).decode()
    assert "SE:PLUSGIRO" in xml and ">902007<" in xml and "SE:BANKGIRO" in xml
    assert f"<cbc:PaymentID>{ocr_reference(doc.number)}</cbc:PaymentID>" in xml
    from .test_ubl import assert_no_fatal

    assert_no_fatal(peppol_validator, xml.encode())
