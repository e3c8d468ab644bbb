"""The start page's "Mina uppgifter": tasks that other apps put in front of a user.

An app registers a provider in AppConfig.ready():

    from samverkan.web.work_queue import TaskItem, register_work_queue

    @register_work_queue
    def sip_tasks(user) -> list[TaskItem]:
        return [TaskItem(title="Uppföljning av SIP", url="/sip/12/", source="SIP", due=...)]

Providers decide from the user (role, organisation) what is theirs. Titles must not contain
personal identifiers (the start page is often shown on shared screens); link to the case.
A provider that fails is logged and skipped, so one broken app cannot empty the start page.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TaskItem:
    title: str
    url: str
    source: str  # the app's Swedish name, e.g. "SIP", "Avvikelser"
    due: datetime.date | None = None
    urgent: bool = False
    detail: str = ""


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


def _sort_key(item: TaskItem) -> tuple[bool, datetime.date]:
    return (not item.urgent, item.due or datetime.date.max)


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
    return WorkQueue(sorted(items, key=_sort_key), failed)
