"""The agreements' pages keep the addresses they had under /avvikelser/ (config/urls.py
mounts this next to samverkan.deviations.urls), so bookmarks and links keep working."""

from django.urls import path

from samverkan.agreements import revision_views, views

app_name = "agreements"
urlpatterns = [
    path("avtal/", views.agreements, name="agreements"),
    path("avtal/<slug:agreement>/", views.agreement_detail, name="agreement"),
    path("avtal/<slug:agreement>/uppsagning/", views.agreement_notice, name="agreement_notice"),
    path(
        "avtal/<slug:agreement>/uppsagning/<int:pk>/aterkalla/",
        views.notice_withdraw,
        name="notice_withdraw",
    ),
    path(
        "avtal/<slug:agreement>/uppsagning/<int:pk>/ratta/",
        views.notice_correct,
        name="notice_correct",
    ),
    path(
        "avtal/<slug:agreement>/installningar/", views.agreement_settings, name="agreement_settings"
    ),
    path("avtal/<slug:agreement>/revisioner/", revision_views.revisions, name="revisions"),
    path("revisioner/<int:pk>/", revision_views.revision_detail, name="revision"),
    path(
        "revisioner/<int:pk>/andring/<slug:kind>/",
        revision_views.revision_change,
        name="revision_change",
    ),
    path(
        "revisioner/<int:pk>/andring/<int:index>/ta-bort/",
        revision_views.revision_change_remove,
        name="revision_change_remove",
    ),
    path(
        "revisioner/<int:pk>/scenario/", revision_views.revision_scenario, name="revision_scenario"
    ),
    path("revisioner/<int:pk>/underlag/", revision_views.revision_basis, name="revision_basis"),
    path(
        "revisioner/<int:pk>/rekommendera/",
        revision_views.revision_recommend,
        name="revision_recommend",
    ),
    path("revisioner/<int:pk>/anta/", revision_views.revision_adopt, name="revision_adopt"),
    path("lokala/", views.local_agreements, name="local"),
    path("rutiner/", views.routines, name="routines"),
    path("forteckningar/", views.lists, name="lists"),
    path("forteckningar/<int:pk>/", views.list_detail, name="list_detail"),
    path("forteckningar/<int:pk>/innehall/", views.list_items, name="list_items"),
    path("forteckningar/<int:pk>/ledamot/", views.list_member, name="list_member"),
    path("forteckningar/<int:pk>/underteckna/", views.list_sign, name="list_sign"),
    path("forteckningar/<int:pk>/faststall/", views.list_fix, name="list_fix"),
    path("forteckningar/<int:pk>/variation/", views.list_variation, name="list_variation"),
]
