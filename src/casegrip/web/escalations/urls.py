from django.urls import path

from . import views

app_name = "escalations"
urlpatterns = [
    path("", views.index, name="index"),
    path("escalations.csv", views.export, name="export"),
    path("new/", views.new, name="new"),
    path("report/", views.report, name="report"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:step>/", views.act, name="act"),
]
