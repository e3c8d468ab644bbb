"""`samverkan …` commands: decisions, agreements, clauses, and the web app."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from samverkan.rules import InvalidFactsFile

EXIT_OK, EXIT_INVALID = 0, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_OK
    try:
        return int(args.handler(args))
    except BrokenPipeError:  # e.g. piped into head
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="samverkan", description="Samverkansavtalen som kod.")
    sub = p.add_subparsers(title="kommandon")

    d = sub.add_parser("decide", help="avgör en fråga (fakta som JSON) eller en hel fil")
    d.add_argument("facts", nargs="?", help="JSON-fil med fakta, eller - för standard in")
    d.add_argument("--json", action="store_true", help="skriv beslutet som JSON")
    d.add_argument("--batch", metavar="IN", help="Parquet- eller CSV-fil med ett fall per rad")
    d.add_argument("--out", metavar="OUT", help="Parquet-fil för resultatet av --batch")
    d.set_defaults(handler=_decide)

    a = sub.add_parser("agreements", help="avtalens status på ett datum")
    a.add_argument("--date", type=_date, default=dt.date.today(), help="ÅÅÅÅ-MM-DD (i dag)")
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=_agreements)

    c = sub.add_parser("clauses", help="avtalsbiblioteket: visa, sök, täckning")
    csub = c.add_subparsers(title="clauses")
    show = csub.add_parser("show", help="visa en klausul")
    show.add_argument("id", help='t.ex. "jh-hemsjukvard §7.3"')
    show.set_defaults(handler=_clause_show)
    search = csub.add_parser("search", help="sök klausuler med svenska ord")
    search.add_argument("query")
    search.add_argument("--limit", type=int, default=10)
    search.set_defaults(handler=_clause_search)
    cov = csub.add_parser("coverage", help="vilka klausuler som är kodade och vilka som är prosa")
    cov.set_defaults(handler=_clause_coverage)

    s = sub.add_parser("serve", help="starta webbappen (SQLite om inte DATABASE_URL är satt)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--workers", type=int, default=2, help="serverprocesser (en per kärna)")
    s.add_argument("--threads", type=int, default=2, help="trådar per process")
    s.add_argument(
        "--dev",
        action="store_true",
        help="Djangos utvecklingsserver i stället för produktionsservern (granian)",
    )
    s.set_defaults(handler=_serve)

    au = sub.add_parser("audit", help="granskningsloggen: kontrollera, försegla, gallra")
    au.add_argument("rest", nargs=argparse.REMAINDER, help="verify | anchor | purge …")
    au.set_defaults(handler=lambda args: _command("audit", args.rest))
    db = sub.add_parser("db", help="databasen: grant-app-role ROLL (PostgreSQL)")
    dbsub = db.add_subparsers(title="db")
    grant = dbsub.add_parser("grant-app-role", help="ge appens roll rättigheter (körs av ägaren)")
    grant.add_argument("role")
    grant.set_defaults(handler=lambda args: _command("grant_app_role", [args.role]))

    m = sub.add_parser("manage", help="Djangos manage.py-kommandon", add_help=False)
    m.add_argument("rest", nargs=argparse.REMAINDER)
    m.set_defaults(handler=_manage)
    return p


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ogiltigt datum '{text}' (ÅÅÅÅ-MM-DD)") from None


def _fail(message: str, errors: list[dict[str, Any]] | None = None, as_json: bool = False) -> int:
    if as_json:
        print(
            json.dumps({"errors": errors or [{"message": message}]}, ensure_ascii=False, indent=2)
        )
    else:
        print(f"Fel: {message}", file=sys.stderr)
        for e in errors or []:
            allowed = f" Tillåtna värden: {', '.join(e['allowed'])}." if e.get("allowed") else ""
            print(f"  {e['field']}: {e['message']} [{e['code']}]{allowed}", file=sys.stderr)
    return EXIT_INVALID


def _decide(args: argparse.Namespace) -> int:
    from samverkan.rules import InvalidFacts

    if args.batch:
        return _decide_batch(args)
    if not args.facts:
        return _fail("ange en JSON-fil med fakta, eller - för standard in")
    try:
        text = sys.stdin.read() if args.facts == "-" else Path(args.facts).read_text("utf-8")
        raw = json.loads(text)
    except OSError as exc:
        return _fail(f"kan inte läsa {args.facts}: {exc.strerror}", as_json=args.json)
    except json.JSONDecodeError as exc:
        return _fail(f"ogiltig JSON (rad {exc.lineno}, kolumn {exc.colno})", as_json=args.json)
    from samverkan.rules import decide, render_decision

    try:
        decision = decide(raw)
    except InvalidFacts as exc:
        return _fail("ogiltiga fakta", [e.as_dict() for e in exc.errors], as_json=args.json)
    if args.json:
        print(json.dumps(decision.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_decision(decision))
    return EXIT_OK


def _decide_batch(args: argparse.Namespace) -> int:
    from samverkan.rules import InvalidFactsFile, decide_frame, read_facts

    if not args.out:
        return _fail("--batch kräver --out OUT.parquet")
    try:
        cases = read_facts(args.batch, with_facts=False)
    except InvalidFactsFile as exc:
        return _fail_file(exc)
    except OSError as exc:
        return _fail(f"kan inte läsa {args.batch}: {exc.strerror or exc}")
    result = decide_frame(cases.frame)
    try:
        result.write_parquet(args.out)
    except OSError as exc:
        return _fail(f"kan inte skriva {args.out}: {exc.strerror or exc}")
    print(f"{result.height} fall avgjorda, resultat i {args.out}")
    return EXIT_OK


def _fail_file(exc: InvalidFactsFile) -> int:
    """A facts file's errors, one line each: where (row, column), what, and the stable code."""
    print("Fel: ogiltiga fakta i filen", file=sys.stderr)
    for e in exc.errors:
        where = ", ".join(
            part for part in (f"rad {e.row}" if e.row is not None else "", e.field or "") if part
        )
        allowed = f" Tillåtna värden: {', '.join(e.allowed)}." if e.allowed else ""
        print(f"  {where or 'filen'}: {e.message} [{e.code}]{allowed}", file=sys.stderr)
    return EXIT_INVALID


