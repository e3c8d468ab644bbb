"""`manage.py import_fhir_patients FILE… --organisation SCB` : FHIR Patients (or Bundles of
them) into persons with a care relation to the organisation. Prints counts only: no
identifiers or names reach the console or the logs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from samverkan.accounts.models import Organisation
from samverkan.people.services import PeopleError, import_patient


class Command(BaseCommand):
    help = "Importera FHIR Patient-resurser (JSON) som personer med vårdrelation."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("files", nargs="+", help="JSON-filer med Patient eller Bundle")
        parser.add_argument(
            "--organisation", required=True, help="SCB-kod för organisationen (t.ex. 23, 2380)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(scb_code=options["organisation"]).first()
        if organisation is None:
            raise CommandError("Okänd organisation (SCB-kod).")
        created = found = failed = 0
        for name in options["files"]:
            data = json.loads(Path(name).read_text("utf-8"))
            resources = (
                [e.get("resource", {}) for e in data.get("entry", [])]
                if data.get("resourceType") == "Bundle"
                else [data]
            )
            for resource in resources:
                if resource.get("resourceType") != "Patient":
                    continue
                try:
                    _person, new = import_patient(None, resource, organisation=organisation)
                except (PeopleError, ValueError) as exc:
                    failed += 1
                    code = getattr(exc, "code", "invalid")
                    self.stderr.write(f"{Path(name).name}: kunde inte importeras ({code}).")
                    continue
                created += new
                found += not new
        self.stdout.write(f"{created} nya, {found} fanns redan, {failed} fel.")
