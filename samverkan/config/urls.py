"""Root URLconf. Later apps add one `path(...)` each in the marked block."""

from django.contrib import admin
from django.urls import include, path, re_path

from samverkan.api.errors import not_found as api_not_found
from samverkan.api.main import api

urlpatterns = [
    # The API first: its calls are the most frequent, and each include tried before costs.
    path("api/", api.urls),
    re_path(r"^api/(?P<rest>[\s\S]*)$", api_not_found),  # unmatched, wrong-typed, newlines too
    path("", include("samverkan.web.urls")),
    path("accounts/", include("samverkan.accounts.urls")),
    path("audit/", include("samverkan.audit.urls")),
    # --- Later apps, e.g. path("guide/", include("samverkan.guide.urls")), ---
    path("avtal/", include("samverkan.library.urls")),
    path("guide/", include("samverkan.guide.urls")),
    path("personer/", include("samverkan.people.urls")),
    path("sip/", include("samverkan.sip.urls")),
    path("utskrivning/", include("samverkan.discharge.urls")),
    path("tjanstekop/", include("samverkan.purchases.urls")),
    path("avvikelser/", include("samverkan.deviations.urls")),
    path("avvikelser/", include("samverkan.agreements.urls")),  # the same addresses as before
    path("uppfoljning/", include("samverkan.followup.urls")),
    path("loggkontroll/", include("samverkan.logcontrol.urls")),
    path("notiser/", include("samverkan.notifications.urls")),
    # --- end of later apps ---
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
