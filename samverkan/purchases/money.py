"""Moved to :mod:`samverkan.core.money` (money is not the purchases app's alone).

Kept only for importers not yet changed (``deviations.disputes``); import from core.
"""

from samverkan.core.money import *  # noqa: F403
from samverkan.core.money import __all__  # noqa: F401
