"""Every agreement version Samverkan knows, one module each (see declarations.py)."""

from __future__ import annotations

from samverkan.rules.declarations import AgreementVersion

ALL_VERSIONS: tuple[AgreementVersion, ...] = ()
