"""The people app's part of "Mina uppgifter" (samverkan.web.work_queue)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from samverkan.people.access import has_read_role
from samverkan.people.models import Task, TaskKind
from samverkan.people.services import record_task_list, tasks_for_user
from samverkan.web.work_queue import TaskItem

SOURCE = "Personer och insatser"
MAX_ITEMS = 100


def task_title(task: Task) -> str:
    """What to do, without personal data (the start page may be on a shared screen)."""
    title = str(task.get_kind_display())
    if task.intervention_id is not None and task.intervention is not None:
        title += f": {task.intervention.get_kind_display().lower()}"
    return title


def people_tasks(user: Any) -> list[TaskItem]:
    if not has_read_role(user):
        return []
    today = timezone.localdate()
    items = []
    tasks = list(tasks_for_user(user)[:MAX_ITEMS])
    record_task_list(user, tasks, f"Mina uppgifter på startsidan ({len(tasks)})")
    for task in tasks:
        overdue = task.due is not None and task.due < today
        detail = "försenad" if overdue else ""
        if task.from_organisation_id and task.from_organisation_id != task.organisation_id:
            detail = ", ".join(p for p in (detail, f"från {task.from_organisation}") if p)
        items.append(
            TaskItem(
                title=task_title(task),
                url=reverse("people:task", args=[task.pk]),
                source=SOURCE,
                due=task.due,
                urgent=overdue or task.kind == TaskKind.CONTACT_CHIEF_PHYSICIAN_MAS,
                detail=detail,
            )
        )
    return items
