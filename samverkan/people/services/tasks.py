"""The work queue's tasks: listing and completing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action
from samverkan.audit.services import record, record_many
from samverkan.notifications.services import Kind, notify
from samverkan.people import access
from samverkan.people.access import record_change
from samverkan.people.models import (
    Task,
    TaskStatus,
    person_refs,
)
from samverkan.people.services._common import (
    PeopleError,
)

# --- tasks ------------------------------------------------------------------------------


def tasks_for_user(user: Any, *, include_done: bool = False) -> QuerySet[Task]:
    """The user's tasks: assigned to them, or unassigned in their unit (or to the whole
    organisation when the task names no unit). Due first."""
    profile = profile_of(user)
    if profile is None:
        return Task.objects.none()
    own = Q(assignee=user) | (
        Q(assignee__isnull=True, organisation_id=profile.organisation_id)
        & (Q(unit__isnull=True) | Q(unit_id=profile.unit_id))
    )
    tasks = Task.objects.filter(own)
    if not include_done:
        tasks = tasks.filter(status=TaskStatus.OPEN)
    return tasks.select_related(
        "person", "intervention", "organisation", "unit", "from_organisation"
    ).order_by("due", "created_at")


def notify_task(task: Task, actor: Any = None, *, kind: str = Kind.TASK, key: str = "") -> None:
    """Tell whoever the task is for (its assignee, else its unit's, else its organisation's
    staff with a person-reading role) that it arrived or is due; the link leads to the task,
    which names the person only to those who may see them."""
    link = reverse("people:task", args=[task.pk])
    recipient = task.assignee or task.unit or task.organisation
    roles = None if task.assignee_id else access.READ_ROLES
    notify(recipient, kind, link, actor=actor, roles=roles, key=key)


def notify_due_tasks(on: dt.date | None = None) -> int:
    """Once per task: tell its recipients that an open task is due on `on` (default today) or
    overdue (run daily: `samverkan manage notify_due_tasks`)."""
    on = on or timezone.localdate()
    tasks = Task.objects.filter(status=TaskStatus.OPEN, due__lte=on).select_related(
        "assignee", "unit", "organisation"
    )
    count = 0
    for task in tasks:
        notify_task(task, kind=Kind.TASK_DUE, key=f"task_due:{task.pk}")
        count += 1
    return count


def record_task_list(actor: Any, tasks: Iterable[Task], why: str) -> None:
    """Audit a list of tasks shown to the user (the API, the task page, the start page's
    "Mina uppgifter"): one `view` event per person whose task was listed, since a task is
    personal data about its person even where the list shows no name; an empty list is one
    event without a person."""
    ids = list(dict.fromkeys(t.person_id for t in tasks if t.person_id is not None))
    if not ids:
        record(actor, Action.VIEW, Task, why=why)
        return
    refs = person_refs(ids)
    record_many(actor, Action.VIEW, Task, "", person_refs=[refs[pk] for pk in ids], why=why)


def task_for_user(actor: Any, task_id: Any) -> Task:
    """A task of the user's organisation, or Http404 (logged)."""
    user = access._user(actor)
    profile = profile_of(user)
    task = (
        Task.objects.select_related("person", "intervention", "organisation", "unit")
        .filter(pk=task_id)
        .first()
        if str(task_id).isdigit()
        else None
    )
    if task is None or profile is None or task.organisation_id != profile.organisation_id:
        record(actor, Action.ACCESS_DENIED, Task, task_id, why="Uppgift")
        raise Http404
    return task


@transaction.atomic
def complete_task(actor: Any, task: Task, *, note: str = "", why: str = "Uppgift klar") -> Task:
    """Mark a task of the user's organisation done."""
    user = access._user(actor)
    profile = profile_of(user)
    if profile is None or task.organisation_id != profile.organisation_id:
        raise PermissionDenied
    if profile.role not in access.READ_ROLES:
        raise PermissionDenied
    if task.status == TaskStatus.DONE:
        raise PeopleError("status", "already_done", "Uppgiften är redan klarmarkerad.")
    task.status = TaskStatus.DONE
    task.completed_at = timezone.now()
    task.completed_by = user
    if note.strip():
        task.note = (task.note + "\n" if task.note else "") + note.strip()
    task.save(update_fields=["status", "completed_at", "completed_by", "note"])
    record_change(actor, task.person, "people.task", why, obj_id=task.pk)
    return task
