"""JSON API of the guide app (mounted at /api/ by samverkan.api.main)."""

from ninja import Router

router = Router(tags=["Ansvarsguiden"])
