"""The file export of a region's own discharge planning tool (CSV), recorded through the same
services as the board and idempotent by the row's `id` (a second import of the same file
adds nothing). All rows or none: a bad row is refused naming its row number and column.

Columns (header row, `;` or `,`, UTF-8 with or without BOM; times `YYYY-MM-DD HH:MM` in
Swedish time or ISO 8601 with offset):

| column | content |
|---|---|
| `id` | the tool's identifier of the stay (required) |
| `personnummer` | personnummer, samordningsnummer or reservnummer (required; a person the importing user sees) |
| `enhet` | the inpatient unit's HSA-id or name (required) |
| `kommun` | SCB kommunkod (default: the person's home kommun) |
| `vardform` | `somatisk` or `psykiatrisk` (required) |
| `inskriven` | admitted (required) |
| `inskrivningsmeddelande` | when the inskrivningsmeddelande was sent |
| `mottagare` | receivers, separated by `|`: `socialtjanst`, `kommunal_hälso_och_sjukvard`, `oppenvard` (default: the kommun's two) |
| `utskrivningsklar`, `meddelande_utskrivningsklar` | the physician's assessment, and when it was notified |
| `utskriven`, `avliden` | discharge, death |
| `kommunala_insatser`, `regionsjukvard` | `ja`/`nej` |
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from samverkan.accounts.models import Organisation, OrganisationKind, Unit
from samverkan.core.upload_settings import limits_for
from samverkan.core.uploads import csv_rows, decode_text, duplicates, read_limited
from samverkan.discharge import services
from samverkan.discharge.models import Receiver, Source
from samverkan.discharge.services import DischargeError, Imported
from samverkan.people import selectors as people_selectors

# Limits: the kind ``discharge_import`` of the shared upload limits (core.uploads: 20 MB,
# 100,000 rows, 64 columns, 10,000 characters a cell by default; SAMVERKAN_UPLOAD_LIMITS).

REQUIRED = ("id", "personnummer", "enhet", "vardform", "inskriven")
CARE_TYPES = {
    "somatisk": "somatic",
    "psykiatrisk": "psychiatric",
    "somatic": "somatic",
    "psychiatric": "psychiatric",
}
RECEIVERS = {
    "socialtjanst": Receiver.MUNICIPAL_SOCIAL_SERVICES,
    "socialtjänst": Receiver.MUNICIPAL_SOCIAL_SERVICES,
    "kommunal_halso_och_sjukvard": Receiver.MUNICIPAL_HEALTH_CARE,
    "kommunal_hälso_och_sjukvård": Receiver.MUNICIPAL_HEALTH_CARE,
    "kommunal_hälso_och_sjukvard": Receiver.MUNICIPAL_HEALTH_CARE,
    "oppenvard": Receiver.REGION_OPEN_CARE,
    "öppenvård": Receiver.REGION_OPEN_CARE,
}
YES, NO = {"ja", "j", "1", "true"}, {"nej", "n", "0", "false"}


def _bad(row: int, column: str | None, message: str) -> DischargeError:
    field = f"row.{row}.{column}" if column else f"row.{row}"
    return DischargeError(field, "invalid_row", f"Rad {row}: {message}")


def _time(row: int, column: str, value: str) -> dt.datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        parsed = parse_datetime(value.replace(" ", "T", 1) if len(value) == 16 else value)
    except ValueError:  # well-formed but impossible, e.g. month 13
        parsed = None
    if parsed is None:
        raise _bad(row, column, f"{column} ska vara en tidpunkt (ÅÅÅÅ-MM-DD TT:MM).")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _bool(row: int, column: str, value: str) -> bool | None:
    value = value.strip().lower()
    if not value:
        return None
    if value in YES:
        return True
    if value in NO:
        return False
    raise _bad(row, column, f"{column} ska vara ja eller nej.")


def read_upload(upload: Any) -> bytes:
    """An uploaded file's bytes, streamed and refused past the limit (413 ``too_large``)."""
    return read_limited(upload, limits_for("discharge_import").max_bytes)


