"""Serious deviations (issue 13): the banner names whom to call on the other side, with
name and phone from the contact data; the reporting MAS is not asked to confirm contact
with himself; the list shows subject and answer deadline and can be searched."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from samverkan.accounts.models import Role
from samverkan.deviations import services
from samverkan.deviations.models import MedicalLeadContact

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_the_banner_names_whom_to_call_on_the_other_side(
    people, report, orgs, client_as, make_staff
):
    make_staff(Role.MAS, orgs.region_jh, "mas.region", first_name="Maja", last_name="Region")
    MedicalLeadContact.objects.create(organisation=orgs.region_jh, role=Role.CHIEF_PHYSICIAN,
                                      name="Chefsläkare i beredskap", phone="063-14 70 00",
                                      note="dygnet runt via växeln")  # fmt: skip
    d = report(
        people.kommun_mas, severity="serious", category="fall", subject="Fall vid förflyttning"
    )
    view = services.view_deviation(people.kommun_mas, d.pk)
    called = {(t.role, t.organisation.pk, t.name, t.phone) for t in view.to_call}
    assert ("chefsläkare", orgs.region_jh.pk, "Chefsläkare i beredskap", "063-14 70 00") in called
    assert (
        "MAS (medicinskt ansvarig sjuksköterska)",
        orgs.region_jh.pk,
        "Maja Region",
        "",
    ) in called
    assert all(t.organisation == orgs.region_jh for t in view.to_call)  # never himself
    page = client_as(people.kommun_mas).get(f"/avvikelser/{d.pk}/").content.decode()
    assert 'href="tel:063-14 70 00"' in page and "dygnet runt via växeln" in page
    assert "Jag har kontaktat Region Jämtland Härjedalen" in page
    assert "telefonnummer saknas" in page  # the region's MAS has no phone kept
    assert "Jag har tagit kontakt (MAS" not in page
    # The other side is told to call the kommun's MAS (the reporter), by name.
    region_view = services.view_deviation(people.region_chief, d.pk)
    assert {t.organisation.pk for t in region_view.to_call} == {orgs.ostersund.pk}
    assert any(t.name for t in region_view.to_call)


def test_the_list_shows_subject_deadline_and_searches(people, report, client_as):
    a = report(people.kommun_nurse, subject="Läkemedelslista saknades")
    b = report(people.kommun_nurse, subject="Hjälpmedel levererades inte")
    c = client_as(people.kommun_nurse)
    page = c.get("/avvikelser/").content.decode()
    assert "Läkemedelslista saknades" in page and "Svar senast" in page
    assert "2027-01-01" in page  # received 2026-12-02, 30 days to answer
    page = c.get("/avvikelser/?q=hjälpmedel").content.decode()
    assert f"#{b.pk}<" in page and f"#{a.pk}<" not in page
    page = c.get(f"/avvikelser/?q=%23{a.pk}").content.decode()
    assert f"#{a.pk}<" in page and f"#{b.pk}<" not in page
    # the description is not searched (it may name the person)
    page = c.get("/avvikelser/?q=utskrivning").content.decode()
    assert f"#{a.pk}<" not in page


def test_the_deviation_page_is_headed_by_its_subject(people, report, client_as):
    """Issue 13 (demo walk with forms): the page read "Avvikelse #41: läkemedel", the subject
    the reporter wrote only in the list; it heads the page now, the category is a field."""
    d = report(people.kommun_nurse, subject="Ordinerat läkemedel saknades")
    html = client_as(people.kommun_nurse).get(f"/avvikelser/{d.pk}/").content.decode()
    assert f"<h1>{d}: Ordinerat läkemedel saknades</h1>" in html
    assert "<dt>Kategori</dt><dd>Läkemedel</dd>" in html
