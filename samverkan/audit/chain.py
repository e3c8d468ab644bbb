"""The audit log's hash chain: how one event's and one period anchor's hashes are computed.

An event's hash is SHA-256 over its canonical content (every field but ``id`` and ``hash``,
in a fixed JSON serialisation, version 1) including its ``sequence`` and the previous event's
hash (``prev_hash``; the first event's is :data:`GENESIS`). Changing, inserting or removing
any event breaks the chain at that sequence number. A period anchor (one per month) records
the period's first and last sequence, the count, the last event's hash and the previous
anchor's hash, so that the events of periods past their retention can be purged and the rest
still verifies from the anchor.

Pure functions over plain values: the migration that chains existing events uses them too, so
changing the serialisation needs a new version, never an edit of version 1.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

GENESIS = "0" * 64
VERSION = 1

# The event fields the hash covers, in the stored form (foreign keys as their ids).
EVENT_FIELDS = (
    "sequence",
    "prev_hash",
    "timestamp",
    "user_id",
    "organisation_id",
    "role",
    "action",
    "object_type",
    "object_id",
    "person_ref",
    "owner_id",
    "unit_id",
    "process",
    "why",
    "ip",
)

ANCHOR_FIELDS = (
    "period",
    "first_sequence",
    "last_sequence",
    "count",
    "last_hash",
    "prev_anchor_hash",
)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        # One instant, one text: UTC with microseconds (what both databases store).
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def canonical(values: Mapping[str, Any], fields: tuple[str, ...]) -> bytes:
    """The fixed serialisation: a JSON array [version, value of each field in order]."""
    row = [VERSION, *(_plain(values[name]) for name in fields)]
    return json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def event_hash(values: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(values, EVENT_FIELDS)).hexdigest()


def anchor_hash(values: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(values, ANCHOR_FIELDS)).hexdigest()
