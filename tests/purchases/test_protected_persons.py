"""A protected identity in tjänsteköp (issue 11): the month review marks the person
"Skyddad identitet"; the invoice and its attachment (XML, PDF, CSV, attachment PDF), which
the buyer receives, name persons only by pseudonymous reference, so nothing of where the
person lives or can be reached is there to withhold."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from samverkan.core.documents import text_lines
from samverkan.people.models import IdentityProtection, ProtectionKind, ProtectionSource
from samverkan.purchases import documents, services

pytestmark = pytest.mark.django_db

MARKER = "Skyddad identitet"


@pytest.fixture
def protected(tk):
    IdentityProtection.objects.create(
        person=tk.p1,
        kind=ProtectionKind.PROTECTED_REGISTRATION,
        source=ProtectionSource.POPULATION_REGISTER,
    )
    return tk.p1


def test_month_review_marks_the_protected_person(tk, register, protected, client_as):
    register(tk.nurse, tk.p1, dt.date(2026, 3, 10), "09:00", "10:00")
    register(tk.nurse, tk.p2, dt.date(2026, 3, 11), "09:00", "10:00")
    page = client_as(tk.nurse).get(reverse("purchases:month") + "?month=2026-03")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count(MARKER) == 1  # p1 only, not p2
    assert "badge--protected" in text


def test_invoice_files_carry_no_person_data(tk, register, protected):
    register(tk.nurse, tk.p1, dt.date(2026, 3, 10), "09:00", "10:00", approve_by=tk.ekonom)
    (invoice,) = services.run_invoices(
        tk.ekonom,
        seller=tk.orgs.ostersund,
        buyer=tk.orgs.region_jh,
        month=dt.date(2026, 3, 1),
        today=dt.date(2026, 4, 2),
    ).created
    number = tk.pnr[tk.p1.pk]
    for kind in ("xml", "attachment_csv"):
        text = documents.generate(invoice, kind).decode("utf-8-sig")
        assert "P-0001" in text
        for secret in (tk.p1.family_name, tk.p1.given_name, number, number[2:]):
            assert secret not in text, (kind, "person data in the file")
    for kind in ("pdf", "attachment_pdf"):
        text = " ".join(text_lines(documents.generate(invoice, kind)))
        if kind == "attachment_pdf":
            assert "P-0001" in text  # the text layer was read
        for secret in (tk.p1.family_name, number, number[2:]):
            assert secret not in text, (kind, "person data in the file")


# --- spärr (issue 11) ---------------------------------------------------------------------


def _spärr(user, person, kind, unit=None):
    from samverkan.people import services as people_services

    return people_services.record_block(
        user, person, kind=kind, unit=unit, requested_by_person=True,
        reason="Personen bad om spärr vid besöket.",
    )  # fmt: skip


def test_an_inre_sparr_keeps_the_units_records_from_the_other_units(
    tk, register, make_staff, client_as, api_client
):
    from samverkan.accounts.models import Role, Unit, UnitKind
    from samverkan.purchases import access

    (record,) = register(tk.nurse, tk.p1, dt.date(2026, 3, 10), "09:00", "10:00")
    housing = Unit.objects.create(
        organisation=tk.orgs.ostersund, name="Tallgården", kind=UnitKind.SPECIAL_HOUSING
    )
    colleague = make_staff(Role.NURSE, tk.orgs.ostersund, "ssk.tallgarden", unit=housing)
    assert access.records_visible_to(colleague).filter(pk=record.pk).exists()
    _spärr(tk.nurse, tk.p1, "internal", unit=tk.nurse.staff_profile.unit)
    assert not access.records_visible_to(colleague).filter(pk=record.pk).exists()
    page = client_as(colleague).get(reverse("purchases:month") + "?month=2026-03")
    assert page.status_code == 200 and tk.p1.family_name not in page.content.decode()
    api = api_client(colleague)
    assert api.get(f"/api/purchases/records/{record.pk}").status_code == 404
    assert record.pk not in [r["id"] for r in api.get("/api/purchases/records").json()["items"]]
    # the unit itself, and the ekonom invoicing it (as a reference), keep the record
    assert access.records_visible_to(tk.nurse).filter(pk=record.pk).exists()
    assert access.records_visible_to(tk.ekonom).filter(pk=record.pk).exists()


def test_a_sparr_mot_andra_vardgivare_keeps_the_records_from_the_payers_care_staff(
    tk, register, make_staff
):
    from samverkan.accounts.models import Role
    from samverkan.people.models import CareRelation
    from samverkan.purchases import access

    (record,) = register(tk.nurse, tk.p1, dt.date(2026, 3, 10), "09:00", "10:00")
    assert record.payer_org_id == tk.orgs.region_jh.pk
    region_nurse = make_staff(Role.NURSE, tk.orgs.region_jh, "ssk.rjh")
    CareRelation.objects.create(
        person=tk.p1, organisation=tk.orgs.region_jh, since=dt.date(2020, 1, 1)
    )
    assert access.records_visible_to(region_nurse).filter(pk=record.pk).exists()
    _spärr(tk.nurse, tk.p1, "shared")
    assert not access.records_visible_to(region_nurse).filter(pk=record.pk).exists()
    # the performer's own staff and the buyer's ekonom (references, for the invoice) keep it
    assert access.records_visible_to(tk.nurse).filter(pk=record.pk).exists()
    assert access.records_visible_to(tk.ekonom_region).filter(pk=record.pk).exists()


def test_under_sparr_the_payers_mas_sees_the_performers_records_as_references_only(
    tk, register, make_staff, client_as, api_client
):
    """The payer (Region JH) treats the person too, so its MAS sees the name on Östersund's
    records; once the person keeps Östersund's data from other vårdgivare (PDL 6 kap. 2 §,
    6 kap. 3 §), she sees the records only by reference, enough to check and pay the invoice:
    no name or person id on the month review, in the API (and the decision without the
    care's facts) or on the invoice's person map."""
    from samverkan.accounts.models import Role
    from samverkan.people.models import CareRelation
    from samverkan.purchases.schemas import FINANCE_DECISION_KEYS

    day = dt.date(2026, 3, 10)
    (record,) = register(tk.nurse, tk.p1, day, "09:00", "10:00", approve_by=tk.ekonom)
    (invoice,) = services.run_invoices(
        tk.ekonom, seller=tk.orgs.ostersund, buyer=tk.orgs.region_jh, month=day,
        today=dt.date(2026, 4, 2),
    ).created  # fmt: skip
    CareRelation.objects.create(
        person=tk.p1, organisation=tk.orgs.region_jh, since=dt.date(2020, 1, 1)
    )
    mas = make_staff(Role.MAS, tk.orgs.region_jh, "mas.rjh")
    web, api = client_as(mas), api_client(mas)
    month = reverse("purchases:month") + "?month=2026-03"
    persons = reverse("purchases:invoice_persons", args=[invoice.pk])
    name = tk.p1.family_name

    def seen() -> tuple[bool, bool, Any, set[str]]:
        detail = api.get(f"/api/purchases/records/{record.pk}").json()
        return (
            name in web.get(month).content.decode(),
            name in web.get(persons).content.decode(),
            detail["person_id"],
            set(detail["decision"]),
        )

    on_month, on_map, person_id, keys = seen()
    assert on_month and on_map and person_id == str(tk.p1.pk)
    assert keys - FINANCE_DECISION_KEYS  # the care's facts, for a MAS who may see them
    _spärr(tk.nurse, tk.p1, "shared")
    on_month, on_map, person_id, keys = seen()
    assert (on_month, on_map, person_id) == (False, False, None)
    assert keys <= FINANCE_DECISION_KEYS
    listed = api.get("/api/purchases/records?month=2026-03").json()["items"]
    assert [(r["id"], r["person_id"], r["person_ref"]) for r in listed] == [
        (record.pk, None, "P-0001")
    ]
    assert "P-0001" in web.get(month).content.decode()
    # Östersund's own MAS still sees her patient
    own_mas = make_staff(Role.MAS, tk.orgs.ostersund, "mas.ost")
    assert name in client_as(own_mas).get(month).content.decode()


def test_under_sparr_the_payer_is_not_told_the_person_is_protected(
    tk, register, protected, make_staff, client_as, api_client
):
    """A kept-away record shows nothing about the person beyond the reference: not even the
    "Skyddad identitet" marker, which would tell the payer whether the person has a
    protected identity (issue 11). The API and the invoice files never carried it."""
    from samverkan.accounts.models import Role

    day = dt.date(2026, 3, 10)
    register(tk.nurse, tk.p1, day, "09:00", "10:00", approve_by=tk.ekonom)
    month = reverse("purchases:month") + "?month=2026-03"
    mas = make_staff(Role.MAS, tk.orgs.region_jh, "mas.rjh")
    readers = {"mas": client_as(mas), "ekonom": client_as(tk.ekonom_region)}
    for who, web in readers.items():
        assert MARKER in web.get(month).content.decode(), who  # no spärr: the marker
    _spärr(tk.nurse, tk.p1, "shared")
    for who, web in readers.items():
        text = web.get(month).content.decode()
        assert "P-0001" in text and MARKER not in text, who
        assert "badge--protected" not in text, who
    listed = api_client(mas).get("/api/purchases/records?month=2026-03").json()["items"]
    assert listed and all("protected" not in r for r in listed)
    # the performer's own staff still see the marker on their own record
    assert MARKER in client_as(tk.nurse).get(month).content.decode()


# --- merged persons and spärr (issue 11: one person, one truth) ---------------------------


def test_a_sparr_follows_the_merge_to_the_survivors_records_and_history(
    tk, register, make_staff, client_as, api_client
):
    """A spärr set on a reservnummer record moves with the merge to the survivor, and still
    keeps away every record of the person: the open ones (moved to the survivor) and the
    invoiced history, which keeps the merged-away person's id. Before the fix the spärr
    rows matched the stored person id only, so the history was open to the payer's nurse."""
    from samverkan.accounts.models import Role, Unit, UnitKind
    from samverkan.people import services as people
    from samverkan.people.identity import IdSystem
    from samverkan.people.models import AccessBlock, CareRelation
    from samverkan.purchases import access

    temporary, _ = people.create_person(
        tk.nurse, identifier="20210325K069", id_system=IdSystem.reservnummer,
        given_name="Okänd", family_name="Reservsson", home_municipality="2380",
        confirm_care_relation=True, reason="Test",
    )  # fmt: skip
    (invoiced,) = register(
        tk.nurse, temporary, dt.date(2026, 3, 3), "10:00", "11:00", approve_by=tk.ekonom
    )
    (open_record,) = register(tk.nurse, temporary, dt.date(2026, 3, 17), "10:00", "11:00")
    services.run_invoices(
        tk.ekonom, seller=tk.orgs.ostersund, buyer=tk.orgs.region_jh,
        month=dt.date(2026, 3, 1), today=dt.date(2026, 4, 2),
    )  # fmt: skip
    housing = Unit.objects.create(
        organisation=tk.orgs.ostersund, name="Tallgården", kind=UnitKind.SPECIAL_HOUSING
    )
    colleague = make_staff(Role.NURSE, tk.orgs.ostersund, "ssk.tallgarden", unit=housing)
    region_nurse = make_staff(Role.NURSE, tk.orgs.region_jh, "ssk.rjh")
    CareRelation.objects.create(
        person=tk.p1, organisation=tk.orgs.region_jh, since=dt.date(2020, 1, 1)
    )
    _spärr(tk.nurse, temporary, "shared")
    _spärr(tk.nurse, temporary, "internal", unit=tk.nurse.staff_profile.unit)
    people.merge_persons(tk.nurse, source=temporary, target=tk.p1)
    invoiced.refresh_from_db()
    open_record.refresh_from_db()
    assert (invoiced.person_id, open_record.person_id) == (temporary.pk, tk.p1.pk)
    assert set(AccessBlock.objects.values_list("person_id", flat=True)) == {tk.p1.pk}
    ids = {invoiced.pk, open_record.pk}

    def visible(user) -> set[int]:
        return set(access.records_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))

    assert visible(region_nurse) == set()  # spärr mot andra vårdgivare
    assert visible(colleague) == set()  # inre spärr on the nurse's unit
    assert visible(tk.nurse) == ids  # the unit itself keeps them
    api = api_client(region_nurse)
    assert api.get(f"/api/purchases/records/{invoiced.pk}").status_code == 404
    # the payer's ekonom keeps both, as references only
    listed = api_client(tk.ekonom_region).get("/api/purchases/records?month=2026-03").json()
    assert {r["id"] for r in listed["items"]} >= ids
    mas = make_staff(Role.MAS, tk.orgs.region_jh, "mas.rjh")
    page = client_as(mas).get(reverse("purchases:month") + "?month=2026-03").content.decode()
    assert "Reservsson" not in page and tk.p1.family_name not in page
