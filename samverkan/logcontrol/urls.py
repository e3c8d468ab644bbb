from django.urls import path

from samverkan.logcontrol import views

app_name = "logcontrol"
urlpatterns = [
    path("", views.events, name="events"),
    path("utdrag/", views.export, name="export"),
    path("kontroller/", views.checks, name="checks"),
    path("kontroller/stickprov/", views.open_sample, name="open_sample"),
    path("kontroller/misstanke/", views.open_suspicion, name="open_suspicion"),
    path("kontroller/<int:check_id>/", views.check, name="check"),
    path("kontroller/<int:check_id>/punkter/<int:item_id>/", views.review_item, name="review"),
    path("kontroller/<int:check_id>/avsluta/", views.close_check, name="close"),
]
