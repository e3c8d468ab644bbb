"""Every agreement version Samverkan knows, one module each (see declarations.py).

The order is fixed (it only decides which rule a reason names when two agree): the
home-care agreement, its Bilaga 2, the psychiatric agreement, then Gävleborg.
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
