"""Merge: after a reservnummer person gets merged into the personnummer person, every room's
live records follow, and history (issued invoices) resolves to the survivor when read."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan.deviations import services as deviations
from samverkan.deviations.models import Deviation, Dispute
from samverkan.people import selectors
from samverkan.people import services as people
from samverkan.people.access import persons_visible_to
from samverkan.people.identity import IdSystem
from samverkan.people.models import Task
from samverkan.purchases import services as purchases
from samverkan.purchases.access import records_visible_to
from samverkan.purchases.models import InvoiceLine, RecordStatus, ServiceRecord

pytestmark = pytest.mark.django_db
# The HL7 Sweden example reservnummer of the shared FHIR test data.
RESERVNUMMER = "20210325K069"
MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def merged(tk, register):
    """A reservnummer person with records in every room, merged into the personnummer one."""
    temporary, _ = people.create_person(
        tk.nurse, identifier=RESERVNUMMER, id_system=IdSystem.reservnummer,
        given_name="Okänd", family_name="Person", home_municipality="2380",
        confirm_care_relation=True,
        reason="Test",
    )  # fmt: skip
    invoiced = register(tk.nurse, temporary, dt.date(2026, 3, 3), "10:00", "11:00",
                        approve_by=tk.ekonom)  # fmt: skip
    open_records = register(tk.nurse, temporary, dt.date(2026, 3, 17), "10:00", "11:00")
    purchases.run_invoices(
        tk.ekonom, seller=tk.orgs.ostersund, buyer=tk.orgs.region_jh, month=MARCH,
        today=dt.date(2026, 4, 2),
    )  # fmt: skip
    deviation = deviations.report_deviation(
        tk.nurse, receiving_organisation=tk.orgs.region_jh, category="medication",
        severity="minor", occurred_on=dt.date(2026, 3, 16), location="Ordinärt boende",
        description="Läkemedelslistan saknades vid utskrivning.", person=temporary,
    )  # fmt: skip
    dispute = deviations.open_dispute(
        tk.nurse, counterparty=tk.orgs.region_jh, question="Vem bekostar madrassen?",
        acting_organisation=tk.orgs.ostersund, acting_note="Kommunen lånar ut en madrass.",
        person=temporary,
    )  # fmt: skip
    intervention = people.create_intervention(tk.nurse, temporary, kind="nursing", start=MARCH)
    people.decide_intervention(tk.nurse, intervention)
    survivor = tk.p1
    people.merge_persons(tk.nurse, source=temporary, target=survivor)
    temporary.refresh_from_db()
    return temporary, survivor, invoiced, open_records, deviation, dispute


def test_live_records_follow_the_surviving_person(tk, merged) -> None:
    temporary, survivor, invoiced, open_records, deviation, dispute = merged
    assert temporary.merged_into_id == survivor.pk
    for record in open_records:
        assert ServiceRecord.objects.get(pk=record.pk).person_id == survivor.pk
    assert Deviation.objects.get(pk=deviation.pk).person_id == survivor.pk
    assert Dispute.objects.get(pk=dispute.pk).person_id == survivor.pk
    assert not Task.objects.filter(person=temporary).exists()
    assert survivor.interventions.count() == 1


def test_history_keeps_its_reference_and_resolves_to_the_survivor(tk, merged) -> None:
    temporary, survivor, invoiced, *_ = merged
    (record,) = invoiced
    record = ServiceRecord.objects.get(pk=record.pk)
    assert record.status == RecordStatus.INVOICED
    line = InvoiceLine.objects.get(person=temporary)  # an issued line is never rewritten
    assert record.person_id == temporary.pk
    assert selectors.survivor_ids([line.person_id, record.person_id]) == {temporary.pk: survivor.pk}
    assert selectors.survivor_id(survivor.pk) == survivor.pk


def test_the_nurse_still_sees_every_service_record_of_the_person(tk, merged) -> None:
    temporary, survivor, invoiced, open_records, *_ = merged
    visible = set(records_visible_to(tk.nurse).values_list("pk", flat=True))
    assert {r.pk for r in [*invoiced, *open_records]} <= visible
    seen_as = set(
        selectors.person_ids_seen_as(persons_visible_to(tk.nurse)).values_list("pk", flat=True)
    )
    assert {temporary.pk, survivor.pk} <= seen_as


def test_the_nurse_sees_the_persons_deviations_and_disputes(tk, merged) -> None:
    _, survivor, _, _, deviation, dispute = merged
    shown = deviations.view_deviation(tk.nurse, deviation.pk)
    assert shown.person is not None and shown.person.pk == survivor.pk
    assert Dispute.objects.filter(person=survivor, pk=dispute.pk).exists()


def test_persons_merged_earlier_follow_too(tk, merged) -> None:
    temporary, survivor, *_ = merged
    third = tk.p2
    people.merge_persons(tk.nurse, source=survivor, target=third)
    temporary.refresh_from_db()
    assert temporary.merged_into_id == third.pk  # no chain left behind


def test_the_api_shows_the_invoiced_record_of_the_merged_away_person(tk, merged, api_client):
    temporary, survivor, invoiced, *_ = merged
    (record,) = invoiced
    response = api_client(tk.nurse).get(f"/api/purchases/records/{record.pk}")
    assert response.status_code == 200, response.content
    assert response.json()["person_id"] == str(temporary.pk)  # history, shown, not hidden


def test_the_invoice_person_map_names_the_survivor_for_a_merged_away_reference(
    tk, merged, make_staff
):
    """The seller's MAS reads whom an issued invoice's reference stands for: the
    merged-away person's reference resolves to the survivor (history is read as the
    survivor), instead of "not permitted"."""
    from samverkan.accounts.models import Role
    from samverkan.purchases.models import Invoice

    temporary, survivor, *_ = merged
    invoice = Invoice.objects.get(seller=tk.orgs.ostersund, buyer=tk.orgs.region_jh)
    mas = make_staff(Role.MAS, tk.orgs.ostersund, "mas.ost")
    mapping = dict(purchases.person_map(mas, invoice))
    assert mapping == {"P-0001": survivor}
