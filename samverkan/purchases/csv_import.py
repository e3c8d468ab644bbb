"""Import of performed services from another system (CSV), with a per-row error report.

Format: UTF-8 (with or without BOM; Windows-1252 is accepted too), ``;`` or ``,`` between
cells, one header row. Columns (Swedish names, English aliases in brackets; case and
accents in the header are forgiving):

=================  ==========================================================  ==========
column             content                                                     required
=================  ==========================================================  ==========
datum (date)       ÅÅÅÅ-MM-DD, the day the service started                     yes
starttid (start)   TT:MM                                                       yes
sluttid (end)      TT:MM; not after starttid means the next day                yes
person             personnummer, samordningsnummer, reservnummer, LMA-nummer   yes
                   or Samverkan's person id
insats             code (nursing) or Swedish name (Sjuksköterskeinsats)        yes
avtalsgrund        basis id, e.g. jh-tjanstekop, gvb-timersattning              yes
utförare (staff)   user name of the staff member; empty: the importing user    no*
beställare         SCB code of the ordering organisation; empty: the region    no
beställande_enhet  the ordering unit (of beställare): HSA-id or name; its      no
                   reference becomes the invoice's "Er referens"
tvistreferens      dispute case (basis jh-delad-kostnad)                       no
externt_id         the other system's id: a row already imported is refused    no
=================  ==========================================================  ==========

(*) required when the importing user is not care staff (e.g. the ekonom).

Two modes, chosen by the user: ``all_or_nothing`` saves nothing if any row is invalid;
``valid_only`` saves the valid rows. Either way the report lists every invalid row with
field, rule and a Swedish message (never the identifier itself).

Speed: lookups are made once for the whole file (persons by identifier, visibility, facts,
staff, the staff members' existing records for the period), overlaps are checked by binary
search, the engine's decisions are cached, and records are written with bulk_create.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction

from samverkan.accounts.models import Organisation
from samverkan.audit.models import Action
from samverkan.audit.services import record_many
from samverkan.core.documents import csv_bytes
from samverkan.core.upload_settings import limits_for
from samverkan.core.uploads import (
    Limits,
    UploadError,
    csv_rows,
    decode_text,
    duplicates,
    read_limited,
)
from samverkan.people.access import WRITE_ROLES
from samverkan.people.identity import InvalidIdentifier, parse_identifier
from samverkan.people.selectors import (
    person_refs,
    persons_in,
    resolve_identifiers,
    survivor_ids,
    visible_person_ids,
)
from samverkan.purchases.access import can_approve
from samverkan.purchases.dbtune import tune_for_bulk_work
from samverkan.purchases.errors import NotAllowed, Problem, PurchasesError
from samverkan.purchases.models import ImportBatch, ServiceRecord
from samverkan.purchases.registration import (
    RecordBuilder,
    RecordRow,
    ServiceInput,
    insert_rows,
    is_overlap_error,
    problem,
)
from samverkan.purchases.timesplit import STOCKHOLM
from samverkan.rules import INTERVENTIONS

if TYPE_CHECKING:
    from samverkan.people.models import Person

__all__ = ["COLUMNS", "ImportReport", "RowError", "import_csv", "limits", "read_upload"]

COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("datum", "date"),
    "start": ("starttid", "start", "fran", "från"),
    "end": ("sluttid", "end", "slut", "till"),
    "person": ("person", "personnummer", "person_id", "identitet"),
    "intervention": ("insats", "intervention"),
    "basis": ("avtalsgrund", "basis", "grund"),
    "staff": ("utforare", "utförare", "staff", "anvandarnamn", "användarnamn"),
    "orderer": ("bestallare", "beställare", "orderer"),
    "orderer_unit": ("bestallande_enhet", "beställande_enhet", "orderer_unit"),
    "dispute_ref": ("tvistreferens", "dispute_ref"),
    "external_id": ("externt_id", "external_id", "extern_id", "id"),
}
REQUIRED = ("date", "start", "end", "person", "intervention", "basis")
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
_INTERVENTION_BY_LABEL = {label.casefold(): code for code, label in INTERVENTIONS.items()}


@dataclass(frozen=True)
class RowError:
    row: int  # line number in the file (the header is line 1)
    field: str | None
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "code": self.code, "message": self.message}


@dataclass
class ImportReport:
    mode: str
    total_rows: int = 0
    valid_rows: int = 0
    saved_rows: int = 0
    saved_records: int = 0
    errors: list[RowError] = field(default_factory=list)
    batch_id: int | None = None
    file_problems: list[Problem] = field(default_factory=list)

    @property
    def invalid_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "batch_id": self.batch_id,
            "total_rows": self.total_rows,
            "valid_rows": self.valid_rows,
            "invalid_rows": self.invalid_rows,
            "saved_rows": self.saved_rows,
            "saved_records": self.saved_records,
            "errors": [e.as_dict() for e in self.errors],
            "file_problems": [p.as_dict() for p in self.file_problems],
        }

    def errors_csv(self) -> bytes:
        return csv_bytes(
            ((e.row, e.field or "", e.code, e.message) for e in self.errors),
            ("Rad", "Fält", "Regel", "Meddelande"),
        )


def _norm(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\s-]+", "_", text)


_ALIASES = {_norm(alias): key for key, aliases in COLUMNS.items() for alias in aliases}


def limits() -> Limits:
    """This import's upload limits (kind ``purchases_import``: 60 MB, 500,000 rows, 64 columns,
    10,000 characters a cell, by default; the setting SAMVERKAN_UPLOAD_LIMITS changes them)."""
    return limits_for("purchases_import")


def read_upload(upload: Any) -> bytes:
    """The bytes of an uploaded file (web form or API), streamed and refused past the limit
    (UploadError 413 ``too_large``, field ``file``) before they are held whole."""
    return read_limited(upload, limits().max_bytes)


@dataclass
class _Row:
    line: int
    values: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    person_key: tuple[str, str] | None = None  # ("id", uuid) or ("ident", normalised value)


def _parse_times(row: _Row) -> None:
    raw_date = row.values.get("date", "").strip()
    try:
        day = dt.date.fromisoformat(raw_date)
    except ValueError:
        row.problems.append(problem("date", "invalid_date", "ange datum som ÅÅÅÅ-MM-DD"))
        return
    times = []
    for name in ("start", "end"):
        match = _TIME.match(row.values.get(name, "").strip())
        if not match:
            row.problems.append(problem(name, "invalid_time", "ange klockslag som TT:MM"))
            return
        times.append(dt.time(int(match.group(1)), int(match.group(2))))
    start = dt.datetime.combine(day, times[0], tzinfo=STOCKHOLM)
    end_day = day if times[1] > times[0] else day + dt.timedelta(days=1)
    row.start = start
    row.end = dt.datetime.combine(end_day, times[1], tzinfo=STOCKHOLM)


def _parse_person(row: _Row, today: dt.date, cache: dict[str, Any]) -> None:
    raw = row.values.get("person", "").strip()
    if not raw:
        row.problems.append(problem("person", "required", "ange personens identitet"))
        return
    if raw in cache:
        result = cache[raw]
    else:
        try:
            result = ("id", str(uuid.UUID(raw)))
        except ValueError:
            try:
                identifier = parse_identifier(raw, today=today, field="person")
                result = ("ident", identifier.value)
            except InvalidIdentifier as exc:
                result = Problem("person", exc.code, f"Person: {exc.message}")
        cache[raw] = result
    if isinstance(result, Problem):
        row.problems.append(result)
    else:
        row.person_key = result


def _intervention(value: str) -> str:
    value = value.strip()
    if value in INTERVENTIONS:
        return value
    return _INTERVENTION_BY_LABEL.get(value.casefold(), value)


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def import_csv(
    actor: Any,
    content: bytes | str,
    *,
    mode: str = ImportBatch.Mode.ALL_OR_NOTHING,
    filename: str = "",
    approve: bool = False,
    today: dt.date | None = None,
) -> ImportReport:
    """Validate every row, then save according to ``mode``; returns the report.

    Raises NotAllowed if the user may not register services (or approve, with ``approve``).
    """
    if mode not in ImportBatch.Mode.values:
        raise PurchasesError.one(
            "mode", "invalid_choice", "Läge: välj all_or_nothing eller valid_only."
        )
    builder = RecordBuilder(actor)  # checks the role
    tune_for_bulk_work()
    if approve and not can_approve(actor):
        raise NotAllowed.one(None, "forbidden", "Bara ekonom eller MAS får godkänna insatser.")
    report = ImportReport(mode=mode)
    today = today or dt.date.today()
    size = limits()
    try:
        content = read_limited(content, size.max_bytes)  # bytes passed in directly, too
        text = decode_text(content, cp1252=True, utf16=True)
        return _import_text(actor, builder, report, text, size, mode, filename, approve, today)
    except UploadError as exc:
        if exc.status == 413 and exc.code == "too_large":
            raise
        report.file_problems.append(Problem(exc.field, exc.code, exc.message))
        return report


def _import_text(  # noqa: PLR0913
    actor: Any,
    builder: RecordBuilder,
    report: ImportReport,
    text: str,
    size: Limits,
    mode: str,
    filename: str,
    approve: bool,
    today: dt.date,
) -> ImportReport:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    # The shared reader checks columns, cell size and row count as rows come (core.uploads).
    reader = csv_rows(text, size, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        report.file_problems.append(Problem("file", "empty", "Filen är tom."))
        return report
    keys = [_ALIASES.get(_norm(h)) for h in header]
    repeated = duplicates(k for k in keys if k)
    if repeated:
        labels = ", ".join(COLUMNS[k][0] for k in repeated)
        report.file_problems.append(
            Problem("header", "duplicate_columns", f"Kolumner finns flera gånger: {labels}.")
        )
    unknown = [h for h, k in zip(header, keys, strict=True) if k is None and h.strip()]
    missing = [name for name in REQUIRED if name not in keys]
    if missing:
        labels = ", ".join(COLUMNS[m][0] for m in missing)
        report.file_problems.append(
            Problem("header", "missing_columns", f"Kolumner saknas i rubrikraden: {labels}.")
        )
    if unknown:
        report.file_problems.append(
            Problem(
                "header",
                "unknown_columns",
                "Okända kolumner i rubrikraden: " + ", ".join(unknown[:10]) + ".",
            )
        )
    if report.file_problems:
        return report

    rows: list[_Row] = []
    person_cache: dict[str, Any] = {}
    for line_no, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        values = {k: (cells[i] if i < len(cells) else "") for i, k in enumerate(keys) if k}
        row = _Row(line_no, values)
        if len(cells) != len(header):
            row.problems.append(
                Problem(
                    None, "column_count", f"Raden har {len(cells)} celler, rubriken {len(header)}."
                )
            )
        _parse_times(row)
        _parse_person(row, today, person_cache)
        rows.append(row)
    report.total_rows = len(rows)

    # ---- bulk lookups
    idents = sorted({r.person_key[1] for r in rows if r.person_key and r.person_key[0] == "ident"})
    ids = {r.person_key[1] for r in rows if r.person_key and r.person_key[0] == "id"}
    # Identifiers resolve through the people room's door: a number held by a person the user
    # may not see answers exactly as an unused one (person_unknown), never revealing that the
    # person exists elsewhere. So does a person id the user may not see.
    resolved = resolve_identifiers(builder.user, idents)
    by_ident: dict[str, Any] = {value: person.pk for value, person in resolved.items()}
    persons: dict[str, Person] = {str(person.pk): person for person in resolved.values()}
    survivors = survivor_ids(ids)
    visible_ids = visible_person_ids(builder.user, survivors.values())
    wanted = {raw for raw, survivor in survivors.items() if survivor in visible_ids}
    for chunk in _chunks(sorted(str(pk) for pk in wanted), 5000):
        for found in persons_in(chunk).only("id", "birth_date", "home_municipality", "merged_into"):
            persons[str(found.pk)] = found
    User = get_user_model()
    usernames = {r.values.get("staff", "").strip() for r in rows} - {""}
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    codes = {r.values.get("orderer", "").strip() for r in rows} - {""}
    orgs = {o.scb_code: o for o in Organisation.objects.filter(scb_code__in=codes)}
    external = [r.values.get("external_id", "").strip() for r in rows]
    existing_external = _existing_external_ids(
        builder.organisation.pk, sorted({e for e in external if e})
    )
    seen_external: set[str] = set()
    # An empty staff cell means the importing user, if the user does care work at all.
    own_work_default = builder.profile.role in WRITE_ROLES

    inputs: list[tuple[_Row, ServiceInput]] = []
    for row in rows:
        person: Person | None = None
        if row.person_key is not None:
            kind, value = row.person_key
            person_id: Any = by_ident.get(value) if kind == "ident" else value
            person = persons.get(str(person_id)) if person_id else None
            if person is None:
                row.problems.append(
                    problem(
                        "person",
                        "person_unknown",
                        "ingen person med den identiteten finns bland de personer du får se",
                    )
                )
            elif person.merged_into_id:
                row.problems.append(
                    problem(
                        "person",
                        "person_merged",
                        "personposten är sammanförd med en annan; använd den",
                    )
                )
                person = None
        staff_name = row.values.get("staff", "").strip()
        staff = builder.user
        if not staff_name and not own_work_default:
            row.problems.append(problem("staff", "required", "ange vem som utförde insatsen"))
        elif staff_name:
            staff = users.get(staff_name)
            if staff is None:
                row.problems.append(
                    problem("staff", "unknown_user", f"okänd användare {staff_name!r}")
                )
                staff = builder.user
        orderer = None
        code = row.values.get("orderer", "").strip()
        if code:
            orderer = orgs.get(code)
            if orderer is None:
                row.problems.append(
                    problem("orderer", "unknown_organisation", f"okänd SCB-kod {code!r}")
                )
        ext = row.values.get("external_id", "").strip()
        if ext:
            if ext in existing_external:
                row.problems.append(
                    problem("external_id", "already_imported", "raden är redan importerad")
                )
            elif ext in seen_external:
                row.problems.append(
                    problem("external_id", "duplicate_in_file", "samma id finns två gånger i filen")
                )
            seen_external.add(ext)
        inputs.append(
            (
                row,
                ServiceInput(
                    person=person,
                    start=row.start,
                    end=row.end,
                    intervention=_intervention(row.values.get("intervention", "")),
                    basis=row.values.get("basis", "").strip(),
                    staff=staff,
                    orderer=orderer,
                    orderer_unit=row.values.get("orderer_unit", "").strip() or None,
                    dispute_ref=row.values.get("dispute_ref", "").strip(),
                    external_id=ext,
                    problems=row.problems,
                ),
            )
        )
    starts = [r.start for r in rows if r.start]
    ends = [r.end for r in rows if r.end]
    builder.preload(
        persons.values(),
        {i.staff.pk for _, i in inputs},
        min(starts) if starts else None,
        max(ends) if ends else None,
    )

    # ---- validate every row
    valid: list[tuple[_Row, list[RecordRow]]] = []
    for row, data in inputs:
        try:
            records = builder.build(data, approve=approve)
        except PurchasesError as exc:
            report.errors.extend(
                RowError(row.line, p.field, p.code, p.message) for p in exc.problems
            )
            continue
        valid.append((row, records))
    report.valid_rows = len(valid)

    if mode == ImportBatch.Mode.ALL_OR_NOTHING and report.errors:
        return report
    if not valid:
        return report
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                organisation=builder.organisation,
                created_by=builder.user,
                filename=filename[:200],
                mode=mode,
                total_rows=report.total_rows,
                valid_rows=report.valid_rows,
                saved_rows=len(valid),
                saved_records=sum(len(r) for _, r in valid),
                errors=[e.as_dict() for e in report.errors],
            )
            records = [rec._replace(import_batch_id=batch.pk) for _, recs in valid for rec in recs]
            insert_rows(records)
            _audit_persons(actor, batch, {rec.person_id for rec in records})
    except IntegrityError as exc:
        message = (
            "En insats överlappar en som registrerades samtidigt; ingenting sparades. Försök igen."
            if is_overlap_error(exc)
            else "Raderna kunde inte sparas (konflikt med befintliga uppgifter); ingenting sparades."
        )
        report.file_problems.append(Problem(None, "conflict", message))
        return report
    report.batch_id = batch.pk
    report.saved_rows = batch.saved_rows
    report.saved_records = batch.saved_records
    return report


def _existing_external_ids(organisation_id: int, ids: list[str]) -> set[str]:
    """The ids already imported (and not withdrawn or credited) for the organisation.

    The WHERE clause repeats the partial unique index's condition word for word
    (``NOT ("external_id" = '') AND "occupies"``): SQLite uses a partial index only when the
    query implies its condition, and scans the whole table otherwise (a second per 5,000
    ids on a million records).
    """
    found: set[str] = set()
    if not ids:
        return found
    table = _q(ServiceRecord._meta.db_table)
    where = f"performer_org_id = %s AND NOT ({_q('external_id')} = '') AND {_q('occupies')}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one array parameter, not 100,000
            cursor.execute(
                f"SELECT external_id FROM {table} WHERE {where} AND external_id = ANY(%s)",
                [organisation_id, ids],
            )
            found.update(row[0] for row in cursor.fetchall())
            return found
        for chunk in _chunks(ids, 5000):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT external_id FROM {table} WHERE {where} AND external_id IN ({marks})",
                [organisation_id, *chunk],
            )
            found.update(row[0] for row in cursor.fetchall())
    return found


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _audit_persons(actor: Any, batch: ImportBatch, person_ids: set[Any]) -> None:
    """One audit event per person whose services were imported (PDL: per patient)."""
    refs: list[str] = []
    for chunk in _chunks(sorted(person_ids, key=str), 2000):
        refs.extend(person_refs(chunk).values())
    record_many(
        actor,
        Action.CREATE,
        ServiceRecord,
        f"import:{batch.pk}",
        person_refs=sorted(refs),
        why="Tjänsteköp: import av utförda insatser (importen är loggens objekt)",
        process="tjänsteköp",
    )
