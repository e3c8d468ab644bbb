"""Facts files: the one reader behind ``samverkan decide --batch`` and ``POST /api/decisions/batch``.

Dialects (the same for the CLI and the API):

- **CSV**: a header row of fact names; the delimiter is a comma, or a semicolon when the
  header has semicolons and no comma (as Swedish Excel writes CSV; a set fact then needs
  quotes around ``a;b``). An empty cell is unknown; booleans ``true``/``false``, ``ja``/``nej``,
  ``yes``/``no``, ``1``/``0`` (any case); sets ``a;b``, ``[]`` = none; an optional byte order
  mark is skipped.
- **JSON lines**: one facts object per line (lines end at ``\\n`` only); blank lines skipped.
- **Parquet** (files only): typed or string columns named by the facts.

Every row is checked like a single decision (``check_facts``: the engine's validation, a
little stricter where JSON is loose: ``date`` and ``time`` as strings, ``municipality`` as
text). Errors are :class:`FileError` (field, stable code, Swedish message, allowed values,
row) raised together in :class:`InvalidFactsFile`; nothing is decided when any row is bad.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from samverkan.core.uploads import (
    Limits,
    UploadError,
    csv_rows,
    decode_text,
    duplicates,
    jsonl_values,
)
from samverkan.rules.facts import (
    FACT_ORDER,
    FACTS,
    FactError,
    Facts,
    InvalidFacts,
    Kind,
    validate_facts,
)

FORMATS = ("csv", "jsonl", "parquet")
SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
MAX_MESSAGE = 300  # engine messages quote the bad value; a huge value must not come back whole
DEFAULT_MAX_ERRORS = 50  # a file full of errors answers with the first ones

_TIME_RE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_INT_RE = re.compile(r"[+-]?[0-9]+")
_TRUE = frozenset({"true", "1", "ja", "yes"})
_FALSE = frozenset({"false", "0", "nej", "no"})
_BOOLEANS = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}


@dataclass(frozen=True)
class FileError:
    """One thing wrong with a facts file: ``field`` is the fact (None for the file's shape)."""

    field: str | None
    code: str  # stable, for the API
    message: str  # Swedish, for people
    allowed: tuple[str, ...] = ()
    row: int | None = None  # data row (CSV) or line (JSON lines), from 1

    def as_dict(self) -> dict[str, Any]:
        message = self.message
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE - 1] + "…"
        item: dict[str, Any] = {"field": self.field, "code": self.code, "message": message}
        if self.allowed:
            item["allowed"] = list(self.allowed)
        if self.row is not None:
            item["row"] = self.row
        return item


class InvalidFactsFile(ValueError):
    """The file cannot be decided; ``errors`` say where and why (at most ``max_errors``)."""

    def __init__(self, errors: list[FileError]):
        self.errors = errors
        super().__init__("; ".join(f"{e.field or 'fil'}: {e.message}" for e in errors))

    @property
    def code(self) -> str:
        """The first error's code (``invalid_encoding`` and ``too_many_rows`` stand alone)."""
        return self.errors[0].code


@dataclass
class FactsFile:
    """A checked facts file: ``frame`` holds the typed columns :func:`batch.decide` takes."""

    format: str
    frame: pl.DataFrame
    rows: list[int] = field(default_factory=list)  # each case's row (line) number in the file
    facts: list[Facts] | None = None  # the checked facts per case (CSV and JSON lines)

    @property
    def height(self) -> int:
        return self.frame.height


# --- One facts object ----------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} är inte giltig JSON")


def loads(data: bytes | str) -> Any:
    """Strict JSON: NaN and Infinity are refused like any other non-JSON."""
    return json.loads(data, parse_constant=_reject_constant)


def _strict(kind: Kind, value: Any) -> tuple[Any, FactError | None]:
    """The stricter reading of one known, non-null JSON value (see the module docstring)."""
    if kind is Kind.DATE:
        if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
            return value, FactError("", "invalid_date", "ska vara ett datum ÅÅÅÅ-MM-DD.")
    elif kind is Kind.TIME:
        if not isinstance(value, str) or not _TIME_RE.fullmatch(value):
            return value, FactError(
                "", "invalid_time", "ska vara ett klockslag TT:MM (00:00–23:59)."
            )
    elif kind is Kind.CODE:
        if not isinstance(value, str):
            return value, FactError(
                "", "not_a_string", 'ska vara en kommunkod som text, t.ex. "2380".'
            )
    elif kind is Kind.INT and isinstance(value, float) and value.is_integer():
        return int(value), None  # JSON Schema counts 67.0 as an integer
    return value, None


