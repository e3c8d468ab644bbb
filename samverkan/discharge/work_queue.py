"""The discharge part of "Mina uppgifter": answers to inskrivningsmeddelanden, fast
vårdkontakt to appoint, SIP to call after discharge, §7.6 reports. A user with a unit gets
her unit's tasks and the organisation's unassigned ones. Titles carry no personal data."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from samverkan.accounts.services import profile_of
from samverkan.discharge import access
from samverkan.discharge.models import StayTask
from samverkan.web.work_queue import TaskItem

SOURCE = "Utskrivning"


def discharge_tasks(user: Any) -> list[TaskItem]:
    profile = profile_of(user)
    if profile is None or access.discharge_organisation(user) is None:
        return []
    visible = access.stays_visible_to(user)
    tasks = StayTask.objects.filter(
        organisation_id=profile.organisation_id, done_at__isnull=True, stay__in=visible
    ).select_related("unit")
    if profile.unit_id is not None:
        tasks = tasks.filter(Q(unit__isnull=True) | Q(unit_id=profile.unit_id))
    today = timezone.localdate()
    return [
        TaskItem(
            title=f"{task.get_kind_display()} (vårdtillfälle nr {task.stay_id})",
            url=reverse("discharge:detail", args=[task.stay_id]),
            source=SOURCE,
            due=task.due,
            urgent=bool(task.due and task.due < today),
            kind=task.get_kind_display(),
            unit=task.unit.name if task.unit else "",
        )
        for task in tasks.order_by("due", "pk")
    ]


def describe_stay_notifications(user: Any, targets: list[dict[str, Any]]) -> list[str]:
    """The Notiser page's text for a stay's notices: "vårdtillfälle nr 12 på Medicinavdelning
    1" to a viewer who may see the stay (no personal data, as the work queue's titles)."""
    ids = [int(t["stay_id"]) for t in targets]
    found = {
        stay.pk: stay
        for stay in access.stays_visible_to(user).filter(pk__in=ids).select_related("unit")
    }
    texts = []
    for pk in ids:
        stay = found.get(pk)
        if stay is None:
            texts.append("")
        elif stay.unit_id is not None and stay.unit is not None:
            texts.append(f"vårdtillfälle nr {stay.pk} på {stay.unit.name}")
        else:
            texts.append(f"vårdtillfälle nr {stay.pk}")
    return texts
