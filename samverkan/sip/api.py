"""JSON API of the sip app (mounted at /api/ by samverkan.api.main)."""

from ninja import Router

router = Router(tags=["SIP och egenvård"])
