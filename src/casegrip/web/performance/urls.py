from django.urls import path

from . import clinic, views, weekly

app_name = "performance"
urlpatterns = [
    path("", views.index, name="index"),
    path("weekly/", weekly.weekly, name="weekly"),
    path("clinic/", clinic.clinic, name="clinic"),
    path("clinic.pdf", clinic.clinic_pdf, name="clinic_pdf"),
    path("clinic/actions/", clinic.add_action, name="clinic_add_action"),
    path("clinic/actions/<int:pk>/", clinic.update_action, name="clinic_update_action"),
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
