from django.urls import path

from . import caseloads, supervision_views, views

app_name = "workforce"
urlpatterns = [
    path("", views.index, name="index"),
    path("caseloads/", caseloads.caseloads, name="caseloads"),
    path("caseloads.csv", caseloads.caseloads_csv, name="caseloads_csv"),
    path("units/<int:pk>/", views.unit, name="unit"),
    path("workers/<int:pk>/caseload/", views.caseload, name="caseload"),
    path("supervision/", supervision_views.index, name="supervision"),
    path("supervision.csv", supervision_views.export, name="supervision_csv"),
    path("supervision/mine/", supervision_views.mine, name="supervision_mine"),
    path("supervision/record/", supervision_views.record, name="supervision_record"),
    path("supervision/workers/<int:pk>/", supervision_views.worker, name="supervision_worker"),
    path(
        "supervision/workers/<int:pk>/asye/",
        supervision_views.asye_start,
        name="supervision_asye",
    ),
    path(
        "supervision/workers/<int:pk>/bring-in/<str:ref>/",
        supervision_views.bring_in,
        name="supervision_bring_in",
    ),
    path("supervision/sessions/<int:pk>/", supervision_views.session, name="supervision_session"),
    path(
        "supervision/sessions/<int:pk>/<slug:step>/",
        supervision_views.act,
        name="supervision_act",
    ),
]