def _agreements(args: argparse.Namespace) -> int:
    from samverkan.rules import ALL_VERSIONS, status

    rows = [(v, status(v, args.date)) for v in ALL_VERSIONS]
    if args.json:
        print(
            json.dumps(
                [s.as_dict() | {"title": v.title} for v, s in rows], ensure_ascii=False, indent=2
            )
        )
        return EXIT_OK
    print(f"Avtalens status {args.date.isoformat()}:\n")
    for v, s in rows:
        state = "gäller" if s.in_force else ("har upphört" if s.ended else "har inte börjat gälla")
        print(f"{v.agreement} (version {v.version}) – {v.title}")
        print(f"  Status: {state}; giltigt från {s.valid_from}", end="")
        print(f" till och med {s.valid_to}" if s.valid_to else ", förlängs tills det sägs upp")
        if s.in_force:
            print(f"  Nuvarande avtalsperiod: {s.term_start} – {s.term_end}")
        if s.next_notice_deadline:
            who = f" ({v.forum} hanterar uppsägning)" if v.forum else ""
            print(f"  Nästa sista dag för skriftlig uppsägning: {s.next_notice_deadline}{who}")
        print()
    return EXIT_OK


def _clause_show(args: argparse.Namespace) -> int:
    from samverkan.rules import get

    try:
        clause = get(args.id)
    except KeyError as exc:
        return _fail(str(exc.args[0]) if exc.args else f"okänd klausul {args.id}")
    print(f"{clause.id} – {clause.heading}")
    print(f"Källa: {clause.source}, rad {clause.line_start}–{clause.line_end}\n")
    print(clause.text)
    rules = _cited().get(clause.id, [])
    if rules:
        print("\nRegler som bygger på klausulen: " + ", ".join(rules))
    return EXIT_OK


def _clause_search(args: argparse.Namespace) -> int:
    from samverkan.rules import search as rules_search

    hits = rules_search(args.query, limit=args.limit)
    if not hits:
        print("Inga träffar.")
    for hit in hits:
        print(f"{hit.score:6.2f}  {hit.clause.id} – {hit.clause.heading}")
        print(f"        {hit.snippet}")
    return EXIT_OK


def _cited() -> dict[str, list[str]]:
    from samverkan.rules import ALL_VERSIONS

    cited: dict[str, list[str]] = {}
    for version in ALL_VERSIONS:
        for r in version.rules:
            cited.setdefault(r.clause, []).append(r.id)
    return cited


def _clause_coverage(args: argparse.Namespace) -> int:
    from samverkan.rules import coverage

    rows = coverage(_cited())
    counts = {"encoded": 0, "prose": 0, "unclassified": 0}
    untested = []
    for row in rows:
        counts[row.status] += 1
        detail = ", ".join(row.rules) if row.status == "encoded" else row.reason
        if row.status == "encoded":
            detail = f"scenarios {row.scenarios:>3}  {detail}"
            if not row.scenarios:
                untested.append(row.clause_id)
        print(f"{row.status:<12} {row.clause_id:<70} {detail}")
    print(f"encoded clauses without a scenario: {', '.join(untested) or 'none'}")
    print(
        f"encoded {counts['encoded']}, prose {counts['prose']}, unclassified {counts['unclassified']}"
    )
    return 1 if untested else EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from samverkan.config.serve import serve

    serve(host=args.host, port=args.port, workers=args.workers, threads=args.threads, dev=args.dev)
    return EXIT_OK


def _command(name: str, argv: list[str]) -> int:
    """A Django management command; its CommandError's return code is the exit code."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.config.settings")
    import django
    from django.core.management import CommandError, call_command

    django.setup()
    try:
        call_command(name, *argv)
    except CommandError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return exc.returncode or EXIT_INVALID
    return EXIT_OK


def _manage(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["samverkan manage", *args.rest])
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
