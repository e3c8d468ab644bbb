"""Uploads: the one reader for every file or body a user sends (CSV, JSON, JSON lines, FHIR).

Every upload path reads through these functions, with the limits of its kind
(:data:`DEFAULTS`, overridden by the setting ``SAMVERKAN_UPLOAD_LIMITS``, see
``samverkan.core.upload_settings.limits_for``):

- :func:`read_limited` streams a file, a request or bytes in chunks and stops at
  ``max_bytes + 1``: nothing larger is ever held whole (413 ``too_large``).
- :func:`decode_text`: UTF-8 with or without BOM; Windows-1252 as a fallback where the room
  accepts it (``cp1252=True``); UTF-16 with a BOM read where the room accepts it
  (``utf16=True``), else refused by name; NUL characters refused (422 ``encoding``).
- :func:`csv_rows`: the stdlib CSV reader, refusing as rows come more than ``max_columns``
  cells (422 ``too_many_columns``), a cell over ``max_cell`` characters (422
  ``cell_too_long``; csv's own limit of 131,072 answers the same) and more than ``max_rows``
  data rows (413 ``too_many_rows``). :func:`duplicates` finds repeated header names in one pass
  (a ``Counter``; ``header.count(name)`` per name was quadratic: 23.7 s for 40,000 columns).
- :func:`load_json` and :func:`jsonl_values`: strict JSON (no NaN), with :func:`check_shape`
  on the result: nesting deeper than ``max_depth`` (422 ``too_deep``; also what the parser's
  own recursion limit becomes) and an array or object of more than ``max_items`` members
  (413 ``too_many_items``; for FHIR this is the Bundle's ``entry``).

Every refusal is an :class:`UploadError`, a :class:`samverkan.core.errors.Problem`: a stable
code, the field named (``file``, ``body`` or the JSON path) and a Swedish message; the API
answers it in its one error shape, a form shows the message. Pure Python, no Django: the
rules package reads facts files with it too.
"""

from __future__ import annotations

import collections
import csv
import dataclasses
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from samverkan.core.errors import Problem

__all__ = [
    "CHUNK",
    "CSV_CELL_CEILING",
    "DEFAULTS",
    "Limits",
    "UploadError",
    "check_shape",
    "csv_rows",
    "decode_text",
    "duplicates",
    "json_error_text",
    "jsonl_values",
    "load_json",
    "read_limited",
    "size_text",
]

KIB = 1024
MIB = 1024 * 1024
CHUNK = 64 * KIB
CSV_CELL_CEILING = 131_072  # csv.field_size_limit(): a larger cell raises csv.Error


@dataclasses.dataclass(frozen=True)
class Limits:
    """The limits of one kind of upload. ``max_cell`` is at most :data:`CSV_CELL_CEILING`."""

    max_bytes: int = 20 * MIB
    max_rows: int = 100_000  # data rows of a CSV file, lines of a JSON lines file
    max_columns: int = 64  # cells per CSV row
    max_cell: int = 10_000  # characters in one CSV cell
    max_depth: int = 40  # nesting of JSON arrays and objects
    max_items: int = 10_000  # members of one JSON array or object (FHIR: Bundle entries)

    def __post_init__(self) -> None:
        for name, value in dataclasses.asdict(self).items():
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"upload limit {name} must be a positive integer, not {value!r}")
        if self.max_cell > CSV_CELL_CEILING:
            raise ValueError(f"upload limit max_cell is at most {CSV_CELL_CEILING}")

    def replace(self, **changes: int) -> Limits:
        return dataclasses.replace(self, **changes)


# The kinds of upload and their defaults (each room names its kind).
DEFAULTS: dict[str, Limits] = {
    # Tjänsteköp: performed services from another system, web form and API alike.
    "purchases_import": Limits(max_bytes=60 * MIB, max_rows=500_000, max_columns=64),
    # Ansvarsguiden: POST /api/decisions/batch (CSV or JSON lines of facts objects).
    "decisions_batch": Limits(max_bytes=20 * MIB, max_rows=100_000, max_depth=4, max_items=200),
    # Utskrivning: the region's planning tool's CSV export.
    "discharge_import": Limits(max_bytes=20 * MIB, max_rows=100_000, max_columns=64),
    # Every JSON body of the API (as Django's own DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB).
    "json_body": Limits(max_bytes=2_621_440, max_depth=40, max_items=10_000),
    # FHIR resources and Bundles received (SIP's Patient import, discharge messages, the
    # command import_fhir_patients).
    "fhir": Limits(max_bytes=2_621_440, max_depth=40, max_items=1_000),
    # JSON written into a form's text field (avvikelser: facts; uppföljning: a variant).
    "form_json": Limits(max_bytes=256 * KIB, max_depth=20, max_items=1_000),
}


class UploadError(Problem):
    """An upload refused by a limit or its encoding: 413 for size and counts, else 422."""

    def __init__(
        self,
        field: str | None,
        code: str,
        message: str,
        *,
        status: int = 422,
        row: int | None = None,
    ) -> None:
        extras: dict[str, Any] = {} if row is None else {"row": row}
        super().__init__(field, code, message, status=status, **extras)
        self.row = row


