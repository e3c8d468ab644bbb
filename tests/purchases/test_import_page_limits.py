"""Issue 15, resource limits on the tjänsteköp import page (/tjanstekop/import/): a file over
the size limit, a 40,000-column header and an overlong cell are refused in Swedish on the
page (no code, no 500), and nothing is saved."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from samverkan.accounts.models import Role
from samverkan.purchases.models import ImportBatch, ServiceRecord

pytestmark = pytest.mark.django_db

PAGE = "/tjanstekop/import/"
HEADER = "datum;starttid;sluttid;person;insats;avtalsgrund\r\n"


@pytest.fixture
def ekonom(make_staff, orgs):
    return make_staff(Role.FINANCE_OFFICER, orgs.ostersund)


def _post(client, content: bytes):
    file = SimpleUploadedFile("insatser.csv", content, "text/csv")
    return client.post(PAGE, {"file": file, "mode": ImportBatch.Mode.ALL_OR_NOTHING})


def test_a_file_over_the_size_limit_is_refused_in_swedish(client_as, ekonom, settings):
    settings.SAMVERKAN_UPLOAD_LIMITS = {"purchases_import": {"max_bytes": 1024}}
    response = _post(client_as(ekonom), HEADER.encode() + b"x" * 2000)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Filen är för stor (högst 1 kB)."]
    page = response.content.decode()
    assert "Filen är för stor (högst 1 kB)." in page and "too_large" not in page
    assert not ServiceRecord.objects.exists()


@pytest.mark.parametrize(
    ("content", "message", "code"),
    [
        ((";".join(f"k{i}" for i in range(40_000)) + "\r\n").encode(),
         "Högst 64 kolumner per rad.", "too_many_columns"),
        ((HEADER + "2026-11-02;08:00;09:00;" + "x" * 10_001 + ";nursing;jh-tjanstekop\r\n").encode(),
         "Högst 10000 tecken i en cell.", "cell_too_long"),
    ],
    ids=["40000-columns", "long-cell"],
)  # fmt: skip
def test_a_file_past_a_row_limit_is_refused_in_swedish(client_as, ekonom, content, message, code):
    response = _post(client_as(ekonom), content)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and code not in page
    assert not ServiceRecord.objects.exists()
