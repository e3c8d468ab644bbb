from django.urls import path

from samverkan.deviations import views

app_name = "deviations"
urlpatterns = [
    path("", views.index, name="index"),
    path("ny/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.change_status, name="status"),
    path("kontakt/<int:pk>/", views.contact_done, name="contact_done"),
    path("uppfoljning/", views.followup, name="followup"),
    path("tvister/", views.dispute_list, name="disputes"),
    path("tvister/ny/", views.dispute_new, name="dispute_new"),
    path("tvister/<int:pk>/", views.dispute_detail, name="dispute"),
    path("tvister/<int:pk>/lyft/", views.dispute_escalate, name="dispute_escalate"),
    path("tvister/<int:pk>/kostnad/", views.dispute_cost, name="dispute_cost"),
    path("tvister/<int:pk>/beslut/", views.dispute_decision, name="dispute_decision"),
    path("avtal/", views.agreements, name="agreements"),
    path("avtal/<slug:agreement>/", views.agreement_detail, name="agreement"),
    path("avtal/<slug:agreement>/uppsagning/", views.agreement_notice, name="agreement_notice"),
    path(
        "avtal/<slug:agreement>/installningar/", views.agreement_settings, name="agreement_settings"
    ),
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
