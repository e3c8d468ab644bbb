"""Work-queue providers ("Mina uppgifter"): the agreements' reminders and the Bilaga 2
lists waiting for the user's signature."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from samverkan.agreements.models import Bilaga2List
from samverkan.agreements.selectors import reminders_for, unsigned_lists_of
from samverkan.web.work_queue import TaskItem


def lifecycle_tasks(user: Any) -> list[TaskItem]:
    today = timezone.localdate()
    items = [
        TaskItem(title=r.title, url=r.url, source="Avtal", due=r.due, urgent=r.due <= today)
        for r in reminders_for(user, today)
    ]
    for member in unsigned_lists_of(user):
        lst: Bilaga2List = member.bilaga2_list
        items.append(
            TaskItem(
                title=f"Underteckna förteckningen: {lst}",
                url=reverse("agreements:list_detail", args=[lst.pk]),
                source="Bilaga 2",
            )
        )
    return items


PROVIDERS = (lifecycle_tasks,)
