from django.urls import path

from . import views

app_name = "risks"
urlpatterns = [
    path("", views.index, name="index"),
    path("heat-map/", views.heat_map, name="heat_map"),
    path("above-appetite/", views.above_appetite, name="above_appetite"),
    path("overdue-reviews/", views.overdue, name="overdue"),
    path("new/", views.new, name="new"),
    path("registers/new/", views.new_register, name="new_register"),
    path("<int:pk>/", views.detail, name="risk"),
    path("<int:pk>/rescore/", views.rescore, name="rescore"),
    path("<int:pk>/edit/", views.edit, name="edit"),
]
