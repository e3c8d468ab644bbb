"""The people app's part of "Mina uppgifter" (samverkan.web.work_queue)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from samverkan.accounts.services import profile_of
from samverkan.people.access import has_read_role, persons_visible_to
from samverkan.people.models import Task, TaskKind
from samverkan.people.services import record_task_list, tasks_for_user
from samverkan.people.withholding import PROTECTED_MARKER, is_protected_person
from samverkan.web.work_queue import TaskItem

SOURCE = "Personer och insatser"
MAX_ITEMS = 100
NOT_SHARED = "ej delad med er"


def task_title(task: Task) -> str:
    """What to do and on what: the task's kind, the intervention's kind and number (two
    assessments of the same kind of intervention are two different lines). No personal
    data: the person is a column of its own, shown only to a viewer who may see them."""
    title = str(task.get_kind_display())
    if task.intervention_id is not None and task.intervention is not None:
        title += (
            f": {task.intervention.get_kind_display().lower()} (insats nr {task.intervention_id})"
        )
    return title


def person_label(task: Task, visible: set[Any]) -> str:
    """The person's name as the viewer may see it; "ej delad med er" otherwise."""
    if task.person_id not in visible:
        return NOT_SHARED
    if is_protected_person(task.person):
        return f"{task.person.name} ({PROTECTED_MARKER.lower()})"
    return task.person.name


def people_tasks(user: Any) -> list[TaskItem]:
    if not has_read_role(user):
        return []
    today = timezone.localdate()
    items = []
    tasks = list(tasks_for_user(user)[:MAX_ITEMS])
    record_task_list(user, tasks, f"Mina uppgifter på startsidan ({len(tasks)})")
    visible = set(
        persons_visible_to(user)
        .filter(pk__in=[t.person_id for t in tasks])
        .values_list("pk", flat=True)
    )
    for task in tasks:
        overdue = task.due is not None and task.due < today
        detail = ""
        if task.from_organisation_id and task.from_organisation_id != task.organisation_id:
            detail = f"från {task.from_organisation}"
        items.append(
            TaskItem(
                title=task_title(task),
                url=reverse("people:task", args=[task.pk]),
                source=SOURCE,
                due=task.due,
                urgent=task.kind == TaskKind.CONTACT_CHIEF_PHYSICIAN_MAS,
                detail=detail,
                person=person_label(task, visible),
                kind=str(task.get_kind_display()),
                unit=task.unit.name if task.unit_id and task.unit else "",
                overdue=overdue,
            )
        )
    return items


def describe_task_notifications(user: Any, targets: list[dict[str, Any]]) -> list[str]:
    """The Notiser page's text for task notifications: what to do and, for a viewer who may
    see the person, for whom ("Egenvårdsbedömning: … för Sigrid Planström"); the listing is
    logged like "Mina uppgifter". A task of another organisation says nothing."""
    profile = profile_of(user)
    ids = [int(t["task_id"]) for t in targets]
    if profile is None or not has_read_role(user):
        return ["" for _ in ids]
    tasks = {
        t.pk: t
        for t in Task.objects.filter(
            pk__in=ids, organisation_id=profile.organisation_id
        ).select_related("person", "intervention")
    }
    if tasks:
        record_task_list(user, list(tasks.values()), f"Notiser ({len(tasks)} uppgifter)")
    visible = set(
        persons_visible_to(user)
        .filter(pk__in=[t.person_id for t in tasks.values()])
        .values_list("pk", flat=True)
    )
    texts = []
    for pk in ids:
        task = tasks.get(pk)
        if task is None:
            texts.append("")
        elif task.person_id in visible:
            texts.append(f"{task_title(task)} för {person_label(task, visible)}")
        else:
            texts.append(task_title(task))
    return texts
