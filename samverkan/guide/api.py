"""JSON API of the responsibility guide, mounted at /api/decisions by samverkan.api.main.

    POST /api/decisions        one facts object  -> one decision (domain-model JSON)
    POST /api/decisions/batch  many facts objects (JSON lines or CSV) -> one line/row each

Authentication: a bearer token or a logged-in session (the API default), although the web
guide is public. The API is the machine interface: a batch of 100 000 cases costs seconds
of CPU, and a token names the kommun or region that runs an integration and can be revoked.
Anyone without an account gets the same answers, one at a time, in the public web guide.

Audit: decisions carry no personal data (the facts describe a situation: region, date,
kommun, age in years, housing, needs; never who the person is), so neither endpoint writes
an audit entry, and request bodies are never logged.

The engine is the one validator of facts (``rules.facts.validate_facts``), so the API, the
CLI and the web guide accept exactly the same things. In front of it the API is stricter
only where the engine is lenient with Python callers, so that the OpenAPI schema is exact:
``date`` must be a ``YYYY-MM-DD`` string, ``time`` an ``HH:MM`` string (not minutes),
``municipality`` a string (not a number). Errors come back as 422 with the engine's codes
(``invalid_choice``, ``unknown_fact``, …) and the allowed values.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

import polars as pl
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.multipartparser import MultiPartParserError
from ninja import Query, Router
from ninja.openapi.schema import REF_TEMPLATE
from ninja.schema import NinjaGenerateJsonSchema

from samverkan.api.errors import ERROR_RESPONSES, ApiError, ErrorResponse
from samverkan.core.documents import csv_text
from samverkan.core.upload_settings import limits_for
from samverkan.core.uploads import DEFAULTS, Limits, json_error_text, read_limited, size_text
from samverkan.guide.schemas import (
    BatchDecision,
    Decision,
    FactErrorResponse,
)
from samverkan.rules import (
    DIMENSIONS,
    FACT_ORDER,
    FACTS,
    FactError,
    Facts,
    InvalidFacts,
    InvalidFactsFile,
    Kind,
    check_facts,
    decide_facts,
    decide_frame,
    facts_to_json,
    read_facts,
    strict_json,
)
from samverkan.rules import (
    FACTS_FILE_LIMITS as RULES_LIMITS,
)

router = Router(tags=["Ansvarsguiden"])

if TYPE_CHECKING:
    OutputFormat = str
    CsvDialect = str
else:
    OutputFormat = Literal["jsonl", "ndjson", "csv"]
    CsvDialect = Literal["program", "excel"]

# A facts object is well under 2 kB; anything near this is not one.
MAX_FACTS_BYTES = 64 * 1024
# The batch caps: beyond them the answer is 413 (split the file, or use `samverkan decide
# --batch` locally, which has no cap).
# The kind ``decisions_batch`` of the shared upload limits (core.uploads; 20 MB, 100,000 rows
# by default, the setting SAMVERKAN_UPLOAD_LIMITS changes them), read per request.
_DEFAULT_BATCH = DEFAULTS["decisions_batch"]


def batch_limits() -> Limits:
    """The batch's limits as configured now; the facts file reader keeps its own column and
    JSON limits (``rules.io.LIMITS``), tightened by these where they are lower."""
    return limits_for("decisions_batch")


MAX_REPORTED_ERRORS = 50  # a file full of errors answers with the first ones
_MAX_MESSAGE = 300  # engine messages quote the bad value; a huge value must not come back whole

JSON_TYPES = ("application/json",)
_JSON_MEDIA_TYPE = "application/json"  # as JsonResponse sends it (no charset parameter)
JSONL_TYPES = (
    "application/x-ndjson",
    "application/jsonl",
    "application/json-lines",
    "application/x-jsonlines",
    "application/jsonlines",
)
CSV_TYPES = ("text/csv", "application/csv")
JSONL_MEDIA_TYPE = "application/x-ndjson"
CSV_MEDIA_TYPE = "text/csv"


_FACTS_REF = {"$ref": "#/components/schemas/Facts"}
# BatchDecision is only named in openapi_extra, which ninja does not collect components from:
# inline it (its parts, Outcome, DecisionRules and Facts, are components through Decision).
_BATCH_DECISION_SCHEMA = {
    key: value
    for key, value in BatchDecision.model_json_schema(
        ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema
    ).items()
    if key != "$defs"
}


# --- Reading and checking facts ---------------------------------------------------------------


def _error_item(error: FactError, row: int | None = None) -> dict[str, Any]:
    message = error.message
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 1] + "…"
    item: dict[str, Any] = {"field": error.field, "code": error.code, "message": message}
    if error.allowed:
        item["allowed"] = list(error.allowed)
    if row is not None:
        item["row"] = row
    return item


def _invalid(items: list[dict[str, Any]]) -> JsonResponse:
    return _json({"detail": items}, status=422)


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def _too_large(limit: int, field: str = "body") -> ApiError:
    return ApiError(413, "too_large", f"Kroppen är för stor (högst {size_text(limit)}).", field)


def _read_body(request: HttpRequest, limit: int) -> bytes:
    """The request body, at most `limit` bytes (413 beyond), without Django's 2.5 MB cap:
    streamed by the shared reader (core.uploads), never held whole past the limit."""
    if _content_length(request) > limit:
        raise _too_large(limit)
    try:
        # request.body would refuse more than DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB).
        if hasattr(request, "_body"):
            return read_limited(request.body, limit, field="body", what="Kroppen")
        return read_limited(request, limit, field="body", what="Kroppen")
    except RequestDataTooBig:
        raise _too_large(limit) from None


def _reader_limits(size: Limits) -> Limits:
    """The facts reader's limits, each the lower of its own and the configured batch's."""
    own = RULES_LIMITS
    return own.replace(
        max_columns=min(own.max_columns, size.max_columns),
        max_cell=min(own.max_cell, size.max_cell),
        max_depth=min(own.max_depth, size.max_depth),
        max_items=min(own.max_items, size.max_items),
    )


def _unsupported(allowed: tuple[str, ...]) -> ApiError:
    return ApiError(
        415,
        "unsupported_media_type",
        f"Fel Content-Type; skicka {', '.join(allowed)}.",
        field="Content-Type",
    )


# Swedish descriptions of the answers (ninja's defaults are English status names).
_RESPONSE_TEXTS: dict[int, str] = {
    400: "Kroppen går inte att läsa (tom, inte JSON, inte UTF-8, trasig multipart).",
    401: "Inloggning krävs: token (Authorization: Bearer …) eller session.",
    403: "Sessionsinloggning utan giltig CSRF-token.",
    413: "För stor kropp (`too_large`) eller för många rader (`too_many_rows`).",
    415: "Fel Content-Type (`unsupported_media_type`).",
    422: "Ogiltiga fakta: fält, kod, meddelande och tillåtna värden (i batch även rad).",
}


def _response_texts(*statuses: int) -> dict[int, dict[str, str]]:
    return {status: {"description": _RESPONSE_TEXTS[status]} for status in statuses}


# --- One decision -----------------------------------------------------------------------------


@router.post(
    "",
    summary="Avgör en fråga",
    description=(
        "Skicka fakta om en person och en insats (domänmodellens platta faktaobjekt) och få "
        "beslutet: vem som har hälso- och sjukvårdsansvaret, utför, är arbetsgivare och betalar, "
        "vilken enhet inom regionen, ersättning, åtgärder som krävs, fakta som saknas och "
        "skälen med avtalens egna ord. Okända uppgifter utelämnas eller sätts till null; motorn "
        "gissar aldrig utan svarar `undetermined` och listar dem i `missing_facts`.\n\n"
        "Kräver inloggning (token eller session). Inga personuppgifter: inget loggas."
    ),
    operation_id="decide",
    response={
        200: Decision,
        400: ErrorResponse,
        413: ErrorResponse,
        415: ErrorResponse,
        **ERROR_RESPONSES,
        422: FactErrorResponse,
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _FACTS_REF}},
        },
        "responses": {
            200: {"description": "Beslutet enligt domänmodellen."},
            **_response_texts(400, 401, 403, 413, 415, 422),
        },
    },
)
def decide(request: HttpRequest) -> HttpResponse:
    """One decision. No audit entry: the facts carry no personal data (module docstring)."""
    body = _read_body(request, MAX_FACTS_BYTES)
    if not body.strip():
        raise ApiError(
            400, "empty_body", "Kroppen är tom; skicka ett JSON-objekt med fakta, t.ex. {}."
        )
    if request.content_type not in JSON_TYPES:
        raise _unsupported(JSON_TYPES)
    try:
        raw = strict_json(body)
    except json.JSONDecodeError as exc:  # where and why, in Swedish (core.uploads)
        message = f"Kroppen är inte giltig JSON ({json_error_text(exc)})."
        raise ApiError(400, "invalid_json", message) from None
    except (ValueError, RecursionError):
        raise ApiError(400, "invalid_json", "Kroppen är inte giltig JSON.") from None
    try:
        facts = check_facts(raw)
    except InvalidFacts as exc:
        return _invalid([_error_item(e) for e in exc.errors])
    # Returned as built: the engine's dict is the domain-model JSON (tests check the schema).
    # Encoded here with the plain JSON encoder: JsonResponse's DjangoJSONEncoder has nothing to
    # add for the engine's str/bool/list/dict, and its extra layers cost a tenth of a decision.
    answer = json.dumps(decide_facts(facts).as_dict(), ensure_ascii=False)
    return HttpResponse(answer.encode(), content_type=_JSON_MEDIA_TYPE)


# --- Many decisions ---------------------------------------------------------------------------


_CHUNK_ROWS = 2_000


def _jsonl_lines(numbers: list[int], checked: list[Facts], result: pl.DataFrame) -> Iterator[bytes]:
    decided = result.select(
        ["status", "in_force", *DIMENSIONS, *(f"{d}__rule" for d in DIMENSIONS), "actions"]
    )
    lines: list[str] = []
    rows = decided.iter_rows(named=True)
    for number, facts, row in zip(numbers, checked, rows, strict=True):
        line = {
            "row": number,
            "status": row["status"],
            "in_force": row["in_force"],
            "outcome": {d: row[d] for d in DIMENSIONS},
            "rules": {d: row[f"{d}__rule"] for d in DIMENSIONS},
            "actions": row["actions"],
            "facts": facts_to_json(facts),
        }
        lines.append(json.dumps(line, ensure_ascii=False))
        if len(lines) == _CHUNK_ROWS:
            yield ("\n".join(lines) + "\n").encode()
            lines = []
    if lines:
        yield ("\n".join(lines) + "\n").encode()


def _csv_columns() -> list[pl.Expr]:
    out = [pl.col("row")]
    for name in FACT_ORDER:
        col, kind = pl.col(name), FACTS[name].kind
        if kind is Kind.TIME:
            hours = (col // 60).cast(pl.String).str.zfill(2)
            minutes = (col % 60).cast(pl.String).str.zfill(2)
            col = pl.concat_str([hours, pl.lit(":"), minutes])
        elif kind is Kind.SET:
            col = pl.when(col.list.len() == 0).then(pl.lit("[]")).otherwise(col.list.join(";"))
        out.append(col.alias(name))
    out += [pl.col("status"), pl.col("in_force")]
    for d in DIMENSIONS:
        out += [pl.col(d), pl.col(f"{d}__rule")]
    out.append(pl.col("actions").list.join(";"))
    return out


def _csv_chunks(numbers: list[int], result: pl.DataFrame, dialect: str) -> Iterator[bytes]:
    table = result.with_columns(pl.Series("row", numbers, dtype=pl.Int64)).select(_csv_columns())
    for start in range(0, max(table.height, 1), _CHUNK_ROWS * 5):
        part = table.slice(start, _CHUNK_ROWS * 5)
        if dialect == "excel":  # the one CSV writer: `;`, decimal comma, BOM, formula guard
            header = part.columns if start == 0 else None
            yield csv_text(part.iter_rows(), header, bom=start == 0).encode("utf-8")
        else:
            yield part.write_csv(include_header=start == 0).encode()


def _input_format(request: HttpRequest) -> tuple[str, bytes]:
    """("jsonl" | "csv", raw bytes) from a JSON lines or CSV body, or a multipart file."""
    content_type = request.content_type or ""
    max_bytes = batch_limits().max_bytes
    if content_type == "multipart/form-data":
        if _content_length(request) > max_bytes + 64 * 1024:
            raise _too_large(max_bytes)
        try:
            upload = request.FILES.get("file")
        except RequestDataTooBig:
            raise _too_large(max_bytes) from None
        except (MultiPartParserError, SuspiciousOperation):
            raise ApiError(400, "invalid_multipart", "Formulärdata går inte att läsa.") from None
        if upload is None:
            raise ApiError(422, "missing_file", "Skicka filen i fältet 'file'.", field="file")
        data = read_limited(upload, max_bytes)  # 413 `too_large` naming `file`
        part_type = (upload.content_type or "").split(";")[0].strip().lower()
        name = (upload.name or "").lower()
        if part_type in JSONL_TYPES or name.endswith((".jsonl", ".ndjson")):
            return "jsonl", data
        if part_type in CSV_TYPES or name.endswith(".csv"):
            return "csv", data
        return ("jsonl" if data.lstrip()[:1] == b"{" else "csv"), data
    if content_type in JSONL_TYPES:
        return "jsonl", _read_body(request, max_bytes)
    if content_type in CSV_TYPES:
        return "csv", _read_body(request, max_bytes)
    raise _unsupported((JSONL_MEDIA_TYPE, CSV_MEDIA_TYPE, "multipart/form-data"))


def _output_format(request: HttpRequest, format: str | None, input_format: str) -> str:
    """`?format=` first, then a specific Accept header, else the input's own format."""
    if format is not None:
        return "csv" if format == "csv" else "jsonl"
    accept = request.headers.get("Accept", "").strip()
    if accept and accept != "*/*":
        preferred = request.get_preferred_type([*JSONL_TYPES, CSV_MEDIA_TYPE])
        if preferred is not None:
            return "csv" if preferred == CSV_MEDIA_TYPE else "jsonl"
    return input_format


