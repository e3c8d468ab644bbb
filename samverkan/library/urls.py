from django.urls import path

from samverkan.library import views

app_name = "library"
urlpatterns = [
    path("", views.index, name="index"),
    path("sok", views.search, name="search"),
    path("klausul/", views.clause_lookup, name="clause_lookup"),
    path("klausul/<str:key>", views.clause, name="clause"),
    path("<slug:agreement_id>/", views.agreement, name="agreement"),
    path("<slug:agreement_id>/hela-avtalet/", views.whole_agreement, name="whole"),
]
