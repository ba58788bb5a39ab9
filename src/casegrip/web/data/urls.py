from django.urls import path

from . import returns, views

app_name = "data"
urlpatterns = [
    path("", views.index, name="index"),
    path("quality/", views.quality, name="quality"),
    path("quality.csv", views.quality_csv, name="quality_csv"),
    path("imports/", views.start_import, name="start_import"),
    path("imports/<int:pk>/", views.import_job, name="import_job"),
    path("imports/<int:pk>/status/", views.import_job_status, name="import_job_status"),
    path("returns/", returns.index, name="returns"),
    path("returns/build/", returns.build, name="return_build"),
    path("returns/check/", returns.check, name="return_check_new"),
    path("returns/checks/<int:pk>/", returns.check_page, name="return_check"),
    path("returns/checks/<int:pk>/<str:what>.csv", returns.check_csv, name="return_check_csv"),
]
