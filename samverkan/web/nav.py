"""The main navigation: fixed slots, filled by the apps that exist.

Slots keep one order whatever order apps load in. An app fills its slot in AppConfig.ready():

    from samverkan.web.nav import register_nav
    register_nav("guide", "guide:index", public=True)

Unregistered slots are not shown. `public=True` shows the link to anonymous users too;
`visible(user)` can narrow it further (e.g. only some roles).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavSlot:
    key: str
    label: str | Promise


NAV_SLOTS: tuple[NavSlot, ...] = (
    NavSlot("guide", _("Ansvarsguiden")),
    NavSlot("library", _("Avtalsbiblioteket")),
    NavSlot("people", _("Personer")),
    NavSlot("sip", _("SIP")),
    NavSlot("discharge", _("Utskrivning")),
    NavSlot("purchases", _("Tjänsteköp")),
    NavSlot("deviations", _("Avvikelser")),
    NavSlot("followup", _("Uppföljning")),
    NavSlot("logcontrol", _("Loggkontroll")),
)
_SLOT_KEYS = {slot.key for slot in NAV_SLOTS}


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    public: bool = False
    visible: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class NavLink:
    label: str | Promise
    url: str
    current: bool


_entries: dict[str, NavEntry] = {}


def register_nav(
    slot: str,
    url_name: str,
    *,
    public: bool = False,
    visible: Callable[[Any], bool] | None = None,
) -> None:
    if slot not in _SLOT_KEYS:
        raise ValueError(f"Unknown nav slot {slot!r}; one of {sorted(_SLOT_KEYS)}")
    _entries[slot] = NavEntry(url_name, public, visible)


def unregister_nav(slot: str) -> None:
    _entries.pop(slot, None)


def shows(request: HttpRequest, slot: str) -> bool:
    """True if the room in `slot` is open to the user (its registered visibility)."""
    entry = _entries.get(slot)
    if entry is None or not (entry.public or request.user.is_authenticated):
        return False
    return entry.visible is None or bool(entry.visible(request.user))


def nav_links(request: HttpRequest) -> list[NavLink]:
    user = request.user
    links = []
    for slot in NAV_SLOTS:
        entry = _entries.get(slot.key)
        if entry is None or not (entry.public or user.is_authenticated):
            continue
        if entry.visible is not None and not entry.visible(user):
            continue
        url = reverse(entry.url_name)
        links.append(NavLink(slot.label, url, request.path.startswith(url)))
    return links
