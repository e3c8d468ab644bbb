"""JSON API of the people app (mounted at /api/ by samverkan.api.main)."""

from ninja import Router

router = Router(tags=["Personer och insatser"])
