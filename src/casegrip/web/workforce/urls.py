from django.urls import path

from . import views

app_name = "workforce"
urlpatterns = [
    path("", views.index, name="index"),
    path("units/<int:pk>/", views.unit, name="unit"),
    path("workers/<int:pk>/caseload/", views.caseload, name="caseload"),
]
