"""JSON API of the deviations app (mounted at /api/ by samverkan.api.main)."""

from ninja import Router

router = Router(tags=["Avvikelser, tvister och avtalsförvaltning"])
