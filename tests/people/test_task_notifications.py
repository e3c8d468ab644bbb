"""A task that arrives, or falls due, notifies whoever it is for."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.management import call_command

from samverkan.accounts.models import Role
from samverkan.notifications.services import notifications_for, unread_count
from samverkan.people.models import Task, TaskKind


@time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC), tick=False)
def test_due_tasks_notify_once(make_staff, make_person, orgs, nurse):
    colleague = make_staff(Role.NURSE, orgs.ostersund)
    finance = make_staff(Role.FINANCE_OFFICER, orgs.ostersund)
    person = make_person(nurse)
    due = Task.objects.create(kind=TaskKind.RISK_ANALYSIS, person=person,
                              organisation=orgs.ostersund, due=dt.date(2026, 12, 2))  # fmt: skip
    Task.objects.create(kind=TaskKind.RISK_ANALYSIS, person=person,
                        organisation=orgs.ostersund, due=dt.date(2026, 12, 3))  # fmt: skip
    call_command("notify_due_tasks")
    call_command("notify_due_tasks")  # run again the same day: nothing new
    for user in (nurse, colleague):
        (note,) = notifications_for(user)
        assert note.kind == "task_due" and note.link == f"/personer/uppgifter/{due.pk}/"
    assert unread_count(finance) == 0  # no person-reading role


def test_a_decision_task_notifies_the_receiving_organisation(
    make_staff, make_person, orgs, nurse, jh_person_facts, jh_intervention_facts
):
    from samverkan.people import services

    colleague = make_staff(Role.NURSE, orgs.ostersund)
    person = make_person(nurse)
    for name, value in (jh_person_facts | {"adl_needs_over_time": ["dressing"]}).items():
        services.set_fact(nurse, person, name, value)
    intervention = services.create_intervention(
        nurse, person, kind="nursing", start=dt.date(2022, 2, 1), facts=jh_intervention_facts
    )
    services.decide_intervention(nurse, intervention)
    task = Task.objects.get()
    kinds = [(n.kind, n.link) for n in notifications_for(colleague)]
    assert ("task", f"/personer/uppgifter/{task.pk}/") in kinds
    assert unread_count(nurse) == 0  # not of one's own decision


def test_the_notice_names_the_task_and_the_person_to_who_may_see_them(
    make_staff, make_person, orgs, nurse, client_as
):
    """Before: "Ny uppgift" and nothing more. The person's name only to a viewer who may see
    the person (a care relation of her vårdgivare); the task's kind to both."""
    import re

    from samverkan.notifications.services import notify

    person = make_person(nurse, given_name="Tova", family_name="Uppgiftsson")
    task = Task.objects.create(kind=TaskKind.SELF_CARE_ASSESSMENT, person=person,
                               organisation=orgs.ostersund)  # fmt: skip
    # Same kommun, social services: the task is her organisation's, the person is not hers.
    assessor = make_staff(Role.NEEDS_ASSESSOR, orgs.ostersund)
    outsider = make_staff(Role.NURSE, orgs.krokom)
    for user in (nurse, assessor, outsider):
        notify(user, "task", f"/personer/uppgifter/{task.pk}/")

    def line(user) -> str:
        page = client_as(user).get("/notiser/").content.decode()
        assert "Tova" not in page or user == nurse
        return re.search(r'<a href="/notiser/\d+/">([^<]*)</a>', page).group(1)

    assert line(nurse) == "Ny uppgift: Egenvårdsbedömning för Tova Uppgiftsson"
    assert line(assessor) == "Ny uppgift: Egenvårdsbedömning"
    assert line(outsider) == "Ny uppgift"  # another organisation's task: the label only


def test_the_notiser_page_logs_each_person_once_per_view(make_person, orgs, nurse, client_as):
    """Two tasks for one person, each notified as new and as due: one look at Notiser is one
    `view` event for the person (the read of personal data, for the log control), not four."""
    from samverkan.audit.models import AuditEvent
    from samverkan.notifications.services import notify

    person = make_person(nurse, given_name="Tova", family_name="Uppgiftsson")
    for kind in (TaskKind.SELF_CARE_ASSESSMENT, TaskKind.RISK_ANALYSIS):
        task = Task.objects.create(kind=kind, person=person, organisation=orgs.ostersund)
        notify(nurse, "task", f"/personer/uppgifter/{task.pk}/")
        notify(nurse, "task_due", f"/personer/uppgifter/{task.pk}/")
    looked = AuditEvent.objects.filter(
        user=nurse, action="view", why__startswith="Notiser", person_ref=person.ref
    )
    client = client_as(nurse)
    assert client.get("/notiser/").content.decode().count("för Tova Uppgiftsson") == 4
    assert looked.count() == 1
    client.get("/notiser/")
    assert looked.count() == 2
