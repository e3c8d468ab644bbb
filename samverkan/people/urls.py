from django.http import HttpResponse
from django.urls import path

app_name = "people"
urlpatterns = [path("", lambda request: HttpResponse("…"), name="index")]
