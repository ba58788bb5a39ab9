from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "casegrip.web.improvement"
    label = "improvement"
