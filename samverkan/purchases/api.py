"""JSON API of the purchases app (mounted at /api/ by samverkan.api.main)."""

from ninja import Router

router = Router(tags=["Tjänsteköp och fakturering"])
