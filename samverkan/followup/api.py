"""JSON API of the followup app (mounted at /api/ by samverkan.api.main)."""

from ninja import Router

router = Router(tags=["Uppföljning och revisionssimulering"])
