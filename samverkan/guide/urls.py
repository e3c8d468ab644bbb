from django.urls import path

from samverkan.guide import views

app_name = "guide"
urlpatterns = [
    path("", views.index, name="index"),
    path("pdf", views.pdf, name="pdf"),
]