def _rows(data: bytes) -> list[dict[str, str]]:
    """The rows as dicts by the shared reader (core.uploads): UTF-8, columns, cells and rows
    limited as they come, duplicate columns refused."""
    size = limits_for("discharge_import")
    text = decode_text(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv_rows(text, size, delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DischargeError(
            "file", "missing_columns", "Kolumner saknas: " + ", ".join(missing) + "."
        )
    repeated = duplicates(h for h in header if h)
    if repeated:
        raise DischargeError(
            "file", "duplicate_columns", "Kolumner finns flera gånger: " + ", ".join(repeated) + "."
        )
    return [
        {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}
        for cells in reader
    ]


def import_csv(actor: Any, data: bytes) -> Imported:
    data = read_limited(data, limits_for("discharge_import").max_bytes)
    profile = services.require_region_sender(actor)
    organisation = profile.organisation
    rows = _rows(data)
    result = Imported()
    with transaction.atomic():
        for number, row in enumerate(rows, start=2):
            source_id = row.get("id", "").strip()
            if not source_id:
                raise _bad(number, "id", "id saknas.")
            person = people_selectors.resolve_identifier(actor, row.get("personnummer", "").strip())
            if person is None:
                raise DischargeError(
                    f"row.{number}.personnummer",
                    "person_unknown",
                    f"Rad {number}: personen finns inte bland era patienter.",
                    status=404,
                )
            name = row.get("enhet", "").strip()
            unit = (
                Unit.objects.filter(
                    Q(hsa_id=name) | Q(name=name), organisation=organisation
                ).first()
                if name
                else None
            )
            if unit is None:
                raise _bad(number, "enhet", "enheten finns inte i regionen.")
            care_type = CARE_TYPES.get(row.get("vardform", "").strip().lower())
            if care_type is None:
                raise _bad(number, "vardform", "vardform ska vara somatisk eller psykiatrisk.")
            code = row.get("kommun", "").strip() or person.home_municipality
            municipality = Organisation.objects.filter(
                kind=OrganisationKind.MUNICIPALITY, scb_code=code
            ).first()
            if municipality is None:
                raise _bad(number, "kommun", "kommunkoden är okänd.")
            receivers = []
            for part in row.get("mottagare", "").split("|"):
                part = part.strip().lower()
                if not part:
                    continue
                if part not in RECEIVERS:
                    raise _bad(number, "mottagare", f"okänd mottagare {part!r}.")
                receivers.append(RECEIVERS[part])
            admitted = _time(number, "inskriven", row.get("inskriven", ""))
            if admitted is None:
                raise _bad(number, "inskriven", "inskriven saknas.")
            try:
                services.record_from_source(
                    actor,
                    result,
                    source=Source.FILE,
                    source_id=source_id[:200],
                    person=person,
                    unit=unit,
                    municipality=municipality,
                    care_type=care_type,
                    admitted_at=admitted,
                    needs_municipal_insatser=_bool(
                        number, "kommunala_insatser", row.get("kommunala_insatser", "")
                    ),
                    from_regional_care=bool(
                        _bool(number, "regionsjukvard", row.get("regionsjukvard", ""))
                    ),
                    admission_notice_at=_time(
                        number, "inskrivningsmeddelande", row.get("inskrivningsmeddelande", "")
                    ),
                    receivers=receivers,
                    ready_at=_time(number, "utskrivningsklar", row.get("utskrivningsklar", "")),
                    ready_notice_at=_time(
                        number,
                        "meddelande_utskrivningsklar",
                        row.get("meddelande_utskrivningsklar", ""),
                    ),
                    discharged_at=_time(number, "utskriven", row.get("utskriven", "")),
                    died_at=_time(number, "avliden", row.get("avliden", "")),
                    payload=row,
                )
            except DischargeError as error:
                first = error.details[0] if getattr(error, "details", None) else None
                message = first.message if first else str(error)
                column = first.field if first and first.field else None
                raise DischargeError(
                    f"row.{number}.{column}" if column else f"row.{number}",
                    first.code if first else "invalid_row",
                    f"Rad {number}: {message}",
                    status=error.status,
                ) from None
    return result
