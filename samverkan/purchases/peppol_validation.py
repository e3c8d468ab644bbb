"""Run the official Peppol BIS Billing 3.0 validation rules over a UBL document.

Two rule sets, both shipped compiled to XSLT in ``shared/testdata/peppol/xslt/``:

- ``CEN-EN16931-UBL.xslt``: the European norm EN 16931 (BR-*, BR-CO-*, BR-E-*, ...);
- ``PEPPOL-EN16931-UBL.xslt``: Peppol's own rules and the national ones (PEPPOL-*, SE-R-*).

Each is compiled once per process with SaxonC-HE (``saxonche``, a runtime dependency: every invoice and credit note is
validated when it is issued, ``documents.validate_at_issue``) and run
over the document; the SVRL report is read for ``svrl:failed-assert``. An assertion with
``flag="fatal"`` means the document would be rejected; ``warning`` is advice.

The shared folder is found next to the project (``<project root>/../shared``, the project
root being the folder with ``pyproject.toml``), or at ``SAMVERKAN_SHARED_DIR``.
"""

from __future__ import annotations

import os
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = [
    "RULE_SETS",
    "Assertion",
    "PeppolValidationUnavailable",
    "Validator",
    "fatal",
    "get_validator",
    "shared_dir",
    "validate",
    "xslt_dir",
]

RULE_SETS = (
    ("CEN", "CEN-EN16931-UBL.xslt"),
    ("PEPPOL", "PEPPOL-EN16931-UBL.xslt"),
)
SVRL_NS = "http://purl.oclc.org/dsdl/svrl"


class PeppolValidationUnavailable(RuntimeError):
    """saxonche is not installed or the shared XSLT files cannot be found."""


@dataclass(frozen=True)
class Assertion:
    """One failed assertion from a rule set."""

    rule_set: str  # "CEN" or "PEPPOL"
    id: str  # e.g. "BR-CO-10", "PEPPOL-EN16931-R120", "SE-R-013"
    flag: str  # "fatal" or "warning"
    text: str
    location: str = ""
    test: str = ""

    @property
    def is_fatal(self) -> bool:
        return self.flag == "fatal"

    def __str__(self) -> str:
        return f"[{self.rule_set} {self.flag}] {self.text}"


def fatal(assertions: Iterable[Assertion]) -> list[Assertion]:
    """Only the fatal assertions."""
    return [a for a in assertions if a.is_fatal]


def _project_root() -> Path:
    here = Path(__file__).resolve()
    for folder in here.parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    raise PeppolValidationUnavailable(
        "Hittar inte projektets rot (pyproject.toml); ange SAMVERKAN_SHARED_DIR."
    )


def shared_dir() -> Path:
    """``$SAMVERKAN_SHARED_DIR`` or ``<project root>/../shared``."""
    override = os.environ.get("SAMVERKAN_SHARED_DIR")
    if override:
        return Path(override)
    return _project_root().parent / "shared"


def xslt_dir() -> Path:
    return shared_dir() / "testdata" / "peppol" / "xslt"


class Validator:
    """Both rule sets compiled once; :meth:`validate` is serialised with a lock (SaxonC
    executables are not thread-safe)."""

    def __init__(self, directory: Path | None = None) -> None:
        try:
            import saxonche
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise PeppolValidationUnavailable(
                "Peppol-validering kräver paketet saxonche (SaxonC-HE): "
                "installera beroendena med `uv sync`."
            ) from exc
        directory = directory or xslt_dir()
        paths = [(name, directory / filename) for name, filename in RULE_SETS]
        missing = [str(path) for _, path in paths if not path.is_file()]
        if missing:
            raise PeppolValidationUnavailable(
                "Peppols valideringsregler saknas: "
                + ", ".join(missing)
                + ". Ange mappen shared/ med SAMVERKAN_SHARED_DIR."
            )
        self._saxonche = saxonche
        self._processor: Any = saxonche.PySaxonProcessor(license=False)
        compiler = self._processor.new_xslt30_processor()
        self._executables: list[tuple[str, Any]] = []
        for name, path in paths:
            try:
                executable = compiler.compile_stylesheet(stylesheet_file=str(path))
            except saxonche.PySaxonApiError as exc:
                raise PeppolValidationUnavailable(
                    f"Kunde inte kompilera {path.name}: {exc}"
                ) from exc
            self._executables.append((name, executable))
        self._lock = threading.Lock()

    def validate(self, xml_bytes: bytes) -> list[Assertion]:
        """Run both rule sets; return every failed assertion (fatal and warning)."""
        text = xml_bytes.decode("utf-8-sig") if isinstance(xml_bytes, bytes) else xml_bytes
        results: list[Assertion] = []
        with self._lock:
            try:
                node = self._processor.parse_xml(xml_text=text, encoding="UTF-8")
            except self._saxonche.PySaxonApiError as exc:
                raise ValueError(f"Dokumentet är inte välformad XML: {exc}") from exc
            for name, executable in self._executables:
                report = executable.transform_to_string(xdm_node=node)
                results.extend(_parse_svrl(name, report))
        return results


def _parse_svrl(rule_set: str, report: str) -> list[Assertion]:
    root = ET.fromstring(report)
    found = []
    for failed in root.iter(f"{{{SVRL_NS}}}failed-assert"):
        text_el = failed.find(f"{{{SVRL_NS}}}text")
        text = " ".join((text_el.text or "").split()) if text_el is not None else ""
        found.append(
            Assertion(
                rule_set=rule_set,
                id=failed.get("id", ""),
                flag=failed.get("flag", "fatal"),
                text=text,
                location=failed.get("location", ""),
                test=failed.get("test", ""),
            )
        )
    return found


@lru_cache(maxsize=1)
def get_validator() -> Validator:
    """The process-wide validator (compiled on first use, about a second)."""
    return Validator()


def validate(xml_bytes: bytes) -> list[Assertion]:
    """Every failed assertion of both rule sets (CEN EN 16931 and Peppol) for the document."""
    return get_validator().validate(xml_bytes)
