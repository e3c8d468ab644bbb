"""A protected identity in tjänsteköp (issue 11): the month review marks the person
"Skyddad identitet"; the invoice and its attachment (XML, PDF, CSV, attachment PDF), which
the buyer receives, name persons only by pseudonymous reference, so nothing of where the
person lives or can be reached is there to withhold."""

from __future__ import annotations

import datetime as dt

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
