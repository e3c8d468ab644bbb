"""The start page's "Mina uppgifter": tasks that other apps put in front of a user.

An app registers a provider in AppConfig.ready():

    from samverkan.web.work_queue import TaskItem, register_work_queue

    @register_work_queue
    def sip_tasks(user) -> list[TaskItem]:
        return [TaskItem(title="Uppföljning av SIP", url="/sip/12/", source="SIP", due=...)]

Providers decide from the user (role, organisation) what is theirs. Titles name the thing
(what to do, with the case's number or kind) and never a personal identifier; `person` is the
person's name as this viewer may see it (read through the people door, which logs the read),
or empty where the viewer may not see the person. `kind` is the type the list filters by
(default: the source), `unit` the unit the task is for ("" = the whole organisation).
A provider that fails is logged and skipped, so one broken app cannot empty the start page.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TaskItem:
    title: str
    url: str
    source: str  # the app's Swedish name, e.g. "SIP", "Avvikelser"
    due: datetime.date | None = None
    urgent: bool = False
    detail: str = ""
    person: str = ""
    kind: str = ""
    unit: str = ""
    overdue: bool = False

    @property
    def type_label(self) -> str:
        return self.kind or self.source


@dataclass(frozen=True)
class WorkQueue:
    items: list[TaskItem]
    failed_sources: list[str] = field(default_factory=list)


Provider = Callable[[Any], list[TaskItem]]
_providers: list[Provider] = []


def register_work_queue(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_work_queue(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def _sort_key(item: TaskItem) -> tuple[datetime.date, bool]:
    """By due date, the earliest (so the most overdue) first; an urgent task without a date
    (a serious deviation's direct contact) counts as due today; undated tasks last."""
    if item.due is not None:
        return (item.due, not item.urgent)
    return ((_today() if item.urgent else datetime.date.max), not item.urgent)


def _today() -> datetime.date:
    return timezone.localdate()


@dataclass(frozen=True)
class QueueFilter:
    """What "Mina uppgifter" is narrowed to: a type, overdue only, a unit ("-" = tasks for the
    whole organisation)."""

    kind: str = ""
    overdue: bool = False
    unit: str = ""

    @property
    def active(self) -> bool:
        return bool(self.kind or self.overdue or self.unit)

    def matches(self, item: TaskItem) -> bool:
        if self.kind and item.type_label != self.kind:
            return False
        if self.overdue and not item.overdue:
            return False
        if self.unit == "-":
            return not item.unit
        return not self.unit or item.unit == self.unit


def filter_queue(queue: WorkQueue, query: QueueFilter) -> WorkQueue:
    return WorkQueue([i for i in queue.items if query.matches(i)], queue.failed_sources)


def _mark_overdue(item: TaskItem, today: datetime.date) -> TaskItem:
    if item.overdue or item.due is None or item.due >= today:
        return item
    return replace(item, overdue=True)


def tasks_for(user: Any) -> WorkQueue:
    items: list[TaskItem] = []
    failed: list[str] = []
    for provider in _providers:
        try:
            items.extend(provider(user))
        except Exception:
            name = f"{provider.__module__}.{getattr(provider, '__qualname__', provider)}"
            logger.exception("Work queue provider %s failed", name)
            failed.append(name)
    today = _today()
    items = [_mark_overdue(i, today) for i in items]
    return WorkQueue(sorted(items, key=_sort_key), failed)
