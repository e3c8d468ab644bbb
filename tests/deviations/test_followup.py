"""The joint forum's follow-up (jh-hemsjukvard §8.1): per category, organisation and month,
open times, overdue answers; cells under 5 suppressed for forum members."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from samverkan.deviations import reports, services
from samverkan.deviations.models import Deviation

pytestmark = pytest.mark.django_db

YEAR = 2025


def at(month: int, day: int = 10) -> dt.datetime:
    return dt.datetime(YEAR, month, day, 12, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def deviations(people, report, orgs):
    """March: 6 medication (Östersund -> region); April: 2 falls (region -> Östersund)."""
    made = []
    for i in range(6):
        d = report(people.kommun_nurse)
        Deviation.objects.filter(pk=d.pk).update(received_at=at(3, 1 + i))
        made.append(d)
    for _ in range(2):
        d = report(people.region_nurse, receiving_organisation=orgs.ostersund, category="fall")
        Deviation.objects.filter(pk=d.pk).update(received_at=at(4))
        made.append(d)
    # Answers: two of March's answered after 5 and 40 days; one April one after 3 days.
    Deviation.objects.filter(pk=made[0].pk).update(answered_at=at(3, 6), status="answered")
    Deviation.objects.filter(pk=made[1].pk).update(answered_at=at(4, 11), status="answered")
    Deviation.objects.filter(pk=made[6].pk).update(
        answered_at=at(4, 13), closed_at=at(4, 20), status="closed"
    )
    return made


def row(table: reports.Table, label: str) -> list[str]:
    return [str(cell) for cell in dict(table.rows)[label]]


def test_forum_member_sees_suppressed_aggregates(deviations):
    result = reports.forum_followup(
        "jh-hemsjukvard", YEAR, region="jamtland-harjedalen", on=dt.date(YEAR, 12, 31)
    )
    assert result.suppressed and str(result.total) == "8"
    medication = row(result.by_category, "Läkemedel")
    assert medication[2] == "6" and medication[-1] == "6"  # March and the year
    falls = row(result.by_category, "Fall")
    assert falls[3] == "<5" and falls[-1] == "<5"  # 2 falls in April: hidden
    # Medians of fewer than 5 answers are hidden too.
    assert str(dict(result.times.rows)["Region Jämtland Härjedalen"][0]) == "<5"


def test_chief_physician_sees_exact_numbers_and_overdue(deviations, orgs):
    result = reports.forum_followup(
        "jh-hemsjukvard",
        YEAR,
        organisation=orgs.region_jh,
        suppress=False,
        on=dt.date(YEAR, 12, 31),
    )
    assert row(result.by_category, "Fall")[3] == "2"
    region = dict(result.overdue.rows)["Region Jämtland Härjedalen"]
    # One answered after 40 days (> 30), four never answered.
    assert (region[0].value, region[1].value) == (1, 4)
    median = dict(result.times.rows)["Region Jämtland Härjedalen"][0]
    assert median.value == pytest.approx(22.5, abs=0.05)  # 5 and 40 days (less the DST hour)
    kommun = dict(result.overdue.rows)["Östersunds kommun"]
    assert (kommun[0].value, kommun[1].value) == (0, 1)


def test_answer_deadline_is_configurable(deviations, orgs, settings):
    late = reports.forum_followup(
        "jh-hemsjukvard", YEAR, organisation=orgs.region_jh, suppress=False, days=50
    )
    assert dict(late.overdue.rows)["Region Jämtland Härjedalen"][0].value == 0
    settings.SAMVERKAN_DEVIATION_ANSWER_DAYS = 3
    assert services.answer_days() == 3
    strict = reports.forum_followup(
        "jh-hemsjukvard", YEAR, organisation=orgs.region_jh, suppress=False
    )
    assert strict.answer_days == 3
    assert dict(strict.overdue.rows)["Region Jämtland Härjedalen"][0].value == 2


def test_followup_page_and_api_by_role(deviations, people, client_as, api_client):
    page = client_as(people.forum).get(
        f"/avvikelser/uppfoljning/?agreement=jh-hemsjukvard&year={YEAR}&days=30"
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "&lt;5" in html
        and "Uppföljning av avvikelser mellan huvudmännen sker i gemensamt forum." in html
    )
    body = api_client(people.forum).get(f"/api/deviations/followup?year={YEAR}").json()
    assert body["suppressed"] is True and body["total"] == {"value": 8, "hidden": False}
    falls = next(r for r in body["tables"][0]["rows"] if r["label"] == "Fall")
    assert falls["cells"][3] == {"value": None, "hidden": True}
    chief = api_client(people.region_chief).get(f"/api/deviations/followup?year={YEAR}").json()
    assert chief["suppressed"] is False
    assert client_as(people.kommun_nurse).get("/avvikelser/uppfoljning/").status_code == 403
    assert api_client(people.kommun_nurse).get("/api/deviations/followup").status_code == 403


def test_yearly_report_query_reconciles(deviations):
    counts = services.deviations_by_category_org_month("jh-hemsjukvard", YEAR)
    assert (
        sum(c.count for c in counts)
        == reports.deviations_in_year("jh-hemsjukvard", YEAR).count()
        == 8
    )
    march = [c for c in counts if c.month == 3]
    assert len(march) == 1 and march[0].count == 6 and march[0].category_label == "läkemedel"
    assert march[0].reporting_organisation == "Östersunds kommun"
    assert services.deviations_by_category_org_month("jh-hemsjukvard", YEAR - 1) == []
    assert services.deviations_by_category_org_month("jh-psykisk", YEAR) == []


def test_followup_is_logged_with_the_agreements_name(deviations, people, client_as, api_client):
    """Issue 13: the log's purpose read "Avvikelser: uppföljning jh-hemsjukvard 2025"."""
    from samverkan.audit.models import AuditEvent
    from samverkan.rules import agreement_name

    name = agreement_name("jh-hemsjukvard")
    assert name and name != "jh-hemsjukvard"
    query = f"?agreement=jh-hemsjukvard&year={YEAR}"
    assert client_as(people.forum).get(f"/avvikelser/uppfoljning/{query}").status_code == 200
    assert api_client(people.forum).get(f"/api/deviations/followup{query}").status_code == 200
    whys = list(
        AuditEvent.objects.filter(object_type="deviations.followup")
        .order_by("sequence")
        .values_list("why", flat=True)
    )
    assert whys == [f"Avvikelser: uppföljning av {name} {YEAR}", f"API: uppföljning av {name}"]
