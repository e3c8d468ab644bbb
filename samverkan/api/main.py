"""The one NinjaAPI, mounted at /api/. Routers of other apps are listed in ROUTERS.

Each app keeps its router in `<app>/api.py` as `router = Router(...)`; add one line here,
e.g. `("/guide", "samverkan.guide.api.router")`. Every route requires authentication
(token or session) unless the router or operation says `auth=None` (public data only).
"""

from __future__ import annotations

from samverkan.api import me, tokens
from samverkan.api.auth import API_AUTH
from samverkan.api.errors import LimitedParser, install_error_handlers
from samverkan.api.openapi import SamverkanAPI

# The decisions router comes first: it carries most of the traffic (integrations), and Django
# tries URL patterns in order.
FIRST: tuple[str, str] = ("/decisions", "samverkan.guide.api.router")
ROUTERS: list[tuple[str, str]] = [
    ("", "samverkan.library.api.router"),  # /agreements and /clauses
    ("/persons", "samverkan.people.api.router"),
    ("/persons", "samverkan.people.api_protection.router"),  # protected identity, spärr
    ("/sips", "samverkan.sip.api.router"),
    ("/discharge", "samverkan.discharge.api.router"),
    ("/purchases", "samverkan.purchases.api.router"),
    ("/deviations", "samverkan.deviations.api.router"),
    ("/deviations", "samverkan.agreements.api.router"),  # lifecycle: its paths as before
    ("/followup", "samverkan.followup.api.router"),
    ("/logcontrol", "samverkan.logcontrol.api.router"),
]

api = SamverkanAPI(
    title="Samverkan API",
    version="1",
    description="Samverkansavtal mellan region och kommun. Felformat: se ErrorResponse.",
    urls_namespace="api",
    docs_url="/docs",
    auth=API_AUTH,
    parser=LimitedParser(),
)
install_error_handlers(api)
api.add_router(*FIRST)
api.add_router("", me.router)
api.add_router("/tokens", tokens.router)
for prefix, router_path in ROUTERS:
    api.add_router(prefix, router_path)
