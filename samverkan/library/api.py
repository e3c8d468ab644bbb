"""JSON API of the library app (mounted at /api/ by samverkan.api.main)."""

from ninja import Router

router = Router(tags=["Avtalsbiblioteket"])
