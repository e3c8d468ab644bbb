"""The demo stays load through the services, twice without duplicates."""

from __future__ import annotations

import pytest

from samverkan.accounts import demo as accounts_demo
from samverkan.discharge import demo
from samverkan.discharge.models import Stay
from samverkan.people import demo as people_demo


@pytest.mark.django_db
def test_demo_loads_idempotently():
    accounts_demo.load_demo()
    people_demo.load_demo()
    demo.load_demo()
    demo.load_demo()
    stays = {s.source_id: s for s in Stay.objects.all()}
    history = sorted(k for k in stays if k.count(":") == 3)
    assert sorted(set(stays) - set(history)) == ["demo:1", "demo:2", "demo:3"]
    assert len(history) == sum(count for _code, count in demo.HISTORY) == 30
    last_year = {s.admitted_at.year for key, s in stays.items() if key in history}
    assert last_year == {demo.timezone.localdate().year - 1}
    assert all(stays[k].status == "discharged" and stays[k].notices.count() == 2 for k in history)
    assert stays["demo:1"].status == "ready" and stays["demo:1"].decision_snapshot
    late = stays["demo:2"].notices.get(receiver="municipal_social_services")
    assert late.late


@pytest.mark.django_db
def test_every_demo_stay_page_opens_for_the_region(client):
    """The stay page rendered a 500 for the demo's utskrivningsklar stay: the snapshot of a
    decision with no summary and no error ("Inget avtal gäller") broke the template."""
    from django.contrib.auth import get_user_model

    accounts_demo.load_demo()
    people_demo.load_demo()
    demo.load_demo()
    client.force_login(get_user_model().objects.get(username="ssk.regionjh"))
    for stay in Stay.objects.exclude(source="file"):
        response = client.get(f"/utskrivning/{stay.pk}/")
        assert response.status_code == 200, stay.source_id
    ready = Stay.objects.get(source_id="demo:1")
    page = client.get(f"/utskrivning/{ready.pk}/").content.decode()
    assert "Så räknas betalningsansvaret" in page


@pytest.mark.django_db
def test_expected_insatser_are_named_in_swedish(client):
    accounts_demo.load_demo()
    people_demo.load_demo()
    demo.load_demo()
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="ssk.regionjh"))
    page = client.get(f"/utskrivning/{Stay.objects.get(source_id='demo:1').pk}/").content.decode()
    assert "Förväntade insatser: housing_support" not in page
    assert "Förväntade insatser: Boende/bostadsstöd" in page


@pytest.mark.django_db
def test_the_demo_has_a_confirmed_and_an_unconfirmed_local_version_for_ostersund():
    import datetime as dt

    from samverkan.accounts.models import Organisation
    from samverkan.discharge import local_terms
    from samverkan.discharge.models import LocalTermsVersion

    accounts_demo.load_demo()
    people_demo.load_demo()
    demo.load_demo()
    demo.load_demo()  # idempotent
    ostersund = Organisation.objects.get(scb_code="2380")
    versions = list(LocalTermsVersion.objects.order_by("valid_from"))
    assert [(v.municipality, v.valid_from) for v in versions] == [
        (ostersund, dt.date(2026, 1, 1)),
        (ostersund, dt.date(2027, 1, 1)),
    ]
    assert [local_terms.is_confirmed(v) for v in versions] == [True, False]
    assert versions[0].confirmations.get().confirmed_by_organisation == ostersund
    assert versions[0].entered_by_organisation.kind == "region"
