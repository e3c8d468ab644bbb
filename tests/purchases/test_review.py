"""Money you can trust (issue 13): the invoice run shows before it locks what is included
and excluded and why and asks for confirmation; drafts in a locked month are reported as
such; the month review shows kronor, decides per row (a rejection needs a reason) and
filters by unit, staff and basis."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from samverkan.purchases import services
from samverkan.purchases.models import Invoice, InvoiceRun, RecordStatus, ServiceRecord

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)
RUN = {"month": "2026-03"}


@time_machine.travel(dt.datetime(2026, 4, 2, 9, tzinfo=dt.UTC), tick=False)
def test_run_previews_drafts_then_locks_only_when_confirmed(tk, client_as, register) -> None:
    """The issue's reproduction: a month with three billable drafts beside approved work."""
    register(tk.nurse, tk.p1, DAY, "09:00", "10:00", approve_by=tk.ekonom)
    for day in (11, 12, 13):
        register(tk.nurse, tk.p1, dt.date(2026, 3, day), "09:00", "10:00")  # drafts
    client = client_as(tk.ekonom)
    data = {**RUN, "buyer": tk.orgs.region_jh.pk}
    page = client.post(reverse("purchases:invoicing"), data)
    text = page.content.decode()
    preview = page.context["preview"]
    # Before anything locks: what is included, what is left out and why, and a question.
    assert preview.included_records == 1 and preview.drafts == 3
    assert "3 insatser</strong> (180 min): Utkast, inte godkända" in text
    assert "650,00 kr" in text  # one hour at the price list's 650 kr
    assert "Bekräfta: skapa fakturor och lås månaden" in text
    assert not Invoice.objects.exists() and not InvoiceRun.objects.exists()
    # A stale confirmation (a draft approved meanwhile) shows the new selection instead.
    draft = ServiceRecord.objects.filter(status=RecordStatus.DRAFT).first()
    services.approve_records(tk.ekonom, month=DAY, record_ids=[draft.pk])
    page = client.post(
        reverse("purchases:invoicing"), {**data, "confirm": "1", "fingerprint": preview.fingerprint}
    )
    assert "Underlaget har ändrats" in page.content.decode()
    assert not Invoice.objects.exists()
    fresh = page.context["preview"]
    assert fresh.included_records == 2 and fresh.drafts == 2
    client.post(
        reverse("purchases:invoicing"), {**data, "confirm": "1", "fingerprint": fresh.fingerprint}
    )
    assert Invoice.objects.count() == 1
    assert InvoiceRun.objects.get().locked
    # The month review reports the two drafts as drafts of a locked month, never as waiting.
    review = client.get(reverse("purchases:month") + "?month=2026-03").content.decode()
    assert "utkast väntar" not in review and "Godkänn alla utkast" not in review
    assert "2 utkast i en låst månad (Region Jämtland Härjedalen)" in review
    # A new preview of the locked month says so and offers no confirmation.
    again = client.post(reverse("purchases:invoicing"), data).content.decode()
    assert "Månaden är redan fakturerad och låst" in again
    assert "Utkast i en låst månad" in again and "Bekräfta: skapa" not in again


def test_month_review_shows_kronor_and_decides_per_row(tk, client_as, register) -> None:
    (one,) = register(tk.nurse, tk.p1, DAY, "09:00", "10:00")
    (two,) = register(tk.nurse, tk.p1, dt.date(2026, 3, 11), "09:00", "09:30")
    client = client_as(tk.ekonom)
    url = reverse("purchases:month") + "?month=2026-03"
    text = client.get(url).content.decode()
    assert "650,00 kr" in text and "325,00 kr" in text and "975,00 kr" in text
    client.post(reverse("purchases:approve"), {**RUN, "record": one.pk})
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.status, two.status) == (RecordStatus.APPROVED, RecordStatus.DRAFT)
    # A rejection needs a reason; with one, it is recorded and shown.
    reject = reverse("purchases:reject", args=[two.pk])
    client.post(reject, {"reason": "  "})
    two.refresh_from_db()
    assert two.status == RecordStatus.DRAFT
    client.post(reject, {"reason": "Fel person"})
    two.refresh_from_db()
    assert two.status == RecordStatus.WITHDRAWN and not two.occupies
    assert "Fel person" in two.withdrawn_reason
    assert "Avvisad vid månadsgranskning: Fel person" in client.get(url).content.decode()
    # The buyer's ekonom and the nurse may not decide the performer's rows.
    (three,) = register(tk.nurse, tk.p1, dt.date(2026, 3, 12), "09:00", "10:00")
    for user in (tk.ekonom_region, tk.nurse):
        assert client_as(user).post(
            reverse("purchases:reject", args=[three.pk]), {"reason": "x"}
        ).status_code in (403, 404)
        client_as(user).post(reverse("purchases:approve"), {**RUN, "record": three.pk})
    three.refresh_from_db()
    assert three.status == RecordStatus.DRAFT


def test_month_review_filters_by_staff_and_basis(tk, client_as, register) -> None:
    register(tk.nurse, tk.p1, DAY, "09:00", "10:00")
    register(tk.nurse2, tk.p1, DAY, "11:00", "12:00")
    client = client_as(tk.ekonom)
    base = reverse("purchases:month") + "?month=2026-03"
    page = client.get(f"{base}&staff={tk.nurse2.pk}")
    assert [r.staff_id for r, *_ in page.context["rows"]] == [tk.nurse2.pk]
    assert len(client.get(f"{base}&basis=jh-tjanstekop").context["rows"]) == 2
    assert client.get(f"{base}&basis=gvb-timersattning").context["rows"] == []
    # Approve all within the filter approves only the filtered drafts.
    client.post(reverse("purchases:approve"), {**RUN, "staff": tk.nurse2.pk})
    assert set(ServiceRecord.objects.values_list("staff_id", "status")) == {
        (tk.nurse.pk, RecordStatus.DRAFT),
        (tk.nurse2.pk, RecordStatus.APPROVED),
    }
