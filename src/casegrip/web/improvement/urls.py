from django.urls import path

from . import committee_views, views

app_name = "improvement"
urlpatterns = [
    path("", views.index, name="index"),
    path("committee/", committee_views.committee, name="committee"),
    path("committee/report.pdf", committee_views.committee_pdf, name="committee_pdf"),
    path("committee/report.docx", committee_views.committee_docx, name="committee_docx"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/import/", views.plan_import, name="plan_import"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/status/", views.plan_status, name="plan_status"),
    path("plans/<int:pk>/board/", views.board, name="board"),
    path(
        "plans/<int:pk>/recommendations/new/",
        views.recommendation_new,
        name="recommendation_new",
    ),
    path("recommendations/<int:pk>/", views.recommendation, name="recommendation"),
    path("recommendations/<int:pk>/edit/", views.recommendation_edit, name="recommendation_edit"),
    path("recommendations/<int:pk>/actions/new/", views.action_new, name="action_new"),
    path("actions/<int:pk>/", views.action, name="action"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
]
