"""`manage.py import_fhir_patients FILE… --user NAME --reason TEXT --confirm-care-relation`:
FHIR Patients (or Bundles of them) into persons with a care relation to the user's own
vårdgivare and verksamhet, by the rules of a registration (the user's role, confirmation and
reason; audited as hers). Each file is read by the shared upload reader with the ``fhir``
limits (core.uploads: 2.5 MB, nesting 40, 1,000 Bundle entries by default); a refused file
is skipped with the limit's message and code. Prints counts only: no identifiers or names reach the console or
the logs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from samverkan.core.upload_settings import limits_for
from samverkan.core.uploads import UploadError, load_json, read_limited
from samverkan.people.services import PeopleError, import_patient


def _read(path: Path) -> dict[str, Any]:
    """One file's JSON object, read by the shared upload reader with the ``fhir`` limits
    (size streamed, nesting and Bundle entries limited): UploadError otherwise."""
    size = limits_for("fhir")
    try:
        with path.open("rb") as file:
            raw = read_limited(file, size.max_bytes)
    except OSError:
        raise UploadError("file", "unreadable", "Filen kan inte läsas.") from None
    data = load_json(raw, size, field="file", what="Filen")
    if not isinstance(data, dict):
        raise UploadError("file", "not_a_resource", "Filen är ingen FHIR-resurs (ett JSON-objekt).")
    return data


class Command(BaseCommand):
    help = "Importera FHIR Patient-resurser (JSON) som personer med vårdrelation."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("files", nargs="+", help="JSON-filer med Patient eller Bundle")
        parser.add_argument(
            "--user",
            required=True,
            help="Användarnamn för den som importerar (hennes "
            "organisation och verksamhet får vårdrelationen)",
        )
        parser.add_argument("--reason", required=True, help="Anledning till vårdrelationen")
        parser.add_argument(
            "--confirm-care-relation",
            action="store_true",
            help="Bekräfta att personerna är patienter eller brukare hos verksamheten",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError("Okänd användare.")
        created = found = failed = 0
        for name in options["files"]:
            try:
                data = _read(Path(name))
            except UploadError as exc:  # a limit, the encoding or no JSON: the file is skipped
                failed += 1
                self.stderr.write(f"{Path(name).name}: {exc.message} ({exc.code})")
                continue
            resources = (
                [e.get("resource") for e in data.get("entry", []) if isinstance(e, dict)]
                if data.get("resourceType") == "Bundle"
                else [data]
            )
            for resource in resources:
                if not isinstance(resource, dict) or resource.get("resourceType") != "Patient":
                    continue
                try:
                    _person, new = import_patient(
                        user,
                        resource,
                        confirm_care_relation=options["confirm_care_relation"],
                        reason=options["reason"],
                        why="FHIR-import av Patient (kommando)",
                    )
                except (PeopleError, ValueError, PermissionDenied) as exc:
                    failed += 1
                    code = getattr(exc, "code", "invalid")
                    self.stderr.write(f"{Path(name).name}: kunde inte importeras ({code}).")
                    continue
                created += new
                found += not new
        self.stdout.write(f"{created} nya, {found} fanns redan, {failed} fel.")
