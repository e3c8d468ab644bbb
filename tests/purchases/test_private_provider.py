"""A private provider in tjänsteköp (issue 11): its own vårdgivare registers its services,
and in invoicing acts for its huvudman, which sells them in its own invoice runs."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan.accounts.models import Organisation, OrganisationKind, Role, Unit, UnitKind
from samverkan.people.models import CareRelation
from samverkan.purchases import access, services
from samverkan.purchases.errors import InvalidService, NotAllowed
from samverkan.purchases.models import ServiceRecord

pytestmark = pytest.mark.django_db
MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def provider(tk, make_staff):
    """Östersund's private hemsjukvård (contracted by the kommun), with a nurse and an
    ekonom, caring for p1."""
    org = Organisation.objects.create(
        name="Hemsjukvård i Östersund AB", kind=OrganisationKind.PRIVATE_PROVIDER,
        region="jamtland-harjedalen", org_number="559900-0066", contracted_by=tk.orgs.ostersund,
    )  # fmt: skip
    unit = Unit.objects.create(
        organisation=org, name="Privat hemsjukvård", kind=UnitKind.HOME_HEALTH_CARE
    )
    CareRelation.objects.create(person=tk.p1, organisation=org, since=dt.date(2020, 1, 1))
    nurse = make_staff(Role.NURSE, org, "ssk.privat", unit=unit)
    ekonom = make_staff(Role.FINANCE_OFFICER, org, "ekonom.privat")
    return org, nurse, ekonom


def test_the_huvudman_invoices_what_its_private_provider_performed(
    tk, register, provider, make_staff
):
    org, nurse, provider_ekonom = provider
    (record,) = register(nurse, tk.p1, dt.date(2026, 3, 11), "09:00", "10:00")
    # performed by the provider, ordered (and paid) by the region, the kommun's counterpart
    assert record.performer_org_id == org.pk
    assert record.orderer_org_id == tk.orgs.region_jh.pk
    assert record.payer_org_id == tk.orgs.region_jh.pk
    services.approve_records(provider_ekonom, month=MARCH, record_ids=[record.pk])
    # the provider sells nothing itself: its services are its huvudman's in invoicing
    assert not access.can_run_invoices(provider_ekonom)
    with pytest.raises(NotAllowed):
        services.run_invoices(
            provider_ekonom, seller=org, buyer=tk.orgs.region_jh, month=MARCH,
            today=dt.date(2026, 4, 2),
        )  # fmt: skip
    # the kommun's ekonom sees the record (as a reference) and invoices it to the region
    assert access.records_visible_to(tk.ekonom).filter(pk=record.pk).exists()
    assert not access.records_visible_to(tk.ekonom_krokom).filter(pk=record.pk).exists()
    kommun_mas = make_staff(Role.MAS, tk.orgs.ostersund, "mas.ost")
    assert not access.records_visible_to(kommun_mas).filter(pk=record.pk).exists()
    result = services.run_invoices(
        tk.ekonom, seller=tk.orgs.ostersund, buyer=tk.orgs.region_jh, month=MARCH,
        today=dt.date(2026, 4, 2),
    )  # fmt: skip
    (invoice,) = result.created
    assert invoice.record_count == 1
    assert ServiceRecord.objects.get(pk=record.pk).invoice_id == invoice.pk


def test_a_private_provider_cannot_bill_its_own_huvudman(tk, register, provider):
    _org, nurse, _ekonom = provider
    with pytest.raises(InvalidService) as excinfo:
        register(nurse, tk.p1, dt.date(2026, 3, 11), "09:00", "10:00", orderer=tk.orgs.ostersund)
    assert [d.code for d in excinfo.value.details] == ["payer_is_performer"]
    assert not ServiceRecord.objects.exists()
