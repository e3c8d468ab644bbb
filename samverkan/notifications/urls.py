from django.urls import path

from samverkan.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.open_view, name="open"),
    path("installningar/", views.preferences, name="preferences"),
]
