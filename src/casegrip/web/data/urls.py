from django.urls import path

from . import views

app_name = "data"
urlpatterns = [
    path("", views.index, name="index"),
    path("quality/", views.quality, name="quality"),
    path("quality.csv", views.quality_csv, name="quality_csv"),
]
