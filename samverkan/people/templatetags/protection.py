"""Template tags for protected identities (`people.withholding`), for every room's pages:

{% load protection %}
{% protection_marker person %}        "Skyddad identitet" next to a protected person's name
                                      (or a bool decided by the caller, e.g. tjänsteköp's
                                      `Shown.protected`, which is never set past a spärr)
{% contact_text place person owner %} the value, or "Lämnas inte ut – skyddad identitet"
                                      unless the viewer is staff of `owner` (who recorded it)
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from samverkan.people import withholding

register = template.Library()


@register.simple_tag
def protection_marker(person: Any) -> str:
    protected = person if isinstance(person, bool) else withholding.is_protected_person(person)
    if not protected:
        return ""
    return format_html(
        '<span class="badge badge--protected" role="note" title="{}">{}</span>',
        "Var försiktig med uppgifter om var personen bor eller kan nås.",
        withholding.PROTECTED_MARKER,
    )


@register.simple_tag(takes_context=True)
def contact_text(context: Any, value: Any, person: Any, owner: Any = None) -> str:
    request = context.get("request")
    viewer = getattr(request, "user", None)
    return withholding.contact_text(
        str(value or ""), person, viewer=viewer, owner=owner if viewer is not None else None
    )
