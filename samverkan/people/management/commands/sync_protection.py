"""`manage.py sync_protection`: read every person's protection markers from the population
register (`people.population_register`, the adapter in `SAMVERKAN_POPULATION_REGISTER`) and
record or end `IdentityProtection` with source POPULATION_REGISTER. Prints counts only: no
identifiers or names reach the console or the logs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from samverkan.people.population_register import register, sync_all


class Command(BaseCommand):
    help = "Läs skyddad identitet från folkbokföringen (PU-tjänsten) för alla personer."

    def handle(self, *args: Any, **options: Any) -> None:
        adapter = register()
        if not adapter.connected:
            self.stdout.write("Ingen folkbokföring är ansluten (SAMVERKAN_POPULATION_REGISTER).")
            return
        result = sync_all(adapter=adapter)
        self.stdout.write(
            f"{result.looked_up} personer kontrollerade, {len(result.recorded)} skydd nya, "
            f"{len(result.ended)} upphörda, {result.unanswered} utan svar."
        )