def size_text(limit: int) -> str:
    """60 MB, 20 MB, 64 kB: the limit as a nurse reads it (binary units, Swedish short forms)."""
    if limit >= MIB:
        return f"{limit / MIB:g} MB"
    if limit >= KIB:
        return f"{limit / KIB:g} kB"
    return f"{limit} byte"


def too_large(limit: int, field: str = "file", what: str = "Filen") -> UploadError:
    return UploadError(
        field, "too_large", f"{what} är för stor (högst {size_text(limit)}).", status=413
    )


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def read_limited(
    source: bytes | str | _Readable,
    max_bytes: int,
    *,
    field: str = "file",
    what: str = "Filen",
) -> bytes:
    """The bytes of ``source`` (bytes, text, an uploaded file or a request), read in chunks of
    :data:`CHUNK` and refused as soon as they pass ``max_bytes`` (413 ``too_large``).

    A declared size (an uploaded file's ``size``) over the limit is refused before reading."""
    if isinstance(source, str):
        source = source.encode("utf-8")
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if len(data) > max_bytes:
            raise too_large(max_bytes, field, what)
        return data
    size = getattr(source, "size", None)
    if isinstance(size, int) and size > max_bytes:
        raise too_large(max_bytes, field, what)
    parts: list[bytes] = []
    total = 0
    while True:
        chunk = source.read(min(CHUNK, max_bytes + 1 - total))
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise too_large(max_bytes, field, what)
    return b"".join(parts)


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode_text(
    data: bytes | str,
    *,
    cp1252: bool = False,
    utf16: bool = False,
    field: str = "file",
    what: str = "Filen",
) -> str:
    """Text of an upload: UTF-8 (a BOM is dropped); with ``utf16`` UTF-16 with a BOM; with
    ``cp1252`` Windows-1252 when it is not UTF-8. Anything else, and NUL characters, is
    refused (422 ``encoding``) with a message saying how to save the file."""
    if isinstance(data, str):
        text = data.lstrip("\ufeff")
    elif data.startswith(_UTF16_BOMS):
        if not utf16:
            raise UploadError(field, "encoding", f"{what} är kodad i UTF-16: spara den som UTF-8.")
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise UploadError(field, "encoding", f"{what} är inte giltig UTF-16.") from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            if not cp1252:
                raise UploadError(
                    field, "encoding", f"{what} är inte kodad i UTF-8: spara den som UTF-8."
                ) from None
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise UploadError(
                    field,
                    "encoding",
                    f"{what} är varken UTF-8 eller Windows-1252: spara den som UTF-8.",
                ) from None
    if "\x00" in text:
        raise UploadError(
            field, "encoding", f"{what} innehåller NUL-tecken: spara den som UTF-8-text."
        )
    return text


def duplicates(names: Iterable[str]) -> list[str]:
    """The names that occur more than once, sorted; one pass (linear in the header)."""
    counts = collections.Counter(names)
    return sorted(name for name, n in counts.items() if n > 1)


def _cell_too_long(limits: Limits, field: str) -> UploadError:
    return UploadError(field, "cell_too_long", f"Högst {limits.max_cell} tecken i en cell.")


def csv_rows(
    text: str,
    limits: Limits,
    *,
    delimiter: str = ",",
    field: str = "file",
) -> Iterator[list[str]]:
    """The rows of a CSV text (the header first), each checked as it comes: at most
    ``max_columns`` cells, ``max_cell`` characters per cell and ``max_rows`` rows after the
    header (blank lines are no rows). Unreadable CSV is 422 ``unreadable``."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = -1  # the header is no data row
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field limit" in str(exc):  # a cell over csv's own 131,072 characters
                raise _cell_too_long(limits, field) from None
            message = (
                f"Rad {reader.line_num} kan inte läsas som CSV "
                "(t.ex. ett citattecken som inte avslutas)."
            )
            raise UploadError(field, "unreadable", message) from None
        if not cells:
            continue
        if len(cells) > limits.max_columns:
            raise UploadError(
                field, "too_many_columns", f"Högst {limits.max_columns} kolumner per rad."
            )
        for cell in cells:
            if len(cell) > limits.max_cell:
                raise _cell_too_long(limits, field)
        rows += 1
        if rows > limits.max_rows:
            raise UploadError(
                field, "too_many_rows", f"Högst {limits.max_rows} rader per fil.", status=413
            )
        yield cells


class _ConstantError(ValueError):
    """NaN, Infinity or -Infinity: Python's json reads them, strict JSON has no such values."""


def _reject_constant(name: str) -> Any:
    raise _ConstantError(f"{name} är inte giltig JSON")


def _path(parts: list[str], field: str) -> str:
    shown = parts[:6]
    return ".".join(shown) + (".…" if len(parts) > 6 else "") if shown else field


