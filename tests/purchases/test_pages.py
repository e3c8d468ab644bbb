"""The tjänsteköp pages: registration, month review, import, invoicing, prices; access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samverkan.audit.models import AuditEvent
from samverkan.purchases import services
from samverkan.purchases.models import Invoice, Price, RecordStatus, ServiceRecord

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)


def test_nurse_registers_a_service_on_the_page(tk, client_as) -> None:
    client = client_as(tk.nurse)
    page = client.get(reverse("purchases:index"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Registrera utförd insats" in text
    assert tk.p1.family_name in text and tk.pg1.family_name not in text  # visible persons only
    response = client.post(
        reverse("purchases:index"),
        {
            "date": DAY.isoformat(),
            "start": "15:30",
            "end": "18:15",
            "person": str(tk.p1.pk),
            "intervention": "nursing",
            "basis": "jh-tjanstekop",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Insatsen är registrerad" in response.content.decode()
    assert ServiceRecord.objects.filter(person=tk.p1).count() == 2
    assert AuditEvent.objects.filter(
        action="search", why__startswith="Tjänsteköp: personväljare"
    ).exists()


def test_the_form_shows_the_rule_on_the_field(tk, client_as) -> None:
    client = client_as(tk.nurse)
    response = client.post(
        reverse("purchases:index"),
        {
            "date": (dt.date.today() + dt.timedelta(days=2)).isoformat(),
            "start": "09:00",
            "end": "10:00",
            "person": str(tk.p1.pk),
            "intervention": "nursing",
            "basis": "jh-tjanstekop",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "en utförd insats kan inte ligga i framtiden" in page
    assert "in_future" not in page and "(regel" not in page  # the code is the API's
    assert not ServiceRecord.objects.exists()


def test_month_review_and_approval(tk, client_as, register) -> None:
    register(tk.nurse, tk.p1, DAY, "09:00", "10:00")
    nurse_view = client_as(tk.nurse).get(reverse("purchases:month") + "?month=2026-03")
    assert nurse_view.status_code == 200
    assert "Godkänn alla utkast" not in nurse_view.content.decode()
    client = client_as(tk.ekonom)
    page = client.get(reverse("purchases:month") + "?month=2026-03")
    assert "Godkänn alla utkast" in page.content.decode()
    client.post(reverse("purchases:approve"), {"month": "2026-03"})
    assert ServiceRecord.objects.get().status == RecordStatus.APPROVED
    # The buyer's ekonom sees the record it pays for; another kommun does not.
    assert (
        client_as(tk.ekonom_region)
        .get(reverse("purchases:month") + "?month=2026-03")
        .content.decode()
        .count("Sjuksköterskeinsats")
        == 1
    )
    assert (
        "Sjuksköterskeinsats"
        not in client_as(tk.ekonom_krokom)
        .get(reverse("purchases:month") + "?month=2026-03")
        .content.decode()
    )


def test_import_page_reports_rows(tk, client_as) -> None:
    p1 = tk.pnr[tk.p1.pk]
    content = (
        "datum;starttid;sluttid;person;insats;avtalsgrund\n"
        f"2026-03-10;09:00;10:00;{p1};nursing;jh-tjanstekop\n"
        f"2026-03-10;09:30;10:30;{p1};nursing;jh-tjanstekop\n"
    ).encode()
    response = client_as(tk.nurse).post(
        reverse("purchases:import"),
        {"file": SimpleUploadedFile("a.csv", content, "text/csv"), "mode": "valid_only"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "overlap" in text and "rader sparade" in text
    assert ServiceRecord.objects.count() == 1


def test_only_ekonom_runs_invoices_and_downloads_work(tk, client_as, register) -> None:
    register(tk.nurse, tk.p1, DAY, "09:00", "10:00", approve_by=tk.ekonom)
    data = {"month": "2026-03", "buyer": tk.orgs.region_jh.pk}
    assert client_as(tk.nurse).get(reverse("purchases:invoicing")).status_code == 403
    assert client_as(tk.nurse).post(reverse("purchases:invoicing"), data).status_code == 403
    assert client_as(tk.admin).post(reverse("purchases:invoicing"), data).status_code == 403
    # The region's ekonom invoices as the region (seller); it cannot invoice itself.
    assert client_as(tk.ekonom_region).post(reverse("purchases:invoicing"), data).status_code == 200
    assert not Invoice.objects.exists()
    page = client_as(tk.ekonom).post(reverse("purchases:invoicing"), data)
    assert page.status_code == 200 and "Bekräfta: skapa fakturor" in page.content.decode()
    assert not Invoice.objects.exists()  # the preview writes nothing
    page = client_as(tk.ekonom).post(
        reverse("purchases:invoicing"),
        {**data, "confirm": "1", "fingerprint": page.context["preview"].fingerprint},
    )
    invoice = Invoice.objects.get()
    assert invoice.number in page.content.decode()
    for viewer in (tk.ekonom, tk.ekonom_region):
        client = client_as(viewer)
        shown = client.get(reverse("purchases:invoice", args=[invoice.pk]))
        assert shown.status_code == 200
        # One term for the pseudonym (issue 13): "Personreferens", as on the other pages.
        assert "Personreferens" in shown.content.decode()
        assert "Individref" not in shown.content.decode()
        for kind in ("xml", "pdf", "attachment_csv", "attachment_pdf"):
            response = client.get(reverse("purchases:invoice_file", args=[invoice.pk, kind]))
            assert response.status_code == 200
            assert invoice.number in response["Content-Disposition"]
    # Another organisation: not found.
    other = client_as(tk.ekonom_krokom)
    assert other.get(reverse("purchases:invoice", args=[invoice.pk])).status_code == 404
    assert other.get(reverse("purchases:invoice_file", args=[invoice.pk, "xml"])).status_code == 404
    assert AuditEvent.objects.filter(action="export", object_id=str(invoice.pk)).count() >= 8


def test_missing_price_is_shown_on_the_invoicing_page(tk, client_as, register) -> None:
    register(
        tk.nurse, tk.p1, DAY, "09:00", "10:00", intervention="rehabilitation", approve_by=tk.ekonom
    )
    page = client_as(tk.ekonom).post(
        reverse("purchases:invoicing"), {"month": "2026-03", "buyer": tk.orgs.region_jh.pk}
    )
    text = page.content.decode()
    assert "Faktureringen kan inte göras" in text and "Pris saknas" in text
    assert "Bekräfta: skapa fakturor" not in text


def test_person_map_is_for_mas_and_audited(tk, client_as, register, make_staff) -> None:
    from samverkan.accounts.models import Role

    mas = make_staff(Role.MAS, tk.orgs.ostersund, "mas.ost")
    mas_region = make_staff(Role.MAS, tk.orgs.region_jh, "mas.rjh")
    register(tk.nurse, tk.p1, DAY, "09:00", "10:00", approve_by=tk.ekonom)
    (invoice,) = services.run_invoices(
        tk.ekonom,
        seller=tk.orgs.ostersund,
        buyer=tk.orgs.region_jh,
        month=DAY,
        today=dt.date(2026, 4, 2),
    ).created
    url = reverse("purchases:invoice_persons", args=[invoice.pk])
    page = client_as(mas).get(url)
    assert page.status_code == 200 and tk.p1.family_name in page.content.decode()
    assert AuditEvent.objects.filter(
        person_ref=tk.pnr[tk.p1.pk], why__contains=invoice.number, process="fakturering"
    ).exists()
    # The buyer's MAS has no care relation with the person: the reference stays anonymous.
    assert tk.p1.family_name not in client_as(mas_region).get(url).content.decode()
    # The ekonom (need-to-know) and administrators see invoices but not whom the references
    # stand for; the refused attempt is logged with the person it tried to reach.
    assert client_as(tk.ekonom).get(url).status_code == 403
    assert AuditEvent.objects.filter(
        action="access_denied", person_ref=tk.pnr[tk.p1.pk], user__username="ekonom.ost"
    ).exists()
    assert client_as(tk.admin).get(url).status_code == 403


def test_credit_from_the_invoice_page(tk, client_as, register) -> None:
    register(tk.nurse, tk.p1, DAY, "09:00", "10:00", approve_by=tk.ekonom)
    (invoice,) = services.run_invoices(
        tk.ekonom,
        seller=tk.orgs.ostersund,
        buyer=tk.orgs.region_jh,
        month=DAY,
        today=dt.date(2026, 4, 2),
    ).created
    assert (
        client_as(tk.ekonom_region)
        .post(reverse("purchases:credit", args=[invoice.pk]), {"reason": "x"})
        .status_code
        == 403
    )
    response = client_as(tk.ekonom).post(
        reverse("purchases:credit", args=[invoice.pk]), {"reason": "Fel tid"}, follow=True
    )
    assert "Kreditfaktura" in response.content.decode()
    assert Invoice.objects.filter(kind="credit_note").count() == 1


def test_prices_page_admin_edits_with_history(tk, client_as) -> None:
    url = reverse("purchases:prices")
    assert client_as(tk.nurse).get(url).status_code == 403
    ekonom_page = client_as(tk.ekonom).get(url)
    assert ekonom_page.status_code == 200 and "Lägg in pris" not in ekonom_page.content.decode()
    assert client_as(tk.ekonom).post(url, {"agreement": "jh-hemsjukvard"}).status_code == 403
    client = client_as(tk.admin)
    page = client.get(url)
    text = page.content.decode()
    assert "Lägg in pris" in text and "299.80" in text or "299,80" in text
    response = client.post(
        url,
        {
            "agreement": "jh-hemsjukvard",
            "intervention": "nursing",
            "band": "day",
            "unit": "hour",
            "amount": "700.00",
            "valid_from": "2020-01-01",
            "source": "Forum 2026-01-15",
            "replaces": tk.price.pk,
        },
    )
    assert response.status_code == 302
    versions = list(Price.objects.order_by("version"))
    assert [(p.version, str(p.amount), p.retired_at is not None) for p in versions] == [
        (1, "650.00", True),
        (2, "700.00", False),
    ]


def test_start_page_work_queue_for_ekonom(tk, client_as, register, monkeypatch) -> None:
    from samverkan.purchases import queue

    register(
        tk.nurse_gavle,
        tk.pg1,
        dt.date(2019, 11, 4),
        "09:00",
        "10:00",
        basis="gvb-timersattning",
        approve_by=tk.ekonom_gavle,
    )
    monkeypatch.setattr(queue.timezone, "localdate", lambda: dt.date(2019, 12, 22))
    items = queue.purchases_tasks(tk.ekonom_gavle)
    titles = [i.title for i in items]
    assert "Fakturera Region Gävleborg för 2019-11 (1 insats)" in titles  # not "1 insatser"
    (item,) = [i for i in items if "Fakturera" in i.title]
    assert item.urgent and item.due == dt.date(2019, 12, 25)
    assert "KST 80904" in item.detail


def test_start_page_counts_one_draft_as_one_insats(tk, register, monkeypatch) -> None:
    """Issue 13's plurals: the MAS's task read "1 insatser för 2026-11 väntar på godkännande"."""
    from samverkan.purchases import queue

    register(
        tk.nurse_gavle, tk.pg1, dt.date(2019, 11, 4), "09:00", "10:00", basis="gvb-timersattning"
    )
    monkeypatch.setattr(queue.timezone, "localdate", lambda: dt.date(2019, 12, 22))
    titles = [i.title for i in queue.purchases_tasks(tk.ekonom_gavle)]
    assert "1 insats för 2019-11 väntar på godkännande" in titles


def test_ekonom_registers_for_a_staff_member(tk, client_as) -> None:
    client = client_as(tk.ekonom)
    page = client.get(reverse("purchases:index"))
    assert "Utförare" in page.content.decode()
    response = client.post(
        reverse("purchases:index"),
        {
            "date": DAY.isoformat(),
            "start": "09:00",
            "end": "10:00",
            "person": tk.pnr[tk.p1.pk],  # the ekonom enters the identifier, picks nobody
            "staff": str(tk.nurse2.pk),
            "intervention": "nursing",
            "basis": "jh-tjanstekop",
        },
    )
    assert response.status_code == 302
    assert ServiceRecord.objects.get().staff == tk.nurse2
