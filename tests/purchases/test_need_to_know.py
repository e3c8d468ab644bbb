"""Issue 11 in tjänsteköp: the ekonom reads pseudonymous references, never names; every read
that shows persons is logged per person (with the data owner and the process); the person
picker offers only the own organisation's persons."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samverkan.audit.models import AuditEvent
from samverkan.purchases import services
from samverkan.purchases.models import InvoiceLine, ServiceRecord
from samverkan.sip import services as sip_services
from samverkan.sip.models import ConsentScope
from tests.purchases.test_access import identifying_texts

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)
NOW = dt.datetime(2026, 4, 2, 10, 0, tzinfo=dt.UTC)
API = "/api/purchases"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _invoice(tk, register, *persons, day=DAY):
    for index, person in enumerate(persons):
        register(tk.nurse, person, day, f"{9 + index:02d}:00", f"{9 + index:02d}:30",
                 approve_by=tk.ekonom)  # fmt: skip
    (invoice,) = services.run_invoices(
        tk.ekonom,
        seller=tk.orgs.ostersund,
        buyer=tk.orgs.region_jh,
        month=day,
        today=day.replace(day=1) + dt.timedelta(days=32),
    ).created
    return invoice


def _assert_no_names(tk, body: str, *persons) -> None:
    for person in persons:
        shown = [t for t in identifying_texts(person, tk.pnr[person.pk]) if t in body]
        assert not shown, f"the ekonom is shown {shown}"


def _events(user, **filters):
    return AuditEvent.objects.filter(user=user, **filters)


# --------------------------------------------------------------------------- the reference


def test_one_reference_per_seller_and_person_on_records_and_invoices(
    tk, register, api_client
) -> None:
    first = _invoice(tk, register, tk.p2, tk.p1)
    february = _invoice(tk, register, tk.p1, day=dt.date(2026, 2, 10))
    refs = {line.person_id: line.person_ref for line in InvoiceLine.objects.filter(invoice=first)}
    # Stable: the same person has the same reference on the seller's next invoice.
    assert [line.person_ref for line in InvoiceLine.objects.filter(invoice=february)] == [
        refs[tk.p1.pk]
    ]
    assert sorted(refs.values()) == ["P-0001", "P-0002"]
    # Per seller: Gävle numbers its own persons from 1; nothing is derived from the number.
    register(tk.nurse_gavle, tk.pg1, dt.date(2019, 11, 4), "09:00", "10:00",
             basis="gvb-timersattning")  # fmt: skip
    (item,) = api_client(tk.ekonom_gavle).get(API + "/records?month=2019-11").json()["items"]
    from samverkan.purchases.models import PersonPseudonym

    page = PersonPseudonym.objects.get(person=tk.pg1)
    assert item["person_ref"] == page.ref
    assert (page.organisation, page.ref) == (tk.orgs.gavle, "P-0001")
    assert tk.pnr[tk.pg1.pk] not in page.ref


def test_the_record_and_its_invoice_line_carry_the_same_reference(tk, register, api_client) -> None:
    invoice = _invoice(tk, register, tk.p3, tk.p1)
    items = api_client(tk.ekonom_region).get(API + "/records?month=2026-03").json()["items"]
    lines = api_client(tk.ekonom_region).get(f"{API}/invoices/{invoice.pk}").json()["lines"]
    assert {i["person_ref"] for i in items} == {line["person_ref"] for line in lines}
    assert all(i["person_id"] is None for i in items)


# --------------------------------------------------------------------------- no names


def test_the_ekonom_sees_no_names_on_the_pages(tk, register, client_as) -> None:
    client = client_as(tk.ekonom)
    # Her own registration for a colleague, so "Mina senaste registreringar" lists it.
    response = client.post(
        reverse("purchases:index"),
        {"date": "2026-03-11", "start": "09:00", "end": "10:00", "person": tk.pnr[tk.p2.pk],
         "staff": str(tk.nurse2.pk), "intervention": "nursing", "basis": "jh-tjanstekop"},
    )  # fmt: skip
    assert response.status_code == 302
    invoice = _invoice(tk, register, tk.p1)
    pages = {
        "registration": reverse("purchases:index"),
        "month": reverse("purchases:month") + "?month=2026-03",
        "invoice": reverse("purchases:invoice", args=[invoice.pk]),
        "attachment": reverse("purchases:invoice_file", args=[invoice.pk, "attachment_csv"]),
    }
    for name, url in pages.items():
        page = client.get(url)
        assert page.status_code == 200, name
        body = page.content.decode()
        _assert_no_names(tk, body, tk.p1, tk.p2, tk.p3, tk.p4)
        assert "P-000" in body, name  # the persons are shown by their references
    assert client.get(reverse("purchases:invoice_persons", args=[invoice.pk])).status_code == 403


def test_care_staff_keep_the_names_where_they_register_and_review(tk, register, client_as) -> None:
    register(tk.nurse, tk.p1, DAY, "09:00", "10:00")
    client = client_as(tk.nurse)
    assert tk.p1.family_name in client.get(reverse("purchases:index")).content.decode()
    month = client.get(reverse("purchases:month") + "?month=2026-03").content.decode()
    assert tk.p1.family_name in month


def test_the_ekonom_sees_no_names_or_care_facts_in_the_api(tk, register, api_client) -> None:
    (record,) = register(tk.nurse, tk.p1, DAY, "09:00", "10:00")
    ekonom = api_client(tk.ekonom)
    listed = ekonom.get(API + "/records?month=2026-03")
    detail = ekonom.get(f"{API}/records/{record.pk}")
    for response in (listed, detail):
        assert response.status_code == 200
        _assert_no_names(tk, response.content.decode(), tk.p1)
        assert str(tk.p1.pk) not in response.content.decode()
    decision = detail.json()["decision"]
    assert decision["payment"] == record.payment and "facts" not in decision
    assert not {"outcome", "actions", "missing_facts"} & set(decision)
    nurse = api_client(tk.nurse).get(f"{API}/records/{record.pk}").json()
    assert nurse["person_id"] == str(tk.p1.pk) and "facts" in nurse["decision"]


def test_the_ekonoms_api_registration_answers_with_the_reference(tk, api_client) -> None:
    body = {"person_id": str(tk.p1.pk), "start": "2026-03-10T09:00:00",
            "end": "2026-03-10T10:00:00", "intervention": "nursing", "basis": "jh-tjanstekop",
            "staff": "ssk.ost"}  # fmt: skip
    response = api_client(tk.ekonom).post(
        API + "/records", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    (item,) = response.json()
    assert item["person_id"] is None and item["person_ref"] == "P-0001"


def test_import_results_show_no_names(tk, client_as, api_client) -> None:
    p1, pg1 = tk.pnr[tk.p1.pk], tk.pnr[tk.pg1.pk]
    content = (
        "externt_id;datum;starttid;sluttid;person;insats;avtalsgrund;utförare\n"
        f"A1;2026-03-10;09:00;10:00;{p1};nursing;jh-tjanstekop;ssk.ost\n"
        f"A2;2026-03-10;11:00;12:00;{pg1};nursing;jh-tjanstekop;ssk.ost\n"
    ).encode()
    page = client_as(tk.ekonom).post(
        reverse("purchases:import"),
        {"file": SimpleUploadedFile("a.csv", content), "mode": "valid_only"},
    )
    api = api_client(tk.ekonom).post(
        API + "/imports", {"file": SimpleUploadedFile("b.csv", content), "mode": "valid_only"}
    )
    for response in (page, api):
        assert response.status_code == 200
        body = response.content.decode()
        for person in (tk.p1, tk.pg1):
            assert person.family_name not in body and person.given_name not in body


# --------------------------------------------------------------------------- the picker


def test_the_picker_offers_only_the_own_organisations_persons_and_logs_them(
    tk, client_as, api_client
) -> None:
    # Krokom's nurse sees tk.p1 through a SIP with consent, but Krokom does not care for her.
    sip = sip_services.start_sip(tk.nurse, tk.p1, agreement="jh-hemsjukvard")
    sip_services.record_consent(
        tk.nurse, sip, given_by="person", scope=ConsentScope.LISTED, organisations=[tk.orgs.krokom]
    )
    sip_services.invite(tk.nurse, sip, organisation=tk.orgs.krokom)
    from samverkan.people.access import persons_visible_to

    assert (
        not persons_visible_to(tk.nurse_krokom).filter(pk=tk.p1.pk).exists()
    )  # SIP opens the plan only
    page = client_as(tk.nurse_krokom).get(reverse("purchases:index")).content.decode()
    assert tk.p1.family_name not in page
    # Nor can she register for her through the API (the same rule as the picker).
    body = {"person_id": str(tk.p1.pk), "start": "2026-03-10T09:00:00",
            "end": "2026-03-10T10:00:00", "intervention": "nursing", "basis": "jh-tjanstekop"}  # fmt: skip
    response = api_client(tk.nurse_krokom).post(
        API + "/records", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 404 and not ServiceRecord.objects.exists()
    # The own nurse's picker lists her organisation's four persons: each is logged.
    client_as(tk.nurse).get(reverse("purchases:index"))
    logged = set(
        _events(tk.nurse, action="search", process="tjänsteköp").values_list(
            "person_ref", flat=True
        )
    )
    assert logged == {tk.pnr[p.pk] for p in (tk.p1, tk.p2, tk.p3, tk.p4)}


def test_the_ekonom_registers_by_identifier_only_for_her_organisations_persons(
    tk, client_as
) -> None:
    page = client_as(tk.ekonom).post(
        reverse("purchases:index"),
        {"date": "2026-03-10", "start": "09:00", "end": "10:00", "person": tk.pnr[tk.pg1.pk],
         "staff": str(tk.nurse2.pk), "intervention": "nursing", "basis": "jh-tjanstekop"},
    )  # fmt: skip
    assert page.status_code == 200 and not ServiceRecord.objects.exists()
    body = page.content.decode()
    assert "ingen person med den identiteten" in body
    assert _events(tk.ekonom, action="access_denied", process="tjänsteköp").exists()


# --------------------------------------------------------------------------- reads logged


def test_lists_log_every_person_shown_with_owner_and_process(tk, register, client_as) -> None:
    register(tk.nurse, tk.p1, DAY, "09:00", "10:00")
    register(tk.nurse, tk.p2, DAY, "11:00", "12:00")
    want = {tk.pnr[tk.p1.pk], tk.pnr[tk.p2.pk]}
    client_as(tk.ekonom).get(reverse("purchases:month") + "?month=2026-03")
    own = _events(tk.ekonom, action="view", process="tjänsteköp")
    assert set(own.values_list("person_ref", flat=True)) == want
    assert set(own.values_list("owner", flat=True)) == {None}  # her own organisation's data
    # The paying region reads the kommun's records: the kommun is the owner of the data.
    client_as(tk.ekonom_region).get(reverse("purchases:month") + "?month=2026-03")
    theirs = _events(tk.ekonom_region, action="view", process="tjänsteköp")
    assert set(theirs.values_list("person_ref", flat=True)) == want
    assert set(theirs.values_list("owner", flat=True)) == {tk.orgs.ostersund.pk}


def test_api_lists_log_every_person_shown(tk, register, api_client) -> None:
    register(tk.nurse, tk.p1, DAY, "09:00", "10:00")
    api_client(tk.ekonom_region).get(API + "/records?month=2026-03")
    (event,) = _events(tk.ekonom_region, person_ref=tk.pnr[tk.p1.pk])
    assert (event.action, event.process, event.owner_id) == (
        "view",
        "tjänsteköp",
        tk.orgs.ostersund.pk,
    )


def test_invoice_reads_and_exports_log_their_persons(tk, register, client_as, api_client):
    invoice = _invoice(tk, register, tk.p1, tk.p2)
    want = {tk.pnr[tk.p1.pk], tk.pnr[tk.p2.pk]}
    reads = [
        (client_as(tk.ekonom_region), reverse("purchases:invoice", args=[invoice.pk]), "view"),
        (
            client_as(tk.ekonom_region),
            reverse("purchases:invoice_file", args=[invoice.pk, "attachment_pdf"]),
            "export",
        ),
        (api_client(tk.ekonom_region), f"{API}/invoices/{invoice.pk}", "view"),
        (api_client(tk.ekonom_region), f"{API}/invoices/{invoice.pk}/files/xml", "export"),
    ]
    for client, url, action in reads:
        before = set(AuditEvent.objects.values_list("pk", flat=True))
        assert client.get(url).status_code == 200
        new = AuditEvent.objects.exclude(pk__in=before).filter(person_ref__isnull=False)
        assert set(new.values_list("person_ref", flat=True)) == want, url
        assert {(e.action, e.process, e.owner_id) for e in new} == {
            (action, "fakturering", tk.orgs.ostersund.pk)
        }, url


def test_a_refused_record_read_is_logged_with_the_person_it_was_about(
    tk, register, api_client
) -> None:
    (record,) = register(tk.nurse, tk.p1, DAY, "09:00", "10:00")
    assert api_client(tk.ekonom_krokom).get(f"{API}/records/{record.pk}").status_code == 404
    (event,) = _events(tk.ekonom_krokom, action="access_denied")
    assert (event.person_ref, event.owner_id, event.process) == (
        tk.pnr[tk.p1.pk],
        tk.orgs.ostersund.pk,
        "tjänsteköp",
    )
    # A record that does not exist answers the same, logged without a person.
    assert api_client(tk.ekonom_krokom).get(f"{API}/records/999999").status_code == 404
