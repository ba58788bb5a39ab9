from django.urls import path

from . import views

app_name = "dev"
urlpatterns = [path("components/", views.components, name="components")]
