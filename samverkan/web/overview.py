"""The person overview on the start page: sections that rooms above the people door add.

The people room renders the overview (it reads the person through its door, which checks
access and logs the read); rooms that hold more about the person (SIP) register a provider in
AppConfig.ready():

    from samverkan.web.overview import OverviewPart, register_overview
    register_overview(sip_overview)          # sip_overview(user, person) -> OverviewPart

A provider returns only what the user may see of the person (its own access rules, its own
audit events). A failing provider is logged and skipped, like the work queue's.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Involved:
    """Someone involved for a huvudman: an organisation, a unit, and in what role."""

    organisation: str
    role: str
    unit: str = ""
    url: str = ""


@dataclass(frozen=True)
class CareContact:
    name_or_role: str
    organisation: str
    unit: str = ""
    is_physician: bool = False
    url: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Item:
    title: str
    url: str = ""
    detail: str = ""
    due: dt.date | None = None


@dataclass(frozen=True)
class OverviewPart:
    involved: list[Involved] = field(default_factory=list)
    care_contacts: list[CareContact] = field(default_factory=list)
    open_sips: list[Item] = field(default_factory=list)


Provider = Callable[[Any, Any], OverviewPart]
_providers: list[Provider] = []


def register_overview(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_overview(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def overview_parts(user: Any, person: Any) -> tuple[list[OverviewPart], list[str]]:
    parts: list[OverviewPart] = []
    failed: list[str] = []
    for provider in _providers:
        try:
            parts.append(provider(user, person))
        except Exception:
            name = f"{provider.__module__}.{getattr(provider, '__qualname__', provider)}"
            logger.exception("Overview provider %s failed", name)
            failed.append(name)
    return parts, failed
