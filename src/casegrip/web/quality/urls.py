from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("", views.index, name="index"),
    path("programmes/", views.programmes, name="programmes"),
    path("programmes/new/", views.programme_new, name="programme_new"),
    path("programmes/<int:pk>/", views.programme, name="programme"),
    path("audits/<int:pk>/", views.audit, name="audit"),
    path("audits/<int:pk>/save/", views.audit_save, name="audit_save"),
    path("audits/<int:pk>/change/", views.audit_change, name="audit_change"),
    path("moderation/", views.moderation_queue, name="moderation_queue"),
    path("moderation/<int:pk>/", views.moderation, name="moderation"),
    path("actions/", views.action_list, name="actions"),
    path("actions/<int:pk>/", views.action, name="action"),
    path("concerns/<int:pk>/", views.concern, name="concern"),
    path("report/", views.report, name="report"),
    path("report/pdf/", views.report_pdf, name="report_pdf"),
    path("tools/", views.tools, name="tools"),
    path("tools/<int:pk>/", views.tool, name="tool"),
]
