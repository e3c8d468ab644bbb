"""JSON API of the deviations room, mounted at /api/deviations by samverkan.api.main: one
router module per sub-domain, each with its schemas in `samverkan.deviations.schemas`.

- `deviations.py`: deviations and complaints, the forum follow-up (/api/deviations…);
- `disputes.py`: disputes (/api/deviations/disputes…).

The agreements' lifecycle (/api/deviations/agreements, /local-agreements, /routines, /lists
…) keeps its paths but is the agreements room's router (`samverkan.agreements.api`), mounted
at the same prefix. Errors use the project's shape (samverkan.api.errors); a refusal is 403,
something not visible 404, a rule or validation error 422 with the field.
"""

from __future__ import annotations

from samverkan.deviations.api import deviations, disputes

router = deviations.router
router.add_router("/disputes", disputes.router)
