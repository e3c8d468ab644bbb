"""The sub-navigation of Tjänsteköp shows only the pages the user's role may open (a nurse
was offered "Fakturering", "Prislistor" and "Fakturamottagare", an administrator
"Månadsgranskning" and "Import", each answering "Åtkomst nekad")."""

from __future__ import annotations

from typing import Any

from django import template

from samverkan.purchases import access

register = template.Library()


@register.simple_tag(takes_context=True)
def purchases_pages(context: dict[str, Any]) -> dict[str, bool]:
    """{% purchases_pages as open %}: {"month": True, ...} for the request's user."""
    return access.pages_open_to(context["request"])
