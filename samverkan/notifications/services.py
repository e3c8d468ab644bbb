"""Notifications: one mechanism for every room (README "Notifications").

    from samverkan.notifications.services import notify
    notify(unit_or_organisation_or_user, Kind.SIP_INVITATION, reverse("sip:detail", args=[pk]),
           actor=request.user)

A notification is a kind (a neutral label) and a link into the case, which keeps its own
access checks. The Notiser page adds what it is about (`lines_for`: the link's app describes
it for the viewer, naming a person only to one who may see them); the e-mail never does. A unit reaches its staff; an organisation reaches all
its staff, or only `roles` when given; the actor is never notified of their own act. Users who
opted in also get an e-mail through Django's mail framework (EMAIL_* settings) once the
transaction commits: a neutral subject and a link to the notification, never personal data,
a case number or the case's address.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from samverkan.accounts.models import Organisation, StaffProfile, Unit
from samverkan.notifications.models import Kind, Notification, Preference

logger = logging.getLogger(__name__)

MAIL_SUBJECT = "Samverkan: du har ett nytt meddelande"
MAIL_BODY = (
    "Hej!\n\n"
    "Något nytt har kommit till dig eller din enhet i Samverkan ({what}).\n"
    "Logga in och läs det här:\n\n{url}\n\n"
    "Meddelandet innehåller inga uppgifter om personer. Du får e-post om nya notiser "
    "eftersom du har valt det; du kan stänga av det under Notiser i Samverkan.\n"
)

__all__ = [
    "Kind",
    "Line",
    "lines_for",
    "notify",
    "notifications_for",
    "open_notification",
    "register_describer",
    "unread_count",
]

#: What a notification is about, as this viewer may see it: per URL name of the link (e.g.
#: "sip:detail"), a function (viewer, [the link's URL kwargs, …]) -> [text, …] in the same
#: order ("" where nothing can be said). The apps register theirs in AppConfig.ready(); each
#: checks access itself (a person's name only to a viewer who may see the person, the read
#: logged), since the notification stores only its kind and link.
Describer = Callable[[Any, list[dict[str, Any]]], list[str]]
_describers: dict[str, Describer] = {}


def register_describer(url_name: str, describer: Describer) -> Describer:
    _describers[url_name] = describer
    return describer


@dataclass(frozen=True)
class Line:
    """One line of the Notiser page: the notification and its text ("Ny uppgift:
    egenvårdsbedömning … för Sigrid Planström")."""

    notification: Notification
    text: str


def _target(link: str) -> tuple[str, dict[str, Any]] | None:
    try:
        match = resolve(urlsplit(link).path)
    except Resolver404:
        return None
    return match.view_name, dict(match.kwargs)


def lines_for(user: Any, notifications: Iterable[Notification]) -> list[Line]:
    """The notifications with their text: the kind's label, and what it is about where the
    link's app describes it for this viewer. A describer that fails is logged and leaves the
    label alone (the page never breaks on one app). Each describer is called once, with all
    its notifications, so what it logs is one event per case (a task list: per person)."""
    items = list(notifications)
    about: dict[int, str] = {}
    # One call per describer (not per URL name: "sip:detail" and "sip:follow_up" share
    # one), so a describer that logs what it shows logs each case once per page view.
    groups: dict[Describer, list[tuple[Notification, dict[str, Any]]]] = {}
    for item in items:
        target = _target(item.link)
        if target is not None and target[0] in _describers:
            groups.setdefault(_describers[target[0]], []).append((item, target[1]))
    for describer, group in groups.items():
        try:
            texts = describer(user, [kwargs for _, kwargs in group])
        except Exception:
            logger.exception(
                "Notification describer %s failed", getattr(describer, "__qualname__", describer)
            )
            continue
        for (item, _), text in zip(group, texts, strict=False):
            about[item.pk] = text
    lines = []
    for item in items:
        label = str(item.get_kind_display())
        text = about.get(item.pk, "")
        lines.append(Line(item, f"{label}: {text}" if text else label))
    return lines


def _recipients(recipient: Any, roles: Iterable[str] | None, exclude: Any) -> list[Any]:
    User = get_user_model()
    if isinstance(recipient, User):
        users = [recipient] if recipient.is_active else []
    else:
        if isinstance(recipient, Unit):
            profiles = StaffProfile.objects.filter(unit=recipient)
        elif isinstance(recipient, Organisation):
            profiles = StaffProfile.objects.filter(organisation=recipient)
        else:
            raise TypeError(f"notify() takes a user, a unit or an organisation, not {recipient!r}")
        if roles is not None:
            profiles = profiles.filter(role__in=list(roles))
        users = list(User.objects.filter(staff_profile__in=profiles, is_active=True))
    exclude_id = getattr(exclude, "pk", None)
    return [u for u in users if u.pk != exclude_id]


def _safe_link(link: str) -> str:
    if not link.startswith("/") or link.startswith("//"):
        raise ValueError("A notification links inside Samverkan (a path starting with /).")
    return link


def notify(
    recipient: Any,
    kind: str,
    link: str,
    *,
    actor: Any = None,
    roles: Iterable[str] | None = None,
    key: str = "",
) -> list[Notification]:
    """Notify a user, a unit's staff or an organisation's staff (narrowed to `roles`) that
    something of `kind` arrived at `link`. With a `key`, each recipient is told once."""
    kind = Kind(kind)
    link = _safe_link(link)
    actor = getattr(actor, "user", actor)  # a request is accepted for an actor
    users = _recipients(recipient, roles, actor)
    if key:
        told = set(
            Notification.objects.filter(recipient__in=users, key=key).values_list(
                "recipient_id", flat=True
            )
        )
        users = [u for u in users if u.pk not in told]
    created = Notification.objects.bulk_create(
        [Notification(recipient=u, kind=kind, link=link, key=key) for u in users]
    )
    by_mail = set(
        Preference.objects.filter(user__in=users, email=True).values_list("user_id", flat=True)
    )
    mails = [n for n in created if n.recipient_id in by_mail and n.recipient.email]
    if mails:
        ids = [n.pk for n in mails]
        transaction.on_commit(lambda: send_emails(ids))
    return created


def mail_url(notification: Notification) -> str:
    base = settings.SAMVERKAN_BASE_URL.rstrip("/")
    return base + reverse("notifications:open", args=[notification.pk])


def send_emails(notification_ids: Iterable[int]) -> int:
    """Send one e-mail per notification (one recipient each, no shared address list). A mail
    server that fails is logged (the notification's number only) and leaves the in-app
    notification in place."""
    sent = 0
    for notification in Notification.objects.filter(
        pk__in=list(notification_ids), emailed_at__isnull=True
    ).select_related("recipient"):
        body = MAIL_BODY.format(
            what=notification.get_kind_display().lower(), url=mail_url(notification)
        )
        try:
            send_mail(MAIL_SUBJECT, body, None, [notification.recipient.email])
        except Exception:
            logger.exception("Notification mail %s could not be sent", notification.pk)
            continue
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def notifications_for(user: Any) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_count(user: Any) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


def open_notification(user: Any, pk: Any) -> Notification | None:
    """The user's own notification, marked read; None for anyone else's or an unknown one."""
    notification = notifications_for(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(user: Any) -> int:
    return notifications_for(user).filter(read_at__isnull=True).update(read_at=timezone.now())


def wants_email(user: Any) -> bool:
    return Preference.objects.filter(user=user, email=True).exists()


def set_email_preference(user: Any, email: bool) -> Preference:
    preference, _ = Preference.objects.update_or_create(user=user, defaults={"email": email})
    return preference
