from django.urls import path

from . import views

app_name = "escalations"
urlpatterns = [path("", views.index, name="index")]