def check_shape(value: Any, limits: Limits, *, field: str = "body") -> Any:
    """``value`` (parsed JSON) unchanged, or UploadError: nesting deeper than ``max_depth``
    (422 ``too_deep``), an array or object of more than ``max_items`` members (413
    ``too_many_items``, naming the JSON path, e.g. ``entry``). Iterative and linear."""
    stack: list[tuple[Any, int, list[str]]] = [(value, 1, [])]
    while stack:
        node, depth, parts = stack.pop()
        if isinstance(node, dict):
            members: Iterable[tuple[str, Any]] = node.items()
        elif isinstance(node, list):
            members = ((str(i), item) for i, item in enumerate(node))
        else:
            continue
        if depth > limits.max_depth:
            raise UploadError(
                _path(parts, field),
                "too_deep",
                f"JSON får vara nästlat högst {limits.max_depth} nivåer.",
            )
        if len(node) > limits.max_items:
            raise UploadError(
                _path(parts, field),
                "too_many_items",
                f"Högst {limits.max_items} delar i en lista eller ett objekt.",
                status=413,
            )
        for key, item in members:
            if isinstance(item, dict | list):
                stack.append((item, depth + 1, [*parts, key]))
    return value


# Python's json messages (json.decoder, scanner) and what they mean, in Swedish.
_JSON_REASONS = (
    ("Expecting value", "ett värde väntades"),
    ("Expecting property name", "ett namn inom dubbla citattecken väntades"),
    ("Expecting ':' delimiter", "kolon (:) väntades"),
    ("Expecting ',' delimiter", "kommatecken (,) väntades"),
    ("Unterminated string", "en text inom citattecken avslutas inte"),
    ("Invalid control character", "ett styrtecken (t.ex. radbrytning) inom citattecken"),
    ("Invalid \\uXXXX escape", "en ogiltig \\u-kod"),
    ("Invalid \\escape", "ett ogiltigt tecken efter \\"),
    ("Illegal trailing comma", "kommatecken före slutet"),
    ("Extra data", "mer text efter JSON-värdet"),
)


def json_error_text(error: json.JSONDecodeError, *, line: bool = True) -> str:
    """Where and why JSON text does not parse, in Swedish: "rad 2, kolumn 5: kolon (:)
    väntades" (``line=False``: "kolumn 5: …", for one line of a JSON lines file). The parser's
    own English words never reach a user."""
    reason = next(
        (swedish for english, swedish in _JSON_REASONS if error.msg.startswith(english)),
        "texten kan inte läsas som JSON",
    )
    where = f"rad {error.lineno}, kolumn {error.colno}" if line else f"kolumn {error.colno}"
    return f"{where}: {reason}"


def _loads(
    text: str | bytes,
    limits: Limits,
    field: str,
    line: int | None = None,
    what: str = "Kroppen",
) -> Any:
    where = f"Rad {line}" if line is not None else what
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise UploadError(
            field,
            "too_deep",
            f"{where}: JSON får vara nästlat högst {limits.max_depth} nivåer.",
            row=line,
        ) from None
    except json.JSONDecodeError as exc:
        detail = json_error_text(exc, line=line is None)
        raise UploadError(
            field, "invalid_json", f"{where} är inte giltig JSON ({detail}).", row=line
        ) from None
    except _ConstantError:
        raise UploadError(
            field,
            "invalid_json",
            f"{where} är inte giltig JSON (NaN och Infinity är inga JSON-värden).",
            row=line,
        ) from None
    except ValueError:  # e.g. a number of more digits than Python converts
        raise UploadError(
            field, "invalid_json", f"{where} är inte giltig JSON.", row=line
        ) from None
    try:
        return check_shape(value, limits, field=field)
    except UploadError as exc:
        if line is None:
            raise
        raise UploadError(
            exc.field, exc.code, f"{where}: {exc.message}", status=exc.status, row=line
        ) from None


def load_json(
    data: bytes | str, limits: Limits, *, field: str = "body", what: str = "Kroppen"
) -> Any:
    """One JSON document (UTF-8), within ``limits`` (bytes, depth, items). ``what`` names it
    in the messages ("Kroppen" of a request, "Texten" of a form field, "Filen")."""
    raw = read_limited(data, limits.max_bytes, field=field, what=what)
    text = decode_text(raw, field=field, what=what)
    return _loads(text, limits, field, what=what)


def jsonl_values(text: str, limits: Limits, *, field: str = "file") -> Iterator[tuple[int, Any]]:
    """(line number, value) for every non-blank line of a JSON lines text, each within the
    depth and item limits; more than ``max_rows`` values is 413 ``too_many_rows``.

    Lines end at "\\n" only (str.splitlines would also cut at U+2028, which JSON allows in
    strings); the lines are found one at a time, never as a list of the whole text."""
    count = 0
    start, number = 0, 0
    while start <= len(text):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        number += 1
        line = text[start:end]
        start = end + 1
        if not line.strip():
            continue
        count += 1
        if count > limits.max_rows:
            raise UploadError(
                field, "too_many_rows", f"Högst {limits.max_rows} rader per fil.", status=413
            )
        yield number, _loads(line, limits, field, number)
