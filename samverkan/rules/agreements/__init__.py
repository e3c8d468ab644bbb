"""Every agreement version Samverkan knows, one module each (see declarations.py).

Each module declares its rules in the order of its agreement's clauses
(tests/rules/test_clause_order.py). No order here or there decides anything: precedence is
explicit (labels, overrides, fallbacks), and which of two agreeing rules a reason names is
``ruleset.report_key`` (the more specific condition, then the id).
"""

from __future__ import annotations

from samverkan.rules.agreements import (
    gvb_svart_sjuka,
    jh_hemsjukvard,
    jh_primarvard_kommun,
    jh_psykisk,
)
from samverkan.rules.declarations import AgreementVersion

ALL_VERSIONS: tuple[AgreementVersion, ...] = (
    jh_hemsjukvard.VERSION,
    jh_primarvard_kommun.VERSION,
    jh_psykisk.VERSION,
    gvb_svart_sjuka.VERSION,
)
