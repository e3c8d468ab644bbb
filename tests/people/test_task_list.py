"""The one "Mina uppgifter" (start page): tasks name the person the viewer may see and the
thing, overdue tasks say so in text, sorted by due date, filterable by type, overdue, unit."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from samverkan.accounts.models import Role, Unit
from samverkan.people import services
from samverkan.people.models import Task, TaskKind

TODAY = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def unit(orgs):
    return Unit.objects.create(organisation=orgs.ostersund, name="Hemsjukvården Norr", kind="other")


@pytest.fixture
def setup(make_staff, make_person, orgs, unit):
    nurse = make_staff(Role.NURSE, orgs.ostersund, "ssk.enhet", unit=unit)
    anna = make_person(nurse, 0)
    bo = make_person(nurse, 1)
    other_nurse = make_staff(Role.NURSE, orgs.region_jh)
    hidden = make_person(other_nurse, 2)  # the region's patient, not shared with the kommun
    iv_a = services.create_intervention(nurse, anna, kind="nursing", start=dt.date(2026, 1, 1))
    iv_b = services.create_intervention(nurse, bo, kind="nursing", start=dt.date(2026, 1, 1))
    kind = TaskKind.SELF_CARE_ASSESSMENT
    org = orgs.ostersund
    late = Task.objects.create(kind=kind, person=anna, organisation=org, intervention=iv_a,
                               due=dt.date(2026, 3, 1))  # fmt: skip
    soon = Task.objects.create(kind=kind, person=bo, organisation=org, intervention=iv_b,
                               unit=unit, due=dt.date(2026, 12, 20))  # fmt: skip
    risk = Task.objects.create(kind=TaskKind.RISK_ANALYSIS, person=hidden, organisation=org,
                               from_organisation=orgs.region_jh, due=dt.date(2026, 12, 10))  # fmt: skip
    return {"nurse": nurse, "anna": anna, "bo": bo, "hidden": hidden, "late": late,
            "soon": soon, "risk": risk, "iv_a": iv_a, "iv_b": iv_b}  # fmt: skip


def _rows(html: str) -> list[str]:
    section = html[html.index('id="mina-uppgifter"') :]
    body = section[section.index("<tbody>") : section.index("</tbody>")]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip() for r in body.split("<tr")[1:]]


@time_machine.travel(TODAY, tick=False)
def test_tasks_name_person_and_thing_overdue_in_text_sorted_by_due(client_as, setup):
    rows = _rows(client_as(setup["nurse"]).get("/").content.decode())
    assert len(rows) == 3
    late, risk, soon = rows  # by due date: March (overdue), 10 Dec, 20 Dec
    anna, bo = setup["anna"], setup["bo"]
    assert anna.name in late and f"insats nr {setup['iv_a'].pk}" in late
    assert bo.name in soon and f"insats nr {setup['iv_b'].pk}" in soon
    assert late != soon  # not two identical lines
    assert "försenad" in late and "försenad" not in soon and "försenad" not in risk
    assert "2026-03-01" in late
    # The region's patient is not shared with the kommun: the task says so, without a name.
    assert setup["hidden"].family_name not in risk and "ej delad med er" in risk
    assert "Hemsjukvården Norr" in soon


@time_machine.travel(TODAY, tick=False)
def test_task_filters(client_as, setup):
    client = client_as(setup["nurse"])

    def rows(query: str) -> list[str]:
        html = client.get(f"/?{query}").content.decode()
        return _rows(html) if "<tbody>" in html else []

    overdue = rows("forsenade=1")
    assert len(overdue) == 1 and setup["anna"].name in overdue[0]
    risk = rows("typ=Riskanalys")
    assert len(risk) == 1 and "ej delad med er" in risk[0]
    unit = rows("enhet=Hemsjukvården+Norr")
    assert len(unit) == 1 and setup["bo"].name in unit[0]
    whole = rows("enhet=-")
    assert len(whole) == 2
    assert rows("typ=Riskanalys&forsenade=1") == []
    assert "Inga uppgifter med det urvalet." in client.get("/?typ=Ingen").content.decode()


@time_machine.travel(TODAY, tick=False)
def test_one_mina_uppgifter(client_as, setup):
    """The people room's task list is the start page's: the old address leads there."""
    client = client_as(setup["nurse"])
    response = client.get("/personer/uppgifter/?forsenade=1")
    assert response.status_code == 302
    assert response["Location"] == "/?forsenade=1#mina-uppgifter"
    people_index = client.get("/personer/").content.decode()
    assert 'href="/#mina-uppgifter"' in people_index


@time_machine.travel(TODAY, tick=False)
def test_person_page_tasks_name_the_intervention(client_as, setup, orgs):
    """Before: two egenvård tasks of one person read "Egenvårdsbedömning: sjuksköterskeinsats"
    twice on the person page (the start page already named the intervention)."""
    nurse, anna = setup["nurse"], setup["anna"]
    second = services.create_intervention(nurse, anna, kind="nursing", start=dt.date(2026, 2, 1))
    Task.objects.create(kind=TaskKind.SELF_CARE_ASSESSMENT, person=anna,
                        organisation=orgs.ostersund, intervention=second)  # fmt: skip
    html = client_as(nurse).get(f"/personer/{anna.pk}/").content.decode()
    section = html[
        html.index('id="h-att-gora"') : html.index("</section>", html.index('id="h-att-gora"'))
    ]
    lines = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", li)).strip()
             for li in section.split("<li")[1:]]  # fmt: skip
    titles = [line for line in lines if "Egenvårdsbedömning" in line]
    assert len(titles) == 2 and titles[0] != titles[1]
    assert any(f"insats nr {second.pk}" in t for t in titles)
    assert any(f"insats nr {setup['iv_a'].pk}" in t for t in titles)
