"""Registering services: time split into records, overlaps, validation, the engine's say."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from samverkan.audit.models import AuditEvent
from samverkan.people.models import FactRecord
from samverkan.purchases import services
from samverkan.purchases.models import DecisionSnapshot, RecordStatus, ServiceRecord
from tests.baselines import JH_PERSON

from .conftest import at

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)  # a Tuesday


def test_a_service_crossing_17_is_split_into_two_records(tk, register) -> None:
    records = register(tk.nurse, tk.p1, DAY, "15:30", "18:15")
    assert [(r.band, r.minutes) for r in records] == [("day", 90), ("evening_night", 75)]
    assert records[0].registration == records[1].registration
    assert [r.segment for r in records] == [0, 1]
    # Bilaga 2: day-time is service purchase (paid by the region), the evening is not paid.
    assert records[0].payment == "service_purchase"
    assert records[0].payer_org == tk.orgs.region_jh
    assert records[1].payment == "none"
    assert records[1].payer_org is None
    assert all(r.status == RecordStatus.DRAFT for r in records)
    assert records[0].performer_unit.name == "Hemsjukvården Östersund"


def test_crossing_08_and_midnight(tk, register) -> None:
    records = register(tk.nurse, tk.p1, DAY, "22:00", "09:00")
    assert [(r.service_date, r.band, r.minutes) for r in records] == [
        (DAY, "evening_night", 120),
        (DAY + dt.timedelta(days=1), "evening_night", 480),
        (DAY + dt.timedelta(days=1), "day", 60),
    ]


def test_weekend_daytime_is_evening_night_band(tk, register) -> None:
    saturday = dt.date(2026, 3, 14)
    (record,) = register(tk.nurse, tk.p1, saturday, "10:00", "11:00")
    assert record.band == "evening_night"
    assert record.payment == "none"


def test_overlap_for_the_same_staff_member_is_rejected(tk, register) -> None:
    register(tk.nurse, tk.p1, DAY, "09:00", "10:00")
    with pytest.raises(services.InvalidService) as caught:
        register(tk.nurse, tk.p2, DAY, "09:30", "10:30")
    (problem,) = caught.value.problems
    assert problem.code == "overlap"
    assert problem.message.startswith("Starttid: överlappar en annan registrerad insats")
    assert "regel" not in problem.message and "overlap" not in problem.message
    # Back to back is fine, and another staff member may work at the same time.
    register(tk.nurse, tk.p2, DAY, "10:00", "11:00")
    register(tk.nurse2, tk.p2, DAY, "09:30", "10:30")
    assert ServiceRecord.objects.count() == 3


def test_the_database_refuses_overlaps_too(tk, register) -> None:
    (record,) = register(tk.nurse, tk.p1, DAY, "09:00", "10:00")
    clone = ServiceRecord.objects.get(pk=record.pk)
    clone.pk = None
    clone.start_at = at(DAY, "09:30")
    clone.end_at = at(DAY, "10:30")
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()
    # A withdrawn record does not occupy the time any more.
    services.withdraw_record(tk.nurse, record, reason="Fel tid")
    register(tk.nurse, tk.p1, DAY, "09:30", "10:30")


def test_validation_names_field_and_rule(tk, register) -> None:
    with pytest.raises(services.InvalidService) as caught:
        services.register_service(
            tk.nurse,
            services.ServiceInput(
                person=tk.p1,
                start=at(DAY, "10:00"),
                end=at(DAY, "09:00"),
                intervention="dancing",
                basis="gvb-timersattning",
            ),
        )
    messages = {p.field: p.message for p in caught.value.problems}
    assert messages["end"] == ("Sluttid: sluttiden måste vara senare än starttiden.")
    assert messages["intervention"].startswith("Insats: okänd insats")
    assert messages["basis"] == "Avtalsgrund: avtalsgrunden gäller inte i din organisations region."
    # The stable code is the API's; the nurse reads no English code (issue 13).
    assert {p.field: p.code for p in caught.value.problems}["basis"] == "wrong_region"
    assert not any("regel" in m or "_" in m for m in messages.values())


def test_future_and_invisible_persons_are_refused(tk, register) -> None:
    future = dt.date.today() + dt.timedelta(days=3)
    with pytest.raises(services.InvalidService, match="framtiden"):
        register(tk.nurse, tk.p1, future, "09:00", "10:00")
    with pytest.raises(services.InvalidService) as caught:
        register(tk.nurse, tk.pg1, DAY, "09:00", "10:00")  # a Gävle person
    assert caught.value.problems[0].code == "person_not_visible"


def test_roles_without_care_work_cannot_register(tk, register) -> None:
    with pytest.raises(services.NotAllowed):
        register(tk.admin, tk.p1, DAY, "09:00", "10:00")


def test_decision_snapshot_is_kept_and_shared(tk, register) -> None:
    a = register(tk.nurse, tk.p1, DAY, "09:00", "10:00")[0]
    b = register(tk.nurse, tk.p1, DAY + dt.timedelta(days=1), "11:00", "12:00")[0]
    assert a.decision_id == b.decision_id  # same facts and decision, one snapshot row
    data = DecisionSnapshot.objects.get(pk=a.decision_id).data
    assert data["basis"] == "jh-tjanstekop"
    assert data["source"] == "basis"  # too few facts about the person for the engine
    assert "housing" in data["missing_facts"]
    assert data["agreements"][0]["id"] == "jh-hemsjukvard"
    assert "date" not in data["facts"]


def test_the_engine_decides_when_the_persons_facts_are_known(tk, register) -> None:
    facts = dict(JH_PERSON) | {"urgent": False, "asylum_entitlement": False, "day_activity": False}
    for name, value in facts.items():
        FactRecord.objects.create(
            person=tk.p3, name=name, value=value, valid_from=dt.date(2020, 1, 1)
        )
    day, evening = register(tk.nurse, tk.p3, DAY, "16:00", "18:00")
    day_data = DecisionSnapshot.objects.get(pk=day.decision_id).data
    evening_data = DecisionSnapshot.objects.get(pk=evening.decision_id).data
    assert day_data["source"] == "engine"
    assert day_data["outcome"]["compensation"] == "service_purchase"
    assert day.payment == "service_purchase"
    assert evening_data["source"] == "engine"
    assert evening_data["rules"]["compensation"] == "jh-pvk.performer.night_district_nurse"
    assert evening.payment == "none"


def test_gavleborg_agreement_outside_its_validity_is_refused(tk, register) -> None:
    with pytest.raises(services.InvalidService) as caught:
        register(
            tk.nurse_gavle, tk.pg1, dt.date(2024, 3, 5), "09:00", "10:00", basis="gvb-timersattning"
        )
    assert caught.value.problems[0].code == "agreement_not_in_force"
    (record,) = register(
        tk.nurse_gavle, tk.pg1, dt.date(2019, 11, 5), "09:00", "10:00", basis="gvb-timersattning"
    )
    assert record.payment == "hourly_share_50"
    assert record.payer_org == tk.orgs.region_gvb


def test_shared_cost_needs_a_dispute_reference(tk, register) -> None:
    with pytest.raises(services.InvalidService, match="Tvistreferens"):
        register(tk.nurse, tk.p1, DAY, "09:00", "10:00", basis="jh-delad-kostnad")
    (record,) = register(
        tk.nurse, tk.p1, DAY, "09:00", "10:00", basis="jh-delad-kostnad", dispute_ref="AVV-7"
    )
    assert record.payment == "shared"


def test_registration_is_audited_without_personal_data_in_why(tk, register) -> None:
    register(tk.nurse, tk.p1, DAY, "09:00", "10:00")
    event = AuditEvent.objects.filter(object_type="purchases.servicerecord").latest("timestamp")
    assert event.action == "create"
    assert event.person_ref == tk.pnr[tk.p1.pk]
    assert tk.pnr[tk.p1.pk] not in event.why


def test_approval_is_for_ekonom_or_mas(tk, register) -> None:
    records = register(tk.nurse, tk.p1, DAY, "09:00", "10:00")
    with pytest.raises(services.NotAllowed):
        services.approve_records(tk.nurse, month=DAY)
    assert services.approve_records(tk.ekonom, month=DAY) == 1
    assert ServiceRecord.objects.get(pk=records[0].pk).status == RecordStatus.APPROVED
