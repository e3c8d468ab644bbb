"""The JSON API of tjänsteköp: records, import, prices, runs, invoices, files, access."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from samverkan.purchases.models import Invoice, ServiceRecord

pytestmark = pytest.mark.django_db
API = "/api/purchases"


def _post(client, path, body):
    return client.post(API + path, json.dumps(body), content_type="application/json")


def _record_body(tk, **extra):
    body = {
        "person_id": str(tk.p1.pk),
        "start": "2026-03-10T15:30:00",
        "end": "2026-03-10T18:15:00+01:00",
        "intervention": "nursing",
        "basis": "jh-tjanstekop",
    }
    body.update(extra)
    return body


def test_register_list_and_read_records(tk, api_client) -> None:
    nurse = api_client(tk.nurse)
    response = _post(nurse, "/records", _record_body(tk))
    assert response.status_code == 201, response.content
    items = response.json()
    assert [(i["band"], i["minutes"], i["payment"]) for i in items] == [
        ("day", 90, "service_purchase"),
        ("evening_night", 75, "none"),
    ]
    listing = nurse.get(API + "/records?month=2026-03").json()
    assert listing["count"] == 2
    detail = nurse.get(f"{API}/records/{items[0]['id']}").json()
    assert detail["decision"]["basis"] == "jh-tjanstekop"
    # Validation: every problem with field, code and message.
    bad = _post(nurse, "/records", _record_body(tk, end="2026-03-10T15:00:00", intervention="x"))
    assert bad.status_code == 422
    codes = {d["code"] for d in bad.json()["detail"]}
    assert {"end_not_after_start", "invalid_choice"} <= codes
    overlap = _post(
        nurse, "/records", _record_body(tk, start="2026-03-10T16:00:00", end="2026-03-10T16:30:00")
    )
    assert overlap.status_code == 422 and overlap.json()["detail"][0]["code"] == "overlap"


def test_other_organisations_see_nothing(tk, api_client, register) -> None:
    (record,) = register(tk.nurse, tk.p1, dt.date(2026, 3, 10), "09:00", "10:00")
    krokom = api_client(tk.nurse_krokom)
    assert krokom.get(f"{API}/records/{record.pk}").status_code == 404
    assert krokom.get(API + "/records?month=2026-03").json()["count"] == 0
    assert _post(krokom, "/records", _record_body(tk)).status_code == 404  # person not visible
    assert api_client(tk.admin).get(API + "/records").status_code == 403


def test_import_through_the_api(tk, api_client) -> None:
    p1 = tk.pnr[tk.p1.pk]
    content = (
        "datum;starttid;sluttid;person;insats;avtalsgrund\n"
        f"2026-03-10;09:00;10:00;{p1};nursing;jh-tjanstekop\n"
        "2026-03-10;09:00;10:00;;nursing;jh-tjanstekop\n"
    ).encode()
    client = api_client(tk.nurse)
    response = client.post(
        API + "/imports",
        {"file": SimpleUploadedFile("in.csv", content, "text/csv"), "mode": "all_or_nothing"},
    )
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["saved_rows"] == 0 and report["invalid_rows"] == 1
    assert report["errors"][0]["row"] == 3 and report["errors"][0]["field"] == "person"
    response = client.post(
        API + "/imports",
        {"file": SimpleUploadedFile("in.csv", content, "text/csv"), "mode": "valid_only"},
    )
    assert response.json()["saved_rows"] == 1
    assert ServiceRecord.objects.count() == 1


def test_prices_by_admin_only(tk, api_client) -> None:
    body = {
        "agreement": "jh-hemsjukvard",
        "intervention": "rehabilitation",
        "band": "day",
        "unit": "visit",
        "amount": "450.00",
        "valid_from": "2020-01-01",
    }
    assert _post(api_client(tk.nurse), "/prices", body).status_code == 403
    admin = api_client(tk.admin)
    created = _post(admin, "/prices", body)
    assert created.status_code == 201
    again = _post(admin, "/prices", body)
    assert again.status_code == 422 and again.json()["detail"][0]["code"] == "overlapping_validity"
    lists = admin.get(API + "/prices").json()
    assert {p["amount"] for lst in lists for p in lst["prices"]} >= {"450.00", "650.00"}
    rates = admin.get(API + "/rates").json()
    assert any(r["year"] == 2019 and r["verified"] for r in rates)


def test_runs_invoices_files_and_credit(tk, api_client, register, peppol_validator) -> None:
    register(tk.nurse, tk.p1, dt.date(2026, 3, 10), "09:00", "10:00", approve_by=tk.ekonom)
    body = {"buyer": "23", "month": "2026-03"}
    assert _post(api_client(tk.nurse), "/runs", body).status_code == 403
    ekonom = api_client(tk.ekonom)
    first = _post(ekonom, "/runs", body)
    assert first.status_code == 201, first.content
    (invoice,) = first.json()["created"]
    second = _post(ekonom, "/runs", body)
    assert second.status_code == 200 and second.json()["status"] == "already_done"
    assert [r["status"] for r in ekonom.get(API + "/runs").json()] == ["done"]
    region = api_client(tk.ekonom_region)
    assert [i["number"] for i in region.get(API + "/invoices").json()] == [invoice["number"]]
    detail = region.get(f"{API}/invoices/{invoice['id']}").json()
    assert detail["lines"][0]["person_ref"] == "P-0001"
    xml = region.get(f"{API}/invoices/{invoice['id']}/files/xml")
    assert xml.status_code == 200 and xml["Content-Type"] == "application/xml"
    assert not [a for a in peppol_validator.validate(xml.content) if a.is_fatal]
    assert api_client(tk.ekonom_krokom).get(f"{API}/invoices/{invoice['id']}").status_code == 404
    assert _post(region, f"/invoices/{invoice['id']}/credit", {"reason": "x"}).status_code == 403
    credit = _post(
        ekonom, f"/invoices/{invoice['id']}/credit", {"reason": "Fel", "today": "2026-04-05"}
    )
    assert credit.status_code == 201 and credit.json()["credits"] == invoice["number"]
    assert Invoice.objects.filter(kind="credit_note").count() == 1


def test_refused_run_lists_what_is_missing(tk, api_client, register) -> None:
    register(
        tk.nurse,
        tk.p1,
        dt.date(2026, 3, 10),
        "09:00",
        "10:00",
        intervention="rehabilitation",
        approve_by=tk.ekonom,
    )
    response = _post(api_client(tk.ekonom), "/runs", {"buyer": "23", "month": "2026-03"})
    assert response.status_code == 409
    assert response.json()["detail"][0]["code"] == "price_missing"


def test_the_paying_party_sees_records_without_persons_it_may_not_see(
    tk, api_client, register
) -> None:
    register(tk.nurse, tk.p1, dt.date(2026, 3, 10), "09:00", "10:00")
    (item,) = api_client(tk.ekonom_region).get(API + "/records?month=2026-03").json()["items"]
    assert item["person_id"] is None and item["payer_org"] == "23"
    (own,) = api_client(tk.ekonom).get(API + "/records?month=2026-03").json()["items"]
    # Need-to-know: the seller's ekonom gets the reference too, not the person; both parties
    # read the seller's one reference (the one on its invoices).
    assert own["person_id"] is None and own["person_ref"] == item["person_ref"] == "P-0001"
    (care,) = api_client(tk.nurse).get(API + "/records?month=2026-03").json()["items"]
    assert care["person_id"] == str(tk.p1.pk) and care["person_ref"] == "P-0001"
