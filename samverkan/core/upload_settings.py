"""The configured upload limits: :data:`samverkan.core.uploads.DEFAULTS`, overridden per kind
by the setting ``SAMVERKAN_UPLOAD_LIMITS`` (a dict of kind -> {limit: value}; from the
environment as JSON, e.g. ``SAMVERKAN_UPLOAD_LIMITS='{"purchases_import": {"max_bytes":
31457280}}'``). An unknown kind or limit, or a value that is no positive integer, stops the
start with its name (``check`` in ``samverkan.config.settings``)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from samverkan.core.uploads import DEFAULTS, Limits

__all__ = ["largest_upload", "limits_for", "parse_overrides", "validated"]

_NAMES = frozenset(f.name for f in dataclasses.fields(Limits))


def validated(overrides: Mapping[str, Mapping[str, Any]]) -> dict[str, Limits]:
    """Every kind's limits with ``overrides`` applied; ImproperlyConfigured names a bad one."""
    out = dict(DEFAULTS)
    for kind, changes in overrides.items():
        if kind not in DEFAULTS:
            known = ", ".join(sorted(DEFAULTS))
            raise ImproperlyConfigured(f"SAMVERKAN_UPLOAD_LIMITS: unknown kind {kind!r} ({known}).")
        if not isinstance(changes, Mapping):
            raise ImproperlyConfigured(f"SAMVERKAN_UPLOAD_LIMITS[{kind!r}] must be an object.")
        unknown = set(changes) - _NAMES
        if unknown:
            raise ImproperlyConfigured(
                f"SAMVERKAN_UPLOAD_LIMITS[{kind!r}]: unknown limit(s) {sorted(unknown)}."
            )
        try:
            out[kind] = DEFAULTS[kind].replace(**changes)
        except (TypeError, ValueError) as exc:
            raise ImproperlyConfigured(f"SAMVERKAN_UPLOAD_LIMITS[{kind!r}]: {exc}.") from None
    return out


def parse_overrides(raw: str) -> dict[str, Any]:
    """The environment's JSON text as overrides (checked by :func:`validated`)."""
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        raise ImproperlyConfigured("SAMVERKAN_UPLOAD_LIMITS must be a JSON object.") from None
    if not isinstance(value, dict):
        raise ImproperlyConfigured("SAMVERKAN_UPLOAD_LIMITS must be a JSON object.")
    validated(value)
    return value


def limits_for(kind: str) -> Limits:
    """The limits of one kind of upload, as configured now (read per call: tests may override
    the setting)."""
    return validated(getattr(settings, "SAMVERKAN_UPLOAD_LIMITS", {}) or {})[kind]


def largest_upload() -> int:
    """The largest ``max_bytes`` of every kind, as configured now: the ceiling of a request
    body (``samverkan.web.middleware.UploadSizeMiddleware``)."""
    configured = validated(getattr(settings, "SAMVERKAN_UPLOAD_LIMITS", {}) or {})
    return max(limits.max_bytes for limits in configured.values())