_CSV_DESCRIPTION = (
    "CSV med rubrikrad av faktanamn (komma, eller semikolon som Excel skriver). Tom cell = "
    "okänd. Mängder som `adl_needs_over_time`: värden åtskilda av `;`, `[]` = inga. "
    "Sanningsvärden: true/false (även ja/nej, 1/0)."
)


@router.post(
    "/batch",
    summary="Avgör många frågor (JSON lines eller CSV)",
    description=(
        "Skicka många faktaobjekt på en gång: JSON lines (`application/x-ndjson`, ett "
        "faktaobjekt per rad), CSV (`text/csv`), eller en uppladdad fil (multipart, fältet "
        "`file`, .csv eller .jsonl). Svaret har en rad per fall, i samma ordning, som JSON "
        f"lines eller CSV (Accept eller `?format=`). Högst {_DEFAULT_BATCH.max_rows} rader och "
        f"{size_text(_DEFAULT_BATCH.max_bytes)} (förval), annars 413 (`too_many_rows`, "
        "`too_large`); en cell högst 10 000 tecken (422 `cell_too_long`), JSON nästlat högst "
        "4 nivåer (422 `too_deep`). "
        "Ogiltiga rader ger 422 med rad och fält; inget fall avgörs då.\n\n"
        "Batchmotorn ger utfall, regler, åtgärder och status per rad, inte skäl med citat: "
        "fråga `POST /api/decisions` om ett enskilt fall för dem. Kräver inloggning."
    ),
    operation_id="decide_batch",
    response={
        400: ErrorResponse,
        413: ErrorResponse,
        415: ErrorResponse,
        **ERROR_RESPONSES,
        422: FactErrorResponse,
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                JSONL_MEDIA_TYPE: {
                    "schema": {
                        "type": "array",
                        "items": _FACTS_REF,
                        "description": "JSON lines: ett faktaobjekt (Facts) per rad.",
                    }
                },
                CSV_MEDIA_TYPE: {"schema": {"type": "string", "description": _CSV_DESCRIPTION}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "file": {
                                "type": "string",
                                "format": "binary",
                                "description": "En .csv- eller .jsonl-fil.",
                            }
                        },
                        "required": ["file"],
                    }
                },
            },
        },
        "responses": {
            **_response_texts(400, 401, 403, 413, 415, 422),
            200: {
                "description": "En rad per fall, i indatas ordning.",
                "content": {
                    JSONL_MEDIA_TYPE: {
                        "schema": {
                            "type": "array",
                            "items": _BATCH_DECISION_SCHEMA,
                            "description": "JSON lines: ett BatchDecision-objekt per rad.",
                        }
                    },
                    CSV_MEDIA_TYPE: {
                        "schema": {
                            "type": "string",
                            "description": (
                                "Kolumnerna row, alla fakta, status, in_force, varje dimension "
                                "och `<dimension>__rule`, actions (åtskilda av `;`)."
                            ),
                        }
                    },
                },
            },
        },
    },
)
def decide_batch(
    request: HttpRequest,
    format: OutputFormat | None = Query(  # noqa: B008 - ninja's way to describe a parameter
        None,
        description=(
            "Svarets format: `jsonl` (JSON lines) eller `csv`. Utan parametern avgör Accept-huvudet "
            "(`application/x-ndjson` eller `text/csv`), annars samma format som indata."
        ),
    ),
    dialect: CsvDialect = Query(  # noqa: B008 - ninja's way to describe a parameter
        "program",
        description=(
            "CSV-svarets dialekt: `program` (komma, punkt som decimaltecken, utan BOM; för "
            "program) eller `excel` (semikolon, decimalkomma, UTF-8 med BOM och skydd mot "
            "formler; öppnas direkt i ett svenskt Excel)."
        ),
    ),
) -> HttpResponseBase:
    """Many decisions with the batch engine. No audit entry: no personal data (module docstring)."""
    kind, data = _input_format(request)
    output = _output_format(request, format, kind)
    try:  # the one facts-file reader, shared with `samverkan decide --batch`
        size = batch_limits()
        cases = read_facts(
            data,
            kind,
            max_rows=size.max_rows,
            max_errors=MAX_REPORTED_ERRORS,
            limits=_reader_limits(size),
        )
    except InvalidFactsFile as exc:
        if exc.code == "invalid_encoding":
            raise ApiError(400, "invalid_encoding", exc.errors[0].message) from None
        if exc.code in ("too_many_rows", "too_many_items"):
            first = exc.errors[0]
            raise ApiError(413, exc.code, first.message, field=first.field or "body") from None
        return _invalid([e.as_dict() for e in exc.errors])
    numbers, checked = cases.rows, cases.facts or []
    result = decide_frame(cases.frame, action_list=True)
    if output == "csv":
        response = StreamingHttpResponse(
            _csv_chunks(numbers, result, dialect), content_type=f"{CSV_MEDIA_TYPE}; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="beslut.csv"'
    else:
        response = StreamingHttpResponse(
            _jsonl_lines(numbers, checked, result), content_type=JSONL_MEDIA_TYPE
        )
    response["X-Row-Count"] = str(len(numbers))
    return response
