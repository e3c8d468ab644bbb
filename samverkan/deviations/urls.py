from django.urls import path

from samverkan.deviations import views

app_name = "deviations"
# The agreements' lifecycle pages (avtal/, lokala/, rutiner/, forteckningar/) keep their
# addresses under /avvikelser/ but belong to samverkan.agreements (its urls.py).
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
]
