from django.urls import path

from . import views, weekly

app_name = "performance"
urlpatterns = [
    path("", views.index, name="index"),
    path("weekly/", weekly.weekly, name="weekly"),
    path("weekly.<str:fmt>", weekly.weekly_export, name="weekly_export"),
    path("indicators/<slug:measure_id>/", views.indicator, name="indicator"),
    path(
        "indicators/<slug:measure_id>.<str:fmt>",
        views.indicator_export,
        name="indicator_export",
    ),
    path("indicators/<slug:measure_id>/children/", views.children, name="children"),
    path(
        "indicators/<slug:measure_id>/children.<str:fmt>",
        views.children_export,
        name="children_export",
    ),
]
