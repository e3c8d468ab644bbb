"""Template helpers for the SIP pages and the SIP block on the person page."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from samverkan.people.access import can_change, can_see
from samverkan.sip.access import sip_organisation, sips_visible_to, visible_sips
from samverkan.sip.models import ActionStatus

register = template.Library()


@register.simple_tag(takes_context=True)
def person_url(context: template.Context, person: Any) -> str:
    """The person page, if the user may open it ("" otherwise: a participant sees the plan,
    not the person's record)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not can_see(user, person):
        return ""
    for name in ("people:detail", "people:person"):
        try:
            return reverse(name, args=[person.pk])
        except NoReverseMatch:
            continue
    return ""


@register.filter
def person_identifier(person: Any) -> str:
    """The person's primary identifier, masked as on the person page (19121212-****); the
    whole number is shown on the person page on request, and in the person's own PDF."""
    identity = person.primary_identity()
    return identity.masked if identity else "identitet saknas"


@register.simple_tag(takes_context=True)
def person_sips(context: template.Context, person: Any) -> list[Any]:
    """The person's SIPs the current user may see (for the person page's SIP block)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None:
        return []
    return visible_sips(
        user,
        sips_visible_to(user)
        .filter(person=person)
        .select_related("person", "initiated_by_organisation", "overall_responsible_organisation")
        .order_by("-created"),
    )


@register.filter
def risk_class(value: int) -> str:
    """SKL's matrix: 1–3 low, 4–6 medium, 8–9 high, 12–16 very high."""
    value = int(value)
    if value >= 12:
        return "risk--very-high"
    if value >= 8:
        return "risk--high"
    if value >= 4:
        return "risk--medium"
    return "risk--low"


@register.filter
def action_status(value: str) -> str:
    return str(ActionStatus(value).label) if value in ActionStatus.values else value


@register.simple_tag(takes_context=True)
def can_start_sip(context: template.Context, person: Any) -> bool:
    """Only the own organisation (write role, active care relation) starts a SIP."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return user is not None and sip_organisation(user) is not None and can_change(user, person)
