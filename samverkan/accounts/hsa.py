"""HSA (Inera's national directory of health-care staff): a person's commissions.

A commission (medarbetaruppdrag) says for which care unit (its HSA-id) and for which purpose
(e.g. "Vård och behandling") a member of staff acts; Patientdatalagen (2008:355) 4 kap. 2 §
ties access to the records to the care relation the commission stands for. SAML logins read
the commission from the identity provider's assertion (Sambi's `commissionHsaId`,
`careUnitHsaId`, `commissionPurpose`); when the IdP sends none, `samverkan.accounts.saml` asks
the directory named by the setting `SAMVERKAN_HSA_DIRECTORY` (a dotted path to a class taking
no arguments, with the `HsaDirectory` interface below):

- `NotConnected` (the default): knows no commissions, so a care user whose IdP sends none is
  refused (there is nothing to act for).
- `JsonFileDirectory`: a local stand-in reading the JSON file named by
  `SAMVERKAN_HSA_DIRECTORY_FILE`, ``{"<employee HSA-id>": {"profession": "Sjuksköterska",
  "commissions": [{"hsa_id": "…", "care_unit_hsa_id": "…", "purpose": "Vård och
  behandling"}]}}``. For tests and demos only; it is not HSA's protocol.

A deployment connects HSA (e.g. HSA WS `GetCredentialsForPersonIncludingProtectedPerson`
through the region's agreement with Inera) by writing a class with the same two methods and
naming it in the setting. An adapter answers ``[]`` / ``None`` when it has no certain answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

__all__ = [
    "CARE_PURPOSE",
    "Commission",
    "HsaDirectory",
    "JsonFileDirectory",
    "NotConnected",
    "directory",
]

# The purpose under which a commission opens patient records (Sambi: commissionPurpose).
CARE_PURPOSE = "Vård och behandling"


@dataclass(frozen=True)
class Commission:
    """A medarbetaruppdrag: the care unit acted for and the purpose."""

    care_unit_hsa_id: str
    purpose: str
    hsa_id: str = ""  # the commission's own HSA-id, when known


class HsaDirectory(Protocol):
    def commissions(self, employee_hsa_id: str) -> list[Commission]:
        """The person's commissions ([] when unknown or unanswered)."""
        ...

    def profession(self, employee_hsa_id: str) -> str | None:
        """The licensed profession (legitimerad yrkesgrupp, e.g. "Läkare"), or None."""
        ...


class NotConnected:
    """No HSA connection: no commissions, no profession."""

    def commissions(self, employee_hsa_id: str) -> list[Commission]:
        return []

    def profession(self, employee_hsa_id: str) -> str | None:
        return None


class JsonFileDirectory:
    """A local stand-in of the contract, reading `SAMVERKAN_HSA_DIRECTORY_FILE`."""

    def __init__(self, path: str | Path | None = None) -> None:
        name = path or getattr(settings, "SAMVERKAN_HSA_DIRECTORY_FILE", "")
        self._data: dict[str, dict] = {}
        if name:
            self._data = json.loads(Path(name).read_text(encoding="utf-8"))

    def commissions(self, employee_hsa_id: str) -> list[Commission]:
        entry = self._data.get(employee_hsa_id) or {}
        return [
            Commission(
                care_unit_hsa_id=str(item.get("care_unit_hsa_id", "")),
                purpose=str(item.get("purpose", "")),
                hsa_id=str(item.get("hsa_id", "")),
            )
            for item in entry.get("commissions", [])
            if item.get("care_unit_hsa_id")
        ]

    def profession(self, employee_hsa_id: str) -> str | None:
        entry = self._data.get(employee_hsa_id) or {}
        value = entry.get("profession")
        return str(value) if value else None


def directory() -> HsaDirectory:
    """The configured HSA adapter (a new instance per call: settings may change in tests)."""
    path = getattr(settings, "SAMVERKAN_HSA_DIRECTORY", "samverkan.accounts.hsa.NotConnected")
    return import_string(path)()  # type: ignore[no-any-return]
