from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "casegrip.web.performance"
    label = "performance"