def check_facts(raw: Any) -> Facts:
    """The engine's typed facts for one JSON value, or InvalidFacts naming every bad field."""
    if not isinstance(raw, Mapping):
        raise InvalidFacts([FactError("facts", "not_an_object", "Fakta ska vara ett JSON-objekt.")])
    errors: list[FactError] = []
    clean: dict[str, Any] = {}
    for key, value in raw.items():
        spec = FACTS.get(key)
        if spec is not None and value is not None:
            value, error = _strict(spec.kind, value)
            if error is not None:
                errors.append(FactError(key, error.code, f"{spec.label} {error.message}"))
                continue
        clean[key] = value
    try:
        facts = validate_facts(clean)
    except InvalidFacts as exc:
        errors.extend(exc.errors)
    if errors:
        order = {key: i for i, key in enumerate(raw)}
        errors.sort(key=lambda e: order.get(e.field, len(order)))
        raise InvalidFacts(errors)
    return facts


# --- Text dialects -------------------------------------------------------------------------


def _invalid(code: str, message: str, row: int | None = None) -> InvalidFactsFile:
    return InvalidFactsFile([FileError(None, code, message, row=row)])


def parse_jsonl(text: str, limits: Limits | None = None) -> Iterator[tuple[int, Any]]:
    """(line number, value) for every non-blank line, by the shared upload reader
    (``core.uploads.jsonl_values``: lines end at "\\n" only; nesting and members limited);
    invalid JSON, or JSON past the limits, raises InvalidFactsFile naming the line."""
    try:
        yield from jsonl_values(text, limits or LIMITS)
    except UploadError as exc:
        raise _from_upload(exc) from None


def csv_value(kind: Kind, text: str) -> Any:
    """A CSV cell as the JSON value it stands for; empty = unknown. Sets: `a;b`, `[]` = none."""
    text = text.strip()
    if not text:
        return None
    if kind is Kind.BOOL:
        folded = text.casefold()
        return True if folded in _TRUE else False if folded in _FALSE else text
    if kind is Kind.INT and _INT_RE.fullmatch(text):
        try:
            return int(text)
        except ValueError:  # more digits than Python converts
            return text
    if kind is Kind.SET:
        if text == "[]":
            return []
        return [part.strip() for part in text.split(";") if part.strip()]
    return text


MAX_COLUMNS = 2 * len(FACTS)  # room for a few extra columns; thousands are no facts file
# The reader's own limits (the CLI's, and the API's unless it passes its own): no row cap here,
# ``max_rows`` of read_facts caps rows with its own message.
LIMITS = Limits(
    max_bytes=2**62, max_rows=2**62, max_columns=MAX_COLUMNS, max_depth=4, max_items=200
)
_CODES = {"unreadable": "invalid_csv", "encoding": "invalid_encoding"}  # the rules' own names


def _from_upload(exc: UploadError) -> InvalidFactsFile:
    """A refusal of the shared reader as this module's error (its codes kept)."""
    return _invalid(_CODES.get(exc.code, exc.code), exc.message, exc.row)


def parse_csv(text: str, limits: Limits | None = None) -> Iterator[tuple[int, Any]]:
    """(data row number, facts dict) per row; the header names the facts (module docstring).

    Read by the shared upload reader (``core.uploads.csv_rows``): columns, cell size and rows
    are limited as rows come; duplicate header names are found in one pass."""
    limits = limits or LIMITS
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv_rows(text, limits, delimiter=delimiter)
    try:
        header = [name.strip() for name in next(reader, [])]
    except UploadError as exc:
        if exc.code == "too_many_columns":
            message = f"Högst {limits.max_columns} kolumner (en per uppgift)."
            raise _invalid("too_many_columns", message) from None
        raise _from_upload(exc) from None
    problems = [
        FileError(name, "unknown_fact", f"Okänd uppgift '{name}'.", FACT_ORDER)
        for name in header
        if name not in FACTS
    ]
    problems += [
        FileError(name, "duplicate_column", f"Kolumnen '{name}' finns flera gånger.")
        for name in duplicates(header)  # linear; header.count() per name was quadratic
    ]
    if problems:
        raise InvalidFactsFile(problems)
    kinds = [FACTS[name].kind for name in header]
    number = 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UploadError as exc:
            raise _invalid(_CODES.get(exc.code, exc.code), exc.message, number) from None
        if len(cells) != len(header):
            message = f"Raden har {len(cells)} fält, rubrikraden {len(header)}."
            raise _invalid("wrong_field_count", message, number)
        yield (
            number,
            {
                name: csv_value(kind, cell)
                for name, kind, cell in zip(header, kinds, cells, strict=True)
            },
        )


