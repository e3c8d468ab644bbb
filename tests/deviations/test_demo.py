"""The demo data loads, is idempotent, and its pages render."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from samverkan.accounts.demo import load_demo as load_accounts
from samverkan.agreements.demo import load_demo as load_agreements
from samverkan.deviations.demo import load_demo

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_browsable(client):
    load_accounts()
    agreements = load_agreements()
    assert agreements == {"local_agreements": 7, "bilaga2_lists": 4}
    first = load_demo()
    assert first["deviations"] >= 30 and first["disputes"] == 3
    assert load_demo() == first and load_agreements() == agreements
    users = get_user_model().objects
    for username, urls in {
        "ssk.ostersund": ["/avvikelser/", "/avvikelser/tvister/", "/avvikelser/ny/"],
        "chefslakare.regionjh": ["/avvikelser/uppfoljning/", "/avvikelser/avtal/", "/avvikelser/rutiner/"],
        "forum.jh": ["/avvikelser/uppfoljning/", "/avvikelser/tvister/", "/avvikelser/forteckningar/",
                     "/avvikelser/lokala/", "/avvikelser/avtal/jh-hemsjukvard/", "/"],
        "ssk.gavle": ["/avvikelser/", "/avvikelser/avtal/gvb-svart-sjuka/"],
    }.items():  # fmt: skip
        client.force_login(users.get(username=username))
        for url in urls:
            assert client.get(url).status_code == 200, (username, url)
    from samverkan.agreements.models import Bilaga2List
    from samverkan.deviations.models import Deviation, Dispute

    client.force_login(users.get(username="ssk.ostersund"))
    for d in Deviation.objects.filter(reporting_organisation__scb_code="2380")[:5]:
        assert client.get(f"/avvikelser/{d.pk}/").status_code == 200
    for case in Dispute.objects.filter(municipality_party__scb_code="2380"):
        assert client.get(f"/avvikelser/tvister/{case.pk}/").status_code == 200
    for lst in Bilaga2List.objects.all():
        assert client.get(f"/avvikelser/forteckningar/{lst.pk}/").status_code == 200
