from django.urls import path

from . import caseloads, views

app_name = "workforce"
urlpatterns = [
    path("", views.index, name="index"),
    path("caseloads/", caseloads.caseloads, name="caseloads"),
    path("caseloads.csv", caseloads.caseloads_csv, name="caseloads_csv"),
    path("units/<int:pk>/", views.unit, name="unit"),
    path("workers/<int:pk>/caseload/", views.caseload, name="caseload"),
]