def checked_rows(
    rows: Iterator[tuple[int, Any]],
    *,
    max_rows: int | None = None,
    max_errors: int = DEFAULT_MAX_ERRORS,
) -> tuple[list[int], list[Facts]]:
    """Every row checked like a single decision; InvalidFactsFile names row and field."""
    numbers: list[int] = []
    checked: list[Facts] = []
    errors: list[FileError] = []
    for number, raw in rows:
        if max_rows is not None and len(numbers) >= max_rows:
            message = f"Högst {max_rows} rader per anrop; dela upp filen."
            raise _invalid("too_many_rows", message)
        try:
            checked.append(check_facts(raw))
        except InvalidFacts as exc:
            errors.extend(
                FileError(e.field, e.code, e.message, e.allowed, number) for e in exc.errors
            )
            if len(errors) >= max_errors:
                break
            checked.append({})
        numbers.append(number)
    if errors:
        raise InvalidFactsFile(errors[:max_errors])
    return numbers, checked


_DTYPES: dict[Kind, pl.DataType] = {
    Kind.ENUM: pl.String(),
    Kind.CODE: pl.String(),
    Kind.BOOL: pl.Boolean(),
    Kind.INT: pl.Int32(),
    Kind.DATE: pl.Date(),
    Kind.TIME: pl.Int32(),
    Kind.SET: pl.List(pl.String()),
    Kind.TEXT: pl.String(),
}


def facts_frame(checked: list[Facts]) -> pl.DataFrame:
    """Checked facts as the batch engine's typed columns (sets in the domain model's order)."""
    columns: dict[str, list[Any]] = {}
    for name in FACT_ORDER:
        spec = FACTS[name]
        values = [facts[name] for facts in checked]
        if spec.kind is Kind.SET:
            order = spec.values.index
            values = [None if v is None else sorted(v, key=order) for v in values]
        columns[name] = values
    schema = {name: _DTYPES[FACTS[name].kind] for name in FACT_ORDER}
    return pl.DataFrame(columns, schema=schema)


# --- The door ------------------------------------------------------------------------------


