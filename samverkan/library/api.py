"""JSON API of the agreement library, mounted at /api/ (empty prefix) by samverkan.api.main.

    GET /api/agreements?date=YYYY-MM-DD       every agreement version with its status
    GET /api/clauses?q=&agreement=&limit=     search (with q) or list the clauses
    GET /api/clauses/{clause_id}              one clause, e.g. /api/clauses/jh-hemsjukvard%20%C2%A77.3

Public (``auth=None``), like the library's web pages: the agreements are public documents
and nothing here concerns a person, so there is nothing to authenticate or audit.

Clause ids contain spaces and "§"; clients URL-encode them in the path (Django decodes the
path before routing). The route takes the rest of the path, so an id with "/" or a newline
(a client's typo, "%2F", "%0A") still reaches the view and gets the JSON 404
``unknown_clause``. Spelling is forgiven as in ``clauses.library.get``
("jh-hemsjukvard 7.3" finds "jh-hemsjukvard §7.3").
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import register_converter
from django.utils import timezone
from ninja import Query, Router
from pydantic import StringConstraints, WithJsonSchema

from samverkan.api.errors import ApiError, ErrorResponse
from samverkan.api.schemas import DATE_PATTERN
from samverkan.library.schemas import (
    AgreementId,
    AgreementsOut,
    AgreementStatus,
    CitingRule,
    Classification,
    ClauseDetail,
    ClauseList,
    ClauseSummary,
)
from samverkan.rules import (
    ALL_VERSIONS,
    AgreementVersion,
    Clause,
    CoverageRow,
    Notices,
    UnknownClause,
    all_clauses,
    clauses_of,
    coverage,
    current_notices,
    get,
    search,
    status,
    version_end,
)

router = Router(tags=["Avtalsbiblioteket"])


class ClauseTextConverter:
    """The rest of the path, whatever it holds ("/", newlines): unknown ids get a JSON 404
    from the view instead of Django's HTML one from the resolver."""

    regex = r"[\s\S]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ClauseTextConverter, "clause_text")

MAX_QUERY_LENGTH = 500
MAX_LIMIT = 200
SEARCH_LIMIT = 10  # hits when `limit` is not given; a plain list then has every clause

# A date as text, parsed in the view: pydantic's lax date would read "0" as a Unix timestamp.
DateText = Annotated[
    str,
    StringConstraints(pattern=DATE_PATTERN),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]

# --- Agreements -----------------------------------------------------------------------------


def _status_row(version: AgreementVersion, day: dt.date, notices: Notices) -> dict[str, Any]:
    try:
        row = status(version, day, notices).as_dict()
    except (ValueError, OverflowError):
        # A renewing term's end past year 9999 cannot be represented; the rest still can.
        end = version_end(version, notices)
        in_force = version.starts <= day and (end is None or day <= end)
        row = {
            "in_force": in_force,
            "ended": end is not None and day > end,
            "valid_from": version.starts,
            "valid_to": end,
            "term_start": None,
            "term_end": None,
            "next_notice_deadline": None,
            "renews": bool(version.term.renewal_years) and end is None,
        }
    return row | {
        "id": version.agreement,
        "version": version.version,
        "title": version.title,
        "region": version.region,
        "forum": version.forum,
        "follows": version.follows,
    }


@router.get(
    "/agreements",
    auth=None,
    summary="Avtalen och deras status på ett datum",
    description=(
        "Varje avtalsversion med status på datumet: om den gäller, giltighetstid, nuvarande "
        "avtalsperiod, nästa sista dag för uppsägning och om avtalet förlängs automatiskt. "
        "Öppen, utan inloggning: avtalen är offentliga handlingar."
    ),
    operation_id="list_agreements",
    response={200: AgreementsOut, 422: ErrorResponse},
    openapi_extra={"responses": {422: {"description": "Ogiltigt datum (`invalid_date`)."}}},
)
def agreements(
    request: HttpRequest,
    date: DateText | None = Query(  # noqa: B008 - ninja's way to describe a parameter
        None, description="ÅÅÅÅ-MM-DD; standard är dagens datum (Europe/Stockholm)."
    ),
) -> dict[str, Any]:
    if date is None:
        day = timezone.localdate()
    else:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise ApiError(
                422, "invalid_date", "Ska vara ett datum (ÅÅÅÅ-MM-DD).", "date"
            ) from None
    notices = current_notices()  # recorded terminations end a renewing term
    return {
        "date": day,
        "agreements": [AgreementStatus(**_status_row(v, day, notices)) for v in ALL_VERSIONS],
    }


