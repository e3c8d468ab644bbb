"""`manage.py audit verify|anchor|purge` (also `samverkan audit …`): the log's integrity.

verify  exit 0 when the chain is intact, 1 naming the first broken sequence number
anchor  seal every finished month with a period anchor (run monthly)
purge   delete the months past the retention (HSLF-FS 2016:40 4 kap. 9 §: at least five
        years), after recording the purge decision; asks for confirmation unless --yes
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samverkan.audit import integrity

EXIT_BROKEN = 1


def _month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise CommandError(f"ogiltig månad '{text}' (ÅÅÅÅ-MM)", returncode=2) from None


class Command(BaseCommand):
    help = "Granskningsloggens kedja: kontrollera, försegla månader med ankare, gallra."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        sub.add_parser("verify", help="kontrollera hela kedjan")
        sub.add_parser("anchor", help="försegla avslutade månader med periodankare")
        purge = sub.add_parser("purge", help="gallra månader äldre än bevarandetiden")
        purge.add_argument("--reason", required=True, help="dataägarens beslut om gallring")
        purge.add_argument("--before", help="gallra månader före ÅÅÅÅ-MM (högst bevarandetiden)")
        purge.add_argument("--yes", action="store_true", help="bekräfta utan att fråga")

    def handle(self, *args: Any, **options: Any) -> None:
        what = options["what"]
        if what == "verify":
            result = integrity.verify()
            if not result.ok:
                raise CommandError(result.message(), returncode=EXIT_BROKEN)
            self.stdout.write(result.message())
        elif what == "anchor":
            try:
                made = integrity.anchor_periods()
            except integrity.ChainBroken as exc:
                raise CommandError(str(exc), returncode=EXIT_BROKEN) from None
            for anchor in made:
                self.stdout.write(
                    f"Periodankare {anchor.period:%Y-%m}: löpnummer "
                    f"{anchor.first_sequence}–{anchor.last_sequence} ({anchor.count} händelser)."
                )
            if not made:
                self.stdout.write("Inga nya avslutade månader att försegla.")
        else:
            self._purge(options)

    def _purge(self, options: dict[str, Any]) -> None:
        before = _month(options["before"]) if options.get("before") else None
        cutoff = integrity.purge_cutoff()
        limit = min(before, cutoff) if before else cutoff
        if not options["yes"]:
            answer = input(
                f"Händelser före {limit:%Y-%m} tas bort för alltid. Skriv 'gallra' för att "
                "bekräfta: "
            )
            if answer.strip() != "gallra":
                raise CommandError("Avbrutet: inget gallrades.", returncode=2)
        try:
            done = integrity.purge(reason=options["reason"], before=before)
        except (integrity.PurgeRefused, integrity.ChainBroken) as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(
            f"Gallrat: {done.deleted} händelser till och med {done.anchor.period:%Y-%m} "
            f"(löpnummer {done.anchor.last_sequence}). Kedjan verifieras från periodankaret."
        )