def format_of(path: str | Path) -> str:
    """The dialect a file name says (``.csv``, ``.jsonl``/``.ndjson``, ``.parquet``)."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidFactsFile(
            [
                FileError(
                    "file",
                    "unsupported_format",
                    "Filen ska vara .csv, .jsonl, .ndjson eller .parquet.",
                    tuple(SUFFIXES),
                )
            ]
        )
    return SUFFIXES[suffix]


def read_facts(
    source: str | Path | bytes,
    format: str | None = None,
    *,
    max_rows: int | None = None,
    max_errors: int = DEFAULT_MAX_ERRORS,
    with_facts: bool = True,
    limits: Limits | None = None,
) -> FactsFile:
    """Read and check a facts file (a path, or the bytes of one with its ``format``).

    ``with_facts=False`` (the CLI) skips the per-case ``facts`` list, which lets a large,
    valid CSV file take a vectorised path (Polars) with the very same result; any file that
    path is not sure of is read row by row, so errors are always the row reader's.

    ``limits`` are the shared upload reader's (columns, cell size, JSON nesting; default
    :data:`LIMITS`). Raises InvalidFactsFile: ``invalid_encoding`` (not UTF-8), ``too_many_rows`` (beyond
    ``max_rows``), or the rows' and columns' errors (at most ``max_errors``). OSError when a
    path cannot be read."""
    if isinstance(source, bytes):
        data = source
        if format is None:
            format = "jsonl" if data.lstrip()[:1] == b"{" else "csv"
    else:
        format = format or format_of(source)
        if format == "parquet":
            return _read_parquet(Path(source), max_rows)
        data = Path(source).read_bytes()
    if format not in ("csv", "jsonl"):
        raise _invalid("unsupported_format", f"Okänt format '{format}'.")
    try:  # the shared decoding: UTF-8 with or without BOM; UTF-16 and NUL refused by name
        text = decode_text(data, what="Indata")
    except UploadError as exc:
        raise _invalid("invalid_encoding", exc.message) from None
    if format == "csv" and not with_facts:
        fast = _fast_csv(text, max_rows)
        if fast is not None:
            return FactsFile("csv", fast, list(range(1, fast.height + 1)))
    rows = parse_jsonl(text, limits) if format == "jsonl" else parse_csv(text, limits)
    numbers, checked = checked_rows(rows, max_rows=max_rows, max_errors=max_errors)
    return FactsFile(format, facts_frame(checked), numbers, checked)


def _read_parquet(path: Path, max_rows: int | None) -> FactsFile:
    from samverkan.rules.batch import normalise

    try:
        frame = pl.read_parquet(path)
    except OSError:
        raise
    except Exception as exc:  # Polars raises its own errors for files that are not Parquet
        raise _invalid("invalid_parquet", f"Filen går inte att läsa som Parquet: {exc}.") from None
    if max_rows is not None and frame.height > max_rows:
        raise _invalid("too_many_rows", f"Högst {max_rows} rader per anrop; dela upp filen.")
    try:
        typed = normalise(frame)
    except InvalidFacts as exc:
        raise InvalidFactsFile(
            [FileError(e.field, e.code, e.message, e.allowed) for e in exc.errors]
        ) from None
    except pl.exceptions.PolarsError as exc:  # a column of a type no fact can take
        raise _invalid("invalid_column_type", f"En kolumn har fel typ: {exc}.") from None
    return FactsFile("parquet", typed, list(range(1, typed.height + 1)))


def _fast_csv(text: str, max_rows: int | None) -> pl.DataFrame | None:
    """The typed facts of a plain, valid CSV text read by Polars, or None when the row reader
    must read it (quotes, ragged or blank lines, any value it would refuse): the same frame
    :func:`facts_frame` gives, normalised (tests/rules/test_io.py compares them)."""
    first_line, _, body = text.partition("\n")
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    if '"' in text or not body.strip():
        return None
    header = [name.strip() for name in first_line.split(delimiter)]
    if any(name not in FACTS for name in header) or len(set(header)) != len(header):
        return None
    lines = pl.Series(body.rstrip("\r\n").split("\n"), dtype=pl.String)
    shape = pl.DataFrame({"line": lines}).select(
        blank=pl.col("line").str.strip_chars().eq("").any(),
        ragged=pl.col("line").str.count_matches(delimiter, literal=True).ne(len(header) - 1).any(),
    )
    if shape.row(0) != (False, False):
        return None
    if max_rows is not None and lines.len() > max_rows:
        return None
    try:
        raw = pl.read_csv(
            text.encode(),
            separator=delimiter,
            has_header=True,
            new_columns=header,
            infer_schema=False,
            quote_char=None,
        )
    except pl.exceptions.PolarsError:
        return None
    if raw.height != lines.len() or raw.width != len(header):
        return None
    # the cells stripped, empty = unknown (null), once for every column
    cells = raw.select(
        pl.when(pl.col(n).str.strip_chars() == "")
        .then(None)
        .otherwise(pl.col(n).str.strip_chars())
        .alias(n)
        for n in header
    )
    columns: list[pl.Expr] = []
    bad: list[pl.Expr] = [pl.lit(False)]
    for name in header:
        kind, cell = FACTS[name].kind, pl.col(name)
        if kind is Kind.BOOL:
            value = cell.str.to_lowercase().replace_strict(
                _BOOLEANS, default=None, return_dtype=pl.Boolean()
            )
        elif kind is Kind.INT:
            value = cell.cast(pl.Int64, strict=False)
        elif kind is Kind.DATE:
            value = cell
            bad.append(cell.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$").not_().any())
        elif kind is Kind.SET:
            members = cell.str.split(";").list.eval(pl.element().str.strip_chars())
            value = (
                pl.when(cell == "[]")
                .then(pl.lit([], pl.List(pl.String)))
                .otherwise(members.list.eval(pl.element().filter(pl.element() != "")))
            )
        else:
            value = cell
        columns.append(value.alias(name))
    if cells.select(pl.any_horizontal(bad)).item():
        return None
    typed = cells.select(columns)
    # a cell that is not empty but has no value (a boolean or integer the row reader refuses)
    if any(typed[n].null_count() != cells[n].null_count() for n in header):
        return None
    try:
        frame = _normalise(typed)
    except (InvalidFacts, pl.exceptions.PolarsError):
        return None
    # sets as the row reader makes them: each member once, in the domain model's order
    return frame.with_columns(
        pl.col(name).list.eval(
            pl.element().cast(pl.Enum(FACTS[name].values)).unique().sort().cast(pl.String)
        )
        for name in FACT_ORDER
        if FACTS[name].kind is Kind.SET
    )


def _normalise(frame: pl.DataFrame) -> pl.DataFrame:
    from samverkan.rules.batch import normalise

    return normalise(frame)