# --- Clauses --------------------------------------------------------------------------------


@cache
def _citing() -> dict[str, list[dict[str, Any]]]:
    """Clause id -> the rules citing it, in declaration order."""
    cited: dict[str, list[dict[str, Any]]] = {}
    for version in ALL_VERSIONS:
        for rule in version.rules:
            cited.setdefault(get(rule.clause).id, []).append(
                {
                    "id": rule.id,
                    "agreement": version.agreement,
                    "version": version.version,
                    "summary": rule.summary,
                    "decides": dict(rule.decides),
                    "actions": list(rule.actions),
                }
            )
    return cited


@cache
def _classification() -> dict[str, CoverageRow]:
    cited = {clause_id: [r["id"] for r in rules] for clause_id, rules in _citing().items()}
    return {row.clause_id: row for row in coverage(cited)}


def _summary(clause: Clause, score: float | None, snippet: str | None) -> ClauseSummary:
    return ClauseSummary(
        id=clause.id,
        agreement=clause.agreement,
        number=clause.number,
        heading=clause.heading,
        classification=_classification()[clause.id].status,
        score=score,
        snippet=snippet,
    )


@router.get(
    "/clauses",
    auth=None,
    summary="Sök eller lista avtalens klausuler",
    description=(
        "Med `q`: avtalsbibliotekets svenska sökning (ordstammar, BM25), bäst först. Utan `q`: "
        "alla klausuler i dokumentordning. Begränsa med `agreement` och `limit` (standard 10 "
        "träffar vid sökning, alla klausuler i en lista). Öppen, utan inloggning."
    ),
    operation_id="list_clauses",
    response={200: ClauseList, 422: ErrorResponse},
    openapi_extra={"responses": {422: {"description": "Ogiltig parameter (fält och kod)."}}},
)
def clause_list(
    request: HttpRequest,
    q: str | None = Query(  # noqa: B008
        None, max_length=MAX_QUERY_LENGTH, description="Sökord på svenska, t.ex. `egenvård`."
    ),
    agreement: AgreementId | None = Query(None, description="Bara detta avtal."),  # noqa: B008
    limit: int | None = Query(  # noqa: B008
        None, ge=1, le=MAX_LIMIT, description=f"Högst så många klausuler (1–{MAX_LIMIT})."
    ),
) -> ClauseList:
    query = q.strip() if q else ""
    if query:
        hits = search(query, limit=limit or SEARCH_LIMIT, agreement=agreement)
        found = [_summary(h.clause, h.score, h.snippet) for h in hits]
    else:
        every = clauses_of(agreement) if agreement else all_clauses().values()
        found = [_summary(c, None, None) for c in every][: limit or None]
    return ClauseList(query=query or None, agreement=agreement, count=len(found), clauses=found)


@router.get(
    "/clauses/{clause_text:clause_id}",
    auth=None,
    summary="En klausul",
    description=(
        "Klausulens text, var i källtexten den står, om den är kodad som regler eller prosa, "
        "och reglerna som bygger på den. Id:t URL-kodas: `jh-hemsjukvard §7.3` blir "
        "`/api/clauses/jh-hemsjukvard%20%C2%A77.3`. Stavningen förlåts (mellanslag, §, "
        "bindestreck, versaler). Okänt id ger 404 `unknown_clause` med förslag. Öppen, utan "
        "inloggning."
    ),
    operation_id="get_clause",
    response={200: ClauseDetail, 404: ErrorResponse},
    openapi_extra={
        "responses": {404: {"description": "Okänd klausul (`unknown_clause`), med förslag."}}
    },
)
def clause_detail(request: HttpRequest, clause_id: str) -> ClauseDetail:
    try:
        clause = get(clause_id)
    except UnknownClause as exc:
        raise ApiError(404, "unknown_clause", str(exc), field="clause_id") from None
    row = _classification()[clause.id]
    return ClauseDetail(
        id=clause.id,
        agreement=clause.agreement,
        number=clause.number,
        heading=clause.heading,
        text=clause.text,
        paragraphs=list(clause.paragraphs),
        source=clause.source,
        line_start=clause.line_start,
        line_end=clause.line_end,
        classification=Classification(status=row.status, reason=row.reason),
        rules=[CitingRule(**rule) for rule in _citing().get(clause.id, [])],
    )
