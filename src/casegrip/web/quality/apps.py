from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "casegrip.web.quality"
    label = "quality"
