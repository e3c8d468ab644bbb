from django.urls import path

from samverkan.web import views

app_name = "web"
urlpatterns = [
    path("", views.start, name="start"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
]
